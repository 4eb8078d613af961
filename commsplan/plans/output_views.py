"""One plan's calendar by month, its year timeline, and its exports (print, Markdown, CSV)."""

from __future__ import annotations

from flask import Response, render_template, request

from commsplan.db import current_session
from commsplan.plans import calendar, clashes, exports, service
from commsplan.plans.models import OASIS_SECTIONS, CommPlan
from commsplan.plans.views import bp, get_plan
from commsplan.web import attachment, csv_download


def entries_of(plan: CommPlan) -> list[calendar.Entry]:
    session = current_session()
    return calendar.plan_entries(plan, service.activities(session, plan), service.milestones(session, plan))


@bp.get("/<int:plan_id>/calendar")
def plan_calendar(plan_id: int) -> str:
    plan = get_plan(plan_id)
    entries = entries_of(plan)
    year, month = calendar.parse_month(request.args.get("month"), plan.year)
    shown = calendar.month_view(year, month, entries)
    return render_template("plans/plan_calendar.html", plan=plan, count=len(entries), month=shown,
                           months=calendar.year_months(plan.year),
                           sensitivity=clashes.month_sensitivity(current_session(), shown))


@bp.get("/<int:plan_id>/timeline")
def plan_timeline(plan_id: int) -> str:
    plan = get_plan(plan_id)
    return render_template("plans/plan_timeline.html", plan=plan,
                           bars=calendar.timeline(plan.year, entries_of(plan)),
                           marks=calendar.month_marks(plan.year))


@bp.get("/<int:plan_id>/print")
def print_plan(plan_id: int) -> str:
    session = current_session()
    plan = get_plan(plan_id)
    return render_template("plans/print_plan.html", plan=plan, sections=OASIS_SECTIONS,
                           document=exports.plan_document(session, plan))


@bp.get("/<int:plan_id>/plan.md")
def plan_markdown(plan_id: int) -> Response:
    session = current_session()
    plan = get_plan(plan_id)
    return attachment(exports.plan_markdown(exports.plan_document(session, plan)), "text/markdown",
                      f"plan-{plan.unit.code}-{plan.year}.md")


@bp.get("/<int:plan_id>/activities.csv")
def plan_activities_csv(plan_id: int) -> Response:
    session = current_session()
    plan = get_plan(plan_id)
    rows = exports.activity_rows(session, [plan.id])
    return csv_download(exports.activities_csv(rows),
                        f"activities-{plan.unit.code}-{plan.year}.csv")
