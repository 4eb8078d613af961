"""Accounts: creating, inviting, signing in, roles, deactivation, passwords and API tokens."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from commsplan.audit import service as audit
from commsplan.auth import web_sessions
from commsplan.auth.models import ApiToken, EndReason, LoginAttempt, Role, User, UserRole
from commsplan.auth.passwords import (
    hash_password,
    hash_secret,
    new_secret,
    password_matches,
    password_problem,
)
from commsplan.errors import DomainError, NotFound, PermissionDenied, ValidationError

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
INVITATION_PREFIX = "inv_"
TOKEN_PREFIX = "cp_"
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 120


@dataclass(frozen=True)
class LoginPolicy:
    max_failures_per_account: int = 5
    max_failures_per_address: int = 20
    window: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    error: str | None = None


def name_problem(name: str) -> str | None:
    if not name.strip():
        return "Enter the person's name"
    if len(name.strip()) > MAX_NAME_LENGTH:
        return f"Name must be {MAX_NAME_LENGTH} characters or fewer"
    return None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such person")
    return user


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def _check_new_account(session: Session, email: str, name: str, roles: Iterable[Role]) -> None:
    errors: dict[str, list[str]] = {}
    if not EMAIL_PATTERN.match(email):
        errors["email"] = ["Enter an email address in the correct format, like name@example.org"]
    elif len(email) > MAX_EMAIL_LENGTH:
        errors["email"] = [f"Email address must be {MAX_EMAIL_LENGTH} characters or fewer"]
    elif find_by_email(session, email) is not None:
        errors["email"] = ["Someone already has an account with this email address"]
    if problem := name_problem(name):
        errors["name"] = [problem]
    if not list(roles):
        errors["roles"] = ["Select at least one role"]
    if errors:
        raise ValidationError(errors)


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    roles: Iterable[Role],
    password: str,
    actor: User | None,
    now: datetime,
) -> User:
    """Create an active account with a password; audited."""
    email, roles = normalise_email(email), set(roles)
    _check_new_account(session, email, name, roles)
    if problem := password_problem(password, user_inputs=(email, name)):
        raise ValidationError.single("password", problem)
    user = User(email=email, name=name.strip(), password_hash=hash_password(password),
                is_active=True, created_at=now, updated_at=now, password_changed_at=now,
                role_rows=[UserRole(role=role) for role in roles])
    audit.add_audited(session, user, actor=actor, now=now)
    return user


def invite_user(
    session: Session,
    *,
    email: str,
    name: str,
    roles: Iterable[Role],
    actor: User,
    now: datetime,
    valid_for: timedelta,
) -> tuple[User, str]:
    """Create an account without a password and return the one-time invitation secret."""
    email, roles = normalise_email(email), set(roles)
    _check_new_account(session, email, name, roles)
    secret = new_secret(INVITATION_PREFIX)
    user = User(email=email, name=name.strip(), password_hash=None, is_active=True,
                invitation_hash=hash_secret(secret), invitation_expires_at=now + valid_for,
                created_at=now, updated_at=now, role_rows=[UserRole(role=role) for role in roles])
    audit.add_audited(session, user, actor=actor, now=now)
    audit.record(session, actor=actor, action="invite", obj=user, now=now,
                 changes={"invitation_expires_at": [None, (now + valid_for).isoformat()]})
    return user, secret


def new_sign_in_link(
    session: Session, user: User, *, actor: User, now: datetime, valid_for: timedelta
) -> str:
    """A fresh one-time link for someone whose invitation expired or who forgot their password.

    Any earlier link stops working; a current password keeps working until the link is used.
    """
    if not user.is_active:
        raise DomainError("Reactivate the account before sending a sign-in link")
    secret = new_secret(INVITATION_PREFIX)
    user.invitation_hash, user.invitation_expires_at = hash_secret(secret), now + valid_for
    user.updated_at = now
    audit.record(session, actor=actor, action="new_sign_in_link", obj=user, now=now,
                 changes={"invitation_expires_at": [None, (now + valid_for).isoformat()]})
    return secret


def find_invitation(session: Session, secret: str, *, now: datetime) -> User:
    user = session.scalar(select(User).where(User.invitation_hash == hash_secret(secret)))
    if user is None or not user.is_active:
        raise NotFound("This invitation link is not valid. Ask an admin for a new one.")
    if user.invitation_expires_at is None or user.invitation_expires_at <= now:
        raise DomainError("This invitation has expired. Ask an admin for a new one.")
    return user


def accept_invitation(session: Session, *, secret: str, password: str, now: datetime) -> User:
    """Set the invited person's password and spend the invitation; a link used to reset a forgotten
    password also ends every session the old password opened."""
    user = find_invitation(session, secret, now=now)
    if problem := password_problem(password, user_inputs=(user.email, user.name)):
        raise ValidationError.single("password", problem)
    web_sessions.end_all_sessions(session, user, reason=EndReason.PASSWORD_CHANGED, actor=user, now=now)
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    user.invitation_hash = None
    user.invitation_expires_at = None
    user.updated_at = now
    audit.record(session, actor=user, action="accept_invitation", obj=user, now=now, changes={})
    return user


def update_user(
    session: Session, user: User, *, name: str, roles: Iterable[Role], actor: User, now: datetime
) -> None:
    """Change a person's name and roles; an admin cannot remove their own admin role."""
    roles = set(roles)
    if problem := name_problem(name):
        raise ValidationError.single("name", problem)
    if not roles:
        raise ValidationError.single("roles", "Select at least one role")
    if user.id == actor.id and Role.ADMIN in user.roles and Role.ADMIN not in roles:
        raise ValidationError.single("roles", "You cannot remove your own admin role")
    before = audit.snapshot(user)
    user.name = name.strip()
    user.role_rows = [row for row in user.role_rows if row.role in roles] + [
        UserRole(role=role) for role in roles - user.roles
    ]
    changes = audit.diff(before, audit.snapshot(user))
    if changes:
        user.updated_at = now
        session.flush()
        audit.record(session, actor=actor, action="update", obj=user, changes=changes, now=now)


