"""The claim register's pages: staff only, the screenshot upload and who may open it, refusals named
on the form, the CSV, and a fixed number of queries however many claims there are."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from commsplan.auth.models import Role, User
from commsplan.incidents.models import Incident
from commsplan.press import claims
from commsplan.press.models import Claim, PressDraft
from commsplan.reference.models import BusinessUnit
from commsplan.timeutil import to_london, utcnow
from tests.conftest import count_queries
from tests.incidents.test_views import app  # noqa: F401 (the app reads the test playbook folder)

Launch = Callable[..., Incident]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def posted(unit: BusinessUnit, upload: bytes | None = None, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "summary": "A video claims police let the attacker go.", "platform": "x", "harm": "medium",
        "first_seen_at": f"{to_london(utcnow() - timedelta(hours=1)):%Y-%m-%dT%H:%M}", "reach": "800",
        "unit_id": str(unit.id), "incident_id": "", "map_id": "", **changes}
    if upload is not None:
        form["screenshot"] = FileStorage(io.BytesIO(upload), filename="shot.png", content_type="image/png")
    return form


def post_claim(client: FlaskClient, form: dict[str, Any]) -> Any:
    """Encoded in memory: the test client would spool a large body to a file it never closes."""
    boundary, body = encode_multipart(form)
    return client.post("/press/claims/new", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def add(session: Any, unit: BusinessUnit, actor: User, now: datetime, number: int,
        incident: Incident | None = None) -> Claim:
    claim, _ = claims.record_claim(session, claims.ClaimInput(
        summary=f"Claim {number}", platform="facebook", harm="low", unit_id=unit.id,
        first_seen_at=now - timedelta(minutes=number), incident_id=incident.id if incident else None),
        None, actor=actor, now=now)
    claims.decide(session, claim, "ignore", "Low reach", actor=actor, now=now)
    return claim


def test_recording_a_claim_with_a_screenshot_that_only_staff_open(
        client: FlaskClient, signed_in: Callable[..., User], unit: BusinessUnit, session: Any,
        make_app: Any) -> None:
    session.commit()
    signed_in(Role.COMMS_OFFICER)
    response = post_claim(client, posted(unit, PNG))
    assert response.status_code == 302, response.text
    page = client.get(response.location).text
    assert "A video claims police let the attacker go." in page and "Open the screenshot" in page
    shot = client.get(f"{response.location}/screenshot")
    assert shot.status_code == 200 and shot.mimetype == "image/png" and shot.data == PNG
    assert "no-store" in shot.headers["Cache-Control"]
    client.get("/logout")
    signed_in(Role.VIEWER)
    for path in (response.location, f"{response.location}/screenshot", "/press/claims", "/press/claims.csv"):
        assert client.get(path).status_code == 403


@pytest.mark.parametrize(("upload", "changes", "field"), [
    (b"MZ\x90\x00 an executable", {}, "screenshot"),
    (PNG + b"\x00" * (5 * 1024 * 1024), {}, "screenshot"),
    (None, {"incident_id": "9999"}, "incident_id"),
    (None, {"first_seen_at": "2099-01-01T10:00"}, "first_seen_at"),
])
def test_bad_input_shows_the_field_and_saves_nothing(
        client: FlaskClient, signed_in: Callable[..., User], unit: BusinessUnit, session: Any,
        upload: bytes | None, changes: dict[str, str], field: str) -> None:
    session.commit()
    signed_in(Role.COMMS_OFFICER)
    response = post_claim(client, posted(unit, upload, **changes))
    assert response.status_code == 422 and f'href="#{field}"' in response.text
    assert session.scalar(select(func.count(Claim.id))) == 0


def test_deciding_and_rebutting_through_the_pages(
        client: FlaskClient, signed_in: Callable[..., User], unit: BusinessUnit, session: Any,
        now: datetime, press: User) -> None:
    claim = add(session, unit, press, now, 1)
    claim.names_private_person, claim.private_names = True, "Kai Brown"
    session.commit()
    signed_in(Role.DUTY_OFFICER)
    path = f"/press/claims/{claim.id}"
    decided = client.post(f"{path}/responses", data={"choice": "rebut", "reasons": "Spreading"})
    assert decided.status_code == 302
    refused = client.post(f"{path}/rebuttal", data={"rebuttal": "Kai Brown is not involved."})
    assert refused.status_code == 422 and "names “Kai Brown”" in refused.text
    assert client.post(f"{path}/rebuttal", data={"rebuttal": "The man named online is not involved."}
                       ).status_code == 302
    page = client.get(path).text
    assert "Waiting for an approver" in page and "Approve rebuttal" not in page
    draft_id = session.scalar(select(PressDraft.id))
    assert client.post(f"{path}/rebuttal/approval", data={"draft_id": draft_id}).status_code == 403
    signed_in(Role.APPROVER)
    assert client.post(f"{path}/rebuttal/approval", data={"draft_id": draft_id}).status_code == 302
    refused = client.post(f"{path}/rebuttal/given", data={"draft_id": draft_id, "given_reach": "lots"})
    assert refused.status_code == 422 and 'href="#given_reach"' in refused.text
    assert client.post(f"{path}/rebuttal/given", data={"draft_id": draft_id, "given_reach": "900"}
                       ).status_code == 302
    page = client.get(path).text
    assert "approved by" in page and "The man named online is not involved." in page


def test_the_csv_holds_every_claim_but_never_the_private_names(
        client: FlaskClient, signed_in: Callable[..., User], unit: BusinessUnit, session: Any,
        now: datetime, press: User) -> None:
    claim = add(session, unit, press, now, 1)
    claim.names_private_person, claim.private_names = True, "Kai Brown"
    session.commit()
    signed_in(Role.COMMS_OFFICER)
    text = client.get("/press/claims.csv").data.decode("utf-8-sig")
    assert text.startswith("id,first_seen,platform") and "Claim 1" in text
    assert "Ignore and keep watching" in text
    assert "Kai Brown" not in text


def measure(client: FlaskClient, path: str) -> int:
    client.get(path)
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    return counter.count


def test_the_register_takes_the_same_queries_for_3_or_30_claims(
        client: FlaskClient, signed_in: Callable[..., User], launch: Launch, session: Any, now: datetime,
        unit: BusinessUnit, press: User) -> None:
    incident = launch()
    signed_in(Role.COMMS_OFFICER)
    paths = ("/press/claims", f"/press/claims?incident={incident.id}", f"/incidents/{incident.id}",
             "/press/claims/new", "/press/claims/1")
    counts = []
    for start, number in ((0, 3), (3, 27)):
        for n in range(start, start + number):
            add(session, unit, press, now, n, incident)
        session.commit()
        counts.append([measure(client, path) for path in paths])
    assert counts[0] == counts[1]
