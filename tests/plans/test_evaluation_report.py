"""A plan's evaluation report (confidence room): figures by framework level, counted in SQL, with the
unit's confidence series; page, Markdown and CSV; the same queries with ten times the data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from commsplan.auth.models import Role
from commsplan.confidence import evaluation, results
from commsplan.plans import activities, actuals, service
from commsplan.plans.models import ActivityStatus, CommPlan
from commsplan.plans.rules import PlanRules
from tests.conftest import TokenFactory, count_queries
from tests.plans.conftest import Catalogue, Login, People, PlanMaker, Reference, activity_values


def add_activities(session: Session, plan: CommPlan, people: People, catalogue: Catalogue,
                   reference: Reference, now: datetime, delivery: Any, rules: PlanRules, count: int) -> None:
    for number in range(count):
        activity = activities.save_activity(
            session, plan, activity_values(catalogue, reference, people.officer, title=f"Assembly {number}",
                                           cost_pounds=100), actor=people.officer, now=now,
            delivery=delivery, rules=rules)
        activity.status = ActivityStatus.DONE if number % 2 else ActivityStatus.CANCELLED


def add_waves(session: Session, plan: CommPlan, people: People, now: datetime, count: int) -> None:
    measure = results.headline(session) or results.create_measure(
        session, code="DEALING", name="Dealing with local issues",
        question="Do the police deal with what matters?", source="Test survey",
        is_headline=True, actor=people.officer, now=now)
    for number in range(count):
        results.enter_result(session, measure=measure, unit=plan.unit,
                             period=date(2020 + number // 4, 3 * (number % 4) + 1, 28),
                             values=results.ResultValues(50 + number % 5, 400, None), actor=people.officer,
                             now=now)


def test_the_report_counts_delivery_and_shows_outcomes_with_their_status(
        session: Session, make_plan: PlanMaker, people: People, catalogue: Catalogue, reference: Reference,
        now: datetime, delivery: Any, rules: PlanRules) -> None:
    plan = make_plan()
    add_activities(session, plan, people, catalogue, reference, now, delivery, rules, 4)
    objective = service.objectives(session, plan)[0]
    actuals.record_actual(session, plan, objective, measured_on=date(2026, 10, 1), value=600,
                          source="Crime data", actor=people.officer, now=now)
    add_waves(session, plan, people, now, 3)
    report = evaluation.build(session, plan, show_incidents=False)
    d = report.delivery
    assert (d.planned, d.done, d.cancelled, d.not_started, d.costed, d.cost_pounds) == (3, 2, 2, 1, 2, 200)
    outcomes = report.levels[evaluation.MetricLevel.OUTCOMES]
    assert outcomes[0].kind == "Objective" and outcomes[0].standing.latest is not None
    assert outcomes[0].rag is not None
    assert report.impact is not None and len(report.impact.waves) == 3
    text = evaluation.markdown(report)
    assert "## Outcomes" in text and "620 → 558 offences; latest 600 on 1 Oct 2026" in text
    rows = evaluation.figures_csv(report).splitlines()
    assert rows[0] == "section,item,baseline,target,latest,measured_on,status"
    assert "Inputs,Recorded cost (pounds),,,200,," in rows


def test_the_report_pages_answer_everyone_with_the_same_queries_at_ten_times_the_data(
        session: Session, make_plan: PlanMaker, people: People, catalogue: Catalogue, reference: Reference,
        now: datetime, delivery: Any, rules: PlanRules, login: Login) -> None:
    plan = make_plan()
    add_activities(session, plan, people, catalogue, reference, now, delivery, rules, 2)
    add_waves(session, plan, people, now, 2)
    client = login(people.viewer)
    urls = [f"/confidence/plans/{plan.id}/evaluation", f"/confidence/plans/{plan.id}/evaluation.md",
            f"/confidence/plans/{plan.id}/evaluation.csv"]

    def measure() -> list[int]:
        counts = []
        for url in urls:
            client.get(url)
            session.expire_all()
            with count_queries() as counter:
                response = client.get(url)
            assert response.status_code == 200, url
            counts.append(counter.count)
        return counts

    few = measure()
    plan = session.get(CommPlan, plan.id)
    add_activities(session, plan, people, catalogue, reference, now, delivery, rules, 20)
    add_waves(session, plan, people, now, 20)
    session.commit()
    assert measure() == few
    page = client.get(urls[0]).text
    assert "Evaluation report" in page and "Impact" in page and "Activities planned" in page
    assert client.get(urls[2]).data.startswith(b"\xef\xbb\xbf")
    assert client.get("/confidence/plans/99999/evaluation").status_code == 404


def test_the_api_gives_the_report_figures_to_any_token(
        session: Session, make_plan: PlanMaker, people: People, catalogue: Catalogue, reference: Reference,
        now: datetime, delivery: Any, rules: PlanRules, client: Any, token_for: TokenFactory) -> None:
    plan = make_plan()
    add_activities(session, plan, people, catalogue, reference, now, delivery, rules, 2)
    add_waves(session, plan, people, now, 2)
    session.commit()
    _, headers = token_for(Role.VIEWER)
    body = client.get(f"/api/v1/plans/{plan.id}/evaluation", headers=headers).get_json()
    assert body["delivery"]["planned"] == 2 and body["delivery"]["cost_pounds"] == 100
    assert body["levels"]["outcomes"][0]["kind"] == "Objective"
    assert [wave["unit"]["value"] for wave in body["impact"]["waves"]] == [50, 51]
    assert client.get("/api/v1/plans/99999/evaluation", headers=headers).status_code == 404
