"""Sign-in sessions end on the server: sign-out, password changes, an admin, deactivation, time limits."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audit.models import AuditEntry
from commsplan.auth import service, web_sessions
from commsplan.auth.models import EndReason, Role, SignInSession, User
from commsplan.auth.signing_in import KEY
from commsplan.extensions import db
from commsplan.timeutil import utcnow
from tests.conftest import count_queries, sign_in
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a different long passphrase"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
SignedIn = Callable[..., User]


@pytest.fixture
def pat(session: Session, now: datetime) -> User:
    user = make_user(session, roles=[Role.COMMS_OFFICER], email="pat@example.test", name="Pat Person",
                     now=now)
    session.commit()
    return user


def browser(app: Flask, user: User | None = None) -> FlaskClient:
    """A client of its own (a browser), signed in as `user` when given."""
    client = app.test_client()
    if user is not None:
        sign_in(client, user)
    return client


def signed_in(client: FlaskClient) -> bool:
    return client.get("/").status_code == 200


def copy_of_cookie(app: Flask, original: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of `original`'s session cookie, as a thief would."""
    cookie = original.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def cookie_key(client: FlaskClient) -> str:
    with client.session_transaction() as cookie_session:
        return str(cookie_session[KEY])


def sessions_of(user: User) -> list[SignInSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(SignInSession).where(SignInSession.user_id == user.id)
                                   .order_by(SignInSession.id)))


def end_entries(user: User) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "end_session", AuditEntry.object_id == str(user.id)).order_by(AuditEntry.id)))


def move_back(user: User, **columns: timedelta) -> None:
    """Make every session of `user` look older: created_at/last_seen_at moved back by the given span."""
    for row in sessions_of(user):
        for name, span in columns.items():
            setattr(row, name, getattr(row, name) - span)
    db.session.commit()


# starting a session


def test_signing_in_starts_a_session_whose_key_is_kept_only_as_a_hash(app: Flask, pat: User) -> None:
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = FIREFOX
    sign_in(client, pat)

    [row] = sessions_of(pat)
    key = cookie_key(client)
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest() != key
    assert row.created_at == row.last_seen_at and row.ended_at is None
    assert row.user_agent == "Firefox on Linux"


def test_a_cookie_without_a_session_key_opens_nothing(app: Flask, pat: User) -> None:
    client = browser(app, pat)
    with client.session_transaction() as cookie_session:
        del cookie_session[KEY]

    assert not signed_in(client)


# signing out


def test_signing_out_ends_the_session_so_a_copied_cookie_opens_no_page(app: Flask, pat: User) -> None:
    client = browser(app, pat)
    thief = copy_of_cookie(app, client)
    assert signed_in(thief)  # the copy works while the session is live

    client.post("/logout")

    for path in ("/", "/account", "/plans/", "/incidents/", "/messages/"):
        response = thief.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), path
    [row] = sessions_of(pat)
    assert row.ended_reason == EndReason.SIGNED_OUT and row.ended_at is not None
    [entry] = end_entries(pat)
    assert entry.actor_id == pat.id
    assert entry.changes["ended_reason"] == [None, "signed_out"]


def test_signing_out_leaves_other_sessions_alone(app: Flask, pat: User) -> None:
    laptop, phone = browser(app, pat), browser(app, pat)

    laptop.post("/logout")

    assert not signed_in(laptop) and signed_in(phone)


# password change, sign out everywhere else


def test_a_password_change_ends_every_other_session_of_the_person(app: Flask, pat: User,
                                                                   session: Session, now: datetime) -> None:
    other = make_user(session, now=now)
    session.commit()
    laptop, phone, someone_else = browser(app, pat), browser(app, pat), browser(app, other)

    response = laptop.post("/account", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD})

    assert response.headers["Location"] == "/account"
    assert signed_in(laptop) and not signed_in(phone) and signed_in(someone_else)
    reasons = [row.ended_reason for row in sessions_of(pat)]
    assert reasons == [None, EndReason.PASSWORD_CHANGED]
    assert [entry.changes["ended_reason"][1] for entry in end_entries(pat)] == ["password_changed"]


