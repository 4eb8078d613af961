"""Media enquiries: logged with a clock, handled by one person, answered with agreed words.

The clock is the journalist's deadline when they gave one; otherwise a default response time set by
the incident's severity (`DEFAULT_RESPONSE`), or `NO_INCIDENT_RESPONSE` for enquiries about no
incident. The handler is reminded `DUE_SOON` before the clock runs out and again when it has; both
reminders stop once the enquiry is answered or declined.

Status moves only along `NEXT_STATUS`: new → answering → answered → closed, or declined before an
answer. An answer is a released statement of the enquiry's incident, an approved message map, words
written for the enquiry (drafted and approved through the incident's guardrails: `answers`), or
"neither confirm nor deny". Any answer may be marked as background, off the
record. The words given are copied onto the enquiry, so it keeps what the journalist was told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import Role, User
from commsplan.auth.service import require_role
from commsplan.errors import Conflict, NotFound, ValidationError
from commsplan.incidents import records
from commsplan.incidents import statements as guardrails
from commsplan.incidents.models import Incident, IncidentStatement, StatementStatus
from commsplan.messages import maps
from commsplan.messages.models import MessageMap, MessageStatus
from commsplan.plans.models import CommPlan, PlanStatus
from commsplan.press import clock, drafts
from commsplan.press.models import AnswerKind, EnquiryChannel, EnquiryStatus, MediaEnquiry, PressDraft
from commsplan.reference.models import BusinessUnit

READERS = (Role.COMMS_OFFICER, Role.APPROVER, Role.DUTY_OFFICER, Role.ADMIN)
WRITERS = (Role.COMMS_OFFICER, Role.APPROVER, Role.DUTY_OFFICER)
WORDSMITHS = guardrails.RELEASERS  # who may give words not already approved elsewhere
NEXT_STATUS = {
    EnquiryStatus.NEW: {EnquiryStatus.ANSWERING, EnquiryStatus.ANSWERED, EnquiryStatus.DECLINED},
    EnquiryStatus.ANSWERING: {EnquiryStatus.ANSWERED, EnquiryStatus.DECLINED},
    EnquiryStatus.ANSWERED: {EnquiryStatus.CLOSED},
    EnquiryStatus.DECLINED: set(),
    EnquiryStatus.CLOSED: set(),
}
OPEN = (EnquiryStatus.NEW, EnquiryStatus.ANSWERING)
LONGEST_NAME, LONGEST_TEXT = 200, 10_000
LATEST_DEADLINE = timedelta(days=60)
WHAT = "answer"


@dataclass(frozen=True)
class EnquiryInput:
    """An enquiry as logged: text as typed, ids as chosen (None when not chosen)."""

    outlet: str
    journalist: str
    channel: str
    question: str
    unit_id: int | None
    handler_id: int | None
    deadline_at: datetime | None = None
    incident_id: int | None = None
    plan_id: int | None = None


@dataclass(frozen=True)
class AnswerInput:
    kind: str
    statement_id: int | None = None
    map_id: int | None = None
    text: str = ""
    background: bool = False
    draft_id: int | None = None  # the approved words written for this enquiry


def get_enquiry(session: Session, enquiry_id: int) -> MediaEnquiry:
    enquiry = session.get(MediaEnquiry, enquiry_id)
    if enquiry is None:
        raise NotFound("No such media enquiry")
    return enquiry


def required_text(errors: dict[str, list[str]], field: str, value: str, missing: str, limit: int) -> str:
    if not value.strip():
        errors[field] = [missing]
    elif len(value) > limit:
        errors[field] = [f"Use {limit:,} characters at most (this is {len(value):,})"]
    return value.strip()


def found_or_error(session: Session, errors: dict[str, list[str]], model: type, field: str,
                   record_id: int | None, missing: str) -> object | None:
    """The record with this id, or a field error naming what to choose (an unknown id included)."""
    found = session.get(model, record_id) if record_id is not None else None
    if found is None and (record_id is not None or missing):
        errors[field] = [missing or "Choose one from the list"]
    return found


def check_handler(session: Session, errors: dict[str, list[str]], handler_id: int | None) -> User | None:
    handler = found_or_error(session, errors, User, "handler_id", handler_id,
                             "Choose who handles the enquiry")
    if isinstance(handler, User) and not (handler.is_active and handler.has_role(*WRITERS)):
        errors["handler_id"] = ["Choose a member of the press team with an active account"]
        return None
    return handler if isinstance(handler, User) else None


def check_deadline(errors: dict[str, list[str]], deadline_at: datetime | None, now: datetime) -> None:
    if deadline_at is not None and deadline_at <= now:
        errors["deadline_at"] = ["The deadline must be in the future"]
    elif deadline_at is not None and deadline_at > now + LATEST_DEADLINE:
        errors["deadline_at"] = ["Give a deadline within 60 days"]


def log_enquiry(session: Session, data: EnquiryInput, *, actor: User, now: datetime,
                settings: clock.DeliverySettings) -> MediaEnquiry:
    """Log a new enquiry with its clock and the handler's reminders; every fault named at once."""
    require_role(actor, WRITERS, "log media enquiries")
    errors: dict[str, list[str]] = {}
    outlet = required_text(errors, "outlet", data.outlet, "Enter the outlet", LONGEST_NAME)
    journalist = required_text(errors, "journalist", data.journalist, "Enter the journalist's name",
                               LONGEST_NAME)
    question = required_text(errors, "question", data.question, "Enter the question asked", LONGEST_TEXT)
    if data.channel not in {channel.value for channel in EnquiryChannel}:
        errors["channel"] = ["Choose how the enquiry came in"]
    unit = found_or_error(session, errors, BusinessUnit, "unit_id", data.unit_id, "Choose the business unit")
    if isinstance(unit, BusinessUnit) and unit.is_retired:
        errors["unit_id"] = ["Choose an active business unit"]
    incident = found_or_error(session, errors, Incident, "incident_id", data.incident_id, "")
    found_or_error(session, errors, CommPlan, "plan_id", data.plan_id, "")
    if "plan_id" in errors:
        errors["plan_id"] = ["Choose a communication plan from the list, or none"]
    handler = check_handler(session, errors, data.handler_id)
    check_deadline(errors, data.deadline_at, now)
    if errors or handler is None:
        raise ValidationError(errors)
    inc = incident if isinstance(incident, Incident) else None
    enquiry = MediaEnquiry(
        outlet=outlet, journalist=journalist, channel=EnquiryChannel(data.channel), question=question,
        received_at=now, deadline_at=data.deadline_at or clock.default_deadline(inc, now),
        deadline_given=data.deadline_at is not None, unit_id=data.unit_id, incident_id=data.incident_id,
        plan_id=data.plan_id, handler_id=handler.id, status=EnquiryStatus.NEW, answer_kind=None,
        answer_text="", background=False, decline_reason="", created_by_id=actor.id, created_at=now,
        updated_at=now)
    audit.add_audited(session, enquiry, actor=actor, now=now)
    enquiry.handler = handler
    if inc is not None:
        records.log(session, inc, "press_enquiry", f"Media enquiry from {outlet} ({journalist}); "
                    f"answer due {clock.shown(enquiry.deadline_at)}.", actor=actor, now=now)
    clock.remind(session, enquiry, inc, now=now, settings=settings, actor=actor)
    return enquiry


