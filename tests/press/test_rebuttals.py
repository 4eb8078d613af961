"""A rebuttal is drafted, approved by an approver who did not draft it, then given; the guardrails
(never a private person's name) refuse it at each stage with the field named and nothing saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from commsplan.auth.models import Role, User
from commsplan.errors import Conflict, PermissionDenied, ValidationError
from commsplan.incidents.models import Incident, TimelineEvent
from commsplan.press import claims, rebuttals
from commsplan.press.models import Claim, ClaimStatus, PressDraft
from commsplan.reference.models import BusinessUnit
from tests.factories import make_user
from tests.press.test_claims import record

Launch = Callable[..., Incident]
SAFE = "A man named online is not a suspect. Please do not share his name."


def responding(session: Any, launch: Launch, unit: BusinessUnit, press: User, now: datetime) -> Claim:
    claim = record(session, unit, press, now, incident_id=launch().id, names_private_person=True,
                   private_names="Jamie Doe")
    claims.decide(session, claim, "rebut", "It names and endangers a young man.", actor=press, now=now)
    return claim


def drafts(session: Any) -> int:
    return session.scalar(select(func.count(PressDraft.id)))


def test_drafted_approved_by_another_then_given(
        launch: Launch, session: Any, now: datetime, unit: BusinessUnit, press: User, approver: User,
        duty: User) -> None:
    claim = responding(session, launch, unit, press, now)
    words = rebuttals.draft(session, claim, SAFE, actor=press, now=now)
    with pytest.raises(Conflict):  # not before it is approved
        rebuttals.give(session, claim, words.id, actor=duty, now=now)
    later = now + timedelta(minutes=10)
    rebuttals.approve(session, claim, words.id, actor=approver, now=later)
    assert (words.approved_by_id, words.approved_as, words.approved_at) == (approver.id, "approver", later)
    with pytest.raises(Conflict):
        rebuttals.approve(session, claim, words.id, actor=approver, now=later)
    with pytest.raises(PermissionDenied):  # a comms officer does not give words to the public
        rebuttals.give(session, claim, words.id, actor=press, now=later)
    rebuttals.give(session, claim, words.id, actor=duty, now=later, reach="30000")
    assert claim.status is ClaimStatus.REBUTTED and claim.rebuttal == SAFE and claim.response_reach == 30000
    assert words.given_at == later
    texts = session.scalars(select(TimelineEvent.text).where(TimelineEvent.incident_id == claim.incident_id))
    assert {"Rebuttal drafted for approval.", "Rebuttal approved by Alex Approver.",
            "Claim rebutted."} <= set(texts)


def test_the_drafter_cannot_approve_their_own_words(
        launch: Launch, session: Any, now: datetime, unit: BusinessUnit, press: User) -> None:
    claim = responding(session, launch, unit, press, now)
    author = make_user(session, roles=(Role.APPROVER, Role.DUTY_OFFICER), name="Sam Both", now=now)
    words = rebuttals.draft(session, claim, SAFE, actor=author, now=now)
    with pytest.raises(PermissionDenied, match="You drafted this rebuttal"):
        rebuttals.approve(session, claim, words.id, actor=author, now=now)
    with pytest.raises(PermissionDenied, match="do not allow you to approve"):
        rebuttals.approve(session, claim, words.id, actor=press, now=now)
    assert words.approved_at is None and claim.status is ClaimStatus.RESPONDING


def test_words_naming_the_private_person_are_refused_and_nothing_saved(
        launch: Launch, session: Any, now: datetime, unit: BusinessUnit, press: User) -> None:
    claim = record(session, unit, press, now, incident_id=launch().id, names_private_person=True,
                   private_names="Jamie Doe")
    with pytest.raises(Conflict):  # no rebuttal before a response is decided
        rebuttals.draft(session, claim, SAFE, actor=press, now=now)
    claims.decide(session, claim, "rebut", "It names a young man.", actor=press, now=now)
    for words in ("Jamie Doe had nothing to do with this.", "We will not name JAMIE DOE.",
                  "This was gang-related.", "   ", "x" * 10_001):
        with pytest.raises(ValidationError) as refused:
            rebuttals.draft(session, claim, words, actor=press, now=now)
        assert list(refused.value.field_errors) == ["rebuttal"]
    assert drafts(session) == 0 and claim.rebuttal == ""


def test_only_the_newest_words_are_approved_or_given(
        launch: Launch, session: Any, now: datetime, unit: BusinessUnit, press: User, approver: User,
        duty: User) -> None:
    claim = responding(session, launch, unit, press, now)
    first = rebuttals.draft(session, claim, SAFE, actor=press, now=now)
    rebuttals.approve(session, claim, first.id, actor=approver, now=now)
    second = rebuttals.draft(session, claim, "Please do not share names of people online.", actor=press,
                             now=now)
    for stale in (first.id, None, 0):
        with pytest.raises(Conflict):
            rebuttals.give(session, claim, stale, actor=duty, now=now)
    with pytest.raises(ValidationError) as refused:
        rebuttals.give(session, claim, second.id, actor=duty, now=now, reach="-4")
    assert list(refused.value.field_errors) == ["given_reach"]
    assert [d.id for d in rebuttals.history(session, claim)] == [second.id, first.id]
    assert first.text == SAFE and first.approved_by_id == approver.id  # kept as it was
    assert claim.status is ClaimStatus.RESPONDING
