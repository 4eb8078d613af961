"""The demo press desk: enquiries and claims on both demo incidents, loaded through the services."""

from __future__ import annotations

from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.demo.files import demo_password
from commsplan.incidents.models import Incident
from commsplan.press import claims, enquiries
from commsplan.press.models import ClaimStatus, EnquiryStatus, MediaEnquiry
from tests.conftest import sign_in


def test_demo_load_adds_enquiries_and_claims_to_the_demo_incidents(
        runner: FlaskCliRunner, session: Session, client: FlaskClient) -> None:
    assert runner.invoke(args=["demo", "load", "--commit"]).exit_code == 0
    incidents = {i.title: i for i in session.scalars(select(Incident))}
    live = incidents["Fatal stabbing, Coldharbour Lane"]
    closed = incidents["Double stabbing, Tottenham Hale bus station"]
    assert enquiries.incident_counts(session, live.id) == (3, 2)
    assert enquiries.incident_counts(session, closed.id) == (2, 1)
    assert claims.incident_counts(session, live.id) == (1, 0)
    assert claims.incident_counts(session, closed.id) == (1, 0)
    statuses = {e.outlet: e.status for e in session.scalars(select(MediaEnquiry))}
    assert statuses["BBC London"] is EnquiryStatus.NEW and statuses["Daily Courier"] is EnquiryStatus.DECLINED
    assert {c.status for c in session.scalars(claims.register_query())} == {ClaimStatus.REBUTTED,
                                                                           ClaimStatus.FADED}
    assert runner.invoke(args=["demo", "load", "--commit"]).exit_code == 0  # nothing added twice
    assert enquiries.incident_counts(session, live.id) == (3, 2)
    officer = session.scalar(select(User).where(User.email == "officer@commsplan.test"))
    assert officer is not None
    sign_in(client, officer, demo_password())
    page = client.get(f"/incidents/{live.id}").text
    assert "3, 2 answered in time" in page and "1, 0 still circulating" in page
    assert "BBC London" in client.get("/press/enquiries").text
    report = client.get(f"/incidents/{live.id}/report").text
    assert "Media enquiries answered in time" in report and "2 of 3" in report
    assert "Media enquiry from South London Press (Dele Okafor)" in report  # on the timeline
    markdown = client.get(f"/incidents/{closed.id}/report.md").text
    assert "- Media enquiries answered in time: 1 of 2" in markdown
    assert "- Claims recorded: 1, 0 still circulating" in markdown
