"""Demo plans and the plans commands: the delivery plan's deliverables, the force-wide and borough plans."""

from __future__ import annotations

from datetime import date

from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.plans import integrated, service
from commsplan.plans.models import CommPlan, Milestone, PlanStatus
from commsplan.plans.rules import PlanRules
from commsplan.risk.profiles import financial_year
from commsplan.timeutil import to_london, utcnow
from tests.plans.conftest import People, Reference


def test_the_demo_tracks_the_delivery_plan_and_a_years_plans(
    runner: FlaskCliRunner, session: Session
) -> None:
    assert runner.invoke(args=["demo", "load", "--commit"]).exit_code == 0
    plans = {(plan.unit.code, plan.year): plan for plan in session.scalars(select(CommPlan))}
    delivery = plans[("CORP", 2010)]
    milestones = {m.title[:2]: m for m in service.milestones(session, delivery)}
    assert {code: (m.target_date, m.lead_label) for code, m in milestones.items()} == {
        "1A": (date(2010, 7, 1), "TBD"),
        "1B": (date(2010, 9, 1), "TBD"),
        "2A": (date(2010, 7, 1), "TBD"),
        "2B": (date(2010, 9, 1), "TBD"),
        "2C": (date(2010, 8, 1), "TBD"),
    }
    assert delivery.status is PlanStatus.ACTIVE
    year = financial_year(to_london(utcnow()))  # the demo is for the year it is loaded in
    corporate = plans[("CORP", year)]
    assert corporate.status is PlanStatus.ACTIVE and len(service.activities(session, corporate)) >= 8
    boroughs = {code: plan.status for (code, made), plan in plans.items() if code != "CORP" and made == year}
    assert len(boroughs) >= 4
    assert {PlanStatus.ACTIVE, PlanStatus.APPROVED, PlanStatus.SUBMITTED, PlanStatus.DRAFT} <= set(
        boroughs.values()
    )
    result = integrated.build(session, year, rules=PlanRules())
    assert result.gaps and result.counted_total > 20
    assert runner.invoke(args=["demo", "load", "--if-empty", "--commit"]).exit_code == 0
    assert len(list(session.scalars(select(CommPlan)))) == len(plans)


def test_the_delivery_plan_command_dry_runs_unless_told(
    runner: FlaskCliRunner, session: Session, people: People, reference: Reference
) -> None:
    session.commit()
    args = ["plans", "delivery-plan", "--owner", people.officer.email, "--approver", people.approver.email]
    dry = runner.invoke(args=args)
    assert dry.exit_code == 0 and "Would add: Anti-Violence Board delivery plan 2010" in dry.output
    assert session.scalar(select(CommPlan)) is None
    done = runner.invoke(args=[*args, "--commit"])
    assert done.exit_code == 0 and "Added" in done.output
    assert len(list(session.scalars(select(Milestone)))) == 5
    again = runner.invoke(args=[*args, "--commit"])
    assert "Nothing to add" in again.output
    unknown = runner.invoke(
        args=["plans", "delivery-plan", "--owner", "nobody@x.test", "--approver", "a@x.test"]
    )
    assert unknown.exit_code != 0 and "No active account for nobody@x.test" in unknown.output


def test_the_export_command_prints_markdown_or_csv(runner: FlaskCliRunner, session: Session) -> None:
    assert runner.invoke(args=["demo", "load", "--commit"]).exit_code == 0
    markdown = runner.invoke(args=["plans", "export", "--year", "2026"])
    assert markdown.exit_code == 0 and markdown.output.startswith("# Integrated communication plan 2026–27")
    csv = runner.invoke(args=["plans", "export", "--year", "2026", "--format", "csv"])
    assert csv.exit_code == 0 and csv.output.startswith("unit,plan,activity,element,audiences")
    assert runner.invoke(args=["plans", "export", "--year", "1999"]).exit_code != 0
