"""The integrated plan (deliverable 2C): every plan of a year drawn together.

Coverage of element × audience counts the activities of plans approved at least once (a plan being
revised still counts), weighted by harm: a cell shows the share of the element's harm, summed over
every unit's risk profile, that sits in units whose plans reach that audience about that element.
Gaps are read per unit against its own profile: each of its top priorities should have activities,
and they should reach the audiences its VOLT notes point to. Overload flags an audience reached by
more activities in one week, across all plans, than the configured number.

Everything is read in a fixed number of queries, whatever the number of units and activities, and
activities are counted and grouped in SQL (`integrated_counts`): no request reads a year's
activities row by row.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import ColumnElement, and_, func, literal, select, union_all
from sqlalchemy.orm import Session, selectinload

from commsplan.audiences.kinds import AUDIENCES
from commsplan.audiences.models import Audience, Channel
from commsplan.messages.models import MessageMap, MessageStatus
from commsplan.plans.calendar import Entry, milestone_entry, moment_day
from commsplan.plans.clashes import ListedClash, markdown_lines
from commsplan.plans.exports import ActivityRow, activity_rows
from commsplan.plans.insight import SUGGESTIONS, SuggestionKeys
from commsplan.plans.integrated_counts import (
    UnitReach,
    counted,
    plan_counts,
    unit_reach,
    week_bounds,
    weekly_load,
    year_weeks,
)
from commsplan.plans.models import Activity, ActivityStatus, CommPlan, Milestone, activity_audiences
from commsplan.plans.rules import PlanRules
from commsplan.reference.kinds import ELEMENTS
from commsplan.reference.models import BusinessUnit, UnitKind, ViolenceElement
from commsplan.reference.service import active_items
from commsplan.rendering import escape_markdown_line as md
from commsplan.risk import profiles
from commsplan.risk.models import RiskProfile, RiskProfileEntry, year_label
from commsplan.timeutil import london_day_start

MAX_OVERLOADS_SHOWN = 20  # the busiest audience-weeks, each named with its first activities
TITLES_SHOWN = 5  # activities named for each overloaded audience-week
MAX_PER_WEEK = 50  # the highest overload threshold a reader may choose


class Reach(NamedTuple):
    """One activity as the integrated calendar shows it: a light row."""

    id: int
    plan_id: int
    unit_code: str
    title: str
    element_id: int
    channel: str
    starts_at: datetime
    ends_at: datetime
    status: ActivityStatus


def reach_rows(session: Session, plan_ids: Collection[int], starts_before: datetime,
               ends_after: datetime) -> list[Reach]:
    """The counted activities running between two moments, by start time (one month of the
    calendar, never the whole year)."""
    query = (select(Activity.id, Activity.plan_id, BusinessUnit.code, Activity.title, Activity.element_id,
                    Channel.name, Activity.starts_at, Activity.ends_at, Activity.status)
             .join(Channel, Channel.id == Activity.channel_id)
             .join(CommPlan, CommPlan.id == Activity.plan_id).join(BusinessUnit)
             .where(counted(plan_ids), Activity.starts_at < starts_before, Activity.ends_at >= ends_after)
             .order_by(Activity.starts_at, Activity.id))
    return [Reach(*row) for row in session.execute(query)]


def month_entries(session: Session, year: int, month: tuple[int, int]) -> list[Entry]:
    """One month of the integrated calendar: the counted activities running in it and the
    milestones of the year's plans falling due in it."""
    plans = year_plans(session, year)
    counted_ids = [plan.id for plan in plans if plan.has_been_approved]
    first = date(*month, 1)
    after = (first + timedelta(days=31)).replace(day=1)
    entries = [Entry("activity", row.title, row.plan_id, row.id, moment_day(row.starts_at),
                     moment_day(row.ends_at), detail=row.channel, status=row.status.value,
                     unit_code=row.unit_code)
               for row in reach_rows(session, counted_ids, london_day_start(after), london_day_start(first))]
    unit_code = {plan.id: plan.unit.code for plan in plans}
    due = select(Milestone).where(Milestone.plan_id.in_(unit_code), Milestone.target_date >= first,
                                  Milestone.target_date < after)
    return entries + [milestone_entry(m, unit_code[m.plan_id]) for m in session.scalars(due)]


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
    counted_total: int  # activities of approved plans that still reach people
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


def year_plans(session: Session, year: int) -> list[CommPlan]:
    return list(session.scalars(select(CommPlan).join(CommPlan.unit).where(CommPlan.year == year)
                                .order_by(BusinessUnit.kind, BusinessUnit.code)))


