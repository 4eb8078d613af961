"""People, their roles, login attempts, sign-in sessions and API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commsplan.db import Base, TimestampMixin
from commsplan.types import enum_column


class Role(StrEnum):
    VIEWER = "viewer"
    COMMS_OFFICER = "comms_officer"
    APPROVER = "approver"
    DUTY_OFFICER = "duty_officer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def description(self) -> str:
        return ROLE_DESCRIPTIONS[self]


ROLE_LABELS = {
    Role.VIEWER: "Viewer",
    Role.COMMS_OFFICER: "Comms officer",
    Role.APPROVER: "Approver",
    Role.DUTY_OFFICER: "Duty officer",
    Role.ADMIN: "Admin",
}
ROLE_DESCRIPTIONS = {
    Role.VIEWER: "Reads plans, risk profiles, messages, audiences and channels (a partner agency, say); "
                 "not incidents, which name victims and suspects",
    Role.COMMS_OFFICER: "Drafts audiences, channels, messages, risk profiles, plans and activities",
    Role.APPROVER: "Approves messages, plans and incident statements written by others",
    Role.DUTY_OFFICER: "Launches playbooks, works incident tasks and logs decisions",
    Role.ADMIN: "Manages people, roles, reference data, API tokens and webhook targets",
}


class User(TimestampMixin, Base):
    __tablename__ = "users"
    __audit_type__: ClassVar[str] = "user"
    __audit_fields__: ClassVar[tuple[str, ...]] = ("email", "name", "roles_text", "is_active")

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    invitation_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invitation_expires_at: Mapped[datetime | None] = mapped_column()
    last_login_at: Mapped[datetime | None] = mapped_column()
    password_changed_at: Mapped[datetime | None] = mapped_column()

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    @property
    def roles_text(self) -> str:
        return ", ".join(role.label for role in sorted_roles(self.roles))

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_invited(self) -> bool:
        return self.password_hash is None and self.invitation_hash is not None

    @property
    def audit_label(self) -> str:
        return f"{self.name} <{self.email}>"


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(enum_column(Role), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class LoginAttempt(Base):
    """One try at signing in; recent failures per account and per address limit further tries."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column()
    succeeded: Mapped[bool] = mapped_column()


class ApiToken(Base):
    """A bearer token acting as its user; only a hash of the secret is stored."""

    __tablename__ = "api_tokens"
    __audit_type__: ClassVar[str] = "api_token"
    __audit_fields__: ClassVar[tuple[str, ...]] = ("name", "prefix", "user_id", "revoked_at")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    @property
    def audit_label(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class EndReason(StrEnum):
    """Why a sign-in session stopped opening pages."""

    SIGNED_OUT = "signed_out"
    IDLE = "idle"
    EXPIRED = "expired"
    PASSWORD_CHANGED = "password_changed"
    SIGNED_OUT_ELSEWHERE = "signed_out_elsewhere"
    ENDED_BY_ADMIN = "ended_by_admin"
    DEACTIVATED = "deactivated"

    @property
    def label(self) -> str:
        return END_REASON_LABELS[self]


END_REASON_LABELS = {
    EndReason.SIGNED_OUT: "Signed out",
    EndReason.IDLE: "Unused for too long",
    EndReason.EXPIRED: "Open for too long",
    EndReason.PASSWORD_CHANGED: "Password changed",
    EndReason.SIGNED_OUT_ELSEWHERE: "Signed out from another session",
    EndReason.ENDED_BY_ADMIN: "Ended by an admin",
    EndReason.DEACTIVATED: "Account deactivated",
}


class SignInSession(Base):
    """One browser's signed-in session; its cookie holds a random key of which only a hash is kept.

    A session opens pages until it is ended (sign-out, a password change, an admin, deactivation)
    or goes unused or stays open for longer than the configured limits.
    """

    __tablename__ = "sign_in_sessions"
    __table_args__ = (Index("ix_sign_in_sessions_user_id_ended_at", "user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column()
    last_seen_at: Mapped[datetime] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()
    ended_reason: Mapped[EndReason | None] = mapped_column(enum_column(EndReason))
    user_agent: Mapped[str] = mapped_column(String(120), default="")

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def audit_label(self) -> str:
        return f"session {self.id} ({self.user_agent or 'unknown browser'})"


def sorted_roles(roles: set[Role]) -> list[Role]:
    order = list(Role)
    return sorted(roles, key=order.index)
