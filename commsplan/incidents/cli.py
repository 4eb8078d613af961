"""`flask incidents verify-log` and `sign-legacy`: check that no decision log has been changed behind
the app's back, and sign the entries logged before signing began."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from commsplan.db import current_session
from commsplan.incidents import decision_checks
from commsplan.incidents.decision_chain import current_log_settings
from commsplan.incidents.models import Incident
from commsplan.timeutil import utcnow

incidents_cli = AppGroup("incidents", help="Incidents launched from playbooks.")
INCIDENT_HELP = "Only this incident, by reference (like CI-2026-0001)."


def incident_id_of(reference: str | None) -> int | None:
    if not reference:
        return None
    found = current_session().scalar(select(Incident.id).where(Incident.reference == reference))
    if found is None:
        raise click.ClickException(f"No incident {reference}")
    return found


@incidents_cli.command("verify-log")
@click.option("--incident", "reference", help=INCIDENT_HELP)
@click.option("--checkpoint", "typed", multiple=True, metavar="REFERENCE:ENTRIES:HEAD",
              help="A chain head from a report or an email, like CI-2026-0001:7:3f2a9c1b5e7d0a42; "
                   "give it again to check several.")
def verify_log(reference: str | None, typed: tuple[str, ...]) -> None:
    """Check every decision-log signature, hash and link, and each log against its checkpoints and the
    audit trail; name each broken entry and exit 1 if there is one."""
    incident_id = incident_id_of(reference)
    settings = current_log_settings()
    try:
        given = decision_checks.typed_checkpoints(current_session(), typed)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--checkpoint") from None
    if reference and any(checkpoint.reference != reference for checkpoint in given):
        raise click.BadParameter(f"Give checkpoints of {reference} only, or leave out --incident",
                                 param_hint="--checkpoint")
    checked = decision_checks.verify_chain(current_session(), incident_id, settings=settings, given=given)
    for problem in checked.problems:
        click.echo(f"Broken: {problem}", err=True)
    for unanchored in checked.unanchored:
        click.echo(f"Warning: {unanchored} has no checkpoint in {settings.checkpoint_file}, so removing its "
                   "newest entries would show only in the audit trail.", err=True)
    if checked.problems:
        click.echo(f"{len(checked.problems)} problem(s) found in {checked.entries} decision-log entries.",
                   err=True)
        raise SystemExit(1)
    click.echo(f"Decision logs intact: {checked.entries} entries in {checked.incidents} incidents.")
    click.echo(f"Compared with {checked.checkpoints} checkpoint(s) and the audit trail.")


@incidents_cli.command("sign-legacy")
@click.option("--incident", "reference", help=INCIDENT_HELP)
@click.option("--commit", is_flag=True, help="Save the signatures; without it nothing is changed.")
def sign_legacy(reference: str | None, commit: bool) -> None:
    """Sign the decision-log entries logged before signing began, in logs whose hashes, links and
    sequence check out; name the logs that do not, and exit 1 if there is one."""
    session = current_session()
    results = decision_checks.sign_legacy(session, incident_id=incident_id_of(reference),
                                          settings=current_log_settings(), now=utcnow())
    for result in results:
        if result.refused:
            click.echo(f"Not signed: {result.reference} has other problems to look into first:", err=True)
            for problem in result.refused:
                click.echo(f"  {problem}", err=True)
        else:
            click.echo(f"{result.reference}: {'signed' if commit else 'would sign'} "
                       f"{len(result.signed)} entr{'y' if len(result.signed) == 1 else 'ies'}.")
    if not results:
        click.echo("No unsigned entries.")
    if commit:
        session.commit()
    else:
        session.rollback()
        if any(result.signed for result in results):
            click.echo("Dry run: nothing was signed. Run again with --commit to sign.")
    if any(result.refused for result in results):
        raise SystemExit(1)
