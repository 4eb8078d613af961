"""The community impact assessment (CIA) of an incident: versioned, a RAG and evidence per prompt.

The prompts come from the playbook the incident was launched from. Each save adds the next
version and never edits an old one; the version's owner is reminded when it is due for review,
and a new version cancels the review its predecessor was waiting for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import User
from commsplan.auth.service import require_role
from commsplan.errors import NotFound, ValidationError
from commsplan.incidents import inputs, records, service
from commsplan.incidents.models import ImpactAssessment, Incident, IncidentMode, IncidentStatus, Rag
from commsplan.notifications import service as reminders
from commsplan.notifications.kinds import Urgency
from commsplan.notifications.models import ReminderStatus
from commsplan.notifications.settings import DeliverySettings
from commsplan.playbooks.model import ImpactPrompt
from commsplan.timeutil import to_london

LONGEST_EVIDENCE = 2000
LONGEST_SUMMARY = 5000
FURTHEST_REVIEW = timedelta(days=7)
NEEDS_EVIDENCE = (Rag.RED, Rag.AMBER)
REVIEW_KIND = "review_due"
ANCHOR = "community-impact"


@dataclass(frozen=True)
class AssessmentInput:
    """What the form (or the API) sends, as text; `add_assessment` checks every part at once."""

    ratings: Mapping[str, str] = field(default_factory=dict)  # prompt id → "red" | "amber" | "green"
    evidence: Mapping[str, str] = field(default_factory=dict)  # prompt id → why
    overall: str = ""
    summary: str = ""
    owner_id: str = ""
    next_review_at: str = ""  # London time, as a datetime-local field sends it


@dataclass(frozen=True)
class Rating:
    """One prompt's answer in a version."""

    prompt: ImpactPrompt
    rag: Rag | None
    evidence: str


@dataclass(frozen=True)
class Change:
    """How one rating moved from the previous version to this one."""

    label: str
    before: Rag | None
    after: Rag | None
    evidence_before: str = ""
    evidence_after: str = ""

    @property
    def rag_changed(self) -> bool:
        return self.before != self.after

    @property
    def evidence_changed(self) -> bool:
        return self.evidence_before.strip() != self.evidence_after.strip()


def rag_field(prompt_id: str) -> str:
    return f"rag-{prompt_id}"


def evidence_field(prompt_id: str) -> str:
    return f"evidence-{prompt_id}"


def review_key(incident_id: int, version: int) -> str:
    return f"incident:{incident_id}:cia-review:{version}"


# --- Checking what was sent --------------------------------------------------------------------

def quoted(prompt: ImpactPrompt) -> str:
    text = prompt.prompt if len(prompt.prompt) <= 80 else prompt.prompt[:79].rstrip() + "…"
    return f"“{text}”"


def rating_errors(prompts: tuple[ImpactPrompt, ...], answers: AssessmentInput
                  ) -> tuple[dict[str, dict[str, str]], dict[str, list[str]]]:
    """Each prompt's RAG and evidence, cleaned; evidence is needed for red and amber."""
    ratings: dict[str, dict[str, str]] = {}
    errors: dict[str, list[str]] = {}
    for prompt in prompts:
        text = (answers.ratings.get(prompt.id) or "").strip().lower()
        evidence = (answers.evidence.get(prompt.id) or "").strip()
        rag = Rag(text) if text in {r.value for r in Rag} else None
        if rag is None:
            errors[rag_field(prompt.id)] = [f"Choose red, amber or green for {quoted(prompt)}"]
        if len(evidence) > LONGEST_EVIDENCE:
            errors[evidence_field(prompt.id)] = [
                f"The evidence for {quoted(prompt)} must be {LONGEST_EVIDENCE} characters or fewer "
                f"(it is {len(evidence)})"]
        elif rag is not None and rag in NEEDS_EVIDENCE and not evidence:
            errors[evidence_field(prompt.id)] = [
                f"Give the evidence for the {rag.label.lower()} rating of {quoted(prompt)}"]
        if rag is not None:
            ratings[prompt.id] = {"rag": rag.value, "evidence": evidence}
    return ratings, errors


