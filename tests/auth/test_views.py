"""Sign-in, own password, invitations and the admin pages for people and tokens, through the client."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audit.models import AuditEntry
from commsplan.auth import service
from commsplan.auth.models import ApiToken, Role, User
from commsplan.auth.passwords import password_matches
from commsplan.extensions import db
from tests.conftest import count_queries, csrf_token, sign_in
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a different long passphrase"
SignedIn = Callable[..., User]


def title(html: str) -> str:
    match = re.search(r"<title[^>]*>(.*?)</title>", html, re.S)
    assert match, "page has no title"
    return match.group(1).strip()


def error_summary(html: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert match, "page has no error summary"
    return match.group(0)


def shows_error(html: str, message: str) -> bool:
    return str(escape(message)) in error_summary(html)


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def signed_in_as(client: FlaskClient) -> bool:
    """Whether the client's session belongs to someone: the start page needs sign-in."""
    return client.get("/").status_code == 200


@pytest.fixture
def person(session: Session, now: datetime) -> User:
    user = make_user(session, roles=[Role.COMMS_OFFICER], email="pat@example.test", name="Pat Person",
                     now=now)
    session.commit()
    return user


# signing in and out


def test_login_page_renders(client: FlaskClient) -> None:
    response = client.get("/login")

    assert response.status_code == 200
    assert title(response.text) == "Sign in – Commsplan"
    assert 'name="email"' in response.text and 'name="password"' in response.text
    assert "govuk-error-summary" not in response.text


def test_pages_send_a_signed_out_person_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/admin/users?page=2")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/admin/users?page%3D2"


def test_login_with_the_right_password_goes_home(client: FlaskClient, person: User) -> None:
    response = client.post("/login", data={"email": "PAT@example.test", "password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert signed_in_as(client)


@pytest.mark.parametrize("target", ["/admin/users", "/admin/users?page=2&x=1", "/account"])
def test_login_follows_a_next_path_on_this_site(client: FlaskClient, person: User, target: str) -> None:
    response = client.post("/login", query_string={"next": target},
                           data={"email": person.email, "password": PASSWORD})

    assert response.headers["Location"] == target


@pytest.mark.parametrize("target", [
    "//evil.example", "https://evil.example", "http://evil.example/login", "//evil.example/path",
    "/\\evil.example", "\\\\evil.example", "/\t/evil.example", "/\n/evil.example",
    "javascript:alert(1)", "evil.example", "",
])
def test_login_never_follows_next_to_another_site(client: FlaskClient, person: User, target: str) -> None:
    response = client.post("/login", query_string={"next": target},
                           data={"email": person.email, "password": PASSWORD})

    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/"
    assert urlsplit(location).netloc == ""


def test_login_with_a_wrong_password_shows_an_error(client: FlaskClient, person: User) -> None:
    response = client.post("/login?next=/admin/users",
                           data={"email": person.email, "password": "not the password"})

    assert response.status_code == 200
    assert title(response.text).startswith("Error: ")
    assert shows_error(response.text, "Enter a correct email address and password")
    assert not signed_in_as(client)


def test_login_error_appears_once_in_the_summary(client: FlaskClient, person: User) -> None:
    response = client.post("/login", data={"email": person.email, "password": "not the password"})

    assert error_summary(response.text).count("Enter a correct email address and password") == 1


@pytest.mark.parametrize(("data", "message"), [
    ({"email": "", "password": PASSWORD}, "Enter your email address"),
    ({"email": "pat@example.test", "password": ""}, "Enter your password"),
])
def test_login_with_a_missing_answer_shows_a_field_error(
    client: FlaskClient, person: User, data: dict[str, str], message: str
) -> None:
    response = client.post("/login", data=data)

    assert response.status_code == 200
    assert title(response.text).startswith("Error: ")
    assert shows_error(response.text, message)


def test_login_is_refused_after_too_many_failures(app: Flask, client: FlaskClient, person: User) -> None:
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        client.post("/login", data={"email": person.email, "password": "not the password"})

    response = client.post("/login", data={"email": person.email, "password": PASSWORD})

    assert response.status_code == 200
    assert shows_error(response.text, "Too many failed sign-in attempts. Try again in 15 minutes.")
    assert not signed_in_as(client)


def test_logout_is_post_only(client: FlaskClient, person: User) -> None:
    sign_in(client, person)

    assert client.get("/logout").status_code == 405
    assert signed_in_as(client)

    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert not signed_in_as(client)


def session_cookie(response: Any) -> str:
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return str(cookie)


def test_session_cookie_is_http_only_and_same_site_lax(client: FlaskClient, person: User) -> None:
    response = client.post("/login", data={"email": person.email, "password": PASSWORD})

    cookie = session_cookie(response)
    assert "; HttpOnly" in cookie
    assert "; SameSite=Lax" in cookie


def test_production_sends_the_session_cookie_only_over_https(
    make_app: Callable[..., Flask], now: datetime
) -> None:
    production = make_app(ENV="production", SECRET_KEY="x" * 40, DECISION_LOG_KEYS={"local": "d" * 32})
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["REMEMBER_COOKIE_SECURE"] is True
    with production.app_context():
        email = make_user(db.session(), now=now).email
        db.session.commit()

    response = production.test_client().post("/login", base_url="https://localhost",
                                             data={"email": email, "password": PASSWORD})

    assert response.status_code == 302
    cookie = session_cookie(response)
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "; SameSite=Lax" in cookie


def test_development_does_not_require_https_for_the_cookie(app: Flask) -> None:
    assert app.config["SESSION_COOKIE_SECURE"] is False


# own password


def test_change_password_on_the_account_page(client: FlaskClient, signed_in: SignedIn) -> None:
    user = signed_in(Role.VIEWER)

    page = client.get("/account")
    assert page.status_code == 200
    assert title(page.text) == "Your account – Commsplan"
    assert "Change your password" in page.text
    assert client.get("/account/password").headers["Location"] == "/account"

    response = client.post("/account",
                           data={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    db.session.refresh(user)
    assert password_matches(user.password_hash, NEW_PASSWORD)

    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 200
    sign_in(client, user, NEW_PASSWORD)


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"current_password": "wrong password!", "new_password": NEW_PASSWORD}, "current_password",
     "Your current password is not correct"),
    ({"current_password": PASSWORD, "new_password": "short"}, "new_password",
     "Password must be 12 characters or more"),
    ({"current_password": PASSWORD, "new_password": PASSWORD}, "new_password",
     "Choose a password different from your current one"),
    ({"current_password": PASSWORD, "new_password": "password12345"}, "new_password",
     "Choose a password that is harder to guess."),
    ({"current_password": "", "new_password": NEW_PASSWORD}, "current_password",
     "Enter your current password"),
])
def test_change_password_shows_field_errors(
    client: FlaskClient, signed_in: SignedIn, data: dict[str, str], field: str, message: str
) -> None:
    user = signed_in(Role.VIEWER)

    response = client.post("/account", data=data)

    assert response.status_code == 200
    assert title(response.text).startswith("Error: ")
    assert shows_error(response.text, message)
    assert f'href="#{field}"' in error_summary(response.text)
    db.session.refresh(user)
    assert password_matches(user.password_hash, PASSWORD)