def year_profiles(session: Session, year: int) -> list[RiskProfile]:
    return list(session.scalars(select(RiskProfile).where(RiskProfile.year == year)
                                .options(selectinload(RiskProfile.entries))))


def message_pairs(session: Session) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(element, audience) pairs with a message map in use, and those with an approved one: one row
    per pair, grouped in SQL."""
    rows = session.execute(select(MessageMap.element_id, MessageMap.audience_id,
                                  func.max(MessageMap.approved_number))
                           .where(MessageMap.status != MessageStatus.RETIRED)
                           .group_by(MessageMap.element_id, MessageMap.audience_id)).all()
    return ({(e, a) for e, a, _ in rows}, {(e, a) for e, a, number in rows if number is not None})


def build(session: Session, year: int, *, rules: PlanRules, per_week: int | None = None) -> IntegratedPlan:
    """The integrated plan for a financial year, from activities counted and grouped in SQL
    (`integrated_counts`): no datetime is converted per activity."""
    plans = year_plans(session, year)
    counted_ids = {plan.id for plan in plans if plan.has_been_approved}
    unit_of = {plan.id: plan.unit_id for plan in plans}
    counts, reach = plan_counts(session, year, counted_ids), unit_reach(session, counted_ids)
    per_unit: Counter[int] = Counter()
    for plan_id, activities in counts.per_plan.items():
        per_unit[unit_of[plan_id]] += activities
    milestones = list(session.scalars(select(Milestone).where(Milestone.plan_id.in_([p.id for p in plans]))
                                      .order_by(Milestone.target_date)))
    year_profile_list = year_profiles(session, year)
    elements, audiences = active_items(session, ELEMENTS), active_items(session, AUDIENCES)
    mapped, approved = message_pairs(session)
    harm = {(p.unit_id, e.element_id): e.harm_score for p in year_profile_list for e in p.entries}
    element_harm: dict[int, float] = defaultdict(float)
    for (_, element_id), value in harm.items():
        element_harm[element_id] += value
    gaps = find_gaps(year_profile_list, reach, plans, audiences, mapped, approved, rules)
    threshold = per_week or rules.overload_per_week
    overloads, overload_total = find_overloads(session, year, counted_ids, {a.id: a for a in audiences},
                                               threshold)
    return IntegratedPlan(
        year, plans, counted_ids, elements, audiences, coverage(reach, harm, approved), dict(element_harm),
        gaps, overloads, overload_total, sum(per_unit.values()), milestones,
        unit_summaries(plans, year_profile_list, per_unit, gaps), threshold, counts.months)


def coverage(reach: Sequence[UnitReach], harm: dict[tuple[int, int], float],
             approved: set[tuple[int, int]]) -> dict[tuple[int, int], Cell]:
    """Each element × audience cell: its activities, the units reaching it and the harm they hold."""
    cells: dict[tuple[int, int], Cell] = defaultdict(Cell)
    for row in reach:
        cell = cells[(row.element_id, row.audience_id)]
        cell.activities += row.activities
        cell.units.add(row.unit_id)
        cell.harm_covered += harm.get((row.unit_id, row.element_id), 0.0)
    for (element_id, audience_id), cell in cells.items():
        cell.approved_message = (element_id, audience_id) in approved
    for element_id, audience_id in approved:
        cells.setdefault((element_id, audience_id), Cell(approved_message=True))
    return dict(cells)


def find_gaps(year_profile_list: Sequence[RiskProfile], reach: Sequence[UnitReach], plans: Sequence[CommPlan],
              audiences: Sequence[Audience], mapped: set[tuple[int, int]], approved: set[tuple[int, int]],
              rules: PlanRules) -> list[Gap]:
    """Each unit's top priorities with no activity, or with activities that miss a needed audience."""
    reached: dict[tuple[int, int], set[int]] = defaultdict(set)  # (unit, element) → audiences
    for row in reach:
        reached[(row.unit_id, row.element_id)].add(row.audience_id)
    plan_of = {plan.unit_id: plan for plan in plans}
    audience_of, keys = {a.id: a for a in audiences}, SuggestionKeys.of(audiences, mapped, approved)
    gaps = []
    for profile in year_profile_list:
        ranking = profiles.ranks(profile.entries)
        for entry in sorted(profile.entries, key=lambda e: ranking[e.element_id][0])[:rules.gap_priorities]:
            rank = ranking[entry.element_id][0]
            lead = f"{profile.unit.name}: {entry.element.name.lower()} is priority {rank}"
            covered = reached.get((profile.unit_id, entry.element_id))
            if covered:
                gaps += [Gap(profile.unit, entry.element, rank, entry.harm_score, audience_of[id_],
                             f"{lead}, but no activity reaches {audience_of[id_].name}")
                         for id_ in SUGGESTIONS.audience_ids(entry, audiences, mapped, approved, keys)
                         if id_ not in covered]
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


