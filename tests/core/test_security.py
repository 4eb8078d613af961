"""Every route needs sign-in (or a token), every write needs a role, every form needs CSRF."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from commsplan.auth.models import Role, User
from commsplan.auth.service import create_api_token
from commsplan.web import PUBLIC_ENDPOINTS
from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user

# Writes any signed-in person may make about themselves.
SELF_SERVICE_WRITES = {
    "auth.logout", "auth.account", "auth.sign_out_elsewhere", "auth.login", "auth.accept_invitation",
    "notifications.open_item", "notifications.mark_read", "notifications.mark_all_read",
    "notifications.snooze", "notifications.preferences",
    # Anyone who can read plans may subscribe to them in a calendar, and remove their own feeds.
    "plans.create_feed", "plans.revoke_feed",
}
URL_VALUES = {"slug": "business-units", "item_id": 1, "user_id": 1, "token_id": 1, "secret": "x",
              "reminder_id": 1, "delivery_id": 1, "target_id": 1, "audience_id": 1, "channel_id": 1,
              "what": "audiences", "map_id": 1, "variant_id": 1, "number": 1,
              "playbook_id": "fatal-stabbing-young-person", "incident_id": 1, "task_id": 1,
              "version": 1, "statement_id": 1, "profile_id": 1, "entry_id": 1,
              "unit_id": 1, "plan_id": 1, "part": "activities", "part_id": 1, "feed_id": 1, "token": "x" * 43,
              "holiday_id": 1, "enquiry_id": 1, "claim_id": 1, "window_id": 1}
CHECKED_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def routes(app: Flask) -> Iterator[tuple[Rule, str, str]]:
    """Every (rule, method, url) the app serves, static assets aside."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        fixed = rule.defaults or {}  # e.g. the kind of plan item, set by the route itself
        values = {name: URL_VALUES[name] for name in rule.arguments if name not in fixed}
        if "slug" in values and rule.endpoint.startswith("audiences."):
            values["slug"] = "audiences"
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        for method in sorted((rule.methods or set()) & CHECKED_METHODS):
            yield rule, method, url


def test_every_route_is_accounted_for(app: Flask) -> None:
    endpoints = {rule.endpoint for rule, _, _ in routes(app)}
    assert len(endpoints) > 20
    assert PUBLIC_ENDPOINTS - {"static"} <= endpoints | {"static"}


def test_anonymous_requests_are_sent_to_sign_in_or_refused(app: Flask, client: FlaskClient) -> None:
    checked = 0
    for rule, method, url in routes(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        response = client.open(url, method=method, json={} if rule.endpoint.startswith("api.") else None)
        if rule.endpoint.startswith("api."):
            assert response.status_code == 401, (method, url)
            assert response.json is not None and response.json["status"] == 401
        else:
            assert response.status_code == 302, (method, url, response.status_code)
            assert response.headers["Location"].startswith("/login"), (method, url)
        checked += 1
    assert checked > 20


def test_viewer_is_forbidden_every_write(
    app: Flask, client: FlaskClient, signed_in: Callable[..., User]
) -> None:
    signed_in(Role.VIEWER)
    writes = [(rule, method, url) for rule, method, url in routes(app)
              if method != "GET" and rule.endpoint not in SELF_SERVICE_WRITES
              and not rule.endpoint.startswith("api.")]
    assert len(writes) > 8
    for _rule, method, url in writes:
        response = client.open(url, method=method, data={})
        assert response.status_code == 403, (method, url, response.status_code)


def test_viewer_token_is_forbidden_every_api_write(
    app: Flask, client: FlaskClient, session: Session, now: datetime
) -> None:
    viewer = make_user(session, roles=[Role.VIEWER], now=now)
    admin = make_user(session, roles=[Role.ADMIN], now=now)
    _, secret = create_api_token(session, user=viewer, name="viewer", actor=admin, now=now)
    session.commit()
    writes = [(method, url) for rule, method, url in routes(app)
              if method != "GET" and rule.endpoint.startswith("api.")]
    assert len(writes) >= 4
    for method, url in writes:
        response = client.open(url, method=method, json={},
                               headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 403, (method, url, response.status_code)


def test_every_form_post_needs_a_csrf_token(
    make_app: Callable[..., Flask], session: Session, now: datetime
) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        admin = make_user(session, roles=[Role.ADMIN], now=now)
        session.commit()
        client = app.test_client()
        login_page = client.get("/login").text
        refused = client.post("/login", data={"email": admin.email, "password": PASSWORD,
                                              "csrf_token": "wrong"})
        assert refused.status_code == 400
        signed = client.post("/login", data={"email": admin.email, "password": PASSWORD,
                                             "csrf_token": csrf_token(login_page)})
        assert signed.status_code == 302
        posts = [url for rule, method, url in routes(app)
                 if method == "POST" and not rule.endpoint.startswith("api.")]
        assert len(posts) > 8
        for url in posts:
            response = client.post(url, data={})
            assert response.status_code == 400, (url, response.status_code)


def test_responses_carry_protective_headers(client: FlaskClient) -> None:
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.text


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_sign_in_never_redirects_off_site(
    client: FlaskClient, session: Session, now: datetime, target: str
) -> None:
    user = make_user(session, roles=[Role.VIEWER], now=now)
    session.commit()
    response = client.post(f"/login?next={target}", data={"email": user.email,
                                                           "password": PASSWORD})
    assert response.headers["Location"] == "/"
