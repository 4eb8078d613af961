"""`flask demo …`: load demo data and list the demo accounts."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from commsplan.auth.models import sorted_roles
from commsplan.cli import commit_or_roll_back
from commsplan.db import current_session
from commsplan.demo.files import demo_accounts, demo_password
from commsplan.demo.service import has_data, load_demo
from commsplan.timeutil import utcnow

demo_cli = AppGroup("demo", help="Demo data for trying Commsplan out.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has accounts.")
@click.option("--commit", is_flag=True, help="Save; without it nothing is saved.")
def load(if_empty: bool, commit: bool) -> None:
    """Add demo accounts and the strategy's reference data (only what is missing)."""
    if if_empty and has_data(current_session()):
        click.echo("The database already has data; demo data not loaded.")
        return
    added = load_demo(current_session(), now=utcnow())
    click.echo(f"Demo data: {len(added)} records to add." if added else "Demo data: up to date.")
    for line in added[:12]:
        click.echo(f"  + {line}")
    if len(added) > 12:
        click.echo(f"  … and {len(added) - 12} more")
    commit_or_roll_back(commit)


@demo_cli.command("accounts")
def show_accounts() -> None:
    """Print the demo accounts (one per role, and Gold for the demo incidents) and their password."""
    click.echo(f"Demo accounts (password for each: {demo_password()}):")
    for account in demo_accounts():
        roles = ", ".join(role.label for role in sorted_roles(set(account.roles)))
        click.echo(f"  {account.email:<28} {roles}")
