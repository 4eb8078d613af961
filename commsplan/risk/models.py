"""Annual risk profiles: one per business unit and financial year, one entry per violence element."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commsplan.auth.models import User
from commsplan.db import Base, TimestampMixin
from commsplan.reference.models import BusinessUnit, ViolenceElement
from commsplan.types import enum_column


class ProfileStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Likelihood(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def label(self) -> str:
        return self.value.capitalize()


def year_label(year: int) -> str:
    """A financial year as people write it: 2026 is April 2026 to March 2027, "2026–27"."""
    return f"{year}–{(year + 1) % 100:02d}"


class RiskProfile(TimestampMixin, Base):
    """A business unit's risk profile for one financial year (April to March)."""

    __tablename__ = "risk_profiles"
    __table_args__ = (UniqueConstraint("unit_id", "year"),)
    __audit_type__: ClassVar[str] = "risk_profile"
    __audit_fields__: ClassVar[tuple[str, ...]] = ("unit_id", "year", "status", "notes")

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("business_units.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    status: Mapped[ProfileStatus] = mapped_column(enum_column(ProfileStatus), default=ProfileStatus.DRAFT)
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column()

    unit: Mapped[BusinessUnit] = relationship(lazy="joined", innerjoin=True)
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    entries: Mapped[list[RiskProfileEntry]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="RiskProfileEntry.id")

    @property
    def year_label(self) -> str:
        return year_label(self.year)

    @property
    def audit_label(self) -> str:
        return f"{self.unit.code} {self.year_label}"


class RiskProfileEntry(Base):
    """One violence element in a profile; its priority rank and trend are computed, not stored."""

    __tablename__ = "risk_profile_entries"
    __table_args__ = (
        UniqueConstraint("profile_id", "element_id"),
        CheckConstraint("volume >= 0", name="volume_not_negative"),
        CheckConstraint("harm_score >= 0", name="harm_not_negative"),
    )
    __audit_type__: ClassVar[str] = "risk_profile_entry"
    __audit_fields__: ClassVar[tuple[str, ...]] = (
        "profile_id", "element_id", "volume", "harm_score", "harm_method", "likelihood",
        "priority_override", "override_reason", "victims", "offenders", "locations", "times",
        "confidence", "force_confidence",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("risk_profiles.id", ondelete="CASCADE"), index=True)
    element_id: Mapped[int] = mapped_column(ForeignKey("violence_elements.id", ondelete="RESTRICT"),
                                            index=True)
    volume: Mapped[int] = mapped_column(default=0)
    harm_score: Mapped[float] = mapped_column(Float, default=0.0)
    harm_method: Mapped[str] = mapped_column(String(120), default="")
    likelihood: Mapped[Likelihood] = mapped_column(enum_column(Likelihood), default=Likelihood.MEDIUM)
    priority_override: Mapped[int | None] = mapped_column()
    override_reason: Mapped[str] = mapped_column(Text, default="")
    victims: Mapped[str] = mapped_column(Text, default="")
    offenders: Mapped[str] = mapped_column(Text, default="")
    locations: Mapped[str] = mapped_column(Text, default="")
    times: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float | None] = mapped_column(Float)
    force_confidence: Mapped[float | None] = mapped_column(Float)

    profile: Mapped[RiskProfile] = relationship(back_populates="entries")
    element: Mapped[ViolenceElement] = relationship(lazy="joined", innerjoin=True)

    @property
    def audit_label(self) -> str:
        return f"{self.profile.audit_label}: {self.element.code}"