@pytest.mark.parametrize("path", ["/account", "/account/password"])
def test_account_page_needs_sign_in(client: FlaskClient, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# creating and inviting people


def new_user_form(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"email": "new.person@example.test", "name": "New Person",
                              "roles": ["comms_officer", "approver"], "password": PASSWORD}
    return {**values, **overrides}


def test_admin_creates_an_account(admin_client: FlaskClient) -> None:
    assert admin_client.get("/admin/users/new").status_code == 200

    response = admin_client.post("/admin/users/new", data=new_user_form(email="New.Person@Example.test"))

    user = db.session.scalars(select(User).where(User.email == "new.person@example.test")).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert user.roles == {Role.COMMS_OFFICER, Role.APPROVER}
    assert password_matches(user.password_hash, PASSWORD)
    page = admin_client.get(response.headers["Location"])
    assert "Account created for New Person" in page.text


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"email": ""}, "email", "Enter an email address"),
    ({"name": ""}, "name", "Enter the person's name"),
    ({"roles": []}, "roles", "Select at least one role"),
    ({"password": ""}, "password", "Enter an initial password"),
    ({"name": "n" * 121}, "name", "Name must be 120 characters or fewer"),
    ({"email": "not-an-email"}, "email", "Enter an email address in the correct format"),
    ({"email": "a@b"}, "email", "Enter an email address in the correct format"),
    ({"email": "x" * 250 + "@example.test"}, "email", "Email address must be 254 characters or fewer"),
    ({"email": "ADMIN.TAKEN@example.test"}, "email",
     "Someone already has an account with this email address"),
    ({"roles": ["viewer", "superuser"]}, "roles", "Select roles from the list"),
    ({"password": "short"}, "password", "Password must be 12 characters or more"),
    ({"password": "aaaaaaaaaaaaaaaa"}, "password", 'Repeats like "aaa" are easy to guess'),
], ids=["missing-email", "missing-name", "missing-roles", "missing-password", "long-name",
        "malformed-email", "email-without-dot", "long-email", "duplicate-email", "unknown-role",
        "short-password", "guessable-password"])
