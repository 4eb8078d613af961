"""The integrated plan (deliverable 2C): every plan of a year drawn together.

Coverage of element × audience counts the activities of plans approved at least once (a plan being
revised still counts), weighted by harm: a cell shows the share of the element's harm, summed over
every unit's risk profile, that sits in units whose plans reach that audience about that element.
Gaps are read per unit against its own profile: each of its top priorities should have activities,
and they should reach the audiences its VOLT notes point to. Overload flags an audience reached by
more activities in one week, across all plans, than the configured number.

Everything is read in a fixed number of queries, whatever the number of units and activities.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from commsplan.audiences.kinds import AUDIENCES
from commsplan.audiences.models import Audience, Channel
from commsplan.messages.models import MessageMap, MessageStatus
from commsplan.plans.calendar import week_start, year_months
from commsplan.plans.exports import ActivityRow, activity_rows
from commsplan.plans.insight import suggest_audiences
from commsplan.plans.models import Activity, ActivityStatus, CommPlan, Milestone, activity_audiences
from commsplan.plans.rules import PlanRules
from commsplan.reference.kinds import ELEMENTS
from commsplan.reference.models import BusinessUnit, UnitKind, ViolenceElement
from commsplan.reference.service import active_items
from commsplan.rendering import escape_markdown_line as md
from commsplan.risk import profiles
from commsplan.risk.models import RiskProfile, RiskProfileEntry, year_label
from commsplan.timeutil import to_london

MAX_OVERLOADS_SHOWN = 50


class Reach(NamedTuple):
    """What the integrated plan needs of one activity: a light row, as there may be tens of thousands."""

    id: int
    plan_id: int
    unit_code: str
    title: str
    element_id: int
    channel: str
    starts_at: datetime
    ends_at: datetime
    status: ActivityStatus
    audience_ids: tuple[int, ...]


def reach_rows(session: Session, plans: Sequence[CommPlan]) -> list[Reach]:
    """The plans' activities with the audiences they reach, in two queries, by start time."""
    ids, unit_code = [plan.id for plan in plans], {plan.id: plan.unit.code for plan in plans}
    audiences: dict[int, list[int]] = defaultdict(list)
    of_plans = select(Activity.id).where(Activity.plan_id.in_(ids))
    for activity_id, audience_id in session.execute(select(activity_audiences.c.activity_id,
                                                           activity_audiences.c.audience_id)
                                                    .where(activity_audiences.c.activity_id.in_(of_plans))):
        audiences[activity_id].append(audience_id)
    query = (select(Activity.id, Activity.plan_id, Activity.title, Activity.element_id, Channel.name,
                    Activity.starts_at, Activity.ends_at, Activity.status)
             .join(Channel, Channel.id == Activity.channel_id).where(Activity.plan_id.in_(ids))
             .order_by(Activity.starts_at, Activity.id))
    return [Reach(activity_id, plan_id, unit_code[plan_id], title, element_id, channel, starts_at, ends_at,
                  status, tuple(audiences.get(activity_id, ())))
            for activity_id, plan_id, title, element_id, channel, starts_at, ends_at, status
            in session.execute(query)]


@dataclass
class Cell:
    activities: int = 0
    units: set[int] = field(default_factory=set)
    harm_covered: float = 0.0
    approved_message: bool = False

    def share(self, total: float) -> float | None:
        return None if total <= 0 else min(self.harm_covered / total, 1.0)


@dataclass(frozen=True)
class Gap:
    unit: BusinessUnit
    element: ViolenceElement
    rank: int
    harm: float
    audience: Audience | None
    text: str


@dataclass(frozen=True)
class Overload:
    audience: Audience
    week: date
    count: int
    titles: tuple[str, ...]


@dataclass(frozen=True)
class UnitSummary:
    unit: BusinessUnit
    plan: CommPlan | None
    profile: RiskProfile | None
    top: RiskProfileEntry | None
    activities: int
    gaps: int


@dataclass
class IntegratedPlan:
    year: int
    plans: list[CommPlan]
    counted_plan_ids: set[int]
    elements: list[ViolenceElement]
    audiences: list[Audience]
    cells: dict[tuple[int, int], Cell]
    element_harm: dict[int, float]
    gaps: list[Gap]
    overloads: list[Overload]
    overload_total: int
    counted_rows: list[Reach]  # activities of approved plans that still reach people
    milestones: list[Milestone]
    units: list[UnitSummary]
    per_week: int
    months: list[tuple[int, int, int]]  # (year, month, activities starting)

    @property
    def corporate_gaps(self) -> list[Gap]:
        """The corporate unit's gaps: its profile sums the force, so its harm dwarfs any borough's."""
        return [gap for gap in self.gaps if gap.unit.kind is UnitKind.CORPORATE]

    @property
    def unit_gaps(self) -> list[Gap]:
        return [gap for gap in self.gaps if gap.unit.kind is not UnitKind.CORPORATE]

    def cell(self, element_id: int, audience_id: int) -> Cell:
        return self.cells.get((element_id, audience_id)) or Cell()


