"""Writing audit entries: callers pass the actor and `now`; entries share the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from sqlalchemy import Select, insert, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from commsplan.audit.models import AuditEntry

if TYPE_CHECKING:
    from commsplan.auth.models import User

SYSTEM_ACTOR_NAME = "System"
Changes = dict[str, list[Any]]


class Auditable(Protocol):
    """A model that names its audit type and the fields whose changes are recorded."""

    __audit_type__: ClassVar[str]
    __audit_fields__: ClassVar[tuple[str, ...]]

    @property
    def audit_label(self) -> str: ...


def jsonable(value: Any) -> Any:
    """Make a field value safe to keep in the JSON changes column."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return [jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    return value


def jsonable_dict(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: jsonable(value) for key, value in values.items()}


def snapshot(obj: Auditable) -> dict[str, Any]:
    return {field: jsonable(getattr(obj, field)) for field in obj.__audit_fields__}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> Changes:
    """Fields whose value changed, as {field: [before, after]}."""
    return {
        field: [before.get(field), after.get(field)]
        for field in after
        if before.get(field) != after.get(field)
    }


def entry_row(action: str, object_type: str, object_id: object, label: str, changes: Changes, *,
              actor: User | None, now: datetime) -> dict[str, Any]:
    """One audit entry's columns: for one entry, or for many written in a single INSERT."""
    return {"at": now, "actor_id": actor.id if actor else None,
            "actor_name": actor.name if actor else SYSTEM_ACTOR_NAME, "action": action,
            "object_type": object_type, "object_id": str(object_id), "object_label": label[:300],
            "changes": changes}


