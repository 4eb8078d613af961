"""Message maps through the JSON API: create, update as a new version, submit, approve, retire."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audiences.models import LimitType
from commsplan.auth.models import Role
from commsplan.extensions import db
from commsplan.messages.models import MessageMap, MessageVersion
from commsplan.reference.models import ViolenceElement
from commsplan.reference.seed import seed_reference
from tests.audiences.helpers import make_audience, make_channel
from tests.conftest import TokenFactory


@pytest.fixture
def body(session: Session, now: datetime) -> dict[str, Any]:
    """A valid new map, with one SMS variant, against freshly seeded reference data."""
    seed_reference(session, actor=None, now=now)
    audience = make_audience(session, now=now, name="Pupils in Hackney")
    sms = make_channel(session, now=now, name="Borough SMS", length_limit=160,
                       limit_type=LimitType.HARD)
    element = session.scalar(select(ViolenceElement).where(ViolenceElement.code == "ROB"))
    db.session.commit()
    assert element is not None
    return {"element_id": element.id, "audience_id": audience.id, "concern": "Is the bus stop safe?",
            "key_messages": [{"text": "Keep your phone out of sight.", "facts": ["Patrols from 3pm"]}],
            "call_to_action": "Report it to Fearless", "ripe_strands": ["prevention"],
            "tone": "reassuring", "review_date": "2027-02-01",
            "variants": [{"channel_id": sms.id, "body": "Keep your phone out of sight after school."}]}


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_map_goes_from_draft_to_approved(client: FlaskClient, token_for: TokenFactory,
                                           body: dict[str, Any]) -> None:
    _, author = token_for(Role.COMMS_OFFICER, Role.APPROVER)
    _, approver = token_for(Role.APPROVER)
    created = client.post("/api/v1/messages", json=body, headers=author)
    assert created.status_code == 201, created.json
    item = created.json
    assert item["status"] == "draft" and item["latest"]["variants"][0]["language"] == "en"
    url = f"/api/v1/messages/{item['id']}"

    patched = client.patch(url, json={"call_to_action": "Tell Fearless, anonymously",
                                      "change_note": "Clearer CTA"}, headers=author)
    assert patched.status_code == 200
    assert patched.json["latest_number"] == 2
    assert patched.json["latest"]["variants"], "variants carry over to the new version"
    assert client.post(f"{url}/submit", headers=author).json["status"] == "in_review"

    own = client.post(f"{url}/approve", json={"version": 2}, headers=author)
    assert own.status_code == 403
    stale = client.post(f"{url}/approve", json={"version": 1}, headers=approver)
    assert stale.status_code == 409
    approved = client.post(f"{url}/approve", json={"version": 2}, headers=approver)
    assert approved.status_code == 200
    assert approved.json["status"] == "approved" and approved.json["approved_number"] == 2

    listed = client.get("/api/v1/messages?status=approved", headers=approver).json
    assert [m["id"] for m in listed["items"]] == [item["id"]]
    assert client.post(f"{url}/retire", headers=author).json["status"] == "retired"


@pytest.mark.parametrize(("change", "field"), [
    ({"element_id": "ROB"}, "element_id"),
    ({"key_messages": "one"}, "key_messages"),
    ({"key_messages": [{"text": "x", "extra": 1}]}, "key_messages"),
    ({"tone": "jolly"}, "tone"),
    ({"ripe_strands": ["reassurance", "prayer"]}, "ripe_strands"),
    ({"review_date": "31/01/2027"}, "review_date"),
    ({"review_date": "2020-01-01"}, "review_date"),
    ({"concern": ""}, "concern"),
    ({"colour": "blue"}, "colour"),
    ({"variants": [{"channel_id": 99999, "body": "Hi"}]}, "variants[0].channel_id"),
    ({"variants": [{"body": "x" * 200}]}, "variants[0].channel_id"),
    ({"variants": "none"}, "variants"),
])
def test_bad_bodies_get_field_errors_and_write_nothing(
    client: FlaskClient, token_for: TokenFactory, body: dict[str, Any], change: dict[str, Any],
    field: str,
) -> None:
    _, headers = token_for(Role.COMMS_OFFICER)
    response = client.post("/api/v1/messages", json={**body, **change}, headers=headers)
    assert response.status_code == 422, response.json
    assert field in response.json["fields"]
    assert count(MessageMap) == 0 and count(MessageVersion) == 0


def test_an_over_long_variant_for_a_hard_limit_is_refused(
    client: FlaskClient, token_for: TokenFactory, body: dict[str, Any]
) -> None:
    _, headers = token_for(Role.COMMS_OFFICER)
    variant = {**body["variants"][0], "body": "x" * 161}
    response = client.post("/api/v1/messages", json={**body, "variants": [variant]}, headers=headers)
    assert response.status_code == 422
    assert response.json["fields"]["variants[0].body"] == [
        "Borough SMS allows 160 characters at most and this is 161: shorten it by 1"]


def test_viewers_read_but_cannot_write(client: FlaskClient, token_for: TokenFactory,
                                       body: dict[str, Any]) -> None:
    _, officer = token_for(Role.COMMS_OFFICER)
    _, viewer = token_for(Role.VIEWER)
    item = client.post("/api/v1/messages", json=body, headers=officer).json
    assert client.get(f"/api/v1/messages/{item['id']}", headers=viewer).status_code == 200
    assert client.post("/api/v1/messages", json=body, headers=viewer).status_code == 403
    assert client.patch(f"/api/v1/messages/{item['id']}", json={"concern": "x"},
                        headers=viewer).status_code == 403
    assert client.get("/api/v1/messages/999999", headers=viewer).status_code == 404

