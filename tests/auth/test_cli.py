"""`flask users create`: dry run by default, saves with --commit, clear errors for bad input."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role, User
from commsplan.auth.passwords import password_matches
from commsplan.extensions import db
from tests.factories import PASSWORD, make_user


def create(runner: FlaskCliRunner, *extra: str, email: str = "Cli.Person@Example.test",
           password: str = PASSWORD, roles: tuple[str, ...] = ("comms_officer", "approver")) -> Any:
    args = ["users", "create", "--email", email, "--name", "Cli Person", "--password", password]
    for role in roles:
        args += ["--role", role]
    return runner.invoke(args=[*args, *extra])


def count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_dry_run_saves_nothing_and_says_so(runner: FlaskCliRunner, session: Session) -> None:
    result = create(runner)

    assert result.exit_code == 0, result.output
    assert "Account for Cli Person <cli.person@example.test> with roles: Comms officer, Approver." in (
        result.output)
    assert "Dry run: nothing was saved. Run again with --commit to save." in result.output
    assert "Saved." not in result.output
    db.session.remove()
    assert count(session, User) == 0
    assert count(session, AuditEntry) == 0


def test_commit_saves_the_account_and_says_so(runner: FlaskCliRunner, session: Session) -> None:
    result = create(runner, "--commit")

    assert result.exit_code == 0, result.output
    assert "Account for Cli Person <cli.person@example.test> with roles: Comms officer, Approver." in (
        result.output)
    assert "Saved." in result.output and "Dry run" not in result.output
    db.session.remove()  # read back through a fresh session: the row must really be committed
    user = session.scalars(select(User)).one()
    assert user.email == "cli.person@example.test"
    assert user.roles == {Role.COMMS_OFFICER, Role.APPROVER}
    assert user.is_active
    assert password_matches(user.password_hash, PASSWORD)
    entry = session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.actor_name, entry.object_id) == ("create", "System", str(user.id))


@pytest.mark.parametrize(("options", "message"), [
    ({"email": "not-an-email"},
     "Error in email: Enter an email address in the correct format, like name@example.org"),
    ({"password": "short"}, "Error in password: Password must be 12 characters or more"),
    ({"password": "aaaaaaaaaaaaaaaa"}, "Error in password: Choose a password that is harder to guess."),
    ({"email": "taken@example.test"}, "Error in email: Someone already has an account with this email"),
])
def test_invalid_input_exits_non_zero_with_a_clear_message_and_saves_nothing(
    runner: FlaskCliRunner, session: Session, now: datetime, options: dict[str, str], message: str
) -> None:
    make_user(session, email="taken@example.test", now=now)
    session.commit()

    result = create(runner, "--commit", email=options.get("email", "cli.person@example.test"),
                    password=options.get("password", PASSWORD))

    assert result.exit_code == 1
    assert message in result.stderr
    assert "Saved." not in result.output
    db.session.remove()
    assert count(session, User) == 1
    assert count(session, AuditEntry) == 1


def test_an_unknown_role_is_refused_before_anything_happens(
    runner: FlaskCliRunner, session: Session
) -> None:
    result = create(runner, "--commit", roles=("viewer", "overlord"))

    assert result.exit_code == 2
    assert "'overlord' is not one of" in result.output
    db.session.remove()
    assert count(session, User) == 0


def test_a_role_is_required(runner: FlaskCliRunner, session: Session) -> None:
    result = create(runner, "--commit", roles=())

    assert result.exit_code == 2
    assert "Missing option '--role'" in result.output
    assert count(session, User) == 0
