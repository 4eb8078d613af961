"""The demo's sensitivity windows (`data/sensitivity.yaml`), added through the windows service."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audiences.models import Audience
from commsplan.auth.models import User
from commsplan.demo.files import read_yaml
from commsplan.reference.models import BusinessUnit, ViolenceElement
from commsplan.risk.profiles import financial_year
from commsplan.sensitivity import service
from commsplan.sensitivity.models import SensitivityWindow
from commsplan.timeutil import to_london


def day_in(year: int, value: Any) -> date:
    """A fixed date as it is; "MM-DD" within the financial year starting in April of `year`."""
    if isinstance(value, date):
        return value
    month, day = (int(part) for part in str(value).split("-"))
    return date(year + (month < 4), month, day)


def ids(session: Session, column: Any, names: list[str]) -> tuple[int, ...]:
    """The ids of the rows `names` name; a name the data does not hold is an error in the file."""
    found = {name: row_id for name, row_id in session.execute(select(column, column.class_.id)
                                                              .where(column.in_(names)))}
    missing = [name for name in names if name not in found]
    if missing:
        raise LookupError(f"sensitivity.yaml names what the demo does not hold: {', '.join(missing)}")
    return tuple(found[name] for name in names)


def load_windows(session: Session, *, officer: User, now: datetime) -> list[str]:
    """Add the demo windows unless there are windows already; returns what was added."""
    if session.scalar(select(SensitivityWindow.id).limit(1)) is not None:
        return []
    year = financial_year(to_london(now))
    added = []
    for row in read_yaml("sensitivity.yaml")["windows"]:
        values = service.WindowValues(
            title=row["title"], kind=row["kind"], severity=row["severity"],
            first_day=day_in(year, row["first_day"]), last_day=day_in(year, row["last_day"]),
            unit_ids=ids(session, BusinessUnit.code, row.get("units", [])),
            element_ids=ids(session, ViolenceElement.code, row.get("elements", [])),
            audience_ids=ids(session, Audience.name, row.get("audiences", [])), note=row.get("note", ""))
        service.save_window(session, values, actor=officer, now=now)
        added.append(f"sensitivity window: {row['title']}")
    return added
