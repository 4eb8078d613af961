"""The coverage matrix notes, by element, the press desk's claims still circulating whose linked map
has no approved answer (through the hook create_app connects); partner viewers see none of it, and
the page takes the same queries for 1 or 10 such claims."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from commsplan.auth.models import Role, User
from commsplan.extensions import db
from commsplan.messages.models import MessageMap
from commsplan.press import claims
from tests.conftest import count_queries
from tests.messages.conftest import MapMaker, People, Reference

NOTE = "still circulating, linked to a map with no approved version"


def add_claims(session: Session, message_map: MessageMap, reference: Reference, people: People, now: datetime,
               number: int) -> None:
    for n in range(number):
        claims.record_claim(session, claims.ClaimInput(
            summary=f"A rumour about robberies {n}", platform="x", harm="medium",
            unit_id=reference.hackney.id, first_seen_at=now - timedelta(minutes=n), map_id=message_map.id),
            None, actor=people.author, now=now)


def queries(client: FlaskClient) -> int:
    client.get("/messages/coverage")
    with count_queries() as counter:
        client.get("/messages/coverage")
    return counter.count


def test_claims_without_an_approved_answer_show_by_element(
        client: FlaskClient, signed_in: Callable[..., User], session: Session, make_map: MapMaker,
        reference: Reference, people: People, now: datetime) -> None:
    draft = make_map()
    add_claims(session, draft, reference, people, now, 1)
    db.session.commit()
    signed_in(Role.VIEWER)
    assert NOTE not in client.get("/messages/coverage").text  # partner viewers see nothing of the desk
    signed_in(Role.COMMS_OFFICER)
    page = client.get("/messages/coverage").text
    assert f"{reference.elements['ROB'].name}</strong>: 1 claim {NOTE}" in page
    small = queries(client)
    add_claims(session, draft, reference, people, now, 9)
    db.session.commit()
    assert queries(client) == small
    assert f"10 claims {NOTE}" in client.get("/messages/coverage").text
    assert NOTE not in client.get(f"/messages/coverage?unit={reference.brent.id}").text
