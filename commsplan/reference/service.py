"""Rules for reference data: unique codes and names, sound parents, retire and restore."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import User
from commsplan.errors import Conflict, NotFound, ValidationError
from commsplan.reference.kinds import UNITS, ReferenceItem, ReferenceKind
from commsplan.reference.models import BusinessUnit, UnitKind

PARENT_REQUIRED = "Select the unit this one reports to"


def get_item(session: Session, kind: ReferenceKind, item_id: int) -> ReferenceItem:
    item = session.get(kind.model, item_id)
    if item is None:
        raise NotFound(f"No such {kind.singular}")
    return item


def get_unit(session: Session, unit_id: int) -> BusinessUnit:
    item = get_item(session, UNITS, unit_id)
    assert isinstance(item, BusinessUnit)
    return item


def items_query(
    kind: ReferenceKind, *, include_retired: bool = True, search: str = ""
) -> Select[Any]:
    """Active items first, then retired ones, in their natural order."""
    model = kind.model
    order = [model.retired_at.is_not(None)]
    order += [model.position] if hasattr(model, "position") else []
    query = select(model).order_by(*order, model.name)
    if not include_retired:
        query = query.where(model.retired_at.is_(None))
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            or_(*(func.lower(getattr(model, field)).like(pattern) for field in kind.search_fields))
        )
    return query


def active_items(session: Session, kind: ReferenceKind) -> list[Any]:
    return list(session.scalars(items_query(kind, include_retired=False)))


def parent_choices(
    session: Session, kind: ReferenceKind, item: ReferenceItem | None = None
) -> list[Any]:
    """Active items that may become the parent: never the item itself; its current parent stays."""
    options = [other for other in active_items(session, kind) if item is None or other.id != item.id]
    current = getattr(item, "parent", None)
    if current is not None and current not in options:
        options.append(current)
    return options


def clean_values(kind: ReferenceKind, values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {field: values[field] for field in kind.fields if field in values}
    for field, value in cleaned.items():
        if type(value) is str:  # plain text only: StrEnum members stay members
            cleaned[field] = value.strip()
    if isinstance(cleaned.get("code"), str):
        cleaned["code"] = cleaned["code"].upper()
    return cleaned


def _check_unique(
    session: Session, kind: ReferenceKind, values: Mapping[str, Any], item: ReferenceItem | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field in kind.unique_fields:
        column = getattr(kind.model, field)
        query = select(kind.model.id).where(func.lower(column) == str(values[field]).lower())
        if item is not None:
            query = query.where(kind.model.id != item.id)
        if session.scalar(query) is not None:
            errors[field] = [f"Another {kind.singular} already has this {field}"]
    return errors


def _check_parent(
    session: Session, kind: ReferenceKind, values: Mapping[str, Any], item: ReferenceItem | None
) -> dict[str, list[str]]:
    parent_id = values.get("parent_id")
    if not kind.has_parent:
        return {}
    if parent_id is None:
        needs_parent = values.get("kind") not in (None, UnitKind.CORPORATE)
        return {"parent_id": [PARENT_REQUIRED]} if needs_parent else {}
    parent = session.get(kind.model, parent_id)
    if parent is None:
        return {"parent_id": [f"Select {kind.a_singular} from the list"]}
    current_parent = getattr(item, "parent_id", None)
    if parent.is_retired and parent.id != current_parent:
        return {"parent_id": [f"{parent.name} is retired; select an active {kind.singular}"]}
    if item is not None and _is_descendant(parent, item):
        return {"parent_id": [f"{parent.name} is inside {item.name}; choose a parent above it"]}
    return {}


def _is_descendant(candidate: Any, item: ReferenceItem) -> bool:
    """True when `candidate` is `item` or sits somewhere below it."""
    seen: set[int] = set()
    while candidate is not None and candidate.id not in seen:
        if candidate.id == item.id:
            return True
        seen.add(candidate.id)
        candidate = candidate.parent
    return False


def _validate(
    session: Session, kind: ReferenceKind, values: dict[str, Any], item: ReferenceItem | None
) -> None:
    # Forms accept "  " as an answer; once stripped it must not be saved as a blank code or name.
    blank = {field: [f"Enter a {field}"] for field in kind.unique_fields
             if not str(values.get(field) or "").strip()}
    errors = {**_check_unique(session, kind, values, item), **blank}
    checks = [_check_parent] + ([kind.extra_checks] if kind.extra_checks else [])
    for check in checks:
        for field, messages in check(session, kind, values, item).items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def create_item(
    session: Session,
    kind: ReferenceKind,
    *,
    values: Mapping[str, Any],
    actor: User | None,
    now: datetime,
) -> ReferenceItem:
    """Add a new item after checking codes, names and parent; audited."""
    cleaned = clean_values(kind, values)
    _validate(session, kind, cleaned, None)
    item = kind.model(**cleaned, created_at=now, updated_at=now)
    audit.add_audited(session, item, actor=actor, now=now)
    return item


def update_item(
    session: Session,
    kind: ReferenceKind,
    item: ReferenceItem,
    *,
    values: Mapping[str, Any],
    actor: User | None,
    now: datetime,
) -> audit.Changes:
    """Change an item after the same checks as creation; returns what changed."""
    cleaned = {**{field: getattr(item, field) for field in kind.fields}, **clean_values(kind, values)}
    _validate(session, kind, cleaned, item)
    return audit.update_audited(session, item, cleaned, actor=actor, now=now)


def _active_children(session: Session, kind: ReferenceKind, item: ReferenceItem) -> int:
    if not kind.has_parent:
        return 0
    model: Any = kind.model
    query = select(func.count(model.id)).where(
        model.parent_id == item.id, model.retired_at.is_(None)
    )
    return session.scalar(query) or 0


def retire_item(
    session: Session, kind: ReferenceKind, item: ReferenceItem, *, actor: User, now: datetime
) -> None:
    """Hide an item from new choices; records that use it keep it."""
    if item.is_retired:
        raise Conflict(f"This {kind.singular} is already retired")
    if children := _active_children(session, kind, item):
        raise Conflict(
            f"{item.name} has {children} active {kind.plural} under it. "
            "Retire them or move them to another parent first."
        )
    audit.update_audited(session, item, {"retired_at": now}, actor=actor, now=now, action="retire")


def restore_item(
    session: Session, kind: ReferenceKind, item: ReferenceItem, *, actor: User, now: datetime
) -> None:
    """Offer a retired item for new choices again."""
    if not item.is_retired:
        raise Conflict(f"This {kind.singular} is not retired")
    parent = getattr(item, "parent", None)
    if parent is not None and parent.is_retired:
        raise Conflict(f"Restore {parent.name} first: {item.name} sits under it")
    audit.update_audited(session, item, {"retired_at": None}, actor=actor, now=now,
                         action="restore")

