"""The browser's side of sign-in sessions: the Flask session cookie carries the session's key, every
request checks that the session is still live, signing out ends it.

The rules are in `web_sessions`; this module only moves the key between the cookie and the service.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, g, request, session
from flask_login import current_user, login_user, logout_user

from commsplan.auth import web_sessions
from commsplan.auth.models import EndReason, User
from commsplan.db import current_session, unit_of_work
from commsplan.timeutil import utcnow

KEY = "sign_in_key"
LAPSED_MESSAGES = {
    EndReason.IDLE: "You were signed out because you had not used Commsplan for a while. Sign in again.",
    EndReason.EXPIRED: "You were signed out because you had been signed in for a long time. Sign in again.",
}


def session_limits() -> web_sessions.SessionLimits:
    config = current_app.config
    return web_sessions.SessionLimits(idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
                                      absolute=timedelta(hours=config["SESSION_MAX_HOURS"]))


def sign_in(user: User) -> None:
    """Start a session for `user`, who has just proved who they are, on this browser."""
    with unit_of_work() as db_session:
        _, key = web_sessions.start_session(db_session, user=user, user_agent=request.user_agent.string,
                                            now=utcnow())
    session[KEY] = key
    login_user(user)


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the person whose live session this cookie's key opens, or None."""
    key = session.get(KEY)
    if not isinstance(key, str) or not user_id.isdigit():
        return None
    db_session = current_session()
    check = web_sessions.check_session(db_session, key=key, user_id=int(user_id), now=utcnow(),
                                       limits=session_limits())
    if check.changed:
        db_session.commit()
    if check.live is None:
        session.pop(KEY, None)
        if check.lapsed:
            flash(LAPSED_MESSAGES[check.lapsed], "info")
        return None
    g.sign_in_session_id = check.live.id
    return check.live.user


def this_session_id() -> int | None:
    """The id of the sign-in session this request came in on, once the person is loaded."""
    return g.get("sign_in_session_id") if current_user.is_authenticated else None


def sign_out() -> None:
    """End this browser's session on the server, so a copy of its cookie opens nothing, and forget it."""
    key = session.pop(KEY, None)
    actor = current_user._get_current_object() if current_user.is_authenticated else None
    if isinstance(key, str):
        with unit_of_work() as db_session:
            web_sessions.end_session_by_key(db_session, key=key, reason=EndReason.SIGNED_OUT,
                                            actor=actor, now=utcnow())
    logout_user()