def test_a_new_password_from_a_sign_in_link_ends_every_session(app: Flask, pat: User, session: Session,
                                                                now: datetime) -> None:
    old = browser(app, pat)
    admin = make_user(session, roles=[Role.ADMIN], now=now)
    secret = service.new_sign_in_link(session, pat, actor=admin, now=utcnow(), valid_for=timedelta(days=1))
    session.commit()

    fresh = app.test_client()
    response = fresh.post(f"/invitations/{secret}", data={"password": NEW_PASSWORD})

    assert response.status_code == 302
    assert signed_in(fresh) and not signed_in(old)
    assert [row.ended_reason for row in sessions_of(pat)] == [EndReason.PASSWORD_CHANGED, None]


def test_account_page_lists_open_sessions_and_signs_out_everywhere_else(app: Flask, pat: User) -> None:
    here = app.test_client()
    here.environ_base["HTTP_USER_AGENT"] = FIREFOX
    sign_in(here, pat)
    others = [browser(app, pat), browser(app, pat)]
    browser(app, pat).post("/logout")  # an ended session is not listed

    page = here.get("/")
    assert 'href="/account">Your account</a>' in page.text
    page = here.get("/account")
    assert "Open sessions (3)" in page.text
    assert "Firefox on Linux" in page.text and page.text.count("This session") == 1
    assert 'class="app-scroll-region"' in page.text
    assert "Sign out everywhere else" in page.text

    response = here.post("/account/sessions/end-others")

    assert response.headers["Location"] == "/account"
    page = here.get("/account")
    assert "Signed out of 2 other sessions" in page.text and "Open sessions (1)" in page.text
    assert "Sign out everywhere else" not in page.text
    assert not any(signed_in(other) for other in others)
    reasons = [entry.changes["ended_reason"][1] for entry in end_entries(pat)]
    assert reasons == ["signed_out", "signed_out_elsewhere", "signed_out_elsewhere"]


def test_account_page_shows_at_most_twenty_sessions(app: Flask, pat: User, session: Session) -> None:
    for _ in range(web_sessions.SHOWN_SESSIONS + 3):
        web_sessions.start_session(session, user=pat, user_agent="", now=utcnow())
    session.commit()
    client = browser(app, pat)

    page = client.get("/account")

    assert "Open sessions (24)" in page.text
    # this browser's session, the most recently used, and 19 of the others
    assert page.text.count("This session") == 1
    assert page.text.count("Unknown browser") == web_sessions.SHOWN_SESSIONS - 1
    assert "Showing the 20 most recently used of 24." in page.text


# an admin, deactivation


def test_an_admin_ends_all_sessions_of_a_person(app: Flask, pat: User, session: Session,
                                                now: datetime) -> None:
    laptop, phone = browser(app, pat), browser(app, pat)
    admin = make_user(session, roles=[Role.ADMIN], now=now)
    session.commit()
    admin_client = browser(app, admin)
    page = admin_client.get(f"/admin/users/{pat.id}")
    assert "Open sessions (2)" in page.text and "End all sessions" in page.text

    response = admin_client.post(f"/admin/users/{pat.id}/sessions/end", follow_redirects=True)

    assert "Ended 2 sessions of Pat Person" in response.text
    assert not signed_in(laptop) and not signed_in(phone) and signed_in(admin_client)
    entries = end_entries(pat)
    assert [(e.actor_id, e.changes["ended_reason"][1]) for e in entries] == [(admin.id, "ended_by_admin")] * 2
    history = admin_client.get(f"/admin/users/{pat.id}").text  # the person's history tells it
    assert "end session" in history and "ended_by_admin" in history


def test_only_an_admin_may_end_someone_elses_sessions(app: Flask, pat: User, session: Session,
                                                      now: datetime) -> None:
    officer_account = make_user(session, roles=[Role.COMMS_OFFICER, Role.APPROVER], now=now)
    session.commit()
    victim, officer = browser(app, pat), browser(app, officer_account)

    assert officer.post(f"/admin/users/{pat.id}/sessions/end").status_code == 403
    with pytest.raises(service.PermissionDenied):
        service.end_sessions_of(session, pat, actor=pat, now=utcnow())
    assert signed_in(victim)


def test_deactivating_a_person_ends_their_sessions(app: Flask, pat: User, session: Session,
                                                   now: datetime) -> None:
    client = browser(app, pat)
    admin = make_user(session, roles=[Role.ADMIN], now=now)

    service.set_active(session, pat, active=False, actor=admin, now=utcnow())
    session.commit()

    assert [row.ended_reason for row in sessions_of(pat)] == [EndReason.DEACTIVATED]
    service.set_active(session, pat, active=True, actor=admin, now=utcnow())
    session.commit()
    assert not signed_in(client)  # reactivating does not bring an ended session back


