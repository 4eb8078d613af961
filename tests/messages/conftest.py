"""Message-map fixtures: seeded elements and qualifiers, audiences with and without needs, channels
with a hard, a soft and no length limit, the people who write and approve, and a map maker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audiences.models import Audience, Channel, LimitType
from commsplan.auth.models import Role, User
from commsplan.messages import checks, maps
from commsplan.messages.models import MessageMap
from commsplan.notifications.settings import DeliverySettings
from commsplan.reference.models import BusinessUnit, Qualifier, ViolenceElement
from commsplan.reference.seed import seed_reference
from tests.audiences.helpers import make_audience, make_channel
from tests.factories import make_user
from tests.messages.helpers import CONTENT, variant

MapMaker = Callable[..., MessageMap]


@dataclass(frozen=True)
class Reference:
    """The seeded elements and qualifiers by code, and two borough commands."""

    elements: dict[str, ViolenceElement]
    qualifiers: dict[str, Qualifier]
    hackney: BusinessUnit
    brent: BusinessUnit


@dataclass(frozen=True)
class People:
    author: User            # comms officer
    second_officer: User    # another comms officer
    approver: User          # approver only
    officer_approver: User  # comms officer who also approves
    viewer: User


@dataclass(frozen=True)
class Channels:
    sms: Channel      # HARD 160 characters, English only
    social: Channel   # SOFT 90 characters
    website: Channel  # no limit, any language


@pytest.fixture
def reference(session: Session, now: datetime) -> Reference:
    seed_reference(session, actor=None, now=now)
    elements = {e.code: e for e in session.scalars(select(ViolenceElement))}
    qualifiers = {q.code: q for q in session.scalars(select(Qualifier))}
    units = {u.code: u for u in session.scalars(select(BusinessUnit))}
    return Reference(elements, qualifiers, hackney=units["GD"], brent=units["QK"])


@pytest.fixture
def plain_audience(session: Session, now: datetime) -> Audience:
    """An audience with no accessibility needs."""
    return make_audience(session, now=now, name="Residents of Hackney")


@pytest.fixture
def needy_audience(session: Session, now: datetime) -> Audience:
    """An audience that needs Easy Read, British Sign Language and subtitles."""
    return make_audience(session, now=now, name="Deaf and learning-disabled residents",
                         accessibility_needs=["Easy Read", "BSL", "Subtitles"])


@pytest.fixture
def channels(session: Session, now: datetime) -> Channels:
    return Channels(
        sms=make_channel(session, now=now, name="Borough SMS", length_limit=160,
                         limit_type=LimitType.HARD, languages=["en"]),
        social=make_channel(session, now=now, name="Neighbourhood social", length_limit=90,
                            limit_type=LimitType.SOFT),
        website=make_channel(session, now=now, name="Force website"),
    )


@pytest.fixture
def people(session: Session, now: datetime) -> People:
    return People(
        author=make_user(session, roles=(Role.COMMS_OFFICER,), name="Ada Author", now=now),
        second_officer=make_user(session, roles=(Role.COMMS_OFFICER,), name="Sam Second", now=now),
        approver=make_user(session, roles=(Role.APPROVER,), name="Apu Approver", now=now),
        officer_approver=make_user(session, roles=(Role.COMMS_OFFICER, Role.APPROVER),
                                   name="Bo Both", now=now),
        viewer=make_user(session, roles=(Role.VIEWER,), name="Vic Viewer", now=now),
    )


@pytest.fixture
def delivery() -> DeliverySettings:
    return DeliverySettings()


@pytest.fixture
def make_map(session: Session, now: datetime, reference: Reference, plain_audience: Audience,
             channels: Channels, people: People, delivery: DeliverySettings) -> MapMaker:
    """A draft map through the service: robbery for the plain audience, one website variant, written
    by the author unless told otherwise."""

    def make(*, element: str = "ROB", audience: Audience | None = None, author: User | None = None,
             owner: User | None = None, qualifiers: tuple[str, ...] = (), unit: BusinessUnit | None = None,
             review_date: date | None = None, variants: tuple[checks.VariantContent, ...] | None = None,
             content: checks.MapContent = CONTENT) -> MessageMap:
        writer = author or people.author
        settings = checks.MapSettings(
            element_id=reference.elements[element].id, audience_id=(audience or plain_audience).id,
            qualifier_ids=tuple(reference.qualifiers[code].id for code in qualifiers),
            unit_id=unit.id if unit else None, owner_id=(owner or writer).id, review_date=review_date)
        chosen = (variant(channels.website),) if variants is None else variants
        return maps.create_map(session, settings=settings, content=content, variants=chosen,
                               actor=writer, now=now, delivery=delivery)

    return make
