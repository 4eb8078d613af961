"""`flask reference seed`: add the strategy's violence elements, qualifiers and units."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from commsplan.cli import commit_or_roll_back
from commsplan.db import current_session
from commsplan.reference.seed import seed_reference
from commsplan.timeutil import utcnow

reference_cli = AppGroup("reference", help="Reference data.")


@reference_cli.command("seed")
@click.option("--commit", is_flag=True, help="Save; without it nothing is saved.")
def seed(commit: bool) -> None:
    """Add any missing violence elements, qualifiers and business units; never changes others."""
    added = seed_reference(current_session(), actor=None, now=utcnow())
    click.echo(f"Reference data: {len(added)} records to add." if added
               else "Reference data: up to date.")
    commit_or_roll_back(commit)