def export_rows(session: Session, result: IntegratedPlan) -> list[ActivityRow]:
    """The counted activities with everything they name, for the CSV."""
    return [row for row in activity_rows(session, sorted(result.counted_plan_ids)) if row.status.counts]


def counts(row: Reach, counted_plan_ids: set[int]) -> bool:
    return row.plan_id in counted_plan_ids and row.status.counts


def year_plans(session: Session, year: int) -> list[CommPlan]:
    return list(session.scalars(select(CommPlan).join(CommPlan.unit).where(CommPlan.year == year)
                                .order_by(BusinessUnit.kind, BusinessUnit.code)))


def year_profiles(session: Session, year: int) -> list[RiskProfile]:
    return list(session.scalars(select(RiskProfile).where(RiskProfile.year == year)
                                .options(selectinload(RiskProfile.entries))))


def message_pairs(session: Session) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(element, audience) pairs with a message map in use, and those with an approved one."""
    rows = session.execute(select(MessageMap.element_id, MessageMap.audience_id, MessageMap.approved_number)
                           .where(MessageMap.status != MessageStatus.RETIRED)).all()
    return ({(e, a) for e, a, _ in rows}, {(e, a) for e, a, number in rows if number is not None})


def build(session: Session, year: int, *, rules: PlanRules, per_week: int | None = None) -> IntegratedPlan:
    """The integrated plan for a financial year."""
    plans = year_plans(session, year)
    counted = {plan.id for plan in plans if plan.has_been_approved}
    rows = reach_rows(session, plans)
    milestones = list(session.scalars(select(Milestone).where(Milestone.plan_id.in_([p.id for p in plans]))
                                      .order_by(Milestone.target_date)))
    year_profile_list = year_profiles(session, year)
    elements, audiences = active_items(session, ELEMENTS), active_items(session, AUDIENCES)
    mapped, approved = message_pairs(session)
    unit_of_plan = {plan.id: plan.unit_id for plan in plans}
    harm = {(p.unit_id, e.element_id): e.harm_score for p in year_profile_list for e in p.entries}
    element_harm: dict[int, float] = defaultdict(float)
    for (_, element_id), value in harm.items():
        element_harm[element_id] += value
    counted_rows = [row for row in rows if counts(row, counted)]
    cells = coverage(counted_rows, unit_of_plan, harm, approved)
    gaps = find_gaps(year_profile_list, counted_rows, unit_of_plan, plans, audiences, mapped, approved, rules)
    threshold = per_week or rules.overload_per_week
    overloads = find_overloads(counted_rows, {a.id: a for a in audiences}, threshold)
    return IntegratedPlan(
        year, plans, counted, elements, audiences, cells, dict(element_harm), gaps,
        overloads[:MAX_OVERLOADS_SHOWN], len(overloads), counted_rows, milestones,
        unit_summaries(plans, year_profile_list, counted_rows, unit_of_plan, gaps), threshold,
        month_counts(year, counted_rows))


def coverage(rows: Sequence[Reach], unit_of_plan: dict[int, int], harm: dict[tuple[int, int], float],
             approved: set[tuple[int, int]]) -> dict[tuple[int, int], Cell]:
    cells: dict[tuple[int, int], Cell] = defaultdict(Cell)
    for row in rows:
        unit_id = unit_of_plan[row.plan_id]
        for audience_id in row.audience_ids:
            cell = cells[(row.element_id, audience_id)]
            cell.activities += 1
            if unit_id not in cell.units:
                cell.units.add(unit_id)
                cell.harm_covered += harm.get((unit_id, row.element_id), 0.0)
    for (element_id, audience_id), cell in cells.items():
        cell.approved_message = (element_id, audience_id) in approved
    for element_id, audience_id in approved:
        cells.setdefault((element_id, audience_id), Cell(approved_message=True))
    return dict(cells)


def find_gaps(year_profile_list: Sequence[RiskProfile], rows: Sequence[Reach],
              unit_of_plan: dict[int, int], plans: Sequence[CommPlan], audiences: Sequence[Audience],
              mapped: set[tuple[int, int]], approved: set[tuple[int, int]], rules: PlanRules) -> list[Gap]:
    """Each unit's top priorities with no activity, or with activities that miss a needed audience."""
    reached: dict[tuple[int, int], set[int]] = defaultdict(set)  # (unit, element) → audiences
    for row in rows:
        reached[(unit_of_plan[row.plan_id], row.element_id)].update(row.audience_ids)
    plan_of = {plan.unit_id: plan for plan in plans}
    gaps = []
    for profile in year_profile_list:
        ranking = profiles.ranks(profile.entries)
        for entry in sorted(profile.entries, key=lambda e: ranking[e.element_id][0])[:rules.gap_priorities]:
            rank = ranking[entry.element_id][0]
            lead = f"{profile.unit.name}: {entry.element.name.lower()} is priority {rank}"
            covered = reached.get((profile.unit_id, entry.element_id))
            if covered:
                gaps += [Gap(profile.unit, entry.element, rank, entry.harm_score, s.audience,
                             f"{lead}, but no activity reaches {s.audience.name}")
                         for s in suggest_audiences(entry, audiences, mapped, approved)
                         if s.audience.id not in covered]
            else:
                gaps.append(Gap(profile.unit, entry.element, rank, entry.harm_score, None,
                                f"{lead}, but {missing(plan_of.get(profile.unit_id))}"))
    gaps.sort(key=lambda gap: (-gap.harm, gap.rank, gap.unit.code, gap.audience is not None))
    return gaps


