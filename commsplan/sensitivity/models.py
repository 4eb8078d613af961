"""Sensitivity windows: stretches of days when campaign work in a place, on a subject or to an
audience could do harm (a trial, a funeral, an anniversary, a festival, a pre-election period).

A window runs from the start of its first day to the end of its last, London time, and is stored as
those two UTC moments so activities can be matched against it in SQL. An empty list of units,
elements or audiences means the window touches all of them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commsplan.audiences.models import Audience
from commsplan.auth.models import User
from commsplan.db import Base, TimestampMixin
from commsplan.reference.models import BusinessUnit, ViolenceElement
from commsplan.timeutil import to_london
from commsplan.types import enum_column


class WindowKind(StrEnum):
    TRIAL = "trial"
    FUNERAL = "funeral"
    VIGIL = "vigil"
    ANNIVERSARY = "anniversary"
    FESTIVAL = "festival"
    ELECTION = "election"
    MAJOR_EVENT = "major_event"
    INCIDENT = "incident"

    @property
    def label(self) -> str:
        return {"trial": "Trial", "funeral": "Funeral", "vigil": "Vigil", "anniversary": "Anniversary",
                "festival": "Religious or cultural festival", "election": "Pre-election period",
                "major_event": "Major event", "incident": "Critical incident"}[self.value]


class Severity(StrEnum):
    AVOID = "avoid"
    TAKE_CARE = "take_care"

    @property
    def label(self) -> str:
        return {"avoid": "Avoid", "take_care": "Take care"}[self.value]

    @property
    def hint(self) -> str:
        return {"avoid": "Hold campaign work; going ahead needs a recorded reason",
                "take_care": "Go ahead, but check tone, images and timing first"}[self.value]


def _link_table(name: str, column: str, target: str) -> Table:
    return Table(
        name, Base.metadata,
        Column("window_id", ForeignKey("sensitivity_windows.id", ondelete="CASCADE"), primary_key=True),
        Column(column, ForeignKey(f"{target}.id", ondelete="RESTRICT"), primary_key=True, index=True),
    )


window_units = _link_table("sensitivity_window_units", "unit_id", "business_units")
window_elements = _link_table("sensitivity_window_elements", "element_id", "violence_elements")
window_audiences = _link_table("sensitivity_window_audiences", "audience_id", "audiences")


class SensitivityWindow(TimestampMixin, Base):
    """Days when campaign work touching these units, elements and audiences should wait or take care."""

    __tablename__ = "sensitivity_windows"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)
    __audit_type__: ClassVar[str] = "sensitivity_window"
    __audit_fields__: ClassVar[tuple[str, ...]] = (
        "title", "kind", "severity", "first_day", "last_day", "unit_codes", "element_codes",
        "audience_names", "note",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[WindowKind] = mapped_column(enum_column(WindowKind))
    severity: Mapped[Severity] = mapped_column(enum_column(Severity))
    # Midnight London time at the start of the first day, and at the end of the last.
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column(index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    units: Mapped[list[BusinessUnit]] = relationship(secondary=window_units, lazy="selectin",
                                                     order_by=BusinessUnit.code)
    elements: Mapped[list[ViolenceElement]] = relationship(secondary=window_elements, lazy="selectin",
                                                           order_by=ViolenceElement.position)
    audiences: Mapped[list[Audience]] = relationship(secondary=window_audiences, lazy="selectin",
                                                     order_by=Audience.name)
    created_by: Mapped[User | None] = relationship(lazy="select")

    @property
    def first_day(self) -> date:
        return to_london(self.starts_at).date()

    @property
    def last_day(self) -> date:
        return to_london(self.ends_at - timedelta(microseconds=1)).date()

    @property
    def unit_codes(self) -> list[str]:
        return [unit.code for unit in self.units]

    @property
    def element_codes(self) -> list[str]:
        return [element.code for element in self.elements]

    @property
    def audience_names(self) -> list[str]:
        return [audience.name for audience in self.audiences]

    @property
    def is_avoid(self) -> bool:
        return self.severity is Severity.AVOID

    @property
    def audit_label(self) -> str:
        return f"{self.title} ({self.first_day:%-d %b %Y} to {self.last_day:%-d %b %Y})"
