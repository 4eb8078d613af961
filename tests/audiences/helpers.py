"""Messaging test helpers: audience and channel makers that flush, row counters."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audiences.kinds import AUDIENCES, CHANNELS
from commsplan.audiences.models import (
    Affinity,
    Audience,
    Channel,
    ChannelKind,
    CostBand,
    LimitType,
    Segment,
)
from commsplan.audit.models import AuditEntry
from commsplan.auth.models import User
from commsplan.extensions import db
from commsplan.reference import service as catalogue

_numbers = itertools.count(1)


def make_audience(session: Session, *, now: datetime, actor: User | None = None, **values: Any) -> Audience:
    number = next(_numbers)
    fields = {"name": f"Audience {number:04d}", "segment": Segment.PUBLIC, "age_band": "",
              "geography": "", "size_estimate": None, "size_source": "", "languages": [],
              "accessibility_needs": [], "insight_notes": "", "sensitivity_notes": "", **values}
    item = catalogue.create_item(session, AUDIENCES, values=fields, actor=actor, now=now)
    assert isinstance(item, Audience)
    return item


def make_channel(session: Session, *, now: datetime, actor: User | None = None, **values: Any) -> Channel:
    number = next(_numbers)
    fields = {"name": f"Channel {number:04d}", "kind": ChannelKind.OWNED, "length_limit": None,
              "limit_type": LimitType.NONE, "lead_time_days": 0, "reach": None, "reach_unit": "",
              "cost_band": CostBand.NONE, "languages": [], "accessibility_features": [],
              "urgent_capable": False, "operating_hours": "", **values}
    item = catalogue.create_item(session, CHANNELS, values=fields, actor=actor, now=now)
    assert isinstance(item, Channel)
    return item


def count(model: Any) -> int:
    """Committed and pending rows of `model`, seen through the test's own session."""
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def written() -> tuple[int, int, int, int]:
    """Audiences, channels, affinities and audit entries: compare before and after a refused write."""
    db.session.expire_all()
    return count(Audience), count(Channel), count(Affinity), count(AuditEntry)


def entries(object_type: str, object_id: Any | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.object_type == object_type).order_by(AuditEntry.id)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == str(object_id))
    return list(db.session.scalars(query))
