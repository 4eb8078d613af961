"""Statements, details and status updates on the incident page, as duty staff and approvers use them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from commsplan.auth.models import Role, User
from commsplan.extensions import db
from commsplan.incidents.models import Incident, IncidentStatement, StatementStatus, TimelineEvent
from commsplan.reference.models import BusinessUnit
from tests.conftest import sign_in
from tests.factories import make_user
from tests.incidents.conftest import statement_of
from tests.incidents.test_views import app  # noqa: F401 (the app reads the test playbook folder)

Launch = Callable[..., Incident]



def post(client: FlaskClient, incident: Incident, statement: IncidentStatement, action: str, **data: Any
         ) -> Any:
    """Post one statement action (edit, ask, approve or release) as its form on the page does."""
    return client.post(f"/incidents/{incident.id}/statements/{statement.id}/{action}", data=data)


def test_the_page_shows_drafts_with_gaps_and_guardrails(client: FlaskClient, signed_in: Callable[..., User],
                                                        launch: Launch) -> None:
    incident = launch()
    signed_in(Role.APPROVER)
    page = client.get(f"/incidents/{incident.id}").text
    for words in ('<mark class="app-gap">[missing: Next update]</mark>',
                  "Blocked:</strong> Every gap is filled", "Passed:</strong> Does not say “known to police”",
                  "Fill every gap before this statement"):
        assert words in page, words


def test_edit_approve_and_release_from_the_page(client: FlaskClient, launch: Launch, session: Any,
                                                now: datetime, duty: User) -> None:
    incident = launch(next_update_time="4pm")
    statement = statement_of(db.session, incident)
    approver = make_user(session, roles=(Role.APPROVER,), name="Alex Approver", now=now)
    session.commit()
    sign_in(client, duty)
    edited = post(client, incident, statement, action="edit", body=statement.body + " Thank you.")
    assert edited.status_code == 302
    empty = post(client, incident, statement, action="edit", body="  ")
    assert empty.status_code == 422 and "Write the statement" in empty.text
    client.post("/logout")
    sign_in(client, approver)
    page = client.get(f"/incidents/{incident.id}").text
    assert ">Approve<" in page
    assert post(client, incident, statement, action="approve").status_code == 302
    release_form = client.get(f"/incidents/{incident.id}").text
    assert 'name="channels" type="checkbox"' in release_form
    assert " checked>" not in release_form  # no channel ticked for the releaser
    nothing = post(client, incident, statement, action="release")
    assert nothing.status_code == 422 and "Choose at least one channel" in nothing.text
    assert post(client, incident, statement, action="release", channels=["X"],
                other_channels="Ward panel WhatsApp, ").status_code == 302
    db.session.expire_all()
    assert statement.status is StatementStatus.RELEASED
    assert statement.channels == ["X", "Ward panel WhatsApp"]
    page = client.get(f"/incidents/{incident.id}").text
    assert "Released at" in page and "by Alex Approver on X, Ward panel WhatsApp." in page
    assert "Edit the words" not in page


def test_the_drafter_sees_no_approve_button_and_is_refused(client: FlaskClient, launch: Launch, session: Any,
                                                           now: datetime) -> None:
    incident = launch(next_update_time="4pm")
    statement = statement_of(db.session, incident)
    both = make_user(session, roles=(Role.APPROVER, Role.COMMS_OFFICER), now=now)
    session.commit()
    sign_in(client, both)
    post(client, incident, statement, action="edit", body=statement.body + " Thanks.")
    page = client.get(f"/incidents/{incident.id}").text
    assert 'Approve<span class="govuk-visually-hidden"> Holding statement' not in page
    assert 'Approve<span class="govuk-visually-hidden"> Arrest release' in page  # someone else drafted it
    assert post(client, incident, statement, action="approve").status_code == 403


def test_a_blocked_statement_says_which_rule_and_why(client: FlaskClient, launch: Launch, session: Any,
                                                     now: datetime, duty: User) -> None:
    incident = launch(next_update_time="4pm")
    statement = statement_of(db.session, incident)
    approver = make_user(session, roles=(Role.APPROVER,), now=now)
    session.commit()
    sign_in(client, duty)
    post(client, incident, statement, action="edit", body=statement.body + " It was gang-related.")
    client.post("/logout")
    sign_in(client, approver)
    page = client.get(f"/incidents/{incident.id}").text
    assert "Override and approve" in page and "Blocked:</strong> Does not say “gang-related”" in page
    refused = post(client, incident, statement, action="approve")
    assert refused.status_code == 422
    assert "Says “gang-related”: Not established." in refused.text


def test_viewers_cannot_touch_statements(client: FlaskClient, signed_in: Callable[..., User],
                                         launch: Launch) -> None:
    incident = launch()
    signed_in(Role.VIEWER)
    statement = statement_of(db.session, incident)
    assert post(client, incident, statement, action="edit", body="x").status_code == 403
    assert client.get(f"/incidents/{incident.id}").status_code == 403


def test_changing_the_details_fills_the_gap(client: FlaskClient, signed_in: Callable[..., User],
                                            launch: Launch, unit: BusinessUnit) -> None:
    incident = launch()
    unit_id = unit.id
    signed_in(Role.DUTY_OFFICER)
    page = client.get(f"/incidents/{incident.id}").text
    assert 'value="2026-11-20T09:40"' in page and 'value="15"' in page
    data = {"in_general_location": "Acre Lane", "in_called_at": "2026-11-20T09:40", "in_victim_age": "15",
            "in_weapon": "knife", "in_footage_online": "yes", "in_unit": str(unit_id),
            "in_next_update_time": "5pm today"}
    assert client.post(f"/incidents/{incident.id}/inputs", data=data).status_code == 302
    assert "by 5pm today." in client.get(f"/incidents/{incident.id}").text
    bad = client.post(f"/incidents/{incident.id}/inputs", data={**data, "in_victim_age": "old"})
    assert bad.status_code == 422 and 'id="in_victim_age-error"' in bad.text
    assert '<details class="govuk-details" open>' in bad.text


def test_status_updates_go_on_the_timeline(client: FlaskClient, signed_in: Callable[..., User],
                                           launch: Launch) -> None:
    incident = launch()
    signed_in(Role.DUTY_OFFICER)
    assert client.post(f"/incidents/{incident.id}/status-updates",
                       data={"update": "Cordon lifted at 14:00"}).status_code == 302
    kinds = [e.kind for e in db.session.scalars(select(TimelineEvent))]
    assert "status_update" in kinds
    empty = client.post(f"/incidents/{incident.id}/status-updates", data={"update": ""})
    assert empty.status_code == 422 and "Write the update" in empty.text


def test_an_approver_overrides_a_guardrail_from_the_page_with_a_decision(
        client: FlaskClient, launch: Launch, session: Any, now: datetime, duty: User) -> None:
    incident = launch(next_update_time="4pm")
    statement = statement_of(db.session, incident)
    approver = make_user(session, roles=(Role.APPROVER,), name="Alex Approver", now=now)
    session.commit()
    sign_in(client, duty)
    post(client, incident, statement, action="edit", body=statement.body + " It was gang-related.")
    client.post("/logout")
    sign_in(client, approver)
    response = post(client, incident, statement, action="approve", override_decision_role="duty_officer",
                    override_on_behalf_of_id=str(duty.id),
                    override_decision="The family used these words; they asked for them to stay.",
                    override_powers_policy="Media relations APP")
    assert response.status_code == 302, response.text
    db.session.expire_all()
    assert statement.status is StatementStatus.APPROVED and statement.override_decision_id is not None
    page = client.get(f"/incidents/{incident.id}").text
    assert "overriding a guardrail (see the decision log)" in page and "The family used these words" in page