def test_create_user_form_shows_field_errors_and_writes_nothing(
    client: FlaskClient, signed_in: SignedIn, overrides: dict[str, Any], field: str, message: str
) -> None:
    signed_in(Role.ADMIN, email="admin.taken@example.test")
    before = user_count()
    entries = db.session.scalar(select(func.count()).select_from(AuditEntry))

    response = client.post("/admin/users/new", data=new_user_form(**overrides))

    assert response.status_code == 200
    assert title(response.text).startswith("Error: ")
    assert shows_error(response.text, message)
    assert f'href="#{field}' in error_summary(response.text)
    assert user_count() == before
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == entries


def test_create_user_form_accepts_a_name_of_exactly_120_characters(admin_client: FlaskClient) -> None:
    response = admin_client.post("/admin/users/new", data=new_user_form(name="n" * 120))

    assert response.status_code == 302
    assert db.session.scalar(select(User.name).where(User.email == "new.person@example.test")) == "n" * 120


def invite(client: FlaskClient, **overrides: Any) -> tuple[str, str]:
    """Invite someone through the admin page; return the page and the secret from its link."""
    data = {"email": "ivy@example.test", "name": "Ivy Invited", "roles": ["duty_officer"], **overrides}
    response = client.post("/admin/users/new?invite=1", data=data)
    assert response.status_code == 200, response.text
    match = re.search(r"http://localhost/invitations/(inv_[A-Za-z0-9_-]+)", response.text)
    assert match, "page shows no invitation link"
    return response.text, match.group(1)


def test_admin_invites_someone_and_the_link_is_shown_once(admin_client: FlaskClient) -> None:
    page, secret = invite(admin_client)

    user = db.session.scalars(select(User).where(User.email == "ivy@example.test")).one()
    assert title(page) == "Invitation created – Commsplan"
    assert page.count(secret) == 1
    assert user.is_invited and user.password_hash is None
    assert user.invitation_hash == hashlib.sha256(secret.encode()).hexdigest()
    for later in (f"/admin/users/{user.id}", "/admin/users", "/admin/audit/"):
        assert secret not in admin_client.get(later).text