def move(session: Session, enquiry: MediaEnquiry, to: EnquiryStatus, values: dict[str, object], *,
         actor: User, now: datetime) -> None:
    """Change the status along `NEXT_STATUS` only, audited with any other values."""
    if to not in NEXT_STATUS[enquiry.status]:
        raise Conflict(f"This enquiry is {enquiry.status.label.lower()}: it cannot become {to.label.lower()}")
    audit.update_audited(session, enquiry, {"status": to, **values}, actor=actor, now=now)


def start(session: Session, enquiry: MediaEnquiry, *, actor: User, now: datetime) -> None:
    require_role(actor, WRITERS, "work on media enquiries")
    move(session, enquiry, EnquiryStatus.ANSWERING, {}, actor=actor, now=now)


def decline(session: Session, enquiry: MediaEnquiry, reason: str, *, actor: User, now: datetime) -> None:
    """Decline to comment, saying why; the handler's reminders stop."""
    require_role(actor, WRITERS, "decline media enquiries")
    errors: dict[str, list[str]] = {}
    why = required_text(errors, "decline_reason", reason, "Say why the enquiry is declined", LONGEST_TEXT)
    if errors:
        raise ValidationError(errors)
    move(session, enquiry, EnquiryStatus.DECLINED, {"decline_reason": why}, actor=actor, now=now)
    clock.stop(session, enquiry, now=now, actor=actor)


