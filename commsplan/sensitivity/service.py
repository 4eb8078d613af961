"""Sensitivity windows: adding, changing and removing them, and finding the ones that touch a piece
of campaign work. Every change is audited; the caller commits."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session

from commsplan.audiences.models import Audience
from commsplan.audit import service as audit
from commsplan.auth.models import Role, User
from commsplan.auth.service import require_role
from commsplan.errors import NotFound, ValidationError
from commsplan.reference.models import BusinessUnit, ViolenceElement
from commsplan.sensitivity.models import (
    SensitivityWindow,
    Severity,
    WindowKind,
    window_audiences,
    window_elements,
    window_units,
)
from commsplan.timeutil import london_day_start

WRITERS = (Role.COMMS_OFFICER, Role.ADMIN)  # as for communication plans
MAX_DAYS = 400  # a pre-election period or a long trial fits; a window for ever does not
MAX_CHOICES = 40
NOTE_LIMIT = 2000
Errors = dict[str, list[str]]


@dataclass(frozen=True)
class WindowValues:
    title: str
    kind: str
    severity: str
    first_day: date | None
    last_day: date | None
    unit_ids: tuple[int, ...] = ()
    element_ids: tuple[int, ...] = ()
    audience_ids: tuple[int, ...] = ()
    note: str = ""


def _chosen(session: Session, model: Any, ids: Sequence[int], errors: Errors, field: str, noun: str
            ) -> list[Any]:
    """The rows `ids` name, each still in use; an unknown or retired one is an error on `field`."""
    wanted = list(dict.fromkeys(ids))
    if len(wanted) > MAX_CHOICES:
        errors[field] = [f"Choose {MAX_CHOICES} {noun} at most, or none for all"]
        return []
    rows = list(session.scalars(select(model).where(model.id.in_(wanted), model.retired_at.is_(None))))
    if len(rows) != len(wanted):
        errors[field] = [f"Choose {noun} from the list"]
    return rows


def _check_days(values: WindowValues, errors: Errors) -> None:
    if values.first_day is None:
        errors["first_day"] = ["Enter the first day of the window"]
    if values.last_day is None:
        errors["last_day"] = ["Enter the last day of the window"]
    elif values.first_day is not None and values.last_day < values.first_day:
        errors["last_day"] = ["The last day must be the same as or after the first day"]
    elif values.first_day is not None and (values.last_day - values.first_day).days >= MAX_DAYS:
        errors["last_day"] = [f"A window can last {MAX_DAYS} days at most; add another for the rest"]


def check_window(session: Session, values: WindowValues) -> tuple[Errors, dict[str, Any]]:
    """Every problem with the values, by field, and the columns to write when there are none."""
    errors: Errors = {}
    title = values.title.strip()
    if not title:
        errors["title"] = ["Enter what the window is for, like 'Trial: R v Smith, Wood Green Crown Court'"]
    elif len(title) > 200:
        errors["title"] = ["Use 200 characters or fewer"]
    if values.kind not in set(WindowKind):
        errors["kind"] = ["Choose what kind of window it is"]
    if values.severity not in set(Severity):
        errors["severity"] = ["Choose whether to avoid campaign work or take care"]
    _check_days(values, errors)
    note = values.note.strip()
    if len(note) > NOTE_LIMIT:
        errors["note"] = [f"Use {NOTE_LIMIT:,} characters or fewer"]
    fields: dict[str, Any] = {
        "title": title, "note": note,
        "units": _chosen(session, BusinessUnit, values.unit_ids, errors, "unit_ids", "business units"),
        "elements": _chosen(session, ViolenceElement, values.element_ids, errors, "element_ids",
                            "violence elements"),
        "audiences": _chosen(session, Audience, values.audience_ids, errors, "audience_ids", "audiences"),
    }
    if not errors:
        assert values.first_day is not None and values.last_day is not None
        fields |= {"kind": WindowKind(values.kind), "severity": Severity(values.severity),
                   "starts_at": london_day_start(values.first_day),
                   "ends_at": london_day_start(values.last_day + timedelta(days=1))}
    return errors, fields


def save_window(session: Session, values: WindowValues, *, actor: User, now: datetime,
                window: SensitivityWindow | None = None, roles: tuple[Role, ...] = WRITERS
                ) -> SensitivityWindow:
    """Add a window or change one; nothing is written when any value is wrong. `roles` may widen who
    adds one: an incident's duty officer adds the window the incident proposes."""
    require_role(actor, roles, "change sensitivity windows")
    errors, fields = check_window(session, values)
    if errors:
        raise ValidationError(errors)
    if window is None:
        window = SensitivityWindow(created_by_id=actor.id, created_at=now, updated_at=now, **fields)
        session.add(window)
        audit.add_audited(session, window, actor=actor, now=now)
    else:
        audit.update_audited(session, window, fields, actor=actor, now=now)
    return window


