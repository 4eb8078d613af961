"""Behind a TLS proxy: the real client's address and scheme, a request size limit, and the headers
a production browser is sent."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from commsplan.auth.models import LoginAttempt, Role
from commsplan.config import ConfigError
from commsplan.extensions import db
from commsplan.security import HSTS
from tests.conftest import Headers, assert_problem
from tests.factories import PASSWORD, make_user

PROXY = "10.0.0.2"
TOO_BIG = 6 * 1024 * 1024 + 1
PRODUCTION = {"ENV": "production", "TESTING": False, "SECRET_KEY": "k" * 40,
              "DECISION_LOG_KEYS": {"2026-1": "d" * 32}, "DECISION_LOG_KEY_ID": "2026-1"}


def via_proxy(client: FlaskClient, address: str, **headers: str) -> None:
    """Requests from `client` arrive from the proxy, which names the real client in X-Forwarded-For."""
    client.environ_base.update(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address,
                               **{f"HTTP_{name.upper()}": value for name, value in headers.items()})


def fail_sign_in(client: FlaskClient, email: str) -> Any:
    return client.post("/login", data={"email": email, "password": "not the password"})


def recorded_addresses() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(LoginAttempt.address).order_by(LoginAttempt.id)))


def test_with_one_trusted_proxy_sign_in_attempts_are_recorded_under_the_real_address(
    make_app: Callable[..., Flask]
) -> None:
    app = make_app(TRUSTED_PROXIES=1)
    with app.app_context():
        client = app.test_client()
        # A client may send its own X-Forwarded-For; only the entry the proxy added counts.
        via_proxy(client, "198.51.100.66, 203.0.113.5")
        fail_sign_in(client, "pat@example.test")
        assert recorded_addresses() == ["203.0.113.5"]


def test_without_trusted_proxies_forwarded_headers_are_ignored(app: Flask, client: FlaskClient) -> None:
    via_proxy(client, "203.0.113.5")

    fail_sign_in(client, "pat@example.test")

    assert recorded_addresses() == [PROXY]


def test_the_address_limit_locks_out_one_client_not_everyone_behind_the_proxy(
    make_app: Callable[..., Flask], now: datetime
) -> None:
    app = make_app(TRUSTED_PROXIES=1, LOGIN_MAX_FAILURES_PER_ADDRESS=3)
    with app.app_context():
        person = make_user(db.session, email="pat@example.test", now=now)
        db.session.commit()
        attacker, colleague = app.test_client(), app.test_client()
        via_proxy(attacker, "203.0.113.5")
        via_proxy(colleague, "203.0.113.77")
        for number in range(3):
            fail_sign_in(attacker, f"someone{number}@example.test")

        assert "Too many failed sign-in attempts" in fail_sign_in(attacker, "another@example.test").text
        response = colleague.post("/login", data={"email": person.email, "password": PASSWORD})
        assert response.status_code == 302


def test_forwarded_scheme_and_host_make_external_links(make_app: Callable[..., Flask], now: datetime) -> None:
    app = make_app(TRUSTED_PROXIES=1)
    with app.app_context():
        admin = make_user(db.session, roles=[Role.ADMIN], now=now)
        db.session.commit()
        client = app.test_client()
        via_proxy(client, "203.0.113.5", x_forwarded_proto="https", x_forwarded_host="commsplan.example")
        client.post("/login", data={"email": admin.email, "password": PASSWORD})

        page = client.post("/admin/users/new?invite=1", data={
            "email": "new.person@example.test", "name": "New Person", "roles": ["viewer"]})

        assert "https://commsplan.example/invitations/inv_" in page.text


@pytest.mark.parametrize("value", [-1, "two", True])
def test_trusted_proxies_must_be_a_whole_number(make_app: Callable[..., Flask], value: object) -> None:
    with pytest.raises(ConfigError, match="COMMSPLAN_TRUSTED_PROXIES"):
        make_app(TRUSTED_PROXIES=value)


# the request size limit


def test_requests_are_limited_to_six_megabytes_by_default(app: Flask) -> None:
    assert app.config["MAX_CONTENT_LENGTH"] == 6 * 1024 * 1024


def test_a_too_large_form_is_answered_with_the_error_page(client: FlaskClient) -> None:
    response = client.post("/login", data={"email": "x" * TOO_BIG, "password": "x"})

    assert response.status_code == 413
    assert "There is a problem" in response.text
    assert "Commsplan accepts at most 6 MB at once" in response.text


def test_a_too_large_upload_is_refused_before_it_is_read(client: FlaskClient, session: Session,
                                                          signed_in: Callable[..., Any]) -> None:
    signed_in(Role.COMMS_OFFICER)
    payload = b"name\n" + b"x" * TOO_BIG

    # Encoded here, in memory: the test client would spool so large a body to a file it never closes.
    boundary, body = encode_multipart(MultiDict({"what": "audiences",
                                                 "file": FileStorage(io.BytesIO(payload), "big.csv")}))
    response = client.post("/messaging/import", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")

    assert response.status_code == 413
    assert "at most 6 MB" in response.text


def test_a_too_large_api_request_is_a_problem_document(client: FlaskClient,
                                                       token_for: Callable[..., tuple[Any, Headers]]) -> None:
    _, headers = token_for(Role.COMMS_OFFICER)

    response = client.post("/api/v1/messages", headers=headers, data=b"{" + b" " * TOO_BIG + b"}",
                           content_type="application/json")

    problem = assert_problem(response, 413)
    assert "at most 6 MB" in problem["detail"]


# headers


def test_permissions_policy_is_sent_on_every_response(client: FlaskClient) -> None:
    for path in ("/login", "/healthz", "/api/v1/me", "/no-such-page"):
        policy = client.get(path).headers["Permissions-Policy"]
        assert "camera=()" in policy and "microphone=()" in policy and "geolocation=()" in policy, path


def test_hsts_is_sent_in_production(make_app: Callable[..., Flask]) -> None:
    app = make_app(**PRODUCTION)

    response = app.test_client().get("/login")

    assert response.headers["Strict-Transport-Security"] == HSTS == "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize("settings", [
    {}, {**PRODUCTION, "DEBUG": True}, {**PRODUCTION, "TESTING": True},
    {"ENV": "development", "TESTING": False},
])
def test_hsts_is_not_sent_outside_production(make_app: Callable[..., Flask],
                                             settings: dict[str, Any]) -> None:
    app = make_app(**settings)

    assert "Strict-Transport-Security" not in app.test_client().get("/login").headers