def hand_over(session: Session, enquiry: MediaEnquiry, handler_id: int | None, *, actor: User, now: datetime,
              settings: clock.DeliverySettings) -> None:
    """Give an open enquiry to someone else; the reminders still to come go to them instead."""
    require_role(actor, WRITERS, "hand media enquiries over")
    if enquiry.status not in OPEN:
        raise Conflict(f"This enquiry is {enquiry.status.label.lower()}: there is nothing to hand over")
    errors: dict[str, list[str]] = {}
    handler = check_handler(session, errors, handler_id)
    if handler is None:
        raise ValidationError(errors)
    if handler.id == enquiry.handler_id:
        return
    clock.stop(session, enquiry, now=now, actor=actor)
    audit.update_audited(session, enquiry, {"handler_id": handler.id}, actor=actor, now=now)
    enquiry.handler = handler
    incident = session.get(Incident, enquiry.incident_id) if enquiry.incident_id else None
    clock.remind(session, enquiry, incident, now=now, settings=settings, actor=actor)


def close(session: Session, enquiry: MediaEnquiry, *, actor: User, now: datetime) -> None:
    require_role(actor, WRITERS, "close media enquiries")
    move(session, enquiry, EnquiryStatus.CLOSED, {}, actor=actor, now=now)


def answer(session: Session, enquiry: MediaEnquiry, given: AnswerInput, *, actor: User,
           now: datetime) -> None:
    """Record the answer given, its words copied; the handler's reminders stop."""
    require_role(actor, WRITERS, "answer media enquiries")
    if given.kind not in {kind.value for kind in AnswerKind}:
        raise ValidationError.single("kind", "Choose how the enquiry was answered")
    kind = AnswerKind(given.kind)
    drafted = written_answer(session, enquiry, given.draft_id) if kind is AnswerKind.WRITTEN else None
    words = drafted.text if drafted is not None else answer_words(session, enquiry, kind, given)
    move(session, enquiry, EnquiryStatus.ANSWERED,
         {"answer_kind": kind, "answer_text": words, "background": given.background,
          "answer_statement_id": given.statement_id if kind is AnswerKind.STATEMENT else None,
          "answer_map_id": given.map_id if kind is AnswerKind.MESSAGE_MAP else None,
          "answered_at": now, "answered_by_id": actor.id}, actor=actor, now=now)
    clock.stop(session, enquiry, now=now, actor=actor)
    if drafted is not None:
        drafts.given(session, drafted, actor=actor, now=now)
    incident = session.get(Incident, enquiry.incident_id) if enquiry.incident_id else None
    if incident is not None:
        late = "" if enquiry.answered_in_time() else " after its deadline"
        records.log(session, incident, "press_answered", f"Media enquiry from {enquiry.outlet} answered"
                    f"{late}: {kind.label.lower()}{' (background)' if given.background else ''}.",
                    actor=actor, now=now)


def answer_words(session: Session, enquiry: MediaEnquiry, kind: AnswerKind, given: AnswerInput) -> str:
    if kind is AnswerKind.STATEMENT:
        return released_statement(session, enquiry, given.statement_id).body
    if kind is AnswerKind.MESSAGE_MAP:
        return approved_map_words(session, given.map_id)
    return given.text.strip()[:LONGEST_TEXT]


def written_answer(session: Session, enquiry: MediaEnquiry, draft_id: int | None) -> PressDraft:
    """The newest words written for the enquiry, approved, and still within the guardrails."""
    newest = drafts.newest(session, PressDraft.enquiry_id == enquiry.id, draft_id, WHAT)
    drafted = drafts.approved(newest, WHAT)
    if failed := guardrail_failures(session, enquiry, drafted.text):
        raise ValidationError({"draft_text": failed})
    return drafted


