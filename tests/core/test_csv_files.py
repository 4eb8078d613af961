"""CSV files open cleanly in Excel: every CSV route answers with the UTF-8 byte-order mark, and every
import takes a file with or without one."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from commsplan.audiences.csv_io import IMPORTABLE
from commsplan.audiences.models import Audience
from commsplan.plans.models import CommPlan
from commsplan.risk.models import RiskProfileEntry
from tests.audiences.helpers import make_audience
from tests.plans.conftest import (  # noqa: F401 (fixtures)
    Login,
    People,
    PlanMaker,
    catalogue,
    delivery,
    login,
    make_plan,
    people,
    reference,
    rules,
)

BOM = b"\xef\xbb\xbf"
# What each argument of a CSV route is filled with; a new argument must be added here.
WHATS = [*IMPORTABLE, "affinity", "message-maps", "message-variants"]


@pytest.fixture
def plan(session: Session, now: datetime, people: People, make_plan: PlanMaker) -> CommPlan:  # noqa: F811
    made = make_plan()
    make_audience(session, now=now, name="Parents – Tower Hamlets (Bengali-speaking)")
    return made


def csv_urls(app: Flask, plan: CommPlan) -> list[str]:
    """Every CSV route in the app, with each of its arguments filled in."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.endswith(".csv"):
            continue
        unknown = rule.arguments - {"what", "plan_id"}
        assert not unknown, f"{rule.rule}: teach this test the argument {unknown}"
        for what in WHATS if "what" in rule.arguments else [None]:
            urls.append(rule.rule.replace("<what>", what or "").replace("<int:plan_id>", str(plan.id)))
    return urls


def test_every_csv_route_starts_with_the_byte_order_mark(app: Flask, login: Login,  # noqa: F811
                                                        people: People, plan: CommPlan) -> None:  # noqa: F811
    client = login(people.officer)
    urls = csv_urls(app, plan)
    assert len(urls) >= 8  # five exchange files, two activity lists, the profile template
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.mimetype == "text/csv", url
        assert response.data.startswith(BOM) and not response.data.startswith(BOM * 2), url
        assert response.data.decode("utf-8-sig").split("\r\n", 1)[0].isascii(), url  # the header row


def upload(client: FlaskClient, url: str, data: bytes, **fields: str) -> Any:
    boundary, body = encode_multipart({**fields, "file": FileStorage(io.BytesIO(data), filename="file.csv",
                                                                     content_type="text/csv")})
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.mark.parametrize("with_bom", [True, False], ids=["with BOM", "without BOM"])
def test_an_exported_audience_file_imports_with_or_without_the_mark(
        session: Session, login: Login, people: People, plan: CommPlan, with_bom: bool) -> None:  # noqa: F811
    client = login(people.officer)
    exported = client.get("/messaging/export/audiences.csv").data
    assert "Parents – Tower Hamlets".encode() in exported
    response = upload(client, "/messaging/import", exported if with_bom else exported.removeprefix(BOM),
                      what="audiences")
    assert response.status_code == 302, response.text
    assert "0 added, 0 changed, " in client.get("/messaging/import").text  # the dash read back as a dash
    assert "Parents – Tower Hamlets (Bengali-speaking)" in session.scalars(select(Audience.name)).all()


@pytest.mark.parametrize("with_bom", [True, False], ids=["with BOM", "without BOM"])
def test_the_risk_profile_template_imports_with_or_without_the_mark(
        session: Session, login: Login, people: People, plan: CommPlan, with_bom: bool) -> None:  # noqa: F811
    client = login(people.officer)
    template = client.get("/planning/profiles/import/template.csv?year=2026").data
    assert template.startswith(BOM)
    sent = template if with_bom else template.removeprefix(BOM)
    response = upload(client, "/planning/profiles/import", sent, year="2026")
    assert response.status_code == 302, response.text
    assert session.scalar(select(func.count()).select_from(RiskProfileEntry)) == 2