def record_rows(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Write many audit entries (made by `entry_row`) in one statement."""
    if rows:
        session.execute(insert(AuditEntry), list(rows))


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    obj: Auditable,
    changes: Changes,
    now: datetime,
) -> AuditEntry:
    """Add one audit entry about `obj`; the caller's commit makes it permanent with the change."""
    entry = AuditEntry(**entry_row(action, obj.__audit_type__,
                                   getattr(obj, "id"),  # noqa: B009 (Protocols cannot declare mapped ids)
                                   obj.audit_label, changes, actor=actor, now=now))
    session.add(entry)
    return entry


def add_audited(session: Session, obj: Auditable, *, actor: User | None, now: datetime) -> None:
    """Insert a new object and record every audited field as created."""
    add_all_audited(session, [obj], actor=actor, now=now)


def add_all_audited(session: Session, objs: Sequence[Auditable], *, actor: User | None, now: datetime
                    ) -> None:
    """Insert new objects and record each as created."""
    session.add_all(objs)
    session.flush()
    record_created(session, objs, actor=actor, now=now)


def insert_all_audited(session: Session, model: type[Any], rows: Sequence[Mapping[str, Any]], *,
                       actor: User | None, now: datetime) -> list[Any]:
    """Insert rows of `model` (column values by name) in batched INSERTs and record each as created;
    returns the new objects, in no particular order. Unlike `add_all_audited`, the number of
    statements does not grow with the rows on SQLite, where a flush inserts one row at a time."""
    if not rows:
        return []
    objs = list(session.scalars(insert(model).returning(model), [dict(row) for row in rows]))
    record_created(session, objs, actor=actor, now=now)
    return objs


def record_created(session: Session, objs: Sequence[Auditable], *, actor: User | None, now: datetime
                   ) -> None:
    """Audit entries for objects already inserted, written in one statement however many there are."""
    record_rows(session, [entry_row("create", obj.__audit_type__, getattr(obj, "id"),  # noqa: B009
                                    obj.audit_label, diff({}, snapshot(obj)), actor=actor, now=now)
                          for obj in objs])


def update_audited(
    session: Session,
    obj: Auditable,
    values: Mapping[str, Any],
    *,
    actor: User | None,
    now: datetime,
    action: str = "update",
) -> Changes:
    """Apply `values` to `obj` and record what changed; records nothing when nothing changed."""
    before = snapshot(obj)
    for field, value in values.items():
        setattr(obj, field, value)
    changes = diff(before, snapshot(obj))
    if changes:
        if hasattr(obj, "updated_at"):
            obj.updated_at = now
        session.flush()
        record(session, actor=actor, action=action, obj=obj, changes=changes, now=now)
    return changes


def update_all_audited(
    session: Session,
    updates: Sequence[tuple[Auditable, Mapping[str, Any]]],
    *,
    actor: User | None,
    now: datetime,
    action: str = "update",
) -> list[Changes]:
    """Set each object's column values (plain columns only) and record what changed.

    A flush would send one UPDATE per object whenever neighbours change different columns; this
    sends one per set of columns changed, and one audit INSERT, however many objects. Returns each
    object's changes, in order (empty when nothing changed)."""
    all_changes, rows = [], []
    batches: dict[tuple[type, tuple[str, ...]], list[dict[str, Any]]] = {}
    for obj, values in updates:
        before = snapshot(obj)
        changed = {field: value for field, value in values.items()
                   if jsonable(getattr(obj, field)) != jsonable(value)}
        changes = diff(before, {**before, **{field: jsonable(value) for field, value in changed.items()
                                             if field in before}})
        if changes:
            if hasattr(obj, "updated_at"):
                changed["updated_at"] = now
            rows.append(entry_row(action, obj.__audit_type__, getattr(obj, "id"),  # noqa: B009
                                  obj.audit_label, changes, actor=actor, now=now))
        if changed:
            batches.setdefault((type(obj), tuple(sorted(changed))), []).append(
                {**primary_key_of(obj), **changed})
            for field, value in changed.items():
                set_committed_value(obj, field, value)  # what the UPDATE below writes
        all_changes.append(changes)
    for (model, _), params in batches.items():
        session.execute(update(model), params)
    record_rows(session, rows)
    return all_changes


def primary_key_of(obj: object) -> dict[str, Any]:
    """The object's primary key, by attribute name, as a bulk UPDATE wants it."""
    mapper = inspect(obj).mapper
    return {mapper.get_property_by_column(column).key: value
            for column, value in zip(mapper.primary_key, mapper.primary_key_from_instance(obj), strict=True)}


def delete_audited(session: Session, obj: Auditable, *, actor: User | None, now: datetime) -> None:
    """Delete an object, recording every audited field as removed."""
    delete_all_audited(session, [obj], actor=actor, now=now)


def delete_all_audited(session: Session, objs: Sequence[Auditable], *, actor: User | None,
                       now: datetime) -> None:
    """Delete objects, recording every audited field of each as removed, in one audit INSERT."""
    record_rows(session, [entry_row("delete", obj.__audit_type__, getattr(obj, "id"),  # noqa: B009
                                    obj.audit_label,
                                    {field: [value, None] for field, value in snapshot(obj).items()},
                                    actor=actor, now=now) for obj in objs])
    for obj in objs:
        session.delete(obj)
    session.flush()


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    object_types: tuple[str, ...] = ()


def entries_query(criteria: AuditFilter) -> Select[AuditEntry]:
    """Newest first, narrowed by the filter; `until` is exclusive."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if criteria.actor_id is not None:
        query = query.where(AuditEntry.actor_id == criteria.actor_id)
    if criteria.object_type:
        query = query.where(AuditEntry.object_type == criteria.object_type)
    if criteria.object_id:
        query = query.where(AuditEntry.object_id == criteria.object_id)
    if criteria.since is not None:
        query = query.where(AuditEntry.at >= criteria.since)
    if criteria.until is not None:
        query = query.where(AuditEntry.at < criteria.until)
    if criteria.object_types:
        query = query.where(AuditEntry.object_type.in_(criteria.object_types))
    return query


def object_types(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.object_type).distinct().order_by(
        AuditEntry.object_type)))


def history(
    session: Session, object_type: str, object_ids: Iterable[str], *, limit: int = 50
) -> list[AuditEntry]:
    """The latest entries about the given objects, newest first."""
    query = entries_query(AuditFilter(object_type=object_type)).where(
        AuditEntry.object_id.in_(list(object_ids))).limit(limit)
    return list(session.scalars(query))