def missing(plan: CommPlan | None) -> str:
    """Why a priority has no activity: no plan, a plan never approved, or a plan that leaves it out."""
    if plan is None:
        return "there is no plan for the year"
    if not plan.has_been_approved:
        return "its plan is not yet approved"
    return "no activity in its plan addresses it"


def find_overloads(rows: Sequence[Reach], audiences: dict[int, Audience], threshold: int
                   ) -> list[Overload]:
    """Audience-weeks with more activities live than `threshold`, busiest first."""
    live: dict[tuple[int, date], list[str]] = defaultdict(list)
    for row in rows:
        week, last = week_start(to_london(row.starts_at).date()), to_london(row.ends_at).date()
        while week <= last:
            for audience_id in row.audience_ids:
                live[(audience_id, week)].append(f"{row.title} ({row.unit_code})")
            week += timedelta(days=7)
    found = [Overload(audiences[audience_id], week, len(titles), tuple(titles[:5]))
             for (audience_id, week), titles in live.items()
             if len(titles) > threshold and audience_id in audiences]
    found.sort(key=lambda o: (-o.count, o.week, o.audience.name))
    return found


def unit_summaries(plans: Sequence[CommPlan], year_profile_list: Sequence[RiskProfile],
                   rows: Sequence[Reach], unit_of_plan: dict[int, int], gaps: Sequence[Gap]
                   ) -> list[UnitSummary]:
    plan_of = {plan.unit_id: plan for plan in plans}
    profile_of = {profile.unit_id: profile for profile in year_profile_list}
    activity_count = Counter(unit_of_plan[row.plan_id] for row in rows)
    gap_count = Counter(gap.unit.id for gap in gaps)
    units = {plan.unit.id: plan.unit for plan in plans} | {p.unit.id: p.unit for p in year_profile_list}
    summaries = []
    for unit in sorted(units.values(), key=lambda u: (u.kind != "corporate", u.name)):
        profile = profile_of.get(unit.id)
        top = None
        if profile is not None and profile.entries:
            ranking = profiles.ranks(profile.entries)
            top = min(profile.entries, key=lambda e: ranking[e.element_id][0])
        summaries.append(UnitSummary(unit, plan_of.get(unit.id), profile, top, activity_count[unit.id],
                                     gap_count[unit.id]))
    return summaries


def month_counts(year: int, rows: Sequence[Reach]) -> list[tuple[int, int, int]]:
    starting = Counter((to_london(row.starts_at).year, to_london(row.starts_at).month) for row in rows)
    return [(y, m, starting[(y, m)]) for y, m in year_months(year)]


def as_markdown(result: IntegratedPlan) -> str:
    """The integrated plan as Markdown: units, coverage, gaps, overload and the activities by month;
    names people typed are escaped (`escape_markdown_line`)."""
    lines = [f"# Integrated communication plan {year_label(result.year)}", "",
             f"{len(result.plans)} plans, {len(result.counted_plan_ids)} approved; "
             f"{len(result.counted_rows)} activities count towards coverage.", "", "## Business units", "",
             "| Unit | Plan | Top priority | Activities | Gaps |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {md(s.unit.name)} | {s.plan.status.label if s.plan else 'None'} | "
              f"{md(s.top.element.name) if s.top else '—'} | {s.activities} | {s.gaps} |"
              for s in result.units]
    for heading, gaps in (("Corporate plan gaps", result.corporate_gaps),
                          ("Business-unit gaps, highest harm first", result.unit_gaps)):
        lines += ["", f"## {heading}", ""]
        lines += [f"- {md(gap.text)} (harm {gap.harm:,.0f})" for gap in gaps] or ["_No gaps._"]
    lines += ["", f"## Audience overload (more than {result.per_week} activities in a week)", ""]
    lines += [f"- Week of {o.week:%-d %b %Y}: {md(o.audience.name)}, {o.count} activities"
              for o in result.overloads] or ["_None._"]
    lines += ["", "## Coverage by element and audience", "",
              "| Element | Audience | Activities | Units | Share of harm | Approved message |",
              "| --- | --- | --- | --- | --- | --- |"]
    for element in result.elements:
        for audience in result.audiences:
            cell = result.cell(element.id, audience.id)
            if cell.activities or cell.approved_message:
                share = cell.share(result.element_harm.get(element.id, 0.0))
                lines.append(f"| {md(element.name)} | {md(audience.name)} | {cell.activities} | "
                             f"{len(cell.units)} | "
                             f"{'—' if share is None else f'{share:.0%}'} | "
                             f"{'yes' if cell.approved_message else 'no'} |")
    lines += ["", "## Activities starting each month", ""]
    lines += [f"- {date(y, m, 1):%B %Y}: {count}" for y, m, count in result.months]
    return "\n".join(lines) + "\n"
