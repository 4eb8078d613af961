"""Public confidence survey measures and their results per business unit and survey wave.

The force as a whole is the corporate unit: its result for a wave is the force figure every borough
is compared with.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commsplan.db import Base
from commsplan.reference.models import BusinessUnit

Z_95 = 1.96  # a 95% interval either side of a proportion, under the normal approximation


def margin_of_error(value: float, sample_size: int) -> float:
    """The 95% margin of error, in percentage points, of a percentage from a simple random sample:
    1.96 × √(p(1 − p)/n). Weighted surveys have wider margins; give theirs when it is known."""
    share = min(max(value / 100, 0.0), 1.0)
    return Z_95 * math.sqrt(share * (1 - share) / sample_size) * 100


class ConfidenceMeasure(Base):
    """One survey question, in its exact wording, and where the figures come from."""

    __tablename__ = "confidence_measures"
    __audit_type__: ClassVar[str] = "confidence_measure"
    __audit_fields__: ClassVar[tuple[str, ...]] = ("code", "name", "question", "source", "is_headline")

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    question: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(300))
    # The force's headline measure: the one its performance framework is judged by.
    is_headline: Mapped[bool] = mapped_column(default=False)

    @property
    def audit_label(self) -> str:
        return f"{self.code}: {self.name}"


class ConfidenceResult(Base):
    """A measure's result for one unit in one survey wave (named by the wave's last fieldwork day)."""

    __tablename__ = "confidence_results"
    __table_args__ = (
        UniqueConstraint("measure_id", "unit_id", "period"),
        CheckConstraint("value >= 0 AND value <= 100", name="value_is_percentage"),
        CheckConstraint("sample_size > 0", name="sample_size_positive"),
        CheckConstraint("margin IS NULL OR (margin >= 0 AND margin <= 100)", name="margin_is_percentage"),
    )
    __audit_type__: ClassVar[str] = "confidence_result"
    __audit_fields__: ClassVar[tuple[str, ...]] = ("value", "sample_size", "margin")

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("confidence_measures.id", ondelete="RESTRICT"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("business_units.id", ondelete="RESTRICT"), index=True)
    period: Mapped[date] = mapped_column(index=True)
    value: Mapped[float] = mapped_column(Float)
    sample_size: Mapped[int] = mapped_column()
    # As published; None when the source gave none and it is worked out from value and sample size.
    margin: Mapped[float | None] = mapped_column(Float)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column()

    measure: Mapped[ConfidenceMeasure] = relationship(lazy="joined", innerjoin=True)
    unit: Mapped[BusinessUnit] = relationship(lazy="joined", innerjoin=True)

    @property
    def margin_of_error(self) -> float:
        return self.margin if self.margin is not None else margin_of_error(self.value, self.sample_size)

    @property
    def margin_is_computed(self) -> bool:
        return self.margin is None

    @property
    def audit_label(self) -> str:
        return f"{self.measure.code} {self.unit.code} {self.period.isoformat()}"
