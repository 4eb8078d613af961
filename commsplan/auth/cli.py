"""`flask users …`: create an account from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from commsplan.auth import service
from commsplan.auth.models import Role
from commsplan.cli import commit_or_roll_back, exit_with_errors
from commsplan.db import current_session
from commsplan.errors import ValidationError
from commsplan.extensions import db
from commsplan.timeutil import utcnow

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice([role.value for role in Role]), help="Repeat for several roles.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              envvar="COMMSPLAN_NEW_USER_PASSWORD")
@click.option("--commit", is_flag=True, help="Save the account; without it nothing is saved.")
def create_user(email: str, name: str, roles: tuple[str, ...], password: str,
                commit: bool) -> None:
    """Create an active account with a password."""
    try:
        user = service.create_user(current_session(), email=email, name=name,
                                   roles={Role(role) for role in roles}, password=password,
                                   actor=None, now=utcnow())
    except ValidationError as error:
        db.session.rollback()
        exit_with_errors(error)
    click.echo(f"Account for {user.name} <{user.email}> with roles: {user.roles_text}.")
    commit_or_roll_back(commit)
