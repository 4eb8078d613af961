"""Small helpers shared by test modules: row counts and fresh reads."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from commsplan.audit.models import AuditEntry
from commsplan.extensions import db
from commsplan.reference.kinds import ReferenceKind


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def rows(kind: ReferenceKind) -> tuple[int, int]:
    """How many items of the kind, and how many audit entries: both unchanged after a refusal."""
    return count(kind.model), count(AuditEntry)


def fresh(model: Any, item_id: Any) -> Any:
    db.session.expire_all()
    return db.session.get(model, item_id)


def committed(value: Any) -> Any:
    db.session.commit()
    return value

