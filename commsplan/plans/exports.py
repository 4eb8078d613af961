"""Plans as documents and files: the plan for print and Markdown, activities as CSV rows.

Activity rows are read with plain column queries (two, whatever the number of plans or
activities), so the integrated plan's CSV of thousands of activities stays cheap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from commsplan.audiences.csv_io import write_csv
from commsplan.audiences.models import Audience, Channel
from commsplan.auth.models import User
from commsplan.messages.models import MessageMap, RipeStrand
from commsplan.plans import service
from commsplan.plans.models import (
    OASIS_SECTIONS,
    Activity,
    ActivityStatus,
    CommPlan,
    activity_audiences,
)
from commsplan.reference.models import BusinessUnit, ViolenceElement
from commsplan.rendering import escape_markdown, escape_markdown_line
from commsplan.risk.models import RiskProfile
from commsplan.timeutil import to_london

CSV_COLUMNS = ("unit", "plan", "activity", "element", "audiences", "channel", "message_map",
               "message_approved", "starts", "ends", "owner", "status", "ripe_strand", "cost_pounds")


@dataclass(frozen=True)
class PlanDocument:
    plan: CommPlan
    profile: RiskProfile | None
    contents: service.Contents


def plan_document(session: Session, plan: CommPlan) -> PlanDocument:
    return PlanDocument(plan, service.linked_profile(session, plan), service.contents(session, plan))


def london(moment: datetime) -> str:
    return to_london(moment).strftime("%-d %b %Y %H:%M")


def plan_markdown(document: PlanDocument) -> str:
    """The plan as a Markdown document someone can paste into a briefing. What people typed is
    escaped (`escape_markdown`): titles and names read as typed, the plan's own sections keep their
    Markdown, and no HTML gets through."""
    plan = document.plan
    lines = [f"# {cell(plan.title)}", "",
             f"{plan.level_label} for {cell(plan.unit.name)}, {plan.year_label}. "
             f"Status: {plan.status.label}. Owner: {cell(plan.owner.name)}."]
    if plan.approved_number:
        lines.append(f"Version {plan.approved_number} approved {london(plan.approved_at)}."
                     if plan.approved_at else "")
    for number, (name, heading, _) in enumerate(OASIS_SECTIONS, start=1):
        section = getattr(plan, name)
        lines += ["", f"## {number}. {heading}", "",
                  escape_markdown(section, keep_formatting=True) if section else "_Not written yet._"]
    lines += ["", "## SMART objectives", ""]
    lines += [f"- {cell(o.statement)}: {cell(o.metric)} from {o.baseline:g} to {o.target:g} "
              f"{cell(o.unit_of_measure)} by {o.deadline:%-d %B %Y}".rstrip()
              for o in document.contents.objectives] or ["_None yet._"]
    lines += ["", "## Evaluation metrics", ""]
    lines += [f"- {m.level.label}: {cell(m.name)}{' (the confidence measure)' if m.is_confidence else ''}"
              f"{f', from {cell(m.data_source)}' if m.data_source else ''}"
              for m in document.contents.metrics] or ["_None yet._"]
    lines += ["", "## Activities", "",
              "| Starts | Activity | Element | Audiences | Channel | Owner | Status |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {london(a.starts_at)} | {cell(a.title)} | {cell(a.element.name)} "
              f"| {cell(', '.join(a.audience_names))} | {cell(a.channel.name)} | {cell(a.owner.name)} "
              f"| {a.status.label} |" for a in document.contents.activities]
    lines += ["", "## Milestones", "", "| Target date | Milestone | Lead | RAG |",
              "| --- | --- | --- | --- |"]
    lines += [f"| {m.target_date:%-d %b %Y} | {cell(m.title)} | {cell(m.lead_label)} | {m.rag.label} |"
              for m in document.contents.milestones]
    return "\n".join(lines) + "\n"


cell = escape_markdown_line  # text safe on one Markdown line or in a table cell


@dataclass(frozen=True)
class ActivityRow:
    id: int
    plan_id: int
    unit_code: str
    plan_title: str
    title: str
    element_id: int
    element: str
    channel_id: int
    channel: str
    message: str
    message_approved: bool
    starts_at: datetime
    ends_at: datetime
    owner_id: int
    owner: str
    status: ActivityStatus
    ripe_strand: str
    cost_pounds: int | None
    audience_ids: tuple[int, ...]
    audiences: tuple[str, ...]


def activity_rows(session: Session, plan_ids: Sequence[int]) -> list[ActivityRow]:
    """Every activity of the plans with what it names, in two queries, by start time."""
    owner, map_audience = aliased(User), aliased(Audience)
    query = (select(Activity.id, Activity.plan_id, BusinessUnit.code, CommPlan.title, Activity.title,
                    Activity.element_id, ViolenceElement.name, Activity.channel_id, Channel.name,
                    map_audience.name, MessageMap.approved_number, Activity.starts_at, Activity.ends_at,
                    Activity.owner_id, owner.name, Activity.status, Activity.ripe_strand,
                    Activity.cost_pounds)
             .join(CommPlan, CommPlan.id == Activity.plan_id)
             .join(BusinessUnit, BusinessUnit.id == CommPlan.unit_id)
             .join(ViolenceElement, ViolenceElement.id == Activity.element_id)
             .join(Channel, Channel.id == Activity.channel_id).join(owner, owner.id == Activity.owner_id)
             .outerjoin(MessageMap, MessageMap.id == Activity.message_map_id)
             .outerjoin(map_audience, map_audience.id == MessageMap.audience_id)
             .where(Activity.plan_id.in_(list(plan_ids))).order_by(Activity.starts_at, Activity.id))
    reached: dict[int, list[tuple[int, str]]] = {}
    audience_query = (select(activity_audiences.c.activity_id, Audience.id, Audience.name)
                      .join(Audience, Audience.id == activity_audiences.c.audience_id)
                      .join(Activity, Activity.id == activity_audiences.c.activity_id)
                      .where(Activity.plan_id.in_(list(plan_ids))).order_by(Audience.name))
    for activity_id, audience_id, name in session.execute(audience_query):
        reached.setdefault(activity_id, []).append((audience_id, name))
    rows = []
    for (activity_id, plan_id, unit_code, plan_title, title, element_id, element, channel_id, channel,
         map_audience_name, approved_number, starts_at, ends_at, owner_id, owner_name, status, ripe,
         cost) in session.execute(query):
        audiences = reached.get(activity_id, [])
        rows.append(ActivityRow(
            activity_id, plan_id, unit_code, plan_title, title, element_id, element, channel_id, channel,
            f"{element} for {map_audience_name}" if map_audience_name else "", approved_number is not None,
            starts_at, ends_at, owner_id, owner_name, ActivityStatus(status), RipeStrand(ripe).label, cost,
            tuple(a for a, _ in audiences), tuple(n for _, n in audiences)))
    return rows


def activities_csv(rows: Sequence[ActivityRow]) -> str:
    """One row per activity; times in London with their offset, so a spreadsheet sorts them right."""
    return write_csv(CSV_COLUMNS, ([
        row.unit_code, row.plan_title, row.title, row.element, "; ".join(row.audiences), row.channel,
        row.message, "yes" if row.message_approved else ("no" if row.message else ""),
        to_london(row.starts_at).isoformat(timespec="minutes"),
        to_london(row.ends_at).isoformat(timespec="minutes"),
        row.owner, row.status.label, row.ripe_strand, row.cost_pounds] for row in rows))
