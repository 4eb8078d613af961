"""Reference data: violence elements, their qualifiers, and the force's business units."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commsplan.db import Base, TimestampMixin
from commsplan.types import enum_column


class RetirableMixin:
    """Retired items stay in history and on old records but are not offered for new choices."""

    retired_at: Mapped[datetime | None] = mapped_column()

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class ViolenceElement(TimestampMixin, RetirableMixin, Base):
    """One strand of the strategy's definition of violence (seed 001, paragraph 5)."""

    __tablename__ = "violence_elements"
    __audit_type__: ClassVar[str] = "violence_element"
    __audit_fields__: ClassVar[tuple[str, ...]] = (
        "code", "name", "description", "parent_id", "position", "retired_at",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("violence_elements.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)

    # Without join_depth a self-referential eager load silently falls back to one query per row.
    parent: Mapped[ViolenceElement | None] = relationship(remote_side=[id], lazy="joined", join_depth=1)

    @property
    def audit_label(self) -> str:
        return f"{self.code} – {self.name}"


class Qualifier(TimestampMixin, RetirableMixin, Base):
    """A feature that brings lower-level offences into scope (seed 001, paragraph 7)."""

    __tablename__ = "qualifiers"
    __audit_type__: ClassVar[str] = "qualifier"
    __audit_fields__: ClassVar[tuple[str, ...]] = ("code", "name", "description", "position", "retired_at")

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    @property
    def audit_label(self) -> str:
        return f"{self.code} – {self.name}"


class UnitKind(StrEnum):
    CORPORATE = "corporate"
    BUSINESS_GROUP = "business_group"
    BOROUGH_COMMAND = "borough_command"
    SPECIALIST_UNIT = "specialist_unit"

    @property
    def label(self) -> str:
        return UNIT_KIND_LABELS[self]


UNIT_KIND_LABELS = {
    UnitKind.CORPORATE: "Corporate",
    UnitKind.BUSINESS_GROUP: "Business group",
    UnitKind.BOROUGH_COMMAND: "Borough command",
    UnitKind.SPECIALIST_UNIT: "Specialist unit",
}


class BusinessUnit(TimestampMixin, RetirableMixin, Base):
    """A part of the force that owns a risk profile and a communication plan."""

    __tablename__ = "business_units"
    __audit_type__: ClassVar[str] = "business_unit"
    __audit_fields__: ClassVar[tuple[str, ...]] = (
        "code", "name", "kind", "parent_id", "description", "retired_at",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_units.id", ondelete="RESTRICT"), index=True
    )
    description: Mapped[str] = mapped_column(Text, default="")

    # Without join_depth a self-referential eager load silently falls back to one query per row.
    parent: Mapped[BusinessUnit | None] = relationship(remote_side=[id], lazy="joined", join_depth=1)

    @property
    def audit_label(self) -> str:
        return f"{self.code} – {self.name}"
