"""What a plan and the integrated plan look like from outside: month calendars, the timeline, the
printable pages and the Markdown and CSV exports, and the integrated plan's coverage, gaps and
overload (with its per-week setting checked)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import activities, items, service
from commsplan.plans.models import CommPlan
from commsplan.plans.rules import PlanRules
from tests.plans.conftest import (
    Catalogue,
    Login,
    People,
    PlanMaker,
    Reference,
    activity_values,
    approved,
    london,
    make_profile,
)
from tests.plans.pages import page_title, text_of


@pytest.fixture
def plan(session: Session, now: datetime, people: People, catalogue: Catalogue, reference: Reference,
         make_plan: PlanMaker, delivery: DeliverySettings, rules: PlanRules) -> CommPlan:
    """Hackney's approved plan: January assemblies, a summer SMS push, a formula-like title, a
    cancelled activity and a milestone."""
    made = make_plan()
    for title, start, end, status in (
        ("Summer | holiday SMS", london(date(2026, 7, 20), "18:30"), london(date(2026, 8, 3)), "planned"),
        ("=HYPERLINK(\"http://evil.test\")", london(date(2027, 1, 28)), london(date(2027, 2, 5)), "planned"),
        ("Called off leaflets", london(date(2027, 1, 12)), london(date(2027, 1, 13)), "cancelled"),
    ):
        activities.save_activity(session, made, activity_values(
            catalogue, reference, people.officer, title=title, starts_at=start, ends_at=end, status=status),
            actor=people.officer, now=now, delivery=delivery, rules=rules)
    items.save_milestone(session, made, items.MilestoneValues("Schools toolkit published", date(2027, 1, 20)),
                         actor=people.officer, now=now, delivery=delivery, rules=rules)
    return approved(session, made, people.approver, now=now, delivery=delivery, rules=rules)

pytestmark = pytest.mark.usefixtures("pinned_clock")


# --- One plan ----------------------------------------------------------------------------------

def test_the_calendar_shows_a_month(login: Login, people: People, plan: CommPlan) -> None:
    html = login(people.viewer).get(f"/plans/{plan.id}/calendar?month=2027-01").text
    assert page_title(html).startswith("Calendar, January 2027")
    text = text_of(html)
    assert "Starts: Safer routes home assemblies" in text
    assert "Milestone: Schools toolkit published" in text
    assert "Called off leaflets" not in text  # cancelled work is off the calendar
    assert f'href="/plans/{plan.id}#activity-' in html
    february = text_of(login(people.viewer).get(f"/plans/{plan.id}/calendar?month=2027-02").text)
    assert "Running from earlier months" in february and "until 5 February 2027" in february


@pytest.mark.parametrize("month", ["", "abc", "2027-13", "2030-01", "2026-03", "2027-04", "-", "2027-1-1"])
def test_a_month_outside_the_plans_year_shows_april(login: Login, people: People, plan: CommPlan,
                                                    month: str) -> None:
    response = login(people.viewer).get(f"/plans/{plan.id}/calendar?month={month}")
    assert response.status_code == 200
    assert page_title(response.text).startswith("Calendar, April 2026")


def test_the_timeline_draws_the_year(login: Login, people: People, plan: CommPlan) -> None:
    html = login(people.viewer).get(f"/plans/{plan.id}/timeline").text
    assert "4 activities and milestones across 2026–27" in html
    assert "Summer | holiday SMS" in html and "Called off leaflets" not in html


def test_the_printable_plan_has_every_part(login: Login, people: People, plan: CommPlan) -> None:
    text = text_of(login(people.viewer).get(f"/plans/{plan.id}/print").text)
    for expected in ("1. Objectives", "5. Scoring", "Cut personal robbery of young people",
                     "Reduce robbery of under-18s by 10%",
                     "Outcomes: Confidence measure (the confidence measure)",
                     "20 Jul 2026, 18:30", "Schools toolkit published", "version 1 approved"):
        assert expected in text, expected


def test_the_markdown_export(login: Login, people: People, plan: CommPlan) -> None:
    response = login(people.viewer).get(f"/plans/{plan.id}/plan.md")
    assert response.mimetype == "text/markdown"
    assert response.headers["Content-Disposition"] == 'attachment; filename="plan-GD-2026.md"'
    body = response.text
    assert body.startswith("# Hackney borough command violence plan\n")
    assert "Status: Approved. Owner: Tom Officer." in body
    assert "## 1. Objectives\n\nCut personal robbery" in body
    assert "| 20 Jul 2026 18:30 | Summer \\| holiday SMS | Personal robbery |" in body
    assert "| 20 Jan 2027 | Schools toolkit published | TBD | Green: on track |" in body


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_export_gives_london_times_and_neutralises_formulas(login: Login, people: People,
                                                                    plan: CommPlan) -> None:
    response = login(people.viewer).get(f"/plans/{plan.id}/activities.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="activities-GD-2026.csv"'
    rows = {row["activity"]: row for row in csv_rows(response.text)}
    assert rows["'=HYPERLINK(\"http://evil.test\")"]["starts"] == "2027-01-28T10:00+00:00"
    assert not any(title.startswith("=") for title in rows)
    assert rows["Summer | holiday SMS"]["starts"] == "2026-07-20T18:30+01:00"
    assert rows["Safer routes home assemblies"]["audiences"] == "Secondary school pupils aged 11–16"
    assert rows["Called off leaflets"]["status"] == "Cancelled"


# --- The integrated plan -----------------------------------------------------------------------

@pytest.fixture
def year(session: Session, now: datetime, people: People, reference: Reference, plan: CommPlan,
         make_plan: PlanMaker) -> CommPlan:
    """Hackney's profile (robbery first, pupils in the notes) and plan; Westminster's profile (most
    serious violence first) and only a draft plan. Returns the draft."""
    elements = reference.elements
    make_profile(session, unit=reference.units["GD"], year=2026, actor=people.officer, now=now,
                 harms={elements["ROB"]: 310_000, elements["HAR"]: 1_000},
                 victims="Pupils aged 12–16 robbed on the way home from school")
    make_profile(session, unit=reference.units["CW"], year=2026, actor=people.officer, now=now,
                 harms={elements["MSV"]: 900_000, elements["ROB"]: 20_000})
    return make_plan(unit="CW", title="Westminster draft plan")


def test_the_integrated_plan_shows_coverage_and_ranks_gaps_by_harm(login: Login, people: People,
                                                                   year: CommPlan) -> None:
    html = login(people.viewer).get("/plans/integrated?year=2026").text
    assert page_title(html).startswith("Integrated plan 2026–27")
    text = text_of(html)
    assert "2 plans for the year, 1 approved. 3 activities in approved plans count" in text
    gaps = text_of(html.split('id="gap-list">')[1].split("</ol>")[0])
    assert gaps.startswith("Westminster borough command: most serious violence is priority 1, but its "
                           "plan is not yet approved (harm 900,000)")
    assert "Hackney borough command: harassment is priority 2, but no activity in its plan addresses it" \
        in gaps
    row = text_of(html.split("<th scope=\"row\" class=\"govuk-table__header\">Secondary school pupils")[1]
                  .split("</tr>")[0])
    assert "3 activities 1 unit, 94% of harm" in row  # Hackney's 310,000 of robbery's 330,000
    assert "Westminster draft plan" in text and "Draft" in text


def test_the_integrated_calendar_names_each_unit(login: Login, people: People, year: CommPlan) -> None:
    client = login(people.viewer)
    text = text_of(client.get("/plans/integrated/calendar?year=2026&month=2027-01").text)
    assert "Starts: Safer routes home assemblies (GD)" in text
    assert "Milestone: Schools toolkit published (GD)" in text
    assert "Westminster" not in text  # a plan never approved is not on the calendar
    odd = client.get("/plans/integrated/calendar?year=2026&month=nope")
    assert odd.status_code == 200 and page_title(odd.text).startswith("Calendar, April 2026")


def test_the_integrated_exports(login: Login, people: People, year: CommPlan) -> None:
    client = login(people.viewer)
    printable = text_of(client.get("/plans/integrated/print?year=2026").text)
    assert "Integrated communication plan 2026–27" in printable
    assert "most serious violence is priority 1" in printable
    markdown = client.get("/plans/integrated/plan.md?year=2026")
    assert markdown.headers["Content-Disposition"] == 'attachment; filename="integrated-plan-2026.md"'
    assert markdown.text.startswith("# Integrated communication plan 2026–27\n")
    assert "| Hackney borough command | Approved | Personal robbery | 3 | " in markdown.text
    exported = client.get("/plans/integrated/activities.csv?year=2026")
    assert exported.mimetype == "text/csv"
    titles = [row["activity"] for row in csv_rows(exported.text)]
    assert titles == ["Summer | holiday SMS", "Safer routes home assemblies",
                      "'=HYPERLINK(\"http://evil.test\")"]  # by start; no cancelled or unapproved work


@pytest.mark.parametrize("query", ["year=", ""])
def test_no_year_shows_this_financial_year(login: Login, people: People, year: CommPlan,
                                           query: str) -> None:
    response = login(people.viewer).get(f"/plans/integrated?{query}")
    assert response.status_code == 200
    assert page_title(response.text).startswith("Integrated plan 2026–27")


@pytest.mark.parametrize("query", ["year=abc", "year=1800", "year=99999999999999999999"])
def test_an_odd_year_is_an_error_naming_the_year(login: Login, people: People, year: CommPlan,
                                                 query: str) -> None:
    response = login(people.viewer).get(f"/plans/integrated?{query}")
    assert response.status_code == 422
    assert "Year: enter a year from 2000 to 2100" in response.text


@pytest.mark.parametrize("per_week", ["0", "999", "x", "-1", "2.5"])
def test_a_bad_per_week_shows_the_error_and_uses_the_default(login: Login, people: People, year: CommPlan,
                                                             per_week: str) -> None:
    response = login(people.viewer).get(f"/plans/integrated?year=2026&per_week={per_week}")
    assert response.status_code == 422
    html = response.text
    assert "Enter a whole number from 1 to 50; showing the default of 3" in html
    assert 'aria-describedby="per_week-error"' in html
    assert "more than 3 activities across all plans reach the same audience" in html
    assert "No audience is overloaded." in html


def test_a_low_per_week_finds_overload(session: Session, now: datetime, login: Login, people: People,
                                       catalogue: Catalogue, reference: Reference, year: CommPlan,
                                       plan: CommPlan, delivery: DeliverySettings, rules: PlanRules) -> None:
    activities.save_activity(session, plan, activity_values(catalogue, reference, people.officer,
                                                            title="Second assembly round"),
                             actor=people.officer, now=now, delivery=delivery, rules=rules)
    html = login(people.viewer).get("/plans/integrated?year=2026&per_week=1").text
    assert "per_week-error" not in html
    overload = text_of(html.split('id="overload-list"')[1].split("</table>")[0])
    assert "11 January 2027 Secondary school pupils aged 11–16 2" in overload
    assert "Second assembly round (GD)" in overload


def test_the_gap_list_follows_the_configured_number_of_priorities(app: Flask, login: Login, people: People,
                                                                  year: CommPlan) -> None:
    app.config["PLAN_GAP_PRIORITIES"] = 1
    html = login(people.viewer).get("/plans/integrated?year=2026").text
    assert "Each unit's top 1 priorities from its risk profile" in html
    assert "harassment is priority 2" not in html and "most serious violence is priority 1" in html


def test_the_markdown_export_escapes_what_people_typed(session: Session, now: datetime, login: Login,
                                                       people: People, reference: Reference,
                                                       delivery: DeliverySettings) -> None:
    details = service.PlanDetails(unit_id=reference.units["GD"].id, year=2026, owner_id=people.officer.id,
                                  title="<script>alert(1)</script> **Safer** streets")
    sections = service.Sections(
        objectives="- Cut robbery\n- **Reassure** parents\n<img src=x onerror=alert(1)>")
    plan = service.create_plan(session, details=details, sections=sections, actor=people.officer, now=now,
                               delivery=delivery)
    session.commit()
    body = login(people.officer).get(f"/plans/{plan.id}/plan.md").text
    assert "<script" not in body and "<img" not in body
    assert body.startswith("# &lt;script&gt;alert(1)&lt;/script&gt; \\*\\*Safer\\*\\* streets\n")
    # The plan's own sections are Markdown and stay so; only the HTML in them is neutralised.
    assert "- Cut robbery\n- **Reassure** parents\n&lt;img src=x onerror=alert(1)&gt;" in body
