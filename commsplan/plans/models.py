"""Communication plans (deliverable 2B): corporate or business-unit plans for one financial year.

A plan belongs to a business unit and a year, so it is linked to that unit's risk profile for the
year by (unit, year) rather than by a stored key: a profile imported after the plan was written is
picked up at once. The plan's document is its five OASIS sections with SMART objectives and
evaluation metrics; its calendar is activities and milestones. Each submission keeps a numbered
snapshot of the whole plan.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commsplan.audiences.models import Audience, Channel
from commsplan.auth.models import User
from commsplan.db import Base, TimestampMixin
from commsplan.messages.models import MessageMap, RipeStrand
from commsplan.reference.models import BusinessUnit, UnitKind, ViolenceElement
from commsplan.risk.models import year_label
from commsplan.types import enum_column


class PlanStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    ACTIVE = "active"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


# The OASIS campaign model's five parts, in order: (column, heading, what goes in it).
OASIS_SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("objectives", "Objectives", "What the plan must achieve and why, tied to the risk profile"),
    ("audience_insight", "Audience insight", "Who we need to reach, what they think and do now, and "
                                             "what stands in the way"),
    ("strategy", "Strategy", "The proposition, the messages and the mix of channels and partners"),
    ("implementation", "Implementation", "How and when it will be delivered, by whom, with what"),
    ("scoring", "Scoring", "How we will know it worked: the evaluation and when it is reported"),
)
SECTION_NAMES = tuple(name for name, _, _ in OASIS_SECTIONS)


class MetricLevel(StrEnum):
    """The evaluation levels of the Government Communication Service framework."""

    INPUTS = "inputs"
    OUTPUTS = "outputs"
    OUTTAKES = "outtakes"
    OUTCOMES = "outcomes"
    IMPACT = "impact"

    @property
    def label(self) -> str:
        return {"inputs": "Inputs", "outputs": "Outputs", "outtakes": "Out-takes",
                "outcomes": "Outcomes", "impact": "Impact"}[self.value]


class ActivityStatus(StrEnum):
    PLANNED = "planned"
    IN_PRODUCTION = "in_production"
    SCHEDULED = "scheduled"
    LIVE = "live"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"planned": "Planned", "in_production": "In production", "scheduled": "Scheduled",
                "live": "Live", "done": "Done", "cancelled": "Cancelled"}[self.value]

    @property
    def counts(self) -> bool:
        """Whether the activity still reaches people (and so counts for coverage and reminders)."""
        return self is not ActivityStatus.CANCELLED


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def label(self) -> str:
        return {"red": "Red: off track", "amber": "Amber: at risk", "green": "Green: on track"}[
            self.value]


class CommPlan(TimestampMixin, Base):
    """A corporate or business-unit communication plan for one financial year."""

    __tablename__ = "comm_plans"
    __table_args__ = (UniqueConstraint("unit_id", "year"),)
    __audit_type__: ClassVar[str] = "comm_plan"
    __audit_fields__: ClassVar[tuple[str, ...]] = (
        "unit_code", "year", "title", "owner_name", "review_date", "status", *SECTION_NAMES,
        "version_number", "approved_number",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("business_units.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    review_date: Mapped[date | None] = mapped_column()
    status: Mapped[PlanStatus] = mapped_column(enum_column(PlanStatus), index=True)
    objectives: Mapped[str] = mapped_column(Text, default="")
    audience_insight: Mapped[str] = mapped_column(Text, default="")
    strategy: Mapped[str] = mapped_column(Text, default="")
    implementation: Mapped[str] = mapped_column(Text, default="")
    scoring: Mapped[str] = mapped_column(Text, default="")
    # The version being written (the next snapshot's number) and the one last approved.
    version_number: Mapped[int] = mapped_column(default=1)
    approved_number: Mapped[int | None] = mapped_column()
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column()
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column()

    unit: Mapped[BusinessUnit] = relationship(lazy="joined", innerjoin=True)
    owner: Mapped[User] = relationship(lazy="joined", innerjoin=True, foreign_keys=[owner_id])
    approved_by: Mapped[User | None] = relationship(lazy="select", foreign_keys=[approved_by_id])

    @property
    def is_corporate(self) -> bool:
        return self.unit.kind is UnitKind.CORPORATE

    @property
    def level_label(self) -> str:
        return "Corporate plan" if self.is_corporate else "Business-unit plan"

    @property
    def year_label(self) -> str:
        return year_label(self.year)

    @property
    def unit_code(self) -> str:
        return self.unit.code

    @property
    def owner_name(self) -> str:
        return self.owner.name

    @property
    def has_been_approved(self) -> bool:
        """Approved at least once: its activities count in the integrated plan, even while revised."""
        return self.approved_number is not None

    @property
    def is_editable(self) -> bool:
        return self.status is PlanStatus.DRAFT

    @property
    def audit_label(self) -> str:
        return f"{self.unit.code} {self.year_label}: {self.title}"


class VersionOutcome(StrEnum):
    WAITING = "waiting"
    APPROVED = "approved"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return {"waiting": "Waiting for approval", "approved": "Approved",
                "returned": "Sent back for changes"}[self.value]


class PlanVersion(Base):
    """The whole plan as it was submitted: sections, objectives, metrics, activities, milestones."""

    __tablename__ = "comm_plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)
    __audit_type__: ClassVar[str] = "comm_plan_version"
    __audit_fields__: ClassVar[tuple[str, ...]] = ("number", "outcome", "comment")

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("comm_plans.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column()
    outcome: Mapped[VersionOutcome] = mapped_column(enum_column(VersionOutcome))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column()
    comment: Mapped[str] = mapped_column(Text, default="")

    submitted_by: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[decided_by_id])

    @property
    def audit_label(self) -> str:
        return f"Version {self.number}"


class PlanObjective(Base):
    """A SMART objective: a measurable change from a baseline to a target by a deadline."""

    __tablename__ = "plan_objectives"
    __audit_type__: ClassVar[str] = "plan_objective"
    __audit_fields__: ClassVar[tuple[str, ...]] = (
        "statement", "element_name", "metric", "unit_of_measure", "baseline", "target", "deadline",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("comm_plans.id", ondelete="CASCADE"), index=True)
    statement: Mapped[str] = mapped_column(String(300))
    element_id: Mapped[int | None] = mapped_column(ForeignKey("violence_elements.id", ondelete="RESTRICT"))
    metric: Mapped[str] = mapped_column(String(200))
    unit_of_measure: Mapped[str] = mapped_column(String(40), default="")
    baseline: Mapped[float] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)
    deadline: Mapped[date] = mapped_column()

    element: Mapped[ViolenceElement | None] = relationship(lazy="joined")

    @property
    def element_name(self) -> str | None:
        return self.element.name if self.element is not None else None

    @property
    def audit_label(self) -> str:
        return self.statement


class PlanMetric(Base):
    """How the plan is evaluated at one level, from inputs to impact."""

    __tablename__ = "plan_metrics"
    __audit_type__: ClassVar[str] = "plan_metric"
    __audit_fields__: ClassVar[tuple[str, ...]] = (
        "level", "name", "data_source", "unit_of_measure", "baseline", "target", "is_confidence",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("comm_plans.id", ondelete="CASCADE"), index=True)
    level: Mapped[MetricLevel] = mapped_column(enum_column(MetricLevel))
    name: Mapped[str] = mapped_column(String(200))
    data_source: Mapped[str] = mapped_column(String(200), default="")
    unit_of_measure: Mapped[str] = mapped_column(String(40), default="")
    baseline: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    # The force's confidence measure ("the police and council are dealing with the issues that matter").
    is_confidence: Mapped[bool] = mapped_column(default=False)

    @property
    def audit_label(self) -> str:
        return f"{self.level.label}: {self.name}"


activity_audiences = Table(
    "activity_audiences",
    Base.metadata,
    Column("activity_id", ForeignKey("plan_activities.id", ondelete="CASCADE"), primary_key=True),
    Column("audience_id", ForeignKey("audiences.id", ondelete="RESTRICT"), primary_key=True),
    # An audience's activities from the index alone (the integrated plan's overload titles).
    Index("ix_activity_audiences_audience_activity", "audience_id", "activity_id"),
)


class Activity(TimestampMixin, Base):
    """One piece of campaign work on the plan's calendar: who it reaches, through what, saying what."""

    __tablename__ = "plan_activities"
    __table_args__ = (
        CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        CheckConstraint("reminder_days >= 0", name="reminder_days_not_negative"),
        # The integrated plan counts a year's activities per plan, status, week and element from
        # this index alone (plans/integrated_counts.py).
        Index("ix_plan_activities_plan_counts", "plan_id", "status", "starts_at", "ends_at", "element_id"),
    )
    __audit_type__: ClassVar[str] = "plan_activity"
    __audit_fields__: ClassVar[tuple[str, ...]] = (
        "title", "element_code", "audience_names", "channel_name", "message_map_title", "starts_at",
        "ends_at", "owner_name", "status", "ripe_strand", "cost_pounds", "reminder_days", "notes",
        "window_reason", "paused_at", "pause_note",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("comm_plans.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    element_id: Mapped[int] = mapped_column(ForeignKey("violence_elements.id", ondelete="RESTRICT"),
                                            index=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="RESTRICT"), index=True)
    message_map_id: Mapped[int | None] = mapped_column(ForeignKey("message_maps.id", ondelete="SET NULL"),
                                                       index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column()
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    status: Mapped[ActivityStatus] = mapped_column(enum_column(ActivityStatus))
    ripe_strand: Mapped[RipeStrand] = mapped_column(enum_column(RipeStrand))
    cost_pounds: Mapped[int | None] = mapped_column()
    # How many days before the start the owner is reminded; never less than the channel's lead time.
    reminder_days: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Why it goes ahead inside an "avoid" sensitivity window (required while it falls in one).
    window_reason: Mapped[str] = mapped_column(Text, default="")
    # Held back while an incident runs: when, for which incident, and the decision that paused it.
    paused_at: Mapped[datetime | None] = mapped_column()
    paused_for_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"),
                                                      index=True)
    pause_note: Mapped[str] = mapped_column(Text, default="")

    element: Mapped[ViolenceElement] = relationship(lazy="joined", innerjoin=True)
    channel: Mapped[Channel] = relationship(lazy="joined", innerjoin=True)
    message_map: Mapped[MessageMap | None] = relationship(lazy="joined")
    owner: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    audiences: Mapped[list[Audience]] = relationship(secondary=activity_audiences, lazy="selectin",
                                                     order_by=Audience.name)

    # Audit entries name what was chosen rather than recording bare ids.
    @property
    def element_code(self) -> str:
        return self.element.code

    @property
    def channel_name(self) -> str:
        return self.channel.name

    @property
    def owner_name(self) -> str:
        return self.owner.name

    @property
    def audience_names(self) -> list[str]:
        return [audience.name for audience in self.audiences]

    @property
    def message_map_title(self) -> str | None:
        return self.message_map.title if self.message_map is not None else None

    @property
    def uses_unapproved_message(self) -> bool:
        """The words it will use have never been approved (a draft or in-review map)."""
        return self.message_map is not None and self.message_map.approved_number is None

    @property
    def audit_label(self) -> str:
        return self.title