def set_active(session: Session, user: User, *, active: bool, actor: User, now: datetime) -> None:
    """Deactivate (ending every session) or reactivate an account; nobody can deactivate themselves."""
    if user.id == actor.id and not active:
        raise DomainError("You cannot deactivate your own account")
    audit.update_audited(session, user, {"is_active": active}, actor=actor, now=now,
                         action="reactivate" if active else "deactivate")
    if not active:
        web_sessions.end_all_sessions(session, user, reason=EndReason.DEACTIVATED, actor=actor, now=now)


def change_password(
    session: Session, user: User, *, current: str, new: str, now: datetime, keep_session_id: int | None
) -> None:
    """Set a new password; every other session of the person ends, `keep_session_id` (the browser
    that changed it) stays signed in."""
    errors: dict[str, list[str]] = {}
    if not password_matches(user.password_hash, current):
        errors["current_password"] = ["Your current password is not correct"]
    if problem := password_problem(new, user_inputs=(user.email, user.name)):
        errors["new_password"] = [problem]
    elif new == current:
        errors["new_password"] = ["Choose a password different from your current one"]
    if errors:
        raise ValidationError(errors)
    user.password_hash = hash_password(new)
    user.password_changed_at = now
    user.updated_at = now
    audit.record(session, actor=user, action="change_password", obj=user, now=now, changes={})
    web_sessions.end_other_sessions(session, user, keep_id=keep_session_id,
                                    reason=EndReason.PASSWORD_CHANGED, actor=user, now=now)


def _recent_failures(session: Session, column: Any, value: str, since: datetime) -> int:
    # A failure exactly one window ago has just expired, as "Try again in N minutes" promises.
    query = select(func.count(LoginAttempt.id)).where(
        column == value, LoginAttempt.at > since, LoginAttempt.succeeded.is_(False)
    )
    return session.scalar(query) or 0


def authenticate(
    session: Session,
    *,
    email: str,
    password: str,
    address: str,
    now: datetime,
    policy: LoginPolicy,
) -> LoginResult:
    """Check a sign-in and record the attempt; too many recent failures lock the account or address.

    Returns rather than raises so the caller commits the attempt either way.
    """
    email = normalise_email(email)[:254]
    since = now - policy.window
    minutes = int(policy.window.total_seconds() // 60)
    locked = (
        _recent_failures(session, LoginAttempt.email, email, since)
        >= policy.max_failures_per_account
        or _recent_failures(session, LoginAttempt.address, address, since)
        >= policy.max_failures_per_address
    )
    if locked:
        return LoginResult(None, f"Too many failed sign-in attempts. Try again in {minutes} minutes.")
    user = find_by_email(session, email)
    ok = user is not None and user.is_active and password_matches(user.password_hash, password)
    session.add(LoginAttempt(email=email, address=address[:64], at=now, succeeded=ok))
    if not ok or user is None:
        return LoginResult(None, "Enter a correct email address and password")
    user.last_login_at = now
    return LoginResult(user)


def create_api_token(
    session: Session, *, user: User, name: str, actor: User, now: datetime
) -> tuple[ApiToken, str]:
    """Create a token for `user` and return it with its secret, which is never shown again."""
    name = name.strip()
    if not name:
        raise ValidationError.single("name", "Enter a name for the token")
    if len(name) > 80:
        raise ValidationError.single("name", "Token name must be 80 characters or fewer")
    if not user.is_active:
        raise ValidationError.single("user_id", "Choose an active person")
    secret = new_secret(TOKEN_PREFIX)
    token = ApiToken(user_id=user.id, user=user, name=name, prefix=secret[:8],
                     token_hash=hash_secret(secret), created_at=now, created_by_id=actor.id)
    audit.add_audited(session, token, actor=actor, now=now)
    return token, secret


def revoke_api_token(session: Session, token: ApiToken, *, actor: User, now: datetime) -> None:
    if token.revoked_at is not None:
        raise DomainError("This token is already revoked")
    audit.update_audited(session, token, {"revoked_at": now}, actor=actor, now=now,
                         action="revoke")


def user_for_token(session: Session, secret: str, *, now: datetime) -> User | None:
    """The active user behind a live token, noting when the token was last used."""
    token = session.execute(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret))
                            .options(joinedload(ApiToken.user).joinedload(User.role_rows))
                            ).unique().scalar_one_or_none()  # the person and their roles in one query
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
    return token.user


def require_role(actor: User, roles: Iterable[Role], doing: str) -> None:
    """Services call this first: a person without one of `roles` may not do `doing`."""
    if not actor.has_role(*roles):
        raise PermissionDenied(f"Your roles do not allow you to {doing}")



def end_sessions_of(session: Session, user: User, *, actor: User, now: datetime) -> int:
    """An admin signs a person out of every browser (a lost laptop, a shared password); audited."""
    require_role(actor, [Role.ADMIN], "end other people's sessions")
    return web_sessions.end_all_sessions(session, user, reason=EndReason.ENDED_BY_ADMIN, actor=actor,
                                         now=now)
