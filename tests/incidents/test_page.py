"""The incident page's content and each viewer's permissions, built by `incidents.page` (not the template)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from commsplan.auth.models import Role, User
from commsplan.incidents import closing, page
from commsplan.incidents import statements as statement_service
from commsplan.incidents.models import Incident
from tests.factories import make_user
from tests.incidents.conftest import statement_of

Launch = Callable[..., Incident]


def card(built: page.IncidentPage, template_id: str) -> page.StatementCard:
    return next(c for c in built.statements if c.statement.template_id == template_id)



def test_the_duty_officer_works_the_incident_but_approves_nothing_they_drafted(
        launch: Launch, session: Any, now: datetime, duty: User) -> None:
    incident = launch(next_update_time="4pm")

    built = page.incident_page(session, incident, viewer=duty, now=now)

    assert built.can_work and built.can_decide and built.can_close
    holding_card = card(built, "holding")
    assert holding_card.may_edit and holding_card.may_ask and not holding_card.may_release
    assert holding_card.approval is None  # the drafter never signs off their own statement
    assert built.open_tasks == built.tasks_now + built.tasks_later
    values = built.template_values()
    assert values["can_work"] is True and values["ndm_parts"]["information"]


def test_an_approver_approves_clean_words_and_overrides_a_failed_guardrail_with_a_decision(
        launch: Launch, session: Any, now: datetime, duty: User) -> None:
    approver = make_user(session, roles=(Role.APPROVER,), name="Helen Marsh", now=now)
    incident = launch(next_update_time="4pm")
    statement = statement_of(session, incident)

    as_approver = page.incident_page(session, incident, viewer=approver, now=now)
    assert not as_approver.can_work and as_approver.can_decide  # an approver logs override decisions
    clean = card(as_approver, "holding")
    assert not clean.failed and clean.approval == "approve" and not clean.may_edit and not clean.may_ask

    statement_service.edit(session, incident, statement, statement.body + " It was gang-related.",
                           actor=duty, now=now)
    flagged = card(page.incident_page(session, incident, viewer=approver, now=now), "holding")
    assert flagged.failed and all(check.overridable for check in flagged.failed)
    assert flagged.approval == "override"


def test_gaps_block_approval_outright(launch: Launch, session: Any, now: datetime) -> None:
    approver = make_user(session, roles=(Role.APPROVER,), name="Helen Marsh", now=now)
    incident = launch()  # no next update time: the holding statement keeps a gap

    gapped = card(page.incident_page(session, incident, viewer=approver, now=now), "holding")

    assert gapped.blocked_by_gaps and gapped.approval == "blocked"


def test_once_stood_down_nobody_may_change_anything(launch: Launch, session: Any, now: datetime,
                                                    duty: User) -> None:
    incident = launch(next_update_time="4pm")
    closing.stand_down(session, incident, "Suspect charged; response over", actor=duty, now=now)

    built = page.incident_page(session, incident, viewer=duty, now=now)

    assert not (built.can_work or built.can_decide)
    assert all(not (c.may_edit or c.may_ask or c.approval or c.may_release) for c in built.statements)
    assert built.figures is not None