def live_between(start: datetime, end: datetime) -> ColumnElement[bool]:
    """An activity running at some point in [start, end)."""
    return and_(Activity.starts_at < end, Activity.ends_at >= start)


def find_overloads(session: Session, year: int, plan_ids: Collection[int], audiences: dict[int, Audience],
                   threshold: int) -> tuple[list[Overload], int]:
    """Audience-weeks of the year with more counted activities running than `threshold`, busiest
    first: the first `MAX_OVERLOADS_SHOWN` with the titles of their first five activities, and how
    many there are in all."""
    weeks, bounds = year_weeks(year), week_bounds(year)
    busy = [(audiences[audience_id], n, count)
            for audience_id, counts in weekly_load(session, year, plan_ids).items()
            if audience_id in audiences for n, count in enumerate(counts) if count > threshold]
    busy.sort(key=lambda found: (-found[2], found[1], found[0].name))
    shown = busy[:MAX_OVERLOADS_SHOWN]
    titles = overload_titles(session, plan_ids, [(a.id, bounds[n], bounds[n + 1]) for a, n, _ in shown])
    return ([Overload(audience, weeks[n], count, titles[index])
             for index, (audience, n, count) in enumerate(shown)], len(busy))


def overload_titles(session: Session, plan_ids: Collection[int],
                    slots: Sequence[tuple[int, datetime, datetime]]) -> list[tuple[str, ...]]:
    """For each (audience, week start, week end), the first five activities running, as
    "title (unit)"; one query for all of them."""
    if not slots:
        return []
    audience_id = activity_audiences.c.audience_id
    parts = [select(literal(index).label("slot"), Activity.title, BusinessUnit.code, Activity.starts_at,
                    Activity.id)
             .join(activity_audiences, activity_audiences.c.activity_id == Activity.id)
             .join(CommPlan, CommPlan.id == Activity.plan_id).join(BusinessUnit)
             .where(counted(plan_ids), audience_id == audience, live_between(start, end))
             .order_by(Activity.starts_at, Activity.id).limit(TITLES_SHOWN).subquery()
             for index, (audience, start, end) in enumerate(slots)]
    rows = union_all(*(select(part) for part in parts)).subquery()
    found: list[list[str]] = [[] for _ in slots]
    for slot, title, code, _, _ in session.execute(select(rows).order_by(rows.c.slot, rows.c.starts_at,
                                                                         rows.c.id)):
        found[slot].append(f"{title} ({code})")
    return [tuple(titles) for titles in found]


def unit_summaries(plans: Sequence[CommPlan], year_profile_list: Sequence[RiskProfile],
                   per_unit: dict[int, int], gaps: Sequence[Gap]) -> list[UnitSummary]:
    plan_of = {plan.unit_id: plan for plan in plans}
    profile_of = {profile.unit_id: profile for profile in year_profile_list}
    gap_count = Counter(gap.unit.id for gap in gaps)
    units = {plan.unit.id: plan.unit for plan in plans} | {p.unit.id: p.unit for p in year_profile_list}
    summaries = []
    for unit in sorted(units.values(), key=lambda u: (u.kind != "corporate", u.name)):
        profile = profile_of.get(unit.id)
        top = None
        if profile is not None and profile.entries:
            ranking = profiles.ranks(profile.entries)
            top = min(profile.entries, key=lambda e: ranking[e.element_id][0])
        summaries.append(UnitSummary(unit, plan_of.get(unit.id), profile, top, per_unit.get(unit.id, 0),
                                     gap_count[unit.id]))
    return summaries


def as_markdown(result: IntegratedPlan, sensitivity: tuple[list[ListedClash], int] = ([], 0)) -> str:
    """The integrated plan as Markdown: units, coverage, gaps, overload, the activities in sensitivity
    windows and the activities by month; names people typed are escaped (`escape_markdown_line`)."""
    lines = [f"# Integrated communication plan {year_label(result.year)}", "",
             f"{len(result.plans)} plans, {len(result.counted_plan_ids)} approved; "
             f"{result.counted_total} activities count towards coverage.", "", "## Business units", "",
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
    lines += markdown_lines(*sensitivity)
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
