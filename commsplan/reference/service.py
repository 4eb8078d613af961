"""Rules for reference data: unique codes and names, sound parents, retire and restore."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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


def _rule_errors(
    session: Session, kind: ReferenceKind, values: Mapping[str, Any], item: ReferenceItem | None,
    unique_errors: dict[str, list[str]],
) -> dict[str, list[str]]:
    """Every rule but uniqueness, whose findings the caller passes in (from a query or a set)."""
    # Forms accept "  " as an answer; once stripped it must not be saved as a blank code or name.
    blank = {field: [f"Enter a {field}"] for field in kind.unique_fields
             if not str(values.get(field) or "").strip()}
    errors = {**unique_errors, **blank}
    checks = [_check_parent] + ([kind.extra_checks] if kind.extra_checks else [])
    for check in checks:
        for field, messages in check(session, kind, values, item).items():
            errors.setdefault(field, []).extend(messages)
    return errors


def _validate(
    session: Session, kind: ReferenceKind, values: dict[str, Any], item: ReferenceItem | None
) -> None:
    if errors := _rule_errors(session, kind, values, item, _check_unique(session, kind, values, item)):
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


# --- many items at once (CSV imports): one query to read, one statement per kind of write ---------

Proposal = tuple[ReferenceItem | None, Mapping[str, Any]]  # (the item to change or None to add, values)


def all_items(session: Session, kind: ReferenceKind) -> list[Any]:
    """Every item of the kind, retired or not, in one query."""
    return list(session.scalars(select(kind.model)))


class UniqueValues:
    """The codes and names in use (lower-cased) and who holds each: read once, then kept up to date
    as proposals are checked, so a file's rows are checked against the database and each other."""

    def __init__(self, kind: ReferenceKind, items: Iterable[Any]) -> None:
        self.kind = kind
        self.holders: dict[str, dict[str, object]] = {field: {} for field in kind.unique_fields}
        for item in items:
            self.claim(item, {field: getattr(item, field) for field in kind.unique_fields})

    def errors(self, values: Mapping[str, Any], item: ReferenceItem | None) -> dict[str, list[str]]:
        return {field: [f"Another {self.kind.singular} already has this {field}"]
                for field in self.kind.unique_fields
                if self.holders[field].get(str(values.get(field) or "").lower(), item) is not item}

    def claim(self, holder: object, values: Mapping[str, Any]) -> None:
        for field in self.kind.unique_fields:
            if value := str(values.get(field) or "").lower():
                self.holders[field].setdefault(value, holder)


def proposed_values(kind: ReferenceKind, item: ReferenceItem | None, values: Mapping[str, Any]
                    ) -> dict[str, Any]:
    """The values an item would have: its own (when it exists) overlaid with the cleaned new ones."""
    current = {field: getattr(item, field) for field in kind.fields} if item is not None else {}
    return {**current, **clean_values(kind, values)}


def check_items(session: Session, kind: ReferenceKind, proposals: Sequence[Proposal],
                existing: Sequence[Any]) -> list[dict[str, list[str]]]:
    """Each proposal's faults, by field: the same rules as one item at a time, with codes and names
    checked against `existing` (every item of the kind) and the proposals before it, not a query each."""
    taken, found = UniqueValues(kind, existing), []
    for number, (item, values) in enumerate(proposals):
        cleaned = proposed_values(kind, item, values)
        found.append(_rule_errors(session, kind, cleaned, item, taken.errors(cleaned, item)))
        taken.claim(item if item is not None else number, cleaned)
    return found


def save_items(session: Session, kind: ReferenceKind, proposals: Sequence[Proposal],
               existing: Sequence[Any], *, actor: User | None, now: datetime) -> list[str]:
    """Add or change every proposal, all or none: each is checked as `check_items` does, then new
    items go in batched INSERTs and changes in batched UPDATEs, with their audit entries written
    together.
    Returns "created", "updated" or "unchanged" for each proposal."""
    problems = check_items(session, kind, proposals, existing)
    if bad := next((errors for errors in problems if errors), None):
        raise ValidationError(bad)
    audit.insert_all_audited(session, kind.model, [
        {**clean_values(kind, values), "created_at": now, "updated_at": now}
        for item, values in proposals if item is None], actor=actor, now=now)
    changed = audit.update_all_audited(
        session, [(item, proposed_values(kind, item, values)) for item, values in proposals
                  if item is not None], actor=actor, now=now)
    outcomes = iter(changed)
    return ["created" if item is None else "updated" if next(outcomes) else "unchanged"
            for item, _ in proposals]


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

