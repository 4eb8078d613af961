"""Who belongs to which business unit: reminders to "a role within a unit" reach its members."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from commsplan.audit import service as audit
from commsplan.auth.models import User
from commsplan.db import Base
from commsplan.errors import Conflict, NotFound
from commsplan.reference.models import BusinessUnit


class UnitMember(Base):
    __tablename__ = "unit_members"
    __audit_type__: ClassVar[str] = "unit_member"
    __audit_fields__: ClassVar[tuple[str, ...]] = ("user_id", "business_unit_id")

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    business_unit_id: Mapped[int] = mapped_column(
        ForeignKey("business_units.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column()

    user: Mapped[User] = relationship(lazy="joined")
    unit: Mapped[BusinessUnit] = relationship(lazy="joined")

    @property
    def id(self) -> str:
        return f"{self.business_unit_id}:{self.user_id}"

    @property
    def audit_label(self) -> str:
        return f"{self.user.name} in {self.unit.name}"


def members(session: Session, unit: BusinessUnit) -> list[UnitMember]:
    query = (select(UnitMember).join(UnitMember.user).where(UnitMember.business_unit_id == unit.id)
             .order_by(User.name))
    return list(session.scalars(query))


def user_ids(session: Session, unit: BusinessUnit) -> list[int]:
    return list(session.scalars(select(UnitMember.user_id)
                                .where(UnitMember.business_unit_id == unit.id)))


def units_of(session: Session, user_id: int) -> list[int]:
    query = select(UnitMember.business_unit_id).where(UnitMember.user_id == user_id)
    return list(session.scalars(query))


def add_member(
    session: Session, unit: BusinessUnit, user: User, *, actor: User, now: datetime
) -> UnitMember:
    """Put a person in a unit; they then receive reminders sent to their role in that unit."""
    if session.get(UnitMember, (user.id, unit.id)) is not None:
        raise Conflict(f"{user.name} is already in {unit.name}")
    member = UnitMember(user_id=user.id, business_unit_id=unit.id, user=user, unit=unit, added_at=now)
    audit.add_audited(session, member, actor=actor, now=now)
    return member


def remove_member(
    session: Session, unit: BusinessUnit, user_id: int, *, actor: User, now: datetime
) -> None:
    member = session.get(UnitMember, (user_id, unit.id))
    if member is None:
        raise NotFound("That person is not in this unit")
    audit.delete_audited(session, member, actor=actor, now=now)