class Milestone(TimestampMixin, Base):
    """A dated point the plan must reach, with a lead and a red/amber/green status."""

    __tablename__ = "plan_milestones"
    __audit_type__: ClassVar[str] = "plan_milestone"
    __audit_fields__: ClassVar[tuple[str, ...]] = (
        "title", "target_date", "lead_name", "lead_account", "rag", "completed_on", "notes",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("comm_plans.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    target_date: Mapped[date] = mapped_column(index=True)
    # The delivery plan names leads as "TBD" until they are nominated; a lead with an account is
    # reminded, otherwise the plan's owner is.
    lead_name: Mapped[str] = mapped_column(String(120), default="TBD")
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rag: Mapped[Rag] = mapped_column(enum_column(Rag), default=Rag.GREEN)
    completed_on: Mapped[date | None] = mapped_column()
    notes: Mapped[str] = mapped_column(Text, default="")

    lead: Mapped[User | None] = relationship(lazy="joined")

    @property
    def lead_account(self) -> str | None:
        return self.lead.name if self.lead is not None else None

    @property
    def lead_label(self) -> str:
        return self.lead.name if self.lead is not None else (self.lead_name or "TBD")

    @property
    def audit_label(self) -> str:
        return self.title


class FeedScope(StrEnum):
    PLAN = "plan"
    PERSON = "person"
    INTEGRATED = "integrated"
    WINDOWS = "windows"

    @property
    def label(self) -> str:
        return {"plan": "One plan", "person": "My activities and milestones",
                "integrated": "The integrated plan for a year",
                "windows": "Sensitivity windows"}[self.value]


class CalendarFeed(Base):
    """A private calendar address: the token is shown once and only its hash is kept."""

    __tablename__ = "calendar_feeds"
    __audit_type__: ClassVar[str] = "calendar_feed"
    __audit_fields__: ClassVar[tuple[str, ...]] = ("scope", "plan_id", "year", "revoked_at")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scope: Mapped[FeedScope] = mapped_column(enum_column(FeedScope))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("comm_plans.id", ondelete="CASCADE"))
    year: Mapped[int | None] = mapped_column()
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    last_used_at: Mapped[datetime | None] = mapped_column()
    # What the feed last held (SHA-256 of its events, without DTSTAMP) and when that last changed: the
    # feed's DTSTAMP, Last-Modified and ETag come from these, so they move only when the events do.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    content_changed_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship(lazy="joined")
    plan: Mapped[CommPlan | None] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def audit_label(self) -> str:
        target = (self.plan.title if self.plan is not None else
                  year_label(self.year) if self.year is not None else self.user.name)
        return f"Calendar feed ({self.scope.label}): {target}"


class PlanActual(Base):
    """A figure measured for one objective or metric on a day: append-only, so the series is the record."""

    __tablename__ = "plan_actuals"
    __table_args__ = (
        CheckConstraint("(objective_id IS NULL) <> (metric_id IS NULL)", name="one_item"),
    )
    __audit_type__: ClassVar[str] = "plan_actual"
    __audit_fields__: ClassVar[tuple[str, ...]] = ("objective_id", "metric_id", "measured_on", "value",
                                                   "source")

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("comm_plans.id", ondelete="RESTRICT"), index=True)
    objective_id: Mapped[int | None] = mapped_column(ForeignKey("plan_objectives.id", ondelete="RESTRICT"),
                                                     index=True)
    metric_id: Mapped[int | None] = mapped_column(ForeignKey("plan_metrics.id", ondelete="RESTRICT"),
                                                  index=True)
    measured_on: Mapped[date] = mapped_column()
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(200))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column()

    entered_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def audit_label(self) -> str:
        return f"Actual {self.value:g} on {self.measured_on.isoformat()}"