def guardrail_failures(session: Session, enquiry: MediaEnquiry, text: str) -> list[str]:
    """The incident's guardrails, as statements meet them; every failure refuses (no override here)."""
    incident = session.get(Incident, enquiry.incident_id) if enquiry.incident_id else None
    checks = [guardrails.gap_check(text)] if incident is None else \
        guardrails.guardrail_checks(incident, records.playbook_of(incident), text)
    return [f"{check.rule}: {check.reason}" for check in guardrails.blocking(checks)]


def released_statement(session: Session, enquiry: MediaEnquiry, statement_id: int | None
                       ) -> IncidentStatement:
    statement = session.get(IncidentStatement, statement_id) if statement_id else None
    if (statement is None or statement.incident_id != enquiry.incident_id
            or statement.status is not StatementStatus.RELEASED):
        raise ValidationError.single("statement_id", "Choose a statement this incident has released")
    return statement


def approved_map_words(session: Session, map_id: int | None) -> str:
    message_map = session.get(MessageMap, map_id) if map_id else None
    if (message_map is None or message_map.status is not MessageStatus.APPROVED
            or not message_map.approved_number):
        raise ValidationError.single("map_id", "Choose an approved message map")
    version = maps.get_version(session, message_map, message_map.approved_number)
    return "\n\n".join(item["text"] for item in version.key_messages)


def released_statements(session: Session, incident_id: int | None) -> list[IncidentStatement]:
    if incident_id is None:
        return []
    return list(session.scalars(select(IncidentStatement).where(
        IncidentStatement.incident_id == incident_id, IncidentStatement.status == StatementStatus.RELEASED)
        .order_by(IncidentStatement.released_at.desc()).limit(50)))


def plan_options(session: Session) -> list[tuple[int, str]]:
    """The plans an enquiry may concern, for a select: those not closed, newest year first (at most 200)."""
    rows = session.execute(select(CommPlan.id, CommPlan.year, CommPlan.title, BusinessUnit.name)
                           .join(BusinessUnit, BusinessUnit.id == CommPlan.unit_id)
                           .where(CommPlan.status != PlanStatus.CLOSED)
                           .order_by(CommPlan.year.desc(), CommPlan.title, CommPlan.id).limit(200))
    return [(plan_id, f"{title[:70]} ({unit}, {year})") for plan_id, year, title, unit in rows]


def approved_maps(session: Session) -> list[MessageMap]:
    return list(session.scalars(select(MessageMap).where(MessageMap.status == MessageStatus.APPROVED)
                                .order_by(MessageMap.id).limit(200)))


# --- Lists -------------------------------------------------------------------------------------

def due_next_query() -> Select[Any]:
    """Open enquiries, the soonest deadline first."""
    return select(MediaEnquiry).where(MediaEnquiry.status.in_(OPEN)).order_by(
        MediaEnquiry.deadline_at, MediaEnquiry.id)


def search_query(term: str) -> Select[Any]:
    """Every enquiry from an outlet or journalist whose name holds `term`, newest first."""
    pattern = f"%{term.strip().lower()}%"
    return select(MediaEnquiry).where(or_(
        func.lower(MediaEnquiry.outlet).like(pattern), func.lower(MediaEnquiry.journalist).like(pattern))
    ).order_by(MediaEnquiry.received_at.desc(), MediaEnquiry.id.desc())


def incident_counts(session: Session, incident_id: int) -> tuple[int, int]:
    """How many enquiries an incident had, and how many were answered by their deadline (one query)."""
    return counts_where(session, MediaEnquiry.incident_id == incident_id)


def counts_where(session: Session, condition: ColumnElement[bool]) -> tuple[int, int]:
    """How many enquiries meet `condition`, and how many of them were answered by their deadline."""
    in_time = and_(MediaEnquiry.answered_at.is_not(None),
                   MediaEnquiry.answered_at <= MediaEnquiry.deadline_at)
    total, answered = session.execute(select(
        func.count(MediaEnquiry.id), func.coalesce(func.sum(case((in_time, 1), else_=0)), 0)
    ).where(condition)).one()
    return int(total), int(answered)


def of_incident(query: Select[Any], incident_id: int) -> Select[Any]:
    return query.where(MediaEnquiry.incident_id == incident_id)
