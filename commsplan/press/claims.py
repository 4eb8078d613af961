"""The rumour and claim register, on the lines of RESIST 2: recognise a claim and note where it was
seen; weigh its reach and harm; decide how to respond (doing nothing included), with reasons, as an
append-only log; answer through the guardrails; and track how it ended.

Status moves only along `NEXT_STATUS`: watching → responding → rebutted → faded; a claim may fade at
any point. It becomes rebutted only by a rebuttal being recorded. A rebuttal never repeats the name
of a private person the claim names, and when the claim is about an incident it meets that
incident's guardrails as statements do. The rebuttal is drafted, approved and given (`rebuttals`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import User
from commsplan.auth.service import require_role
from commsplan.db import minutes_between
from commsplan.errors import Conflict, NotFound, ValidationError
from commsplan.incidents import records
from commsplan.incidents import statements as guardrails
from commsplan.incidents.models import Incident
from commsplan.messages.models import MessageMap
from commsplan.numbers import EARLIEST_YEAR, LARGEST_MEASURE, range_message, whole_number
from commsplan.press import screenshots
from commsplan.press.enquiries import (
    LONGEST_TEXT,
    READERS,
    WORDSMITHS,
    WRITERS,
    found_or_error,
    required_text,
)
from commsplan.press.models import Claim, ClaimResponse, ClaimStatus, Harm, Platform, ResponseChoice
from commsplan.press.screenshots import Screenshot
from commsplan.reference.models import BusinessUnit

__all__ = ["READERS", "WRITERS", "WORDSMITHS"]
NEXT_STATUS = {
    ClaimStatus.WATCHING: {ClaimStatus.RESPONDING, ClaimStatus.FADED},
    ClaimStatus.RESPONDING: {ClaimStatus.REBUTTED, ClaimStatus.FADED},
    ClaimStatus.REBUTTED: {ClaimStatus.FADED},
    ClaimStatus.FADED: set(),
}
ANSWERING = {ResponseChoice.PRE_BUNK, ResponseChoice.REBUT, ResponseChoice.CORRECT}
OPEN = (ClaimStatus.WATCHING, ClaimStatus.RESPONDING)
PRIVATE_RULE = "No private person the claim names is repeated"


@dataclass(frozen=True)
class ClaimInput:
    summary: str
    platform: str
    harm: str
    unit_id: int | None
    first_seen_at: datetime | None
    link: str = ""
    reach: str = ""
    names_private_person: bool = False
    private_names: str = ""
    incident_id: int | None = None
    map_id: int | None = None


def get_claim(session: Session, claim_id: int) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFound("No such claim")
    return claim


def people_count(errors: dict[str, list[str]], field: str, raw: str) -> int | None:
    """An estimate of people reached: blank when unknown, else a whole number in range."""
    if not raw.strip():
        return None
    number = whole_number(raw)
    if number is None or not 0 <= number <= LARGEST_MEASURE:
        errors[field] = [f"Estimated reach: {range_message(0, LARGEST_MEASURE)}"]
        return None
    return number


def check_claim(session: Session, data: ClaimInput, now: datetime
                ) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The claim's columns and every fault, by field."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {
        "summary": required_text(errors, "summary", data.summary, "Describe the claim", LONGEST_TEXT),
        "link": data.link.strip(), "reach": people_count(errors, "reach", data.reach),
        "names_private_person": data.names_private_person, "private_names": data.private_names.strip(),
        "unit_id": data.unit_id, "incident_id": data.incident_id, "map_id": data.map_id}
    if data.platform not in {platform.value for platform in Platform}:
        errors["platform"] = ["Choose where the claim was seen"]
    if data.harm not in {harm.value for harm in Harm}:
        errors["harm"] = ["Choose how harmful the claim is"]
    link, text = urlsplit(values["link"]), values["link"]
    if text and (len(text) > 500 or link.scheme not in ("http", "https") or not link.netloc):
        errors["link"] = ["Enter the link as a web address starting https://, 500 characters at most"]
    if data.first_seen_at is None:
        errors["first_seen_at"] = ["Enter when the claim was first seen"]
    elif data.first_seen_at > now + timedelta(minutes=5):
        errors["first_seen_at"] = ["The claim cannot be first seen in the future"]
    elif data.first_seen_at.year < EARLIEST_YEAR:
        errors["first_seen_at"] = [f"Enter a date in {EARLIEST_YEAR} or later"]
    if data.names_private_person and not values["private_names"]:
        errors["private_names"] = ["Enter the names given, so that no answer repeats them"]
    elif len(values["private_names"]) > 1000:
        errors["private_names"] = ["Use 1,000 characters at most"]
    unit = found_or_error(session, errors, BusinessUnit, "unit_id", data.unit_id, "Choose the business unit")
    if isinstance(unit, BusinessUnit) and unit.is_retired:
        errors["unit_id"] = ["Choose an active business unit"]
    found_or_error(session, errors, Incident, "incident_id", data.incident_id, "")
    found_or_error(session, errors, MessageMap, "map_id", data.map_id, "")
    return values, errors


def record_claim(session: Session, data: ClaimInput, upload: bytes | None, *, actor: User,
                 now: datetime) -> tuple[Claim, Screenshot | None]:
    """Add a claim to the register, watching; the caller stores the screenshot once committed."""
    require_role(actor, WRITERS, "record claims")
    values, errors = check_claim(session, data, now)
    screenshot = None
    try:
        screenshot = screenshots.accept(upload) if upload is not None else None
    except ValidationError as refused:
        errors |= refused.field_errors
    if errors:
        raise ValidationError(errors)
    claim = Claim(**values, platform=Platform(data.platform), harm=Harm(data.harm),
                  first_seen_at=data.first_seen_at, status=ClaimStatus.WATCHING, rebuttal="",
                  screenshot_name=screenshot.name if screenshot else "",
                  screenshot_type=screenshot.mimetype if screenshot else "", created_by_id=actor.id,
                  created_at=now, updated_at=now)
    audit.add_audited(session, claim, actor=actor, now=now)
    incident = session.get(Incident, data.incident_id) if data.incident_id else None
    if incident is not None:
        records.log(session, incident, "press_claim", f"Claim seen on {claim.platform.label}: "
                    f"{claim.summary[:200]} (harm {claim.harm.label.lower()}).", actor=actor, now=now)
    return claim, screenshot


def decide(session: Session, claim: Claim, choice: str, reasons: str, *, actor: User,
           now: datetime) -> ClaimResponse:
    """Log a response decision with its reasons; choosing to answer the claim starts responding."""
    require_role(actor, WRITERS, "decide how to respond to claims")
    errors: dict[str, list[str]] = {}
    if choice not in {item.value for item in ResponseChoice}:
        errors["choice"] = ["Choose the response"]
    why = required_text(errors, "reasons", reasons, "Give the reasons for this response", LONGEST_TEXT)
    if errors:
        raise ValidationError(errors)
    if claim.status is ClaimStatus.FADED:
        raise Conflict("This claim has faded: record a new claim if it comes back")
    response = ClaimResponse(claim_id=claim.id, choice=ResponseChoice(choice), reasons=why, decided_at=now,
                             decided_by_id=actor.id)
    audit.add_audited(session, response, actor=actor, now=now)
    if response.choice in ANSWERING and claim.status is ClaimStatus.WATCHING:
        move(session, claim, ClaimStatus.RESPONDING, {}, actor=actor, now=now)
    log(session, claim, f"Response to a claim decided: {response.choice.label.lower()}.", actor=actor,
        now=now)
    return response


def rebuttal_failures(session: Session, claim: Claim, text: str) -> list[str]:
    """What stops a rebuttal: a name the claim gave, or the incident's guardrails (none overridden)."""
    named = next((part for part in guardrails.name_parts(claim.private_names)
                  if guardrails.mentions(text, part)), None)
    failed = [f"{PRIVATE_RULE}: the rebuttal names “{named}”. Repeating a name spreads it."] if named else []
    incident = session.get(Incident, claim.incident_id) if claim.incident_id else None
    checks = [guardrails.gap_check(text)] if incident is None else \
        guardrails.guardrail_checks(incident, records.playbook_of(incident), text)
    return failed + [f"{check.rule}: {check.reason}" for check in guardrails.blocking(checks)]


