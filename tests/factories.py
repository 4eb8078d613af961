"""make_<thing>() factories: build valid records through the services and flush."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from commsplan.auth import service as accounts
from commsplan.auth.models import Role, User
from commsplan.reference import service as reference
from commsplan.reference.kinds import ELEMENTS, QUALIFIERS, UNITS
from commsplan.reference.models import BusinessUnit, Qualifier, UnitKind, ViolenceElement

PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)


def make_user(
    session: Session,
    *,
    roles: Iterable[Role] = (Role.VIEWER,),
    email: str | None = None,
    name: str | None = None,
    now: datetime,
    password: str = PASSWORD,
) -> User:
    number = next(_sequence)
    return accounts.create_user(
        session, email=email or f"person{number}@example.test", name=name or f"Person {number}",
        roles=set(roles), password=password, actor=None, now=now)


def make_element(session: Session, *, now: datetime, **values: Any) -> ViolenceElement:
    number = next(_sequence)
    fields = {"code": f"EL{number}", "name": f"Element {number}", "description": "",
              "parent_id": None, "position": number % 1000, **values}
    item = reference.create_item(session, ELEMENTS, values=fields, actor=None, now=now)
    assert isinstance(item, ViolenceElement)
    return item


def make_qualifier(session: Session, *, now: datetime, **values: Any) -> Qualifier:
    number = next(_sequence)
    fields = {"code": f"Q{number}", "name": f"Qualifier {number}", "description": "",
              "position": number % 1000, **values}
    item = reference.create_item(session, QUALIFIERS, values=fields, actor=None, now=now)
    assert isinstance(item, Qualifier)
    return item


def make_unit(
    session: Session, *, now: datetime, parent: BusinessUnit | None = None, **values: Any
) -> BusinessUnit:
    number = next(_sequence)
    kind = UnitKind.CORPORATE if parent is None else UnitKind.BOROUGH_COMMAND
    fields = {"code": f"U{number}", "name": f"Unit {number}", "kind": kind,
              "parent_id": parent.id if parent else None, "description": "", **values}
    item = reference.create_item(session, UNITS, values=fields, actor=None, now=now)
    assert isinstance(item, BusinessUnit)
    return item
