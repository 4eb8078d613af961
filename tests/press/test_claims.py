"""The claim register: recording with its limits, append-only response decisions, fading, and the
incident's counts (the rebuttal's approval is in test_rebuttals.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from commsplan.audit.models import AuditEntry
from commsplan.auth.models import User
from commsplan.errors import Conflict, ValidationError
from commsplan.incidents.models import Incident, TimelineEvent
from commsplan.press import claims, screenshots
from commsplan.press.models import Claim, ClaimResponse, ClaimStatus
from commsplan.reference.models import BusinessUnit

Launch = Callable[..., Incident]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def details(unit: BusinessUnit, now: datetime, **changes: Any) -> claims.ClaimInput:
    values: dict[str, Any] = {
        "summary": "A post says the boy who was robbed started the fight.", "platform": "tiktok",
        "harm": "high", "unit_id": unit.id, "first_seen_at": now - timedelta(hours=1),
        "link": "https://www.tiktok.com/@someone/video/1", "reach": "12000", **changes}
    return claims.ClaimInput(**values)


def record(session: Any, unit: BusinessUnit, actor: User, now: datetime, upload: bytes | None = None,
           **changes: Any) -> Claim:
    claim, _ = claims.record_claim(session, details(unit, now, **changes), upload, actor=actor, now=now)
    return claim


def test_a_claim_about_an_incident_is_recorded_with_its_screenshot(
        launch: Launch, session: Any, now: datetime, unit: BusinessUnit, press: User) -> None:
    incident = launch()
    claim, shot = claims.record_claim(session, details(unit, now, incident_id=incident.id), PNG,
                                      actor=press, now=now)
    assert claim.status is ClaimStatus.WATCHING and claim.reach == 12000
    assert shot is not None and shot.mimetype == "image/png" and claim.screenshot_name == shot.name
    assert any(e.text.startswith("Claim seen on Tiktok") for e in session.scalars(select(TimelineEvent)))
    assert claims.incident_counts(session, incident.id) == (1, 1)
    assert session.scalar(select(AuditEntry).where(AuditEntry.object_type == "press_claim")) is not None


@pytest.mark.parametrize(("changes", "upload", "field"), [
    ({}, b"%PDF-1.7 not an image", "screenshot"),
    ({}, b"\x89PNG\r\n\x1a\n" + b"\x00" * screenshots.LARGEST, "screenshot"),
    ({"incident_id": 4242}, None, "incident_id"),
    ({"first_seen_at": None}, None, "first_seen_at"),
    ({"first_seen_at": "future"}, None, "first_seen_at"),
    ({"first_seen_at": datetime(1066, 10, 14, tzinfo=UTC)}, None, "first_seen_at"),
    ({"reach": "lots"}, None, "reach"),
    ({"reach": "-5"}, None, "reach"),
    ({"link": "javascript:alert(1)"}, None, "link"),
    ({"platform": "carrier pigeon"}, None, "platform"),
    ({"harm": ""}, None, "harm"),
    ({"names_private_person": True}, None, "private_names"),
    ({"summary": " "}, None, "summary"),
    ({"map_id": 999}, None, "map_id"),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(
        session: Any, now: datetime, unit: BusinessUnit, press: User, changes: dict[str, Any],
        upload: bytes | None, field: str) -> None:
    if changes.get("first_seen_at") == "future":
        changes = {"first_seen_at": now + timedelta(hours=1)}
    with pytest.raises(ValidationError) as refused:
        record(session, unit, press, now, upload, **changes)
    assert field in refused.value.field_errors
    assert session.scalar(select(func.count(Claim.id))) == 0


def test_every_fault_is_named_at_once(session: Any, now: datetime, unit: BusinessUnit, press: User) -> None:
    with pytest.raises(ValidationError) as refused:
        record(session, unit, press, now, b"GIF", summary="", reach="x")
    assert {"summary", "reach", "screenshot"} <= set(refused.value.field_errors)


@pytest.mark.parametrize(("data", "kind"), [
    (b"\xff\xd8\xff\xe0rest", "image/jpeg"), (b"GIF89a....", "image/gif"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"), (b"<svg onload=alert(1)>", None),
])
def test_images_are_known_by_their_first_bytes(data: bytes, kind: str | None) -> None:
    found = screenshots.image_type(data)
    assert (found[0] if found else None) == kind


def test_decisions_are_kept_in_order_and_answering_starts_a_response(
        session: Any, now: datetime, unit: BusinessUnit, press: User) -> None:
    claim = record(session, unit, press, now)
    claims.decide(session, claim, "ignore", "Small reach; answering would spread it.", actor=press, now=now)
    assert claim.status is ClaimStatus.WATCHING
    later = now + timedelta(hours=2)
    claims.decide(session, claim, "rebut", "Now shared by a local news page.", actor=press, now=later)
    assert claim.status is ClaimStatus.RESPONDING
    assert [r.choice.value for r in claims.responses_of(session, claim)] == ["ignore", "rebut"]
    with pytest.raises(ValidationError) as refused:
        claims.decide(session, claim, "rebut", "  ", actor=press, now=later)
    assert "reasons" in refused.value.field_errors
    assert session.scalar(select(func.count(ClaimResponse.id))) == 2


def test_fading_records_how_long_it_circulated(session: Any, now: datetime, unit: BusinessUnit,
                                               press: User) -> None:
    claim = record(session, unit, press, now)
    claims.fade(session, claim, actor=press, now=now + timedelta(hours=5), response_reach="")
    assert claim.status is ClaimStatus.FADED
    assert claims.circulated(claim, now + timedelta(days=3)) == timedelta(hours=6)
    with pytest.raises(Conflict):
        claims.decide(session, claim, "rebut", "Too late", actor=press, now=now)
