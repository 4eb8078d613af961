"""`flask backup PATH` and `flask restore PATH --commit`: SQLite's online backup, and putting one back."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from commsplan import backup
from commsplan.cli import exit_with_errors
from commsplan.extensions import db

PATH = click.Path(dir_okay=False, path_type=Path)


def database_url() -> str:
    return str(current_app.config["SQLALCHEMY_DATABASE_URI"])


@click.command("backup")
@click.argument("path", type=PATH)
def backup_command(path: Path) -> None:
    """Copy the SQLite database to a new file PATH while the app keeps running."""
    try:
        made = backup.back_up(database_url(), path)
    except backup.BackupRefused as error:
        exit_with_errors(error)
    click.echo(f"Backed up to {made.path}: {made.bytes / 1_000_000:.1f} MB in {made.seconds:.2f} s.")
    click.echo(f"Keep {current_app.config['DECISION_LOG_CHECKPOINT_FILE']} safe too: it anchors the "
               "decision logs and is not in the database.")


@click.command("restore")
@click.argument("path", type=PATH)
@click.option("--commit", is_flag=True, help="Replace the database; without it the backup is only checked.")
def restore_command(path: Path, commit: bool) -> None:
    """Replace the SQLite database with the backup PATH, once it is checked to be a Commsplan database
    at the current migration. Stop the app and the scheduler first."""
    try:
        backup.sqlite_file(database_url())
        checked = backup.check_backup(path)
        click.echo(f"{path}: a Commsplan database at migration {checked.revision}, {checked.users} "
                   f"accounts, {checked.bytes / 1_000_000:.1f} MB.")
        if not commit:
            click.echo("Dry run: nothing was replaced. Run again with --commit to replace the database.")
            return
        db.session.remove()
        db.engine.dispose()  # this process holds no connection to the file while it is replaced
        seconds = backup.restore(database_url(), path)
    except backup.BackupRefused as error:
        exit_with_errors(error)
    click.echo(f"Restored from {path} in {seconds:.2f} s. Check the decision logs: "
               "flask --app wsgi incidents verify-log")
