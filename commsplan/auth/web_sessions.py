"""Sign-in sessions that end: started at sign-in, checked on every page, ended for good.

A browser's cookie carries a random key; the database keeps only its hash, so a copied cookie
stops working the moment its session ends, whoever ends it. Every end is audited on the person.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, bindparam, func, select
from sqlalchemy.orm import Session, joinedload

from commsplan.audit import service as audit
from commsplan.auth.models import EndReason, SignInSession, User
from commsplan.auth.passwords import hash_secret

LAST_SEEN_EVERY = timedelta(minutes=1)  # how stale last_seen_at may get, to spare a write per page
SHOWN_SESSIONS = 20
BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chromium/", "Chromium"),
            ("Chrome/", "Chrome"), ("Safari/", "Safari"), ("curl/", "curl"))
SYSTEMS = (("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"),
           ("CrOS", "ChromeOS"), ("Mac OS X", "macOS"), ("Linux", "Linux"))
UNPRINTABLE = re.compile(r"[^\x20-\x7e]")
# Run on every page: built once, the person and their roles in one query.
SESSION_BY_KEY = (select(SignInSession).where(SignInSession.key_hash == bindparam("key_hash"))
                  .options(joinedload(SignInSession.user).joinedload(User.role_rows)))


@dataclass(frozen=True)
class SessionLimits:
    """How long a session may go unused, and how long it may last however busy."""

    idle: timedelta = timedelta(minutes=480)
    absolute: timedelta = timedelta(hours=168)

    @property
    def described(self) -> str:
        return f"after {in_words(self.idle)} unused, and {in_words(self.absolute)} after signing in"


def in_words(span: timedelta) -> str:
    """A limit in the largest whole unit that states it exactly: '7 days', '8 hours', '90 minutes'."""
    minutes = int(span.total_seconds() // 60)
    for size, unit in ((1440, "day"), (60, "hour"), (1, "minute")):
        if minutes % size == 0:
            count = minutes // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{minutes} minutes"


@dataclass(frozen=True)
class SessionCheck:
    """What a cookie's key opened: a live session, or nothing (and why, when it lapsed just now)."""

    live: SignInSession | None
    lapsed: EndReason | None = None
    changed: bool = False  # the caller has a write to commit


@dataclass(frozen=True)
class OpenSessions:
    shown: list[SignInSession]
    count: int


def summarise_user_agent(user_agent: str) -> str:
    """A person-readable name for a browser, like 'Firefox on Linux', from its User-Agent header."""
    browser = next((name for marker, name in BROWSERS if marker in user_agent), None)
    system = next((name for marker, name in SYSTEMS if marker in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or UNPRINTABLE.sub("", user_agent).strip()[:60] or "Unknown browser"


def start_session(session: Session, *, user: User, user_agent: str, now: datetime
                  ) -> tuple[SignInSession, str]:
    """Open a session for someone who has just proved who they are; return it with its key, which
    goes into their cookie and nowhere else."""
    key = secrets.token_urlsafe(32)
    row = SignInSession(user=user, key_hash=hash_secret(key), created_at=now, last_seen_at=now,
                        user_agent=summarise_user_agent(user_agent))
    session.add(row)
    session.flush()
    return row, key


def lapse_reason(row: SignInSession, *, now: datetime, limits: SessionLimits) -> EndReason | None:
    """Why an open session no longer counts (unused or open too long), or None while it does."""
    if now - row.created_at >= limits.absolute:
        return EndReason.EXPIRED
    if now - row.last_seen_at >= limits.idle:
        return EndReason.IDLE
    return None


def check_session(session: Session, *, key: str, user_id: int, now: datetime,
                  limits: SessionLimits) -> SessionCheck:
    """The live session `key` opens for `user_id`, its use noted at most once a minute.

    A session found past a limit is ended here, audited, and opens nothing; so does any session of
    a deactivated account or one that has ended.
    """
    row = session.execute(SESSION_BY_KEY, {"key_hash": hash_secret(key)}).unique().scalar_one_or_none()
    if row is None or row.user_id != user_id or row.ended_at is not None or not row.user.is_active:
        return SessionCheck(None)
    if reason := lapse_reason(row, now=now, limits=limits):
        end_sessions(session, [row], reason=reason, actor=None, now=now)
        return SessionCheck(None, lapsed=reason, changed=True)
    if now - row.last_seen_at >= LAST_SEEN_EVERY:
        row.last_seen_at = now
        return SessionCheck(row, changed=True)
    return SessionCheck(row)


def end_sessions(session: Session, rows: Sequence[SignInSession], *, reason: EndReason,
                 actor: User | None, now: datetime) -> int:
    """End each open session in `rows` for `reason` with one audit entry each; returns how many."""
    ending = [row for row in rows if row.ended_at is None]
    for row in ending:
        row.ended_at, row.ended_reason = now, reason
    audit.record_rows(session, [
        audit.entry_row("end_session", User.__audit_type__, row.user_id, row.user.audit_label,
                        {"session": [row.audit_label, None], "ended_reason": [None, reason.value]},
                        actor=actor, now=now)
        for row in ending])
    session.flush()
    return len(ending)


def end_session_by_key(session: Session, *, key: str, reason: EndReason, actor: User | None,
                       now: datetime) -> int:
    """End the session a cookie's key names (signing out); nothing happens if it already ended."""
    row = session.scalar(select(SignInSession).where(SignInSession.key_hash == hash_secret(key)))
    return end_sessions(session, [row] if row else [], reason=reason, actor=actor, now=now)


def end_other_sessions(session: Session, user: User, *, keep_id: int | None, reason: EndReason,
                       actor: User | None, now: datetime) -> int:
    """End every session of `user` still open, except `keep_id`; returns how many ended."""
    query = select(SignInSession).where(SignInSession.user_id == user.id,
                                        SignInSession.ended_at.is_(None))
    if keep_id is not None:
        query = query.where(SignInSession.id != keep_id)
    rows = list(session.scalars(query.order_by(SignInSession.id)))
    return end_sessions(session, rows, reason=reason, actor=actor, now=now)


def end_all_sessions(session: Session, user: User, *, reason: EndReason, actor: User | None,
                     now: datetime) -> int:
    """End every open session of `user` (an admin's order, deactivation, a password reset)."""
    return end_other_sessions(session, user, keep_id=None, reason=reason, actor=actor, now=now)


def _live(user: User, now: datetime, limits: SessionLimits) -> ColumnElement[bool]:
    return (SignInSession.user_id == user.id) & SignInSession.ended_at.is_(None) & (
        SignInSession.last_seen_at > now - limits.idle) & (
        SignInSession.created_at > now - limits.absolute)


def open_sessions(session: Session, user: User, *, now: datetime, limits: SessionLimits,
                  shown: int = SHOWN_SESSIONS) -> OpenSessions:
    """The person's live sessions, the most recently used first (at most `shown`), and how many."""
    live = _live(user, now, limits)
    count = session.scalar(select(func.count(SignInSession.id)).where(live)) or 0
    rows = session.scalars(select(SignInSession).where(live)
                           .order_by(SignInSession.last_seen_at.desc(), SignInSession.id.desc())
                           .limit(shown))
    return OpenSessions(list(rows), count)