# time limits and last use


def test_a_session_unused_for_longer_than_the_idle_limit_ends(make_app: Callable[..., Flask],
                                                             session: Session, now: datetime) -> None:
    app = make_app(SESSION_IDLE_MINUTES=30)
    with app.app_context():
        pat = make_user(db.session, now=now)
        db.session.commit()
        client = browser(app, pat)
        move_back(pat, last_seen_at=timedelta(minutes=29))
        assert signed_in(client)

        move_back(pat, last_seen_at=timedelta(minutes=31))
        response = client.get("/account")

        assert response.headers["Location"].startswith("/login")
        assert "had not used Commsplan for a while" in client.get(response.headers["Location"]).text
        assert [row.ended_reason for row in sessions_of(pat)] == [EndReason.IDLE]
        [entry] = end_entries(pat)
        assert entry.actor_name == "System"
        assert not signed_in(client)


def test_a_session_ends_at_the_absolute_limit_however_busy(make_app: Callable[..., Flask],
                                                          now: datetime) -> None:
    app = make_app(SESSION_MAX_HOURS=2)
    with app.app_context():
        pat = make_user(db.session, now=now)
        db.session.commit()
        client = browser(app, pat)
        move_back(pat, created_at=timedelta(hours=2, minutes=1))

        assert not signed_in(client)
        assert [row.ended_reason for row in sessions_of(pat)] == [EndReason.EXPIRED]


def test_default_limits_are_eight_hours_idle_and_a_week_in_all(app: Flask) -> None:
    assert (app.config["SESSION_IDLE_MINUTES"], app.config["SESSION_MAX_HOURS"]) == (480, 168)
    limits = web_sessions.SessionLimits()
    assert limits.described == "after 8 hours unused, and 7 days after signing in"


def test_last_use_is_written_at_most_once_a_minute(app: Flask, pat: User) -> None:
    client = browser(app, pat)
    [row] = sessions_of(pat)
    signed_in_at = row.last_seen_at

    db.session.remove()
    with count_queries() as counter:
        assert signed_in(client)
    assert not [sql for sql in counter.statements if sql.lstrip().upper().startswith("UPDATE")]
    assert sessions_of(pat)[0].last_seen_at == signed_in_at

    move_back(pat, last_seen_at=timedelta(seconds=61))
    assert signed_in(client)
    assert sessions_of(pat)[0].last_seen_at > signed_in_at


# the service on its own


def test_a_key_opens_only_its_own_persons_live_session(session: Session, pat: User, now: datetime) -> None:
    row, key = web_sessions.start_session(session, user=pat, user_agent="", now=now)

    def opens(key: str, user_id: int) -> SignInSession | None:
        return web_sessions.check_session(session, key=key, user_id=user_id, now=now,
                                          limits=web_sessions.SessionLimits()).live

    assert opens(key, pat.id) is row
    assert opens(key, pat.id + 1) is None
    assert opens("guess", pat.id) is None
    web_sessions.end_session_by_key(session, key=key, reason=EndReason.SIGNED_OUT, actor=pat, now=now)
    assert opens(key, pat.id) is None
    # ending it again changes nothing and writes no second audit entry
    assert web_sessions.end_session_by_key(session, key=key, reason=EndReason.SIGNED_OUT, actor=pat,
                                           now=now) == 0
    assert len(end_entries(pat)) == 1


@pytest.mark.parametrize(("user_agent", "summary"), [
    (FIREFOX, "Firefox on Linux"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/141.0.0.0 Safari/537.36 Edg/141.0.0.0", "Edge on Windows"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/18.5 Mobile/15E148 Safari/604.1", "Safari on iOS"),
    ("Mozilla/5.0 (Linux; Android 15) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 "
     "Mobile Safari/537.36", "Chrome on Android"),
    ("curl/8.5.0", "curl"),
    ("Some\x00Robot\u2603 " + "x" * 100, "SomeRobot " + "x" * 50),
    ("", "Unknown browser"),
])
def test_user_agents_are_summarised_for_people(user_agent: str, summary: str) -> None:
    assert web_sessions.summarise_user_agent(user_agent) == summary