def remove_window(session: Session, window: SensitivityWindow, *, actor: User, now: datetime) -> None:
    require_role(actor, WRITERS, "change sensitivity windows")
    audit.delete_audited(session, window, actor=actor, now=now)


def get_window(session: Session, window_id: int) -> SensitivityWindow:
    window = session.get(SensitivityWindow, window_id)
    if window is None:
        raise NotFound("There is no such sensitivity window")
    return window


def windows_query(*, ended_before: datetime | None = None, ending_after: datetime | None = None
                  ) -> Select[SensitivityWindow]:
    """Windows soonest first; `ending_after` keeps those not yet over, `ended_before` the past ones."""
    query = select(SensitivityWindow)
    if ending_after is not None:
        query = query.where(SensitivityWindow.ends_at > ending_after).order_by(SensitivityWindow.starts_at)
    if ended_before is not None:
        query = query.where(SensitivityWindow.ends_at <= ended_before).order_by(
            SensitivityWindow.starts_at.desc())
    return query.order_by(SensitivityWindow.id)


def running_between(session: Session, starts_at: datetime, ends_at: datetime, *, limit: int = 50
                    ) -> list[SensitivityWindow]:
    """The windows open at any moment between two moments (one calendar month), soonest first."""
    return list(session.scalars(select(SensitivityWindow).where(
        SensitivityWindow.starts_at < ends_at, SensitivityWindow.ends_at > starts_at)
        .order_by(SensitivityWindow.starts_at, SensitivityWindow.id).limit(limit)))


# --- Which windows touch a piece of work ---------------------------------------------------------

def touches_unit(unit_id: Any, *, everywhere: Any) -> ColumnElement[bool]:
    """The window names no unit, names this one, or the work reaches everywhere (a force-wide plan)."""
    link = window_units.c
    return or_(everywhere, ~exists().where(link.window_id == SensitivityWindow.id),
               exists().where(link.window_id == SensitivityWindow.id, link.unit_id == unit_id))


def touches_element(element_id: Any) -> ColumnElement[bool]:
    link = window_elements.c
    return or_(~exists().where(link.window_id == SensitivityWindow.id),
               exists().where(link.window_id == SensitivityWindow.id, link.element_id == element_id))


def touches_audiences(audience_ids: Any) -> ColumnElement[bool]:
    """`audience_ids` is a list or a subquery of the work's audiences."""
    link = window_audiences.c
    return or_(~exists().where(link.window_id == SensitivityWindow.id),
               exists().where(link.window_id == SensitivityWindow.id, link.audience_id.in_(audience_ids)))


def overlaps(starts_at: Any, ends_at: Any) -> ColumnElement[bool]:
    """The window is open at some moment while the work runs (work that ends as it opens does not
    count; work of no length counts on the moment it happens)."""
    return and_(SensitivityWindow.starts_at <= starts_at, SensitivityWindow.ends_at > starts_at) | and_(
        SensitivityWindow.starts_at > starts_at, SensitivityWindow.starts_at < ends_at)


def touching(session: Session, *, unit_id: int, everywhere: bool, element_id: int,
             audience_ids: Collection[int], starts_at: datetime, ends_at: datetime,
             severity: Severity | None = None) -> list[SensitivityWindow]:
    """The windows a piece of work would fall in, before it is saved."""
    query = select(SensitivityWindow).where(
        overlaps(starts_at, ends_at), touches_unit(unit_id, everywhere=true() if everywhere else false()),
        touches_element(element_id), touches_audiences(list(audience_ids)))
    if severity is not None:
        query = query.where(SensitivityWindow.severity == severity)
    return list(session.scalars(query.order_by(SensitivityWindow.starts_at, SensitivityWindow.id)
                                .limit(MAX_CHOICES)))
