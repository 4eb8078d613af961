"""Reminders, their deliveries and attempts, the in-app inbox, preferences and webhook targets.

A Reminder is the intent ("tell the duty officers of Hackney at 14:30"). When it is due the
dispatcher expands it into one Delivery per person and channel (and per webhook target); each
Delivery is sent at least once, its attempts logged, and carries an idempotency key so a
receiver can drop a duplicate. In-app deliveries become InboxItems.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from commsplan.auth.models import Role, User
from commsplan.db import Base, TimestampMixin
from commsplan.notifications.kinds import ChannelChoice, Urgency, kind_label
from commsplan.reference.models import BusinessUnit
from commsplan.types import enum_column

# PostgreSQL: services NOTIFY this channel when a reminder may fall due sooner; dispatchers LISTEN.
WAKE_CHANNEL = "commsplan_dispatch"


class ReminderStatus(StrEnum):
    PENDING = "pending"
    DISPATCHED = "dispatched"
    CANCELLED = "cancelled"


class DeliveryChannel(StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"
    WEBHOOK = "webhook"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Reminder(TimestampMixin, Base):
    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_status_deliver_at", "status", "deliver_at"),)
    __audit_type__: ClassVar[str] = "reminder"
    __audit_fields__: ClassVar[tuple[str, ...]] = (
        "kind", "recipient_user_id", "recipient_role", "recipient_unit_id", "subject_title",
        "due_at", "deliver_at", "urgency", "status",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    urgency: Mapped[Urgency] = mapped_column(enum_column(Urgency))
    recipient_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recipient_role: Mapped[Role | None] = mapped_column(enum_column(Role))
    recipient_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_units.id", ondelete="CASCADE"), index=True)
    subject_type: Mapped[str] = mapped_column(String(60))
    subject_id: Mapped[str] = mapped_column(String(40))
    subject_title: Mapped[str] = mapped_column(String(200))
    subject_link: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime] = mapped_column()
    deliver_at: Mapped[datetime] = mapped_column()
    status: Mapped[ReminderStatus] = mapped_column(enum_column(ReminderStatus))
    round: Mapped[int] = mapped_column(default=1)
    dispatched_at: Mapped[datetime | None] = mapped_column()
    claim_token: Mapped[str | None] = mapped_column(String(32), index=True)
    late: Mapped[bool] = mapped_column(default=False)
    # Exercises remind people in the app only: no email and no webhook ever leaves for them.
    in_app_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A reminder that makes another pointless ("overdue" after "due soon") names it: whichever of the
    # two has not gone out yet when this one does is cancelled, so the two never arrive together.
    supersedes_key: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    recipient_user: Mapped[User | None] = relationship(foreign_keys=[recipient_user_id], lazy="joined")
    recipient_unit: Mapped[BusinessUnit | None] = relationship(lazy="joined")

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def recipient_label(self) -> str:
        if self.recipient_user is not None:
            return self.recipient_user.name
        role = f"{self.recipient_role.label}s" if self.recipient_role else "Everyone"
        return f"{role} in {self.recipient_unit.name}" if self.recipient_unit else f"All {role.lower()}"

    @property
    def audit_label(self) -> str:
        return f"{self.kind_label}: {self.subject_title}"


URGENT_FIRST, ROUTINE = 0, 1  # Delivery.priority: senders take the lowest number first


class Delivery(Base):
    """One reminder to one person by one channel (or to one webhook), sent at least once.

    A sender claims it with a lease (`lease_until`), which it renews while it works; another
    scheduler takes it over only once the lease has lapsed.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_deliveries_queue", "channel", "status", "priority", "next_attempt_at"),
        Index("ix_deliveries_user_id_status", "user_id", "status"),
    )
    __audit_type__: ClassVar[str] = "delivery"
    __audit_fields__: ClassVar[tuple[str, ...]] = ("status", "attempts", "next_attempt_at")

    id: Mapped[int] = mapped_column(primary_key=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"), index=True)
    channel: Mapped[DeliveryChannel] = mapped_column(enum_column(DeliveryChannel))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    webhook_target_id: Mapped[int | None] = mapped_column(
        ForeignKey("webhook_targets.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(260), unique=True)
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus))
    priority: Mapped[int] = mapped_column(default=ROUTINE, server_default=str(ROUTINE))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column()
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column()
    lease_until: Mapped[datetime | None] = mapped_column()
    claim_token: Mapped[str | None] = mapped_column(String(32), index=True)
    sent_at: Mapped[datetime | None] = mapped_column()
    # Sent later than NOTIFY_LATE_AFTER_SECONDS after it was due, whether on the first try or a retry.
    late: Mapped[bool] = mapped_column(default=False, server_default=false())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column()

    reminder: Mapped[Reminder] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship(lazy="joined")
    webhook_target: Mapped[WebhookTarget | None] = relationship(lazy="joined")
    attempt_rows: WriteOnlyMapped[DeliveryAttempt] = relationship()

    @property
    def target_label(self) -> str:
        if self.webhook_target is not None:
            return f"Webhook: {self.webhook_target.name}"
        return self.user.name if self.user else "(removed)"

    @property
    def audit_label(self) -> str:
        return f"{self.channel.value} to {self.target_label}: {self.reminder.subject_title}"


class DeliveryAttempt(Base):
    """One try at sending, stamped when it started. `succeeded` is None when the sender stopped
    (a crash, a kill) before it could record the outcome: the message may or may not have arrived."""

    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column()
    worker: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(default=0)


class InboxItem(Base):
    """One reminder in one person's inbox. Once someone decides what it asked for (approves, sends
    back, finishes the task) it is resolved, for everyone it reached, and counts as read."""

    __tablename__ = "inbox_items"
    __table_args__ = (
        UniqueConstraint("user_id", "reminder_id", "round"),
        # The unread list and count (home page, header, inbox): one person's unread, unresolved items
        # newest first, read from the index alone; and everything of theirs newest first.
        Index("ix_inbox_items_user_unread", "user_id", "read_at", "resolved_at", "delivered_at",
              "snoozed_until", "kind"),
        Index("ix_inbox_items_user_delivered", "user_id", "delivered_at"),
    )
    __audit_type__: ClassVar[str] = "inbox_item"
    __audit_fields__: ClassVar[tuple[str, ...]] = ("read_at", "snoozed_until", "resolved_at",
                                                   "resolution")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(default=1)
    kind: Mapped[str] = mapped_column(String(40))
    urgency: Mapped[Urgency] = mapped_column(enum_column(Urgency))
    title: Mapped[str] = mapped_column(String(200))
    link: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime] = mapped_column()
    delivered_at: Mapped[datetime] = mapped_column()
    late: Mapped[bool] = mapped_column(default=False)
    read_at: Mapped[datetime | None] = mapped_column()
    snoozed_until: Mapped[datetime | None] = mapped_column()
    resolved_at: Mapped[datetime | None] = mapped_column()
    resolution: Mapped[str | None] = mapped_column(String(200))  # "Approved by … at 14:20"

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def audit_label(self) -> str:
        return f"{self.kind_label}: {self.title}"


