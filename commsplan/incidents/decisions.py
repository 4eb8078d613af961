"""The incident decision log: append-only entries whose rationale follows the National Decision Model.

Each entry stores the hash of the entry before it in the same incident and a hash of its own
contents, so changing or removing a row afterwards breaks the chain where it happened; a correction
is a new entry that names the one it supersedes. `verify_chain` recomputes every link.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import Role, User
from commsplan.auth.service import require_role
from commsplan.errors import ValidationError
from commsplan.incidents import service
from commsplan.incidents.models import DecisionEntry, Incident

GENESIS = "0" * 64
LONGEST_PART = 5000
LOGGERS = (Role.DUTY_OFFICER, Role.APPROVER)
NDM_PARTS = {
    "information": "Information and intelligence",
    "threat_risk": "Threat, risk and working strategy",
    "powers_policy": "Powers and policy",
    "options": "Options considered",
    "action_review": "Action and review",
}


@dataclass(frozen=True)
class DecisionInput:
    decision_role: str
    decision: str
    information: str = ""
    threat_risk: str = ""
    powers_policy: str = ""
    options: str = ""
    action_review: str = ""


@dataclass(frozen=True)
class BrokenLink:
    """One place where a decision log no longer matches what was written."""

    reference: str
    sequence: int
    problem: str

    def __str__(self) -> str:
        return f"{self.reference} decision {self.sequence}: {self.problem}"


def content_hash(entry: DecisionEntry) -> str:
    """The hash of everything the entry says, its place in the log, and the hash before it."""
    at = entry.at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    body = {"incident_id": entry.incident_id, "sequence": entry.sequence, "at": at,
            "decided_by_id": entry.decided_by_id, "decision_role": entry.decision_role,
            "decision": entry.decision, **{part: getattr(entry, part) for part in NDM_PARTS},
            "supersedes_id": entry.supersedes_id, "prev_hash": entry.prev_hash}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def decisions_of(session: Session, incident: Incident) -> list[DecisionEntry]:
    return list(session.scalars(select(DecisionEntry).where(DecisionEntry.incident_id == incident.id)
                                .order_by(DecisionEntry.sequence)))


def check(session: Session, incident: Incident, entry: DecisionInput, supersedes_id: int | None
          ) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if entry.decision_role not in service.incident_roles(service.playbook_of(incident)):
        errors["decision_role"] = ["Choose the role you are deciding in"]
    if not entry.decision.strip():
        errors["decision"] = ["Write the decision"]
    for name in ("decision", *NDM_PARTS):
        text = getattr(entry, name)
        if len(text) > LONGEST_PART:
            errors[name] = [f"Use {LONGEST_PART:,} characters at most (this is {len(text):,})"]
    if supersedes_id is not None:
        earlier = session.get(DecisionEntry, supersedes_id)
        if earlier is None or earlier.incident_id != incident.id:
            errors["supersedes_id"] = ["Choose an entry of this incident's log"]
        elif session.scalar(select(DecisionEntry.id).where(DecisionEntry.supersedes_id == supersedes_id)):
            errors["supersedes_id"] = [f"Entry {earlier.sequence} has already been corrected: correct the "
                                       "latest entry instead"]
    return errors


def add_decision(session: Session, incident: Incident, entry: DecisionInput, *, actor: User, now: datetime,
                 supersedes_id: int | None = None) -> DecisionEntry:
    """Append an entry to the incident's log; nothing in the log is ever edited."""
    require_role(actor, LOGGERS, "log decisions")
    service.require_active(incident)
    errors = check(session, incident, entry, supersedes_id)
    if errors:
        raise ValidationError(errors)
    last = session.scalars(select(DecisionEntry).where(DecisionEntry.incident_id == incident.id)
                           .order_by(DecisionEntry.sequence.desc()).limit(1)).first()
    logged = DecisionEntry(
        incident_id=incident.id, sequence=(last.sequence + 1) if last else 1, at=now, decided_by_id=actor.id,
        supersedes_id=supersedes_id, prev_hash=last.hash if last else GENESIS,
        **{f.name: getattr(entry, f.name).strip() for f in fields(DecisionInput)})
    logged.hash = content_hash(logged)
    session.add(logged)
    session.flush()
    role = service.incident_roles(service.playbook_of(incident))[entry.decision_role]
    audit.record(session, actor=actor, action="decision", obj=incident, now=now,
                 changes={"decision": [None, f"{logged.sequence}: {logged.decision[:200]}"]})
    service.log(session, incident, "decision", f"Decision {logged.sequence} by {actor.name} ({role}): "
                f"{logged.decision[:200]}", actor=actor, now=now)
    return logged


def verify_chain(session: Session, incident_id: int | None = None) -> tuple[list[BrokenLink], int, int]:
    """Every broken link in one incident's log (or all); also the entries and incidents checked."""
    query = select(DecisionEntry, Incident.reference).join(Incident).order_by(
        DecisionEntry.incident_id, DecisionEntry.sequence)
    if incident_id is not None:
        query = query.where(DecisionEntry.incident_id == incident_id)
    broken: list[BrokenLink] = []
    previous: dict[int, DecisionEntry] = {}
    rows = session.execute(query).all()
    for entry, reference in rows:
        broken += link_problems(entry, reference, previous.get(entry.incident_id))
        previous[entry.incident_id] = entry
    return broken, len(rows), len(previous)


def link_problems(entry: DecisionEntry, reference: str, before: DecisionEntry | None) -> list[BrokenLink]:
    problems = []
    expected = before.sequence + 1 if before else 1
    if entry.sequence != expected:
        problems.append(f"the log jumps from entry {expected - 1} to {entry.sequence}: an entry was removed")
    if entry.prev_hash != (before.hash if before else GENESIS):
        problems.append("it does not carry the hash of the entry before it")
    if entry.hash != content_hash(entry):
        problems.append("its contents no longer match its hash: the row was changed after it was written")
    return [BrokenLink(reference, entry.sequence, problem) for problem in problems]


def superseded_ids(entries: list[DecisionEntry]) -> dict[int, int]:
    """Entry id → the sequence number of the entry that corrects it."""
    return {entry.supersedes_id: entry.sequence for entry in entries if entry.supersedes_id is not None}
