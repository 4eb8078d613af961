"""Drafting a plan from a risk profile: audiences from VOLT notes, channels by affinity, timing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audiences import service as affinity
from commsplan.audiences.models import Audience, Segment
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import activities, proposal, service
from commsplan.plans.insight import SuggestionKeys, SuggestionMemo, ages, overlaps, suggest_audiences
from commsplan.plans.models import Activity, CommPlan, PlanMetric, PlanObjective
from commsplan.plans.rules import PlanRules
from commsplan.risk import profiles
from commsplan.risk.models import RiskProfile
from tests.audiences.helpers import make_audience
from tests.plans.conftest import YEAR, Catalogue, People, Reference

VICTIMS = "62% of victims aged 12–19; phones and headphones taken"
OFFENDERS = "groups of 2–4 boys aged 14–19, often on bikes"
LOCATIONS = "two bus interchanges and the routes from three secondary schools"
TIMES = "15:00–18:30 on school days; peaks Oct–Feb (dark evenings)"


@pytest.fixture
def profile(
    session: Session, now: datetime, people: People, reference: Reference, catalogue: Catalogue
) -> RiskProfile:
    """Hackney 2026–27: robbery first by harm, with VOLT notes about pupils and schools."""
    for audience, channel, score in (
        (catalogue.pupils, catalogue.sms, 2),
        (catalogue.pupils, catalogue.posters, 3),
        (catalogue.parents, catalogue.sms, 3),
    ):
        affinity.set_affinity(
            session, audience=audience, channel=channel, score=score, evidence="Survey", actor=None, now=now
        )
    made = profiles.create_profile(
        session, unit=reference.units["GD"], year=YEAR, actor=people.officer, now=now
    )
    for code, harm, volume, notes in (
        ("ROB", 310_000.0, 1240, (VICTIMS, OFFENDERS, LOCATIONS, TIMES)),
        ("MSV", 250_000.0, 40, ("", "", "", "")),
        ("HAR", 1_000.0, 900, ("", "", "", "")),
    ):
        profiles.save_entry(
            session,
            made,
            element=reference.elements[code],
            actor=people.officer,
            now=now,
            values=profiles.EntryValues(
                volume=volume,
                harm_score=harm,
                harm_method="Cambridge Crime Harm Index",
                victims=notes[0],
                offenders=notes[1],
                locations=notes[2],
                times=notes[3],
                confidence=44,
                force_confidence=49,
            ),
        )
    return made


def rows(session: Session, model: object) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0  # type: ignore[arg-type]


def test_ages_are_read_from_notes() -> None:
    # read once and kept, so a tuple nobody can change
    assert ages("victims aged 12–19 and 15 to 24; 2–4 offenders") == ((12, 19), (15, 24))
    assert overlaps("11–16", [(12, 19)])
    assert not overlaps("18–40", [(12, 19)])  # one shared year is not the same people


def test_audiences_come_from_ages_and_words_in_the_volt_notes(
    session: Session, profile: RiskProfile, catalogue: Catalogue
) -> None:
    entry = next(e for e in profile.entries if e.element.code == "ROB")
    found = suggest_audiences(entry, [catalogue.pupils, catalogue.parents, catalogue.traders], set(), set())
    assert [s.audience for s in found] == [catalogue.pupils, catalogue.parents]
    assert found[0].reasons == [
        "the VOLT notes name people aged 12–19, 14–19",
        "the VOLT notes mention “boys”",
    ]
    assert found[1].reasons == [
        "the victims or offenders include under-18s",
        "the VOLT notes mention “school”",
    ]


def test_remembered_suggestions_follow_every_change_they_depend_on(
    session: Session, profile: RiskProfile, catalogue: Catalogue
) -> None:
    entry = next(e for e in profile.entries if e.element.code == "ROB")
    audiences = [catalogue.pupils, catalogue.parents, catalogue.traders]
    memo = SuggestionMemo(limit=2)

    def remembered(approved: set[tuple[int, int]]) -> tuple[int, ...]:
        keys = SuggestionKeys.of(audiences, approved, approved)
        found = memo.audience_ids(entry, audiences, approved, approved, keys)
        assert found == tuple(s.audience.id for s in suggest_audiences(entry, audiences, approved, approved))
        return found

    assert remembered(set()) == (catalogue.pupils.id, catalogue.parents.id)
    assert remembered(set()) == (catalogue.pupils.id, catalogue.parents.id)  # from the memo
    assert catalogue.traders.id in remembered({(entry.element_id, catalogue.traders.id)})  # an approved map
    catalogue.pupils.age_band = "60–80"  # the pupils no longer match the ages in the notes
    assert remembered(set()) == (catalogue.parents.id, catalogue.pupils.id)
    entry.offenders = entry.victims = entry.locations = entry.times = "adults"  # nothing to go on
    assert remembered(set()) == ()
    assert len(memo.found) <= 2  # emptied when full


def test_peak_months_are_read_from_times() -> None:
    assert proposal.peak_months("peaks Oct–Feb (dark evenings)")[:5] == [10, 11, 12, 1, 2]
    assert proposal.peak_months("Friday nights in summer") == [6, 7, 8]
    assert proposal.peak_months("evenings after school") == []


def test_the_proposal_writes_nothing(
    session: Session, now: datetime, profile: RiskProfile, rules: PlanRules
) -> None:
    before = (rows(session, CommPlan), rows(session, Activity))
    made = proposal.propose(session, profile, now=now, rules=rules)
    assert (rows(session, CommPlan), rows(session, Activity)) == before
    assert [p.entry.entry.element.code for p in made.priorities] == ["ROB", "MSV", "HAR"]
    assert made.title == "Hackney borough command violence communication plan 2026–27"


def test_activities_respect_lead_times_and_peaks(
    session: Session, now: datetime, profile: RiskProfile, catalogue: Catalogue, rules: PlanRules
) -> None:
    made = proposal.propose(session, profile, now=now, rules=rules)
    robbery = [a for a in made.activities if a.element.code == "ROB"]
    assert {a.audience for a in robbery} == {catalogue.pupils, catalogue.parents}
    pupils = [a for a in robbery if a.audience == catalogue.pupils]
    assert {a.channel for a in pupils} == {catalogue.posters}  # affinity 3 beats 2
    # now is 20 Nov 2026; posters need 21 days, so the first wave is the first Tuesday after the
    # peak's lead-in that the lead time allows; the notes' peaks (Oct–Feb) put it in December.
    first = min(a.starts_on for a in pupils)
    assert first >= date(2026, 12, 11) and first.weekday() == 1
    assert all(a.starts_on <= date(2027, 3, 31) and a.ends_on <= date(2027, 3, 31) for a in made.activities)
    assert all(a.ripe_strand.value == "prevention" for a in pupils)
    assert "aged 12–19" in pupils[0].reason


def test_objectives_and_metrics_are_proposed_from_the_profile(
    session: Session, now: datetime, profile: RiskProfile, rules: PlanRules
) -> None:
    made = proposal.propose(session, profile, now=now, rules=rules)
    statements = [o.statement for o in made.objectives]
    assert statements[0] == "Reduce personal robbery in Hackney borough command by 5%"
    assert made.objectives[0].baseline == 1240 and made.objectives[0].target == 1178
    assert statements[-1] == "Raise confidence in Hackney borough command to 49%"
    confidence = next(m for m in made.metrics if m.is_confidence)
    assert (confidence.level, confidence.baseline, confidence.target) == ("outcomes", 44, 49)
    assert {m.level for m in made.metrics} == {"inputs", "outputs", "outtakes", "outcomes", "impact"}
    assert "1. **Personal robbery**" in made.sections.objectives


def test_confirming_writes_the_plan_ready_to_submit(
    session: Session,
    now: datetime,
    people: People,
    profile: RiskProfile,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> None:
    made = proposal.propose(session, profile, now=now, rules=rules)
    kept = [
        (number, activity_values_of(planned, people.officer.id))
        for number, planned in enumerate(made.activities)
        if number != 0
    ]
    confirmed = proposal.Confirmed("Hackney plan", people.officer.id, made.sections, kept)
    plan = proposal.confirm(
        session,
        profile,
        confirmed,
        proposal=made,
        actor=people.officer,
        now=now,
        delivery=delivery,
        rules=rules,
    )
    assert len(service.activities(session, plan)) == len(made.activities) - 1
    assert rows(session, PlanObjective) == len(made.objectives)
    assert rows(session, PlanMetric) == len(made.metrics)
    assert service.submission_problems(session, plan) == {}


def test_a_bad_row_names_its_row_and_writes_nothing(
    session: Session,
    now: datetime,
    people: People,
    profile: RiskProfile,
    delivery: DeliverySettings,
    rules: PlanRules,
) -> None:
    made = proposal.propose(session, profile, now=now, rules=rules)
    good = [(n, activity_values_of(p, people.officer.id)) for n, p in enumerate(made.activities)]
    number, values = good[1]
    broken = activities.ActivityValues(**{**values.__dict__, "starts_at": None})
    confirmed = proposal.Confirmed(
        "Hackney plan", people.officer.id, made.sections, [good[0], (number, broken)]
    )
    from commsplan.errors import ValidationError

    with pytest.raises(ValidationError) as raised:
        with session.begin_nested():
            proposal.confirm(
                session,
                profile,
                confirmed,
                proposal=made,
                actor=people.officer,
                now=now,
                delivery=delivery,
                rules=rules,
            )
    assert raised.value.errors == {"activities-1-starts_at": ["Enter when it starts"]}
    assert rows(session, CommPlan) == 0


def activity_values_of(planned: proposal.ProposedActivity, owner_id: int) -> activities.ActivityValues:
    return activities.ActivityValues(
        title=planned.title,
        element_id=planned.element.id,
        audience_ids=(planned.audience.id,),
        channel_id=planned.channel.id,
        starts_at=datetime(
            planned.starts_on.year, planned.starts_on.month, planned.starts_on.day, 10, tzinfo=UTC
        ),
        ends_at=datetime(planned.ends_on.year, planned.ends_on.month, planned.ends_on.day, 17, tzinfo=UTC),
        owner_id=owner_id,
        ripe_strand=planned.ripe_strand.value,
        message_map_id=planned.message_map.id if planned.message_map else None,
    )


def test_an_audience_without_a_good_channel_is_reported(
    session: Session, now: datetime, profile: RiskProfile, rules: PlanRules
) -> None:
    make_audience(
        session, now=now, name="Pupils in pupil referral units", segment=Segment.EDUCATION, age_band="11–16"
    )
    made = proposal.propose(session, profile, now=now, rules=rules)
    assert any(
        "Pupils in pupil referral units: no channel reaches them well" in note for note in made.skipped
    )
    assert (
        session.scalar(select(Audience).where(Audience.name == "Pupils in pupil referral units")) is not None
    )
