"""A plan's evaluation report: the page (printable), its Markdown and its figures as CSV."""

from __future__ import annotations

from flask import Response, render_template

from commsplan.confidence import evaluation
from commsplan.confidence.views import bp
from commsplan.db import current_session
from commsplan.incidents.service import READERS as INCIDENT_READERS
from commsplan.plans import service as plans
from commsplan.plans.models import MetricLevel
from commsplan.web import attachment, csv_download, signed_in_user


def report_of(plan_id: int) -> evaluation.Report:
    session = current_session()
    return evaluation.build(session, plans.get_plan(session, plan_id),
                            show_incidents=signed_in_user().has_role(*INCIDENT_READERS))


@bp.get("/plans/<int:plan_id>/evaluation")
def plan_evaluation(plan_id: int) -> str:
    return render_template("confidence/evaluation.html", report=report_of(plan_id), levels=MetricLevel)


@bp.get("/plans/<int:plan_id>/evaluation.md")
def plan_evaluation_markdown(plan_id: int) -> Response:
    return attachment(evaluation.markdown(report_of(plan_id)), "text/markdown",
                      f"plan-{plan_id}-evaluation.md")


@bp.get("/plans/<int:plan_id>/evaluation.csv")
def plan_evaluation_csv(plan_id: int) -> Response:
    return csv_download(evaluation.figures_csv(report_of(plan_id)), f"plan-{plan_id}-evaluation.csv")
