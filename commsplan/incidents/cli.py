"""`flask incidents verify-log`: check that no decision log has been changed behind the app's back."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from commsplan.db import current_session
from commsplan.incidents.decisions import verify_chain
from commsplan.incidents.models import Incident

incidents_cli = AppGroup("incidents", help="Incidents launched from playbooks.")


@incidents_cli.command("verify-log")
@click.option("--incident", "reference", help="Check one incident, by reference (like CI-2026-0001).")
def verify_log(reference: str | None) -> None:
    """Recompute every decision-log hash; name each broken entry and exit 1 if there is one."""
    session = current_session()
    incident_id = None
    if reference:
        incident_id = session.scalar(select(Incident.id).where(Incident.reference == reference))
        if incident_id is None:
            raise click.ClickException(f"No incident {reference}")
    checked = verify_chain(session, incident_id)
    for problem in checked.problems:
        click.echo(f"Broken: {problem}", err=True)
    if checked.problems:
        click.echo(f"{len(checked.problems)} problem(s) found in {checked.entries} decision-log entries.",
                   err=True)
        raise SystemExit(1)
    click.echo(f"Decision logs intact: {checked.entries} entries in {checked.incidents} incidents.")
