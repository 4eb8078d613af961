"""Actuals on objectives and metrics: the trajectory RAG, append-only recording, the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role
from commsplan.errors import Conflict, PermissionDenied, ValidationError
from commsplan.plans import actuals, items, service
from commsplan.plans.models import PlanActual, Rag
from tests.conftest import TokenFactory, count_queries
from tests.helpers import count
from tests.plans.conftest import Login, People, PlanMaker

START, DUE = date(2026, 4, 1), date(2027, 3, 31)  # 364 days


@pytest.mark.parametrize(("value", "measured_on", "expected"), [
    (100, START, Rag.GREEN),                 # at the baseline on day one: on the line
    (150, date(2026, 9, 30), Rag.GREEN),     # half way in half the time
    (130, date(2026, 9, 30), Rag.AMBER),     # 0.3 of the way when 0.5 was due: 0.2 behind
    (120, date(2026, 9, 30), Rag.RED),       # 0.2 when 0.5 was due: 0.3 behind
    (90, date(2026, 5, 1), Rag.AMBER),       # the wrong way, early on
    (200, date(2027, 6, 1), Rag.GREEN),      # target reached, after the deadline
    (180, date(2027, 6, 1), Rag.AMBER),      # 0.8 after the deadline
    (170, date(2027, 6, 1), Rag.RED),
])
def test_rag_follows_the_line_from_baseline_to_target(value: float, measured_on: date, expected: Rag) -> None:
    assert actuals.trajectory_rag(baseline=100, target=200, start=START, due=DUE, value=value,
                                  measured_on=measured_on) is expected


def test_rag_works_for_targets_that_go_down_and_has_none_without_a_line() -> None:
    assert actuals.trajectory_rag(baseline=620, target=558, start=START, due=DUE, value=580,
                                  measured_on=date(2026, 9, 30)) is Rag.GREEN
    assert actuals.trajectory_rag(baseline=620, target=558, start=START, due=DUE, value=640,
                                  measured_on=date(2026, 9, 30)) is Rag.RED
    assert actuals.trajectory_rag(baseline=None, target=5, start=START, due=DUE, value=1,
                                  measured_on=START) is None
    assert actuals.trajectory_rag(baseline=5, target=5, start=START, due=DUE, value=1,
                                  measured_on=START) is None


def test_actuals_are_added_never_changed_and_the_latest_counts(
    session: Session, now: datetime, people: People, make_plan: PlanMaker
) -> None:
    plan = make_plan()
    [objective], [metric] = service.objectives(session, plan), service.metrics(session, plan)
    for day, value in ((date(2026, 9, 30), 600), (date(2026, 6, 30), 610), (date(2026, 9, 30), 586)):
        actuals.record_actual(session, plan, objective, measured_on=day, value=value,
                              source="Police recorded crime", actor=people.officer, now=now)
    actuals.record_actual(session, plan, metric, measured_on=date(2026, 9, 30), value=46,
                          source="Public Attitude Survey", actor=people.officer, now=now)
    latest = actuals.latest_actuals(session, plan)
    assert latest[("objective", objective.id)].value == 586  # the later entry for the same day
    found = actuals.standings(session, plan, [objective], [metric])
    assert found[("objective", objective.id)].rag is Rag.GREEN   # 34 of 62 fewer by half way: 0.55 v 0.5
    assert found[("metric", metric.id)].rag is Rag.AMBER         # 2 of 5 points by half way: 0.4 v 0.5
    assert [a.value for a in actuals.history(session, objective)] == [586, 600, 610]
    assert session.scalar(select(AuditEntry.id).where(AuditEntry.object_type == "plan_actual")
                          .where(AuditEntry.action != "create")) is None
    with pytest.raises(Conflict):
        items.remove_item(session, plan, objective, actor=people.officer, now=now)


@pytest.mark.parametrize(("day", "value", "source", "field"), [
    (None, 5.0, "Survey", "measured_on"),
    (date(2026, 12, 1), 5.0, "Survey", "measured_on"),   # after the tests' today, 20 November 2026
    (date(2024, 1, 1), 5.0, "Survey", "measured_on"),
    (date(2026, 9, 30), None, "Survey", "value"),
    (date(2026, 9, 30), 1e15, "Survey", "value"),
    (date(2026, 9, 30), 5.0, "  ", "source"),
    (date(2026, 9, 30), 5.0, "x" * 201, "source"),
])
def test_bad_actuals_are_refused_by_field(
    session: Session, now: datetime, people: People, make_plan: PlanMaker, day: date | None,
    value: float | None, source: str, field: str,
) -> None:
    plan = make_plan()
    [objective] = service.objectives(session, plan)
    with pytest.raises(ValidationError) as caught:
        actuals.record_actual(session, plan, objective, measured_on=day, value=value, source=source,
                              actor=people.officer, now=now)
    assert list(caught.value.field_errors) == [field]
    assert count(PlanActual) == 0


def test_viewers_may_not_record(session: Session, now: datetime, people: People,
                                make_plan: PlanMaker) -> None:
    plan = make_plan()
    [objective] = service.objectives(session, plan)
    with pytest.raises(PermissionDenied):
        actuals.record_actual(session, plan, objective, measured_on=date(2026, 9, 30), value=1,
                              source="Survey", actor=people.viewer, now=now)


@pytest.mark.usefixtures("pinned_clock")
def test_an_officer_records_an_actual_and_the_plan_shows_its_status(
    session: Session, people: People, make_plan: PlanMaker, login: Login
) -> None:
    plan = make_plan()
    [objective] = service.objectives(session, plan)
    client = login(people.officer)
    url = f"/plans/{plan.id}/objectives/{objective.id}/actuals"
    bad = client.post(url, data={"measured_on": ["31", "9", "2026"], "value": "many", "source": ""})
    assert "Enter the figure as a number" in bad.text and "Enter where the figure comes from" in bad.text
    response = client.post(url, data={"measured_on": ["30", "9", "2026"], "value": "640",
                                      "source": "Police recorded crime"})
    assert response.status_code == 302
    page = client.get(f"/plans/{plan.id}")
    assert "Red: off track" in page.text and "640 offences" in page.text
    assert "How the status is worked out" in client.get(url).text


@pytest.mark.usefixtures("pinned_clock")
def test_viewers_read_actuals_but_cannot_add(session: Session, people: People, make_plan: PlanMaker,
                                            login: Login) -> None:
    plan = make_plan()
    [metric] = service.metrics(session, plan)
    client = login(people.viewer)
    url = f"/plans/{plan.id}/metrics/{metric.id}/actuals"
    page = client.get(url)
    assert page.status_code == 200 and "Record an actual" not in page.text
    posted = client.post(url, data={"measured_on": ["30", "9", "2026"], "value": "45", "source": "Survey"})
    assert posted.status_code == 403 and count(PlanActual) == 0
    assert client.get(f"/plans/{plan.id}/milestones/{metric.id}/actuals").status_code == 404


@pytest.mark.usefixtures("pinned_clock")
def test_the_plan_page_sends_as_many_queries_with_ten_times_the_actuals(
    session: Session, now: datetime, people: People, make_plan: PlanMaker, login: Login
) -> None:
    plan = make_plan()
    [objective], [metric] = service.objectives(session, plan), service.metrics(session, plan)

    def add(count_each: int) -> None:
        for number in range(count_each):
            for item in (objective, metric):
                actuals.record_actual(session, plan, item, measured_on=date(2026, 5, 1 + number % 28),
                                      value=600 - number, source="Survey", actor=people.officer, now=now)
        session.commit()

    add(1)
    client = login(people.viewer)
    urls = [f"/plans/{plan.id}", f"/plans/{plan.id}/objectives/{objective.id}/actuals"]
    with count_queries() as counter:
        for url in urls:
            assert client.get(url).status_code == 200
    few = counter.count
    add(10)
    with count_queries() as counter:
        for url in urls:
            assert client.get(url).status_code == 200
    assert counter.count == few


def test_the_api_reads_an_items_actuals_and_status(
    session: Session, now: datetime, people: People, make_plan: PlanMaker, client: Any,
    token_for: TokenFactory,
) -> None:
    plan = make_plan()
    [objective] = service.objectives(session, plan)
    actuals.record_actual(session, plan, objective, measured_on=date(2026, 9, 30), value=640,
                          source="Police recorded crime", actor=people.officer, now=now)
    _, headers = token_for(Role.VIEWER)
    answer = client.get(f"/api/v1/plans/{plan.id}/objectives/{objective.id}/actuals", headers=headers).json
    assert answer["rag"] == "red" and answer["due"] == "2027-03-31"
    assert [(a["value"], a["source"]) for a in answer["actuals"]] == [(640, "Police recorded crime")]
    assert client.get(f"/api/v1/plans/{plan.id}/metrics/999999/actuals", headers=headers).status_code == 404
