"""Corrections after logging: an enquiry's question and deadline (the reminders move with it) and a
claim's reach, each audited and shown in the record's history; bad values refused, nothing saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role, User
from commsplan.errors import Conflict, ValidationError
from commsplan.notifications.jobs import run_dispatch
from commsplan.notifications.models import InboxItem
from commsplan.press import corrections, enquiries
from commsplan.reference.models import BusinessUnit
from tests.incidents.test_views import app  # noqa: F401 (the app reads the test playbook folder)
from tests.press.conftest import SETTINGS
from tests.press.test_claim_views import add as add_claim
from tests.press.test_enquiries import log
from tests.press.test_enquiry_views import add as add_enquiry
from tests.press.test_enquiry_views import in_two_hours


def changed_fields(session: Any, object_type: str) -> list[set[str]]:
    return [set(entry.changes) for entry in session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == object_type, AuditEntry.action == "update").order_by(AuditEntry.id))]


def test_a_new_deadline_moves_the_reminders(session: Any, now: datetime, unit: BusinessUnit,
                                            press: User) -> None:
    enquiry = log(session, unit, press, now, deadline_at=now + timedelta(hours=1))
    later = now + timedelta(hours=3)
    corrections.correct_enquiry(session, enquiry, "Is the road open again?", later, actor=press,
                                now=now + timedelta(minutes=2), settings=SETTINGS)
    session.commit()
    assert enquiry.deadline_at == later and enquiry.question == "Is the road open again?"
    assert changed_fields(session, "media_enquiry") == [{"question", "deadline_at"}]
    run_dispatch(now=lambda: now + timedelta(minutes=50))  # the old reminder's time: nothing
    assert session.scalar(select(InboxItem)) is None
    run_dispatch(now=lambda: later - timedelta(minutes=10))
    assert [item.kind for item in session.scalars(select(InboxItem))] == ["press_enquiry_due"]


@pytest.mark.parametrize(("question", "deadline", "field"), [
    ("  ", None, "question"), ("When?", timedelta(minutes=-5), "deadline_at"),
    ("When?", timedelta(days=61), "deadline_at"), ("x" * 10_001, None, "question")])
def test_bad_corrections_are_refused_naming_the_field(
        session: Any, now: datetime, unit: BusinessUnit, press: User, question: str,
        deadline: timedelta | None, field: str) -> None:
    enquiry = log(session, unit, press, now)
    before = (enquiry.question, enquiry.deadline_at)
    with pytest.raises(ValidationError) as refused:
        corrections.correct_enquiry(session, enquiry, question, now + deadline if deadline else None,
                                    actor=press, now=now, settings=SETTINGS)
    assert list(refused.value.field_errors) == [field]
    assert (enquiry.question, enquiry.deadline_at) == before
    assert changed_fields(session, "media_enquiry") == []


def test_an_answered_enquiry_is_not_corrected(session: Any, now: datetime, unit: BusinessUnit,
                                              press: User) -> None:
    enquiry = log(session, unit, press, now)
    enquiries.answer(session, enquiry, enquiries.AnswerInput(kind="ncnd"), actor=press, now=now)
    with pytest.raises(Conflict):
        corrections.correct_enquiry(session, enquiry, "Another question", None, actor=press, now=now,
                                    settings=SETTINGS)


def test_corrections_through_the_pages_show_in_the_history(
        client: FlaskClient, signed_in: Callable[..., User], session: Any, now: datetime, unit: BusinessUnit,
        press: User) -> None:
    enquiry, claim = add_enquiry(session, unit, press, now, 1), add_claim(session, unit, press, now, 1)
    session.commit()
    signed_in(Role.COMMS_OFFICER)
    path = f"/press/enquiries/{enquiry.id}"
    refused = client.post(f"{path}/correction", data={"question": "Why?", "deadline_at": "2020-01-01T09:00"})
    assert refused.status_code == 422 and 'href="#deadline_at"' in refused.text
    moved = client.post(f"{path}/correction", data={"question": "Why was the road shut?",
                                                    "deadline_at": f"{in_two_hours():%Y-%m-%dT%H:%M}"})
    assert moved.status_code == 302
    page = client.get(path).text
    assert "Why was the road shut?" in page and "History" in page and "Question" in page
    claim_path = f"/press/claims/{claim.id}"
    refused = client.post(f"{claim_path}/reach", data={"reach": "-3"})
    assert refused.status_code == 422 and 'href="#reach"' in refused.text
    assert client.post(f"{claim_path}/reach", data={"reach": "75000"}).status_code == 302
    assert "75,000" in client.get(claim_path).text
    assert changed_fields(session, "press_claim") == [{"reach"}]