def test_accepting_an_invitation_sets_the_password_and_signs_in(
    app: Flask, admin_client: FlaskClient
) -> None:
    _, secret = invite(admin_client)
    visitor = app.test_client()

    page = visitor.get(f"/invitations/{secret}")
    assert page.status_code == 200
    assert "Welcome, Ivy Invited" in page.text

    short = visitor.post(f"/invitations/{secret}", data={"password": "short"})
    assert short.status_code == 200
    assert shows_error(short.text, "Password must be 12 characters or more")

    response = visitor.post(f"/invitations/{secret}", data={"password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = visitor.get("/")
    assert home.status_code == 200 and "Ivy Invited" in home.text
    user = db.session.scalars(select(User).where(User.email == "ivy@example.test")).one()
    assert password_matches(user.password_hash, NEW_PASSWORD)

    assert app.test_client().get(f"/invitations/{secret}").status_code == 404


def test_an_invitation_link_with_a_wrong_secret_is_not_found(client: FlaskClient) -> None:
    response = client.get("/invitations/inv_made_up")

    assert response.status_code == 404
    assert "This invitation link is not valid" in response.text


def test_the_invite_form_shows_field_errors(admin_client: FlaskClient) -> None:
    before = user_count()

    response = admin_client.post("/admin/users/new?invite=1",
                                 data={"email": "nope", "name": "", "roles": ["duty_officer"]})

    assert response.status_code == 200
    assert shows_error(response.text, "Enter an email address in the correct format, like name@example.org")
    assert shows_error(response.text, "Enter the person's name")
    assert user_count() == before


# editing, deactivating


def test_admin_edits_roles(admin_client: FlaskClient, person: User) -> None:
    page = admin_client.get(f"/admin/users/{person.id}")
    assert page.status_code == 200 and "Pat Person" in page.text

    response = admin_client.post(f"/admin/users/{person.id}",
                                 data={"name": "Pat Person", "roles": ["approver", "viewer"]})

    assert response.status_code == 302
    db.session.refresh(person)
    assert person.roles == {Role.VIEWER, Role.APPROVER}
    page = admin_client.get(f"/admin/users/{person.id}")
    assert "Changes to Pat Person saved" in page.text
    assert "<del>Comms officer</del> → Viewer, Approver" in page.text


def test_admin_cannot_remove_their_own_admin_role_through_the_page(
    client: FlaskClient, signed_in: SignedIn
) -> None:
    admin = signed_in(Role.ADMIN)

    response = client.post(f"/admin/users/{admin.id}", data={"name": admin.name, "roles": ["viewer"]})

    assert response.status_code == 200
    assert shows_error(response.text, "You cannot remove your own admin role")
    db.session.refresh(admin)
    assert admin.roles == {Role.ADMIN}


def test_edit_user_refuses_an_unknown_role(admin_client: FlaskClient, person: User) -> None:
    response = admin_client.post(f"/admin/users/{person.id}",
                                 data={"name": "Pat Person", "roles": ["root"]})

    assert response.status_code == 200
    assert shows_error(response.text, "Select roles from the list")
    db.session.refresh(person)
    assert person.roles == {Role.COMMS_OFFICER}


def test_show_user_for_a_missing_person_is_not_found(admin_client: FlaskClient) -> None:
    assert admin_client.get("/admin/users/99999").status_code == 404


def test_deactivate_and_reactivate(app: Flask, admin_client: FlaskClient, person: User) -> None:
    their_client = app.test_client()
    sign_in(their_client, person)

    response = admin_client.post(f"/admin/users/{person.id}/active", data={"active": "0"})

    assert response.status_code == 302
    db.session.refresh(person)
    assert not person.is_active
    assert "Pat Person deactivated" in admin_client.get(response.headers["Location"]).text
    assert not signed_in_as(their_client)
    assert their_client.post("/login", data={"email": person.email,
                                             "password": PASSWORD}).status_code == 200

    admin_client.post(f"/admin/users/{person.id}/active", data={"active": "1"})
    db.session.refresh(person)
    assert person.is_active
    sign_in(their_client, person)


def test_admin_cannot_deactivate_themselves(client: FlaskClient, signed_in: SignedIn) -> None:
    admin = signed_in(Role.ADMIN)

    response = client.post(f"/admin/users/{admin.id}/active", data={"active": "0"}, follow_redirects=True)

    assert "You cannot deactivate your own account" in response.text
    db.session.refresh(admin)
    assert admin.is_active


# who may see the admin pages


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/admin/users"),
    ("GET", "/admin/users/new"),
    ("POST", "/admin/users/new"),
    ("GET", "/admin/users/new?invite=1"),
    ("GET", "/admin/users/{id}"),
    ("POST", "/admin/users/{id}"),
    ("POST", "/admin/users/{id}/active"),
    ("GET", "/admin/tokens"),
    ("POST", "/admin/tokens"),
    ("POST", "/admin/tokens/{token}/revoke"),
    ("GET", "/admin/audit/"),
])
def test_admin_pages_are_forbidden_to_a_comms_officer(
    client: FlaskClient, signed_in: SignedIn, session: Session, now: datetime, method: str, path: str
) -> None:
    other = make_user(session, roles=[Role.VIEWER], now=now)
    token, _ = make_token(session, now, other, other)
    officer = signed_in(Role.COMMS_OFFICER, Role.APPROVER, Role.DUTY_OFFICER)
    users = user_count()
    data = {**new_user_form(), "active": "0", "user_id": str(other.id), "name": "Hijack"}

    response = client.open(path.format(id=other.id, token=token.id), method=method, data=data)

    assert response.status_code == 403
    assert "You do not have access to this page" in response.text
    db.session.expire_all()
    assert user_count() == users
    assert other.is_active and other.name != "Hijack" and officer.roles == {
        Role.COMMS_OFFICER, Role.APPROVER, Role.DUTY_OFFICER}
    assert token.revoked_at is None
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 1


# API tokens


def test_api_token_page_creates_a_token_and_shows_the_secret_once(
    client: FlaskClient, signed_in: SignedIn, person: User
) -> None:
    signed_in(Role.ADMIN)
    page = client.get("/admin/tokens")
    assert page.status_code == 200 and "Pat Person" in page.text

    created = client.post("/admin/tokens", data={"user_id": str(person.id), "name": "Partner dashboard"})

    assert created.status_code == 200
    match = re.search(r'<code id="new-token">(cp_[A-Za-z0-9_-]+)</code>', created.text)
    assert match, "the new token is not shown"
    secret = match.group(1)
    assert created.text.count(secret) == 1
    token = db.session.scalars(select(ApiToken)).one()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.user_id == person.id and token.name == "Partner dashboard"

    reloaded = client.get("/admin/tokens")
    assert secret not in reloaded.text and 'id="new-token"' not in reloaded.text
    assert "Partner dashboard" in reloaded.text and f"{secret[:8]}…" in reloaded.text
    api = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200 and api.json is not None and api.json["email"] == person.email