class NotificationPreference(Base):
    """How one person wants one kind of reminder; without a row, the kind's default applies."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    channels: Mapped[ChannelChoice] = mapped_column(enum_column(ChannelChoice))


class DigestSubscription(Base):
    """The person prefers one daily email to many: non-urgent emails fold into the digest."""

    __tablename__ = "digest_subscriptions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    subscribed_at: Mapped[datetime] = mapped_column()


class WebhookTarget(TimestampMixin, Base):
    """A team chat or other system that receives reminders as signed JSON posts."""

    __tablename__ = "webhook_targets"
    __audit_type__: ClassVar[str] = "webhook_target"
    __audit_fields__: ClassVar[tuple[str, ...]] = (
        "name", "url", "business_unit_id", "urgent_only", "is_active",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(100))
    business_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_units.id", ondelete="CASCADE"), index=True)
    urgent_only: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)

    business_unit: Mapped[BusinessUnit | None] = relationship(lazy="joined")

    @property
    def audit_label(self) -> str:
        return self.name


class BankHoliday(Base):
    """A bank holiday an admin added, for years the bundled England-and-Wales list does not reach."""

    __tablename__ = "bank_holidays"
    __audit_type__: ClassVar[str] = "bank_holiday"
    __audit_fields__: ClassVar[tuple[str, ...]] = ("day", "name")

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def audit_label(self) -> str:
        return f"{self.name} ({self.day:%-d %B %Y})"
