"""Community impact assessment pages: recording a version from the incident page, and one version
compared with the one before it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import render_template, request
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from commsplan.db import current_session
from commsplan.incidents import assessments, records, service
from commsplan.incidents.forms import assessment_form
from commsplan.incidents.models import ImpactAssessment, Incident, Rag
from commsplan.incidents.views import act, bp, incident_or_404
from commsplan.notifications.jobs import current_settings
from commsplan.playbooks.model import ImpactPrompt
from commsplan.timeutil import to_london, utcnow
from commsplan.web import role_required, signed_in_user

FIRST_REVIEW_AFTER = timedelta(hours=24)
SHORTEST_CADENCE = timedelta(hours=1)
ENDPOINT = "incidents.add_assessment"


@dataclass(frozen=True)
class AssessmentPanel:
    """What the incident page's assessment section shows, and the form's values."""

    prompts: tuple[ImpactPrompt, ...]
    versions: list[ImpactAssessment]
    ratings: list[assessments.Rating]
    overdue: bool
    values: dict[str, str] = field(default_factory=dict)
    sent: bool = False  # the form came back with errors
    rags: tuple[Rag, ...] = tuple(Rag)

    @property
    def latest(self) -> ImpactAssessment | None:
        return self.versions[0] if self.versions else None


@bp.app_template_global()
def cia_panel(incident: Incident, now: datetime) -> AssessmentPanel:
    """The latest version and the list of versions (one query), and the form's values."""
    versions = assessments.assessments_of(current_session(), incident)
    prompts = records.playbook_of(incident).community_impact
    newest = versions[0] if versions else None
    sent = request.method == "POST" and request.endpoint == ENDPOINT
    return AssessmentPanel(
        prompts=prompts, versions=versions,
        ratings=assessments.ratings_of(newest, prompts) if newest else [],
        overdue=assessments.review_overdue(incident, newest, now),
        values=dict(request.form) if sent else form_defaults(newest, prompts, now), sent=sent)


def form_defaults(newest: ImpactAssessment | None, prompts: tuple[ImpactPrompt, ...],
                  now: datetime) -> dict[str, str]:
    """The latest version's answers, and a review at the same interval after now as it had."""
    if newest is None:
        return {"owner_id": str(signed_in_user().id),
                "next_review_at": london_field(now + FIRST_REVIEW_AFTER)}
    values = {"overall": newest.overall.value, "summary": newest.summary, "owner_id": str(newest.owner_id)}
    for rating in assessments.ratings_of(newest, prompts):
        values[assessments.rag_field(rating.prompt.id)] = rating.rag.value if rating.rag else ""
        values[assessments.evidence_field(rating.prompt.id)] = rating.evidence
    cadence = newest.next_review_at - newest.assessed_at
    cadence = min(max(cadence, SHORTEST_CADENCE), assessments.FURTHEST_REVIEW)
    values["next_review_at"] = london_field(now + cadence)
    return values


def london_field(moment: datetime) -> str:
    return to_london(moment).strftime("%Y-%m-%dT%H:%M")


@bp.post("/<int:incident_id>/assessments")
@role_required(*service.WORKERS)
def add_assessment(incident_id: int) -> Response | tuple[str, int]:
    form = assessment_form(records.playbook_of(incident_or_404(incident_id)))

    def save(session: Session, incident: Incident) -> str:
        version = assessments.add_assessment(session, incident, form.assessment_input(),
                                             actor=signed_in_user(), now=utcnow(),
                                             settings=current_settings())
        return f"Community impact assessment version {version.version} recorded."
    return act(incident_id, form, save)


@bp.get("/<int:incident_id>/assessments/<int:version>")
def show_assessment(incident_id: int, version: int) -> str:
    """One version, and what changed from the one before it."""
    incident = incident_or_404(incident_id)
    current, previous = assessments.with_previous(current_session(), incident, version)
    prompts = records.playbook_of(incident).community_impact
    newest = assessments.latest(current_session(), incident)
    return render_template(
        "incidents/assessment.html", incident=incident, assessment=current, previous=previous,
        ratings=assessments.ratings_of(current, prompts),
        changes=assessments.changes(previous, current, prompts),
        newest_version=newest.version if newest else version, now=utcnow())
