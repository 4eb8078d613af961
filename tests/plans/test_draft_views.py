"""Drafting a plan from a risk profile through the pages: choosing the profile, a proposal page that
writes nothing, confirming it with some activities left out, a bad row shown where it is, and a
unit that already has a plan."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from commsplan.audiences import service as affinity
from commsplan.plans import service
from commsplan.plans.models import PlanStatus
from commsplan.risk import profiles
from commsplan.risk.models import RiskProfile
from tests.plans.conftest import YEAR, Catalogue, Login, People, PlanMaker, Reference
from tests.plans.pages import (
    as_post,
    field_error,
    form_fields,
    fresh_plan,
    page_title,
    plan_id_from,
    text_of,
    written,
)

Fields = list[tuple[str, str]]

pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.fixture
def profile(session: Session, now: datetime, people: People, reference: Reference,
            catalogue: Catalogue) -> RiskProfile:
    """Hackney 2026–27: robbery first by harm, its VOLT notes about pupils and schools; SMS and
    posters reach pupils and parents."""
    reach = ((catalogue.pupils, catalogue.sms, 2), (catalogue.pupils, catalogue.posters, 3),
             (catalogue.parents, catalogue.sms, 3))
    for audience, channel, score in reach:
        affinity.set_affinity(session, audience=audience, channel=channel, score=score, evidence="Survey",
                               actor=None, now=now)
    made = profiles.create_profile(session, unit=reference.units["GD"], year=YEAR, actor=people.officer,
                                   now=now)
    profiles.save_entry(session, made, element=reference.elements["ROB"], actor=people.officer, now=now,
                        values=profiles.EntryValues(
                            volume=1240, harm_score=310_000, harm_method="Cambridge Crime Harm Index",
                            victims="62% of victims aged 12–16; phones taken",
                            offenders="groups of boys aged 14–19",
                            locations="routes from three secondary schools",
                            times="after school; peaks Jan–Feb", confidence=44, force_confidence=49))
    profiles.save_entry(session, made, element=reference.elements["HAR"], actor=people.officer, now=now,
                        values=profiles.EntryValues(volume=900, harm_score=1_000, harm_method="CCHI"))
    return made


def proposal_form(html: str) -> Fields:
    return form_fields(html)


def rows_of(fields: Fields) -> list[str]:
    """The titles of the proposed activities, in page order."""
    return [value for name, value in fields if name.startswith("activity_rows-") and name.endswith("-title")]


def without(fields: Fields, name: str) -> Fields:
    return [(key, value) for key, value in fields if key != name]


def replaced(fields: Fields, name: str, values: list[str]) -> Fields:
    return without(fields, name) + [(name, value) for value in values]


def test_the_choose_page_lists_profiles_and_which_units_have_plans(
        login: Login, people: People, reference: Reference, profile: RiskProfile, make_plan: PlanMaker,
        session: Session, now: datetime) -> None:
    other = profiles.create_profile(session, unit=reference.units["CW"], year=YEAR, actor=people.officer,
                                    now=now)
    make_plan(unit="CW", complete=False)
    html = login(people.officer).get("/plans/draft").text
    assert f'href="/plans/draft/{profile.id}"' in html
    assert f'href="/plans/draft/{other.id}"' not in html and "Has a plan for 2026–27" in html
    assert "No risk profiles for 2025–26" in login(people.officer).get("/plans/draft?year=2025").text


def test_the_proposal_page_writes_nothing(login: Login, people: People, profile: RiskProfile) -> None:
    client = login(people.officer)
    before = written()
    response = client.get(f"/plans/draft/{profile.id}")
    assert response.status_code == 200
    assert written() == before
    text = text_of(response.text)
    assert "1. Personal robbery" in text
    assert "Secondary school pupils aged 11–16: the VOLT notes name people aged 12–16, 14–19" in text
    titles = rows_of(proposal_form(response.text))
    assert titles and all(title.startswith("Personal robbery: ") for title in titles)


def test_confirming_creates_the_plan_without_the_unticked_activity(session: Session, login: Login,
                                                                   people: People,
                                                                   profile: RiskProfile) -> None:
    client = login(people.officer)
    fields = proposal_form(client.get(f"/plans/draft/{profile.id}").text)
    titles = rows_of(fields)
    assert len(titles) >= 2
    fields = without(fields, "activity_rows-0-include")
    fields = replaced(fields, "activity_rows-1-title", ["Assemblies in every secondary school"])
    response = client.post(f"/plans/draft/{profile.id}", data=as_post(fields))
    assert response.status_code == 302
    plan = fresh_plan(plan_id_from(response.headers["Location"]))
    assert (plan.unit.code, plan.year, plan.status, plan.owner_id) == ("GD", YEAR, PlanStatus.DRAFT,
                                                                       people.officer.id)
    kept = sorted(activity.title for activity in service.activities(session, plan))
    assert kept == sorted(["Assemblies in every secondary school", *titles[2:]])
    assert service.objectives(session, plan) and any(m.is_confidence for m in service.metrics(session, plan))
    assert plan.objectives.startswith("Priorities from the 2026–27 risk profile")
    page = client.get(response.headers["Location"]).text
    assert "Plan created as a draft from the risk profile" in page


@pytest.mark.parametrize(("dates", "message"), [
    (["31", "2", "2027"], "Starts must be a real date, like 27 3 2026"),
    (["1", "5", "2027"], "It must start within the plan's year: 1 April 2026 to 31 March 2027"),
], ids=["impossible date", "after the plan's year"])
def test_a_bad_row_shows_its_error_there_and_nothing_is_written(login: Login, people: People,
                                                                profile: RiskProfile, dates: list[str],
                                                                message: str) -> None:
    client = login(people.officer)
    fields = proposal_form(client.get(f"/plans/draft/{profile.id}").text)
    fields = replaced(fields, "activity_rows-1-start_date", dates)
    if dates[1] == "5":
        fields = replaced(fields, "activity_rows-1-end_date", ["2", "5", "2027"])
    before = written()
    response = client.post(f"/plans/draft/{profile.id}", data=as_post(fields))
    assert response.status_code == 200
    assert page_title(response.text).startswith("Error: Proposed plan for Hackney borough command")
    assert message in field_error(response.text, "activity_rows-1-start_date")
    assert '<a href="#activity_rows-1-start_date">' in response.text  # listed in the error summary
    assert field_error(response.text, "activity_rows-0-start_date") == ""
    assert written() == before
    kept = proposal_form(response.text)
    assert rows_of(kept) == rows_of(fields)  # the officer's edits survive


def test_an_unticked_row_is_not_checked(login: Login, people: People, profile: RiskProfile) -> None:
    client = login(people.officer)
    fields = proposal_form(client.get(f"/plans/draft/{profile.id}").text)
    fields = without(fields, "activity_rows-1-include")
    fields = replaced(fields, "activity_rows-1-start_date", ["31", "2", "2027"])
    response = client.post(f"/plans/draft/{profile.id}", data=as_post(fields))
    assert response.status_code == 302


def test_the_plan_needs_a_title_and_owner(login: Login, people: People, profile: RiskProfile) -> None:
    client = login(people.officer)
    fields = proposal_form(client.get(f"/plans/draft/{profile.id}").text)
    fields = replaced(replaced(fields, "title", [" "]), "owner_id", [""])
    before = written()
    response = client.post(f"/plans/draft/{profile.id}", data=as_post(fields))
    assert response.status_code == 200
    assert "Select the plan's owner" in field_error(response.text, "owner_id")
    assert written() == before


def test_a_unit_that_already_has_a_plan_is_sent_to_it(login: Login, people: People, profile: RiskProfile,
                                                      make_plan: PlanMaker) -> None:
    existing = make_plan(unit="GD", complete=False)
    client = login(people.officer)
    for response in (client.get(f"/plans/draft/{profile.id}"), client.post(f"/plans/draft/{profile.id}")):
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/plans/{existing.id}")
    page = client.get(f"/plans/{existing.id}").text
    assert "Hackney borough command already has a plan for 2026–27" in page
