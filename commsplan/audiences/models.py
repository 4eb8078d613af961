"""Audiences, channels and how well each channel reaches each audience (deliverable 2C)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commsplan.db import Base, TimestampMixin
from commsplan.reference.models import RetirableMixin
from commsplan.types import enum_column


class Segment(StrEnum):
    PUBLIC = "public"
    YOUNG_PEOPLE = "young_people"
    PARENTS_CARERS = "parents_carers"
    EDUCATION = "education"
    VICTIMS_FAMILIES = "victims_families"
    AT_RISK = "at_risk"
    FAITH_COMMUNITY = "faith_community"
    BUSINESS = "business"
    PARTNER = "partner"
    GOVERNANCE = "governance"
    MEDIA = "media"
    INTERNAL = "internal"

    @property
    def label(self) -> str:
        return SEGMENT_LABELS[self]


SEGMENT_LABELS = {
    Segment.PUBLIC: "General public and residents",
    Segment.YOUNG_PEOPLE: "Young people",
    Segment.PARENTS_CARERS: "Parents and carers",
    Segment.EDUCATION: "Schools and education staff",
    Segment.VICTIMS_FAMILIES: "Victims and bereaved families",
    Segment.AT_RISK: "People at risk of offending (deterrence)",
    Segment.FAITH_COMMUNITY: "Faith and community leaders",
    Segment.BUSINESS: "Businesses and venues",
    Segment.PARTNER: "Partner agencies",
    Segment.GOVERNANCE: "Governance and elected members",
    Segment.MEDIA: "Media",
    Segment.INTERNAL: "Officers and staff",
}


class ChannelKind(StrEnum):
    OWNED = "owned"
    EARNED = "earned"
    PAID = "paid"
    SHARED = "shared"
    FACE_TO_FACE = "face_to_face"
    PARTNER = "partner"

    @property
    def label(self) -> str:
        return {"owned": "Owned", "earned": "Earned (media)", "paid": "Paid", "shared": "Shared",
                "face_to_face": "Face to face", "partner": "Through a partner"}[self.value]


class CostBand(StrEnum):
    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def label(self) -> str:
        return {"none": "No cost", "low": "Low (under £1,000)", "medium": "Medium (£1,000–£10,000)",
                "high": "High (over £10,000)"}[self.value]


class LimitType(StrEnum):
    NONE = "none"
    SOFT = "soft"
    HARD = "hard"

    @property
    def label(self) -> str:
        return {"none": "No length limit", "soft": "Soft: warn when over",
                "hard": "Hard: block when over"}[self.value]


ACCESSIBILITY_OPTIONS = ["BSL", "Easy Read", "Large print", "Audio", "Subtitles",
                         "Translated versions", "Alt text on images", "Plain English"]


class Audience(TimestampMixin, RetirableMixin, Base):
    """Who we speak to, and what stands between them and the behaviour we want."""

    __tablename__ = "audiences"
    __audit_type__: ClassVar[str] = "audience"
    __audit_fields__: ClassVar[tuple[str, ...]] = (
        "name", "segment", "age_band", "geography", "size_estimate", "size_source", "languages",
        "accessibility_needs", "insight_notes", "sensitivity_notes", "retired_at",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    segment: Mapped[Segment] = mapped_column(enum_column(Segment))
    age_band: Mapped[str] = mapped_column(String(40), default="")
    geography: Mapped[str] = mapped_column(String(200), default="")
    size_estimate: Mapped[int | None] = mapped_column()
    size_source: Mapped[str] = mapped_column(String(300), default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    accessibility_needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    insight_notes: Mapped[str] = mapped_column(Text, default="")
    sensitivity_notes: Mapped[str] = mapped_column(Text, default="")

    @property
    def audit_label(self) -> str:
        return self.name


class Channel(TimestampMixin, RetirableMixin, Base):
    """How we reach people, with the constraints a message must fit."""

    __tablename__ = "channels"
    __audit_type__: ClassVar[str] = "channel"
    __audit_fields__: ClassVar[tuple[str, ...]] = (
        "name", "kind", "length_limit", "limit_type", "lead_time_days", "lead_time_strict", "reach",
        "reach_unit", "cost_band", "languages", "accessibility_features", "urgent_capable",
        "operating_hours", "retired_at",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[ChannelKind] = mapped_column(enum_column(ChannelKind))
    length_limit: Mapped[int | None] = mapped_column()
    limit_type: Mapped[LimitType] = mapped_column(enum_column(LimitType), default=LimitType.NONE)
    lead_time_days: Mapped[int] = mapped_column(default=0)
    # Whether an activity booked inside the lead time is refused (True) or saved with a warning.
    lead_time_strict: Mapped[bool] = mapped_column(default=False)
    reach: Mapped[int | None] = mapped_column()
    reach_unit: Mapped[str] = mapped_column(String(60), default="")
    cost_band: Mapped[CostBand] = mapped_column(enum_column(CostBand), default=CostBand.NONE)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    accessibility_features: Mapped[list[str]] = mapped_column(JSON, default=list)
    urgent_capable: Mapped[bool] = mapped_column(default=False)
    operating_hours: Mapped[str] = mapped_column(String(120), default="")

    @property
    def audit_label(self) -> str:
        return self.name


class Affinity(Base):
    """How well a channel reaches an audience: 0 (not at all) to 3 (strongly), with evidence."""

    __tablename__ = "affinities"
    __table_args__ = (CheckConstraint("score BETWEEN 0 AND 3", name="score_range"),)
    __audit_type__: ClassVar[str] = "affinity"
    __audit_fields__: ClassVar[tuple[str, ...]] = ("score", "evidence")

    audience_id: Mapped[int] = mapped_column(
        ForeignKey("audiences.id", ondelete="CASCADE"), primary_key=True)
    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True, index=True)
    score: Mapped[int] = mapped_column()
    evidence: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column()

    audience: Mapped[Audience] = relationship(lazy="joined")
    channel: Mapped[Channel] = relationship(lazy="joined")

    @property
    def id(self) -> str:
        return f"{self.audience_id}:{self.channel_id}"

    @property
    def audit_label(self) -> str:
        return f"{self.channel.name} → {self.audience.name}"


SCORE_LABELS = {0: "Does not reach", 1: "Reaches a few", 2: "Reaches many", 3: "Reaches most"}
