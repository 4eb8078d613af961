"""`flask playbooks check` and `flask playbooks list`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from commsplan.db import current_session
from commsplan.playbooks.library import folder, known_codes, playbook_files, read_folder

playbooks_cli = AppGroup("playbooks", help="Playbooks: model responses to critical incidents.")


@playbooks_cli.command("check")
@click.option("--folder", "path", type=click.Path(file_okay=False, path_type=Path),
              help="Check this folder instead of the configured one.")
def check(path: Path | None) -> None:
    """Check every playbook file; name the file, line and field of each problem; exit 1 if any."""
    target = path or folder()
    if not target.is_dir():
        raise click.ClickException(f"{target} is not a folder")
    elements, qualifiers = known_codes(current_session())
    library = read_folder(target, elements=elements, qualifiers=qualifiers)
    for problem in library.problems():
        click.echo(str(problem), err=True)
    total = len(playbook_files(target))
    click.echo(f"{total} playbook files in {target}: {len(library.playbooks)} valid, "
               f"{len(library.invalid)} with problems ({len(library.problems())} problems).")
    if library.invalid or not total:
        raise SystemExit(1)


@playbooks_cli.command("list")
def list_playbooks() -> None:
    """List the valid playbooks with their version, steps and statements."""
    elements, qualifiers = known_codes(current_session())
    library = read_folder(folder(), elements=elements, qualifiers=qualifiers)
    for playbook in library.ordered():
        click.echo(f"{playbook.id} v{playbook.version}: {playbook.title} "
                   f"({len(playbook.steps)} steps, {len(playbook.statements)} statements)")
