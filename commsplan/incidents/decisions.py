"""The incident decision log: append-only entries whose rationale follows the National Decision Model.

Each entry stores the hash of the entry before it in the same incident and a hash of its own
contents, so changing or removing a row afterwards breaks the chain where it happened; a correction
is a new entry that names the one it supersedes. `verify_chain` recomputes every link, and compares
the log with the audit trail so that removing the newest entries shows too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role, User
from commsplan.auth.service import require_role
from commsplan.errors import ValidationError
from commsplan.incidents import service
from commsplan.incidents.models import DecisionEntry, Incident

GENESIS = "0" * 64
LONGEST_PART = 5000
LOGGERS = (*service.WORKERS, Role.APPROVER)  # an approver logs the decision to override a guardrail
AUDIT_ACTION = "decision"
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
class Problem:
    """One place where a decision log no longer matches what was written."""

    reference: str
    sequence: int
    problem: str

    def __str__(self) -> str:
        return f"{self.reference} decision {self.sequence}: {self.problem}"


class ChainCheck(NamedTuple):
    """What `verify_chain` found: every problem, and how many entries and incidents it read."""

    problems: list[Problem]
    entries: int
    incidents: int


def content_hash(entry: DecisionEntry) -> str:
    """The hash of everything the entry says, its place in the log, and the hash before it."""
    at = entry.at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    body = {"incident_id": entry.incident_id, "sequence": entry.sequence, "at": at,
            "decided_by_id": entry.decided_by_id, "decision_role": entry.decision_role,
            "decision": entry.decision, **{part: getattr(entry, part) for part in NDM_PARTS},
            "supersedes_id": entry.supersedes_id, "prev_hash": entry.prev_hash}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def decisions_of(session: Session, incident: Incident) -> list[DecisionEntry]:
    """The incident's log in sequence order, with who decided each entry, in one query."""
    return list(session.scalars(select(DecisionEntry).where(DecisionEntry.incident_id == incident.id)
                                .order_by(DecisionEntry.sequence)))


def check(session: Session, incident: Incident, entry: DecisionInput, supersedes_id: int | None
          ) -> dict[str, list[str]]:
    """Every problem with an entry, by field, before anything is written."""
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
        errors |= supersede_errors(session, incident, supersedes_id)
    return errors


def supersede_errors(session: Session, incident: Incident, supersedes_id: int) -> dict[str, list[str]]:
    earlier = session.get(DecisionEntry, supersedes_id)
    if earlier is None or earlier.incident_id != incident.id:
        return {"supersedes_id": ["Choose an entry of this incident's log"]}
    if session.scalar(select(DecisionEntry.id).where(DecisionEntry.supersedes_id == supersedes_id)):
        return {"supersedes_id": [f"Entry {earlier.sequence} has already been corrected: correct the "
                                  "latest entry instead"]}
    return {}


def add_decision(session: Session, incident: Incident, entry: DecisionInput, *, actor: User, now: datetime,
                 supersedes_id: int | None = None) -> DecisionEntry:
    """Append an entry to the incident's log; nothing in the log is ever edited."""
    require_role(actor, LOGGERS, "log decisions")
    service.require_active(incident)
    # Two people logging at once must not both take the same place (or correct the same entry).
    session.execute(select(Incident.id).where(Incident.id == incident.id).with_for_update())
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
    audit.record(session, actor=actor, action=AUDIT_ACTION, obj=incident, now=now,
                 changes={"decision": [None, f"{logged.sequence}: {logged.decision[:200]}"]})
    service.log(session, incident, "decision", f"Decision {logged.sequence} by {actor.name} ({role}): "
                f"{logged.decision[:200]}", actor=actor, now=now)
    return logged


def verify_chain(session: Session, incident_id: int | None = None) -> ChainCheck:
    """Every broken link in one incident's log (or in all of them), and how much was checked."""
    query = select(DecisionEntry, Incident.reference).join(Incident).order_by(
        DecisionEntry.incident_id, DecisionEntry.sequence)
    if incident_id is not None:
        query = query.where(DecisionEntry.incident_id == incident_id)
    problems: list[Problem] = []
    previous: dict[int, DecisionEntry] = {}
    references: dict[int, str] = {}
    rows = session.execute(query).all()
    for entry, reference in rows:
        problems += link_problems(entry, reference, previous.get(entry.incident_id))
        previous[entry.incident_id] = entry
        references[entry.incident_id] = reference
    problems += missing_from_the_end(session, incident_id, previous, references)
    return ChainCheck(problems, len(rows), len(previous))


def link_problems(entry: DecisionEntry, reference: str, before: DecisionEntry | None) -> list[Problem]:
    """What is wrong with one entry, given the entry before it in the same log (None for the first)."""
    problems = []
    if before is None and entry.sequence != 1:
        problems.append(f"sequence starts at {entry.sequence}, not 1 (an entry was removed)")
    elif before is not None and entry.sequence != before.sequence + 1:
        problems.append(f"sequence jumps from {before.sequence} to {entry.sequence} (an entry was removed)")
    if before is None and entry.prev_hash != GENESIS:
        problems.append("prev_hash is not the start-of-log value of 64 zeros")
    elif before is not None and entry.prev_hash != before.hash:
        problems.append(f"prev_hash does not match entry {before.sequence}")
    if entry.hash != content_hash(entry):
        problems.append("hash does not match its contents (the row was changed)")
    return [Problem(reference, entry.sequence, problem) for problem in problems]


def missing_from_the_end(session: Session, incident_id: int | None, last: dict[int, DecisionEntry],
                         references: dict[int, str]) -> list[Problem]:
    """Newest entries removed leave no broken link, but the audit trail still counts them."""
    query = (select(AuditEntry.object_id, func.count()).where(
        AuditEntry.action == AUDIT_ACTION, AuditEntry.object_type == Incident.__audit_type__)
        .group_by(AuditEntry.object_id))
    if incident_id is not None:
        query = query.where(AuditEntry.object_id == str(incident_id))
    audited = {int(object_id): count for object_id, count in session.execute(query).all()}
    short = {key: count for key, count in audited.items()
             if count > (last[key].sequence if key in last else 0)}
    names = dict(references)
    unnamed = [key for key in short if key not in names]
    if unnamed:
        names |= {row.id: row.reference for row in session.execute(
            select(Incident.id, Incident.reference).where(Incident.id.in_(unnamed)))}
    problems = []
    for key, count in sorted(short.items()):
        held = last[key].sequence if key in last else 0
        ending = f"the log ends at entry {held}" if held else "the log is empty"
        problems.append(Problem(names.get(key, f"incident {key}"), held + 1,
                                f"missing: the audit trail records {count} decisions but {ending} "
                                "(the newest entries were removed)"))
    return problems


def superseded_ids(entries: list[DecisionEntry]) -> dict[int, int]:
    """Entry id → the sequence number of the entry that corrects it."""
    return {entry.supersedes_id: entry.sequence for entry in entries if entry.supersedes_id is not None}