def review_time(text: str, now: datetime) -> tuple[datetime | None, str | None]:
    """The next review as a moment, or why it cannot be one."""
    if not text.strip():
        return None, "Enter when the assessment will next be reviewed"
    try:
        moment = inputs.london_input(text)
    except ValueError:
        return None, "Enter the next review as a date and time, like 2026-11-22 21:40"
    if moment <= now:
        return None, "The next review must be in the future"
    if moment > now + FURTHEST_REVIEW:
        latest = to_london(now + FURTHEST_REVIEW).strftime("%H:%M on %-d %B")
        return None, f"The next review must be within 7 days (by {latest} at the latest)"
    return moment.astimezone(UTC), None


def owner_from(session: Session, text: str) -> User | None:
    text = text.strip()
    person = session.get(User, int(text)) if text.isdigit() else None
    return person if person is not None and person.is_active else None


# --- Recording a version -----------------------------------------------------------------------

def add_assessment(session: Session, incident: Incident, answers: AssessmentInput, *, actor: User,
                   now: datetime, settings: DeliverySettings) -> ImpactAssessment:
    """Record the next version, log and audit it, and move the review reminder to its owner."""
    require_role(actor, service.WORKERS, "assess community impact")
    records.require_active(incident)
    prompts = records.playbook_of(incident).community_impact
    ratings, errors = rating_errors(prompts, answers)
    overall = answers.overall.strip().lower()
    if overall not in {r.value for r in Rag}:
        errors["overall"] = ["Choose an overall rating: red, amber or green"]
    summary = answers.summary.strip()
    if len(summary) > LONGEST_SUMMARY:
        errors["summary"] = [f"The summary must be {LONGEST_SUMMARY} characters or fewer "
                             f"(it is {len(summary)})"]
    owner = owner_from(session, answers.owner_id)
    if owner is None:
        errors["owner_id"] = ["Choose an owner who has an active account"]
    next_review_at, problem = review_time(answers.next_review_at, now)
    if problem:
        errors["next_review_at"] = [problem]
    if errors or owner is None or next_review_at is None:
        raise ValidationError(errors)
    previous = latest(session, incident)
    assessment = ImpactAssessment(
        incident_id=incident.id, version=(previous.version if previous else 0) + 1, assessed_at=now,
        assessed_by_id=actor.id, owner_id=owner.id, ratings=ratings, overall=Rag(overall),
        summary=summary, next_review_at=next_review_at)
    assessment.assessed_by, assessment.owner = actor, owner
    session.add(assessment)
    session.flush()
    record(session, incident, assessment, previous, actor=actor, now=now)
    schedule_review(session, incident, assessment, previous, actor=actor, now=now, settings=settings)
    return assessment


def record(session: Session, incident: Incident, assessment: ImpactAssessment,
           previous: ImpactAssessment | None, *, actor: User, now: datetime) -> None:
    """The timeline entry, and an audit entry on the incident with what changed."""
    when = to_london(assessment.next_review_at).strftime("%H:%M on %-d %B")
    records.log(session, incident, "assessment",
                f"Community impact assessment version {assessment.version}: overall "
                f"{assessment.overall.label}; next review {when}", actor=actor, now=now)
    audit.record(session, actor=actor, action="assess", obj=incident, now=now,
                 changes=audit.diff(audited(previous), audited(assessment)))


def audited(assessment: ImpactAssessment | None) -> dict[str, Any]:
    if assessment is None:
        return {}
    return audit.jsonable_dict({
        "assessment_version": assessment.version, "overall": assessment.overall,
        "ratings": assessment.ratings, "summary": assessment.summary, "owner_id": assessment.owner_id,
        "next_review_at": assessment.next_review_at})


