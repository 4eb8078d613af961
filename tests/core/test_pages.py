"""Error pages, the home page and the demo data command."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role, User
from commsplan.demo.files import demo_accounts
from commsplan.reference.models import BusinessUnit, ViolenceElement
from commsplan.web import PUBLIC_ENDPOINTS
from tests.conftest import count_queries
from tests.factories import make_element, make_user


def test_unknown_page_shows_the_404_page(client: FlaskClient, signed_in: Callable[..., User]) -> None:
    signed_in(Role.VIEWER)
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "<title>Page not found – Commsplan</title>" in response.text


def test_forbidden_page_explains_roles(client: FlaskClient, signed_in: Callable[..., User]) -> None:
    signed_in(Role.VIEWER)
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.text


def test_unexpected_errors_show_the_500_page_and_json(make_app: Callable[..., Flask]) -> None:
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("kaboom")

    @app.get("/api/v1/boom")
    def api_boom() -> str:
        raise RuntimeError("kaboom")

    PUBLIC_ENDPOINTS.update({"boom", "api_boom"})
    try:
        client = app.test_client()
        page = client.get("/boom")
        assert page.status_code == 500
        assert "Sorry, there is a problem with the service" in page.text
        assert "kaboom" not in page.text
        api = client.get("/api/v1/boom")
        assert api.status_code == 500
        assert api.mimetype == "application/problem+json"
        assert api.json == {"type": "about:blank", "title": "Internal Server Error", "status": 500,
                            "detail": "Something went wrong; the error has been logged"}
    finally:
        PUBLIC_ENDPOINTS.difference_update({"boom", "api_boom"})


def test_home_shows_roles_and_recent_changes(
    client: FlaskClient, signed_in: Callable[..., User], session: Session, now: datetime
) -> None:
    make_element(session, now=now, name="Knife crime awareness")
    session.commit()
    signed_in(Role.COMMS_OFFICER, Role.APPROVER)
    page = client.get("/").text
    assert "Comms officer" in page and "Approver" in page
    assert "Knife crime awareness" in page


def test_home_hides_account_changes_from_non_admins(
    client: FlaskClient, signed_in: Callable[..., User], session: Session, now: datetime
) -> None:
    make_user(session, name="Secret Newcomer", now=now - timedelta(minutes=5))
    session.commit()
    signed_in(Role.VIEWER)
    assert "Secret Newcomer" not in client.get("/").text


def test_home_issues_the_same_queries_whatever_the_history(
    client: FlaskClient, signed_in: Callable[..., User], session: Session, now: datetime
) -> None:
    signed_in(Role.ADMIN)

    def queries_for_home() -> int:
        with count_queries() as counter:
            assert client.get("/").status_code == 200
        return counter.count

    make_element(session, now=now)
    session.commit()
    few = queries_for_home()
    for _ in range(30):
        make_element(session, now=now)
    session.commit()
    assert queries_for_home() == few


def test_demo_load_is_a_dry_run_without_commit(runner: FlaskCliRunner, session: Session) -> None:
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0
    assert "Dry run: nothing was saved" in result.output
    assert session.scalar(select(func.count(User.id))) == 0


def test_demo_load_adds_accounts_and_reference_data_once(runner: FlaskCliRunner, session: Session) -> None:
    first = runner.invoke(args=["demo", "load", "--commit"])
    assert first.exit_code == 0 and "Saved." in first.output
    assert session.scalar(select(func.count(User.id))) == len(demo_accounts())
    assert session.scalar(select(func.count(ViolenceElement.id))) == 7
    assert session.scalar(select(func.count(BusinessUnit.id))) >= 39
    audit_rows = session.scalar(select(func.count(AuditEntry.id)))
    again = runner.invoke(args=["demo", "load", "--if-empty", "--commit"])
    assert "already has data" in again.output
    assert session.scalar(select(func.count(AuditEntry.id))) == audit_rows
    accounts = runner.invoke(args=["demo", "accounts"])
    for account in demo_accounts():
        assert account.email in accounts.output