def make_token(session: Session, now: datetime, user: User, actor: User) -> tuple[ApiToken, str]:
    token, secret = service.create_api_token(session, user=user, name="Partner dashboard", actor=actor,
                                             now=now)
    session.commit()
    return token, secret


def test_api_token_page_lists_tokens_without_their_secrets(
    client: FlaskClient, signed_in: SignedIn, session: Session, now: datetime, person: User
) -> None:
    admin = signed_in(Role.ADMIN)
    _, secret = make_token(session, now, person, admin)

    page = client.get("/admin/tokens")

    assert page.status_code == 200
    assert "Partner dashboard" in page.text and f"{secret[:8]}…" in page.text
    assert secret not in page.text and 'id="new-token"' not in page.text


def test_admin_revokes_a_token(
    client: FlaskClient, signed_in: SignedIn, session: Session, now: datetime, person: User
) -> None:
    admin = signed_in(Role.ADMIN)
    token, secret = make_token(session, now, person, admin)
    bearer = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 200

    revoked = client.post(f"/admin/tokens/{token.id}/revoke", follow_redirects=True)

    assert "Token &#39;Partner dashboard&#39; revoked" in revoked.text
    assert "govuk-tag--grey" in revoked.text and "Revoke Partner dashboard" not in revoked.text
    db.session.refresh(token)
    assert token.revoked_at is not None
    assert client.get("/api/v1/me", headers=bearer).status_code == 401


def test_revoking_a_token_twice_explains_itself(
    client: FlaskClient, signed_in: SignedIn, session: Session, now: datetime
) -> None:
    admin = signed_in(Role.ADMIN)
    token, _ = make_token(session, now, admin, admin)
    client.post(f"/admin/tokens/{token.id}/revoke")

    response = client.post(f"/admin/tokens/{token.id}/revoke", follow_redirects=True)

    assert "This token is already revoked" in response.text


def test_revoking_a_missing_token_is_not_found(admin_client: FlaskClient) -> None:
    assert admin_client.post("/admin/tokens/99999/revoke").status_code == 404


@pytest.mark.parametrize(("data", "message"), [
    ({"user_id": "", "name": "Feed"}, "Select acts as from the list"),
    ({"user_id": "not-a-number", "name": "Feed"}, "Select acts as from the list"),
    ({"user_id": "{admin}", "name": ""}, "Enter a name for the token"),
    ({"user_id": "{admin}", "name": "n" * 81}, "Token name must be 80 characters or fewer"),
    ({"user_id": "99999", "name": "Feed"}, "Select acts as from the list"),
])
def test_api_token_form_shows_field_errors(
    client: FlaskClient, signed_in: SignedIn, data: dict[str, str], message: str
) -> None:
    admin = signed_in(Role.ADMIN)

    response = client.post("/admin/tokens", data={k: v.format(admin=admin.id) for k, v in data.items()})

    assert response.status_code == 200
    assert shows_error(response.text, message)
    assert 'id="new-token"' not in response.text
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


# CSRF


def test_forms_need_a_csrf_token_when_protection_is_on(
    make_app: Callable[..., Flask], now: datetime
) -> None:
    protected = make_app(WTF_CSRF_ENABLED=True)
    with protected.app_context():
        email = make_user(db.session(), roles=[Role.ADMIN], now=now).email
        db.session.commit()
    client = protected.test_client()

    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 400
    token = csrf_token(client.get("/login").text)
    signed = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert signed.status_code == 302

    refused = client.post("/admin/users/new", data=new_user_form())
    assert refused.status_code == 400
    token = csrf_token(client.get("/admin/users/new").text)
    created = client.post("/admin/users/new", data={**new_user_form(), "csrf_token": token})
    assert created.status_code == 302
    with protected.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 2

    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


# bounded queries


def test_people_page_issues_the_same_number_of_queries_for_3_and_30_people(
    admin_client: FlaskClient, session: Session, now: datetime
) -> None:
    def queries_for_people_page() -> int:
        session.commit()
        # Requests share the test's session; start from an empty one, as a real request does,
        # so nothing loaded earlier hides a query per row.
        db.session.remove()
        with count_queries() as counter:
            response = admin_client.get("/admin/users")
        assert response.status_code == 200
        return counter.count

    for _ in range(2):
        make_user(session, roles=[Role.VIEWER, Role.APPROVER], now=now)
    few = queries_for_people_page()
    assert user_count() == 3

    for _ in range(27):
        make_user(session, roles=[Role.COMMS_OFFICER], now=now)
    many = queries_for_people_page()
    assert user_count() == 30

    assert few == many
    assert few <= 6