def fade(session: Session, claim: Claim, *, actor: User, now: datetime, response_reach: str = "") -> None:
    """The claim stopped circulating; how far the response went, when known."""
    require_role(actor, WRITERS, "mark claims as faded")
    errors: dict[str, list[str]] = {}
    reach = people_count(errors, "response_reach", response_reach)
    if errors:
        raise ValidationError(errors)
    values: dict[str, Any] = {"faded_at": now}
    if reach is not None:
        values["response_reach"] = reach
    move(session, claim, ClaimStatus.FADED, values, actor=actor, now=now)
    log(session, claim, "Claim faded.", actor=actor, now=now)


def move(session: Session, claim: Claim, to: ClaimStatus, values: dict[str, Any], *, actor: User,
         now: datetime) -> None:
    if to not in NEXT_STATUS[claim.status]:
        raise Conflict(f"This claim is {claim.status.label.lower()}: it cannot become {to.label.lower()}")
    audit.update_audited(session, claim, {"status": to, **values}, actor=actor, now=now)


def log(session: Session, claim: Claim, text: str, *, actor: User, now: datetime) -> None:
    incident = session.get(Incident, claim.incident_id) if claim.incident_id else None
    if incident is not None:
        records.log(session, incident, "press_claim", text, actor=actor, now=now)


def responses_of(session: Session, claim: Claim) -> list[ClaimResponse]:
    return list(session.scalars(select(ClaimResponse).where(ClaimResponse.claim_id == claim.id)
                                .order_by(ClaimResponse.decided_at, ClaimResponse.id).limit(100)))


def register_query(incident_id: int | None = None) -> Select[Any]:
    """Claims still circulating first, then the newest seen."""
    query = select(Claim).order_by(case((Claim.status.in_(OPEN), 0), else_=1), Claim.first_seen_at.desc(),
                                   Claim.id.desc())
    return query if incident_id is None else query.where(Claim.incident_id == incident_id)


def incident_counts(session: Session, incident_id: int) -> tuple[int, int]:
    """How many claims an incident had, and how many still circulate (one query)."""
    total, open_, _ = counts_where(session, Claim.incident_id == incident_id)
    return total, open_


def counts_where(session: Session, condition: ColumnElement[bool]) -> tuple[int, int, float | None]:
    """How many claims meet `condition`, how many still circulate, and the mean hours those that
    faded went round (None when none has)."""
    total, open_, minutes = session.execute(select(
        func.count(Claim.id), func.coalesce(func.sum(case((Claim.status.in_(OPEN), 1), else_=0)), 0),
        func.avg(minutes_between(Claim.first_seen_at, Claim.faded_at))
    ).where(condition)).one()
    return int(total), int(open_), float(minutes) / 60 if minutes is not None else None


def circulated(claim: Claim, now: datetime) -> timedelta:
    """How long the claim went round: until it faded, or so far."""
    return (claim.faded_at or now) - claim.first_seen_at
