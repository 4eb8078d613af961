"""Helpers shared by every command: dry runs unless --commit, and readable errors."""

from __future__ import annotations

from typing import NoReturn

import click

from commsplan.errors import DomainError
from commsplan.extensions import db


def commit_or_roll_back(commit: bool) -> None:
    """Data-changing commands only save with --commit, and always say which happened."""
    if commit:
        db.session.commit()
        click.echo("Saved.")
    else:
        db.session.rollback()
        click.echo("Dry run: nothing was saved. Run again with --commit to save.")


def exit_with_errors(error: DomainError) -> NoReturn:
    for field, messages in (error.field_errors or {"": [error.message]}).items():
        for message in messages:
            click.echo(f"Error{f' in {field}' if field else ''}: {message}", err=True)
    raise SystemExit(1)