def schedule_review(session: Session, incident: Incident, assessment: ImpactAssessment,
                    previous: ImpactAssessment | None, *, actor: User, now: datetime,
                    settings: DeliverySettings) -> None:
    """"Review due" to the owner at the review time; the previous version's review is no longer due.

    Sent at its time rather than in working hours: incidents run through nights and weekends.
    Exercise reminders stay in the app.
    """
    if previous is not None:
        waiting = reminders.find(session, review_key(incident.id, previous.version))
        if waiting is not None and waiting.status is ReminderStatus.PENDING:
            reminders.cancel(session, key=waiting.idempotency_key, now=now, actor=actor)
    subject = reminders.Subject(
        type="incident", id=str(incident.id),
        title=f"{incident.reference}: review the community impact assessment"[:200],
        link=f"/incidents/{incident.id}#{ANCHOR}")
    reminders.schedule(
        session, key=review_key(incident.id, assessment.version), kind=REVIEW_KIND,
        recipient=reminders.Recipient.person(assessment.owner), subject=subject,
        due_at=assessment.next_review_at, now=now, settings=settings, actor=actor,
        urgency=Urgency.URGENT, in_app_only=incident.mode is IncidentMode.EXERCISE,
        body=f"Version {assessment.version} (overall {assessment.overall.label.lower()}) is due for "
             f"review at {to_london(assessment.next_review_at):%H:%M on %-d %B}.")


# --- Reading -----------------------------------------------------------------------------------

def assessments_of(session: Session, incident: Incident) -> list[ImpactAssessment]:
    """Every version, newest first, with assessor and owner loaded (one query)."""
    return list(session.scalars(select(ImpactAssessment)
                                .where(ImpactAssessment.incident_id == incident.id)
                                .order_by(ImpactAssessment.version.desc())))


def latest(session: Session, incident: Incident) -> ImpactAssessment | None:
    newest = select(func.max(ImpactAssessment.version)).where(
        ImpactAssessment.incident_id == incident.id).scalar_subquery()
    return session.scalar(select(ImpactAssessment).where(
        ImpactAssessment.incident_id == incident.id, ImpactAssessment.version == newest))


def with_previous(session: Session, incident: Incident, version: int
                  ) -> tuple[ImpactAssessment, ImpactAssessment | None]:
    """One version and the one before it (None for the first); unknown versions are not found."""
    found = {a.version: a for a in session.scalars(select(ImpactAssessment).where(
        ImpactAssessment.incident_id == incident.id,
        ImpactAssessment.version.in_([version, version - 1])))}
    if version not in found:
        raise NotFound("No such version of the community impact assessment")
    return found[version], found.get(version - 1)


def ratings_of(assessment: ImpactAssessment, prompts: tuple[ImpactPrompt, ...]) -> list[Rating]:
    """The version's rating for each prompt, in the playbook's order."""
    shown = []
    for prompt in prompts:
        answer = assessment.ratings.get(prompt.id) or {}
        rag = answer.get("rag")
        shown.append(Rating(prompt, Rag(rag) if rag in {r.value for r in Rag} else None,
                            answer.get("evidence", "")))
    return shown


def changes(previous: ImpactAssessment | None, current: ImpactAssessment,
            prompts: tuple[ImpactPrompt, ...]) -> list[Change]:
    """Overall, then each prompt: the rating before and now, and the evidence before and now."""
    before = {r.prompt.id: r for r in ratings_of(previous, prompts)} if previous else {}
    moved = [Change("Overall", previous.overall if previous else None, current.overall)]
    for rating in ratings_of(current, prompts):
        old = before.get(rating.prompt.id)
        moved.append(Change(rating.prompt.prompt, old.rag if old else None, rating.rag,
                            old.evidence if old else "", rating.evidence))
    return moved


def review_overdue(incident: Incident, assessment: ImpactAssessment | None, now: datetime) -> bool:
    """An active incident whose latest assessment has passed its review time."""
    return (incident.status is IncidentStatus.ACTIVE and assessment is not None
            and assessment.next_review_at < now)
