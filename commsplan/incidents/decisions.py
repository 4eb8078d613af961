"""The incident decision log: append-only entries on the National Decision Model, made by role holders.

Each entry says who made the decision and in which incident role: one they held when it was
logged. Whoever records it is kept too; someone who does not hold the role records it on behalf of
the person who does, and the log says so. The rationale follows the National Decision Model: the
five written parts, and at the centre the Code of Ethics (the principles that applied, and how the
mission, values and ethics shaped the decision). A correction is a new entry naming the one it
supersedes. Entries are signed and chained by `decision_chain` and checked by `decision_checks`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import Role, User
from commsplan.auth.service import require_role
from commsplan.errors import ValidationError
from commsplan.incidents import decision_chain, records, service
from commsplan.incidents.models import DecisionEntry, Incident, RoleAssignment
from commsplan.numbers import LARGEST_ID

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
TEXT_FIELDS = ("decision", *NDM_PARTS, "ethics_note")
NOT_RECORDED = "not recorded"


class EthicsPrinciple(StrEnum):
    """The College of Policing Code of Ethics principles, at the centre of the National Decision Model."""

    ACCOUNTABILITY = "accountability"
    FAIRNESS = "fairness"
    HONESTY = "honesty"
    INTEGRITY = "integrity"
    LEADERSHIP = "leadership"
    OBJECTIVITY = "objectivity"
    OPENNESS = "openness"
    RESPECT = "respect"
    SELFLESSNESS = "selflessness"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def description(self) -> str:
        return PRINCIPLE_DESCRIPTIONS[self]


PRINCIPLE_DESCRIPTIONS = {
    EthicsPrinciple.ACCOUNTABILITY: "You answer for what you decide, do and fail to do, and can explain why.",
    EthicsPrinciple.FAIRNESS: "You treat people even-handedly, without favour or prejudice.",
    EthicsPrinciple.HONESTY: "You tell the truth and do not mislead, by what you say or leave out.",
    EthicsPrinciple.INTEGRITY: "You do the right thing, and are seen to, free of improper influence.",
    EthicsPrinciple.LEADERSHIP: "You set the example and challenge behaviour that falls short.",
    EthicsPrinciple.OBJECTIVITY: "You decide on the evidence, with an open mind and without bias.",
    EthicsPrinciple.OPENNESS: "You share information and reasons unless there is a lawful reason not to.",
    EthicsPrinciple.RESPECT: "You treat everyone with dignity and courtesy, whoever they are.",
    EthicsPrinciple.SELFLESSNESS: "You act in the public interest, not for yourself or those close to you.",
}
PRINCIPLES = {principle.value: principle for principle in EthicsPrinciple}


@dataclass(frozen=True)
class DecisionInput:
    """An entry as a person writes it; `on_behalf_of_id` names the role holder whose decision it is
    when the person recording it is someone else."""

    decision_role: str
    decision: str
    information: str = ""
    threat_risk: str = ""
    powers_policy: str = ""
    options: str = ""
    action_review: str = ""
    ethics: tuple[str, ...] = ()
    ethics_note: str = ""
    on_behalf_of_id: int | None = None


def decisions_of(session: Session, incident: Incident) -> list[DecisionEntry]:
    """The incident's log in sequence order, with who decided and who recorded each entry, in one query."""
    return list(session.scalars(select(DecisionEntry).where(DecisionEntry.incident_id == incident.id)
                                .order_by(DecisionEntry.sequence)))


def superseded_ids(entries: list[DecisionEntry]) -> dict[int, int]:
    """Entry id → the sequence number of the entry that corrects it."""
    return {entry.supersedes_id: entry.sequence for entry in entries if entry.supersedes_id is not None}


# --- Checking an entry before it is written ----------------------------------------------------

def entry_problems(session: Session, incident: Incident, entry: DecisionInput, supersedes_id: int | None, *,
          actor: User, holders: dict[str, RoleAssignment]) -> dict[str, list[str]]:
    """Every problem with an entry, by field, before anything is written."""
    errors: dict[str, list[str]] = {}
    roles = records.incident_roles(records.playbook_of(incident))
    if entry.decision_role not in roles:
        errors["decision_role"] = ["Choose the role you are deciding in"]
    else:
        errors |= holder_errors(session, roles[entry.decision_role], holders.get(entry.decision_role),
                                entry, actor)
    if not entry.decision.strip():
        errors["decision"] = ["Write the decision"]
    for name in TEXT_FIELDS:
        text = getattr(entry, name)
        if len(text) > LONGEST_PART:
            errors[name] = [f"Use {LONGEST_PART:,} characters at most (this is {len(text):,})"]
    errors |= ethics_errors(entry.ethics)
    if supersedes_id is not None:
        errors |= supersede_errors(session, incident, supersedes_id)
    return errors


def holder_errors(session: Session, label: str, holder: RoleAssignment | None, entry: DecisionInput,
                  actor: User) -> dict[str, list[str]]:
    """The decision must be made by whoever holds its role now: the person logging it, or the person
    they log it for."""
    if holder is None:
        return {"decision_role": [f"Nobody holds the {label} role in this incident. Assign the role to the "
                                  "person who made the decision first, then log it"]}
    maker_id = actor.id if entry.on_behalf_of_id is None else entry.on_behalf_of_id
    if holder.user_id == maker_id:
        return {}
    if maker_id == actor.id:
        return {"decision_role": [f"{holder.user.name} holds the {label} role, not you. Choose a role you "
                                  f"hold, or record the decision on {holder.user.name}’s behalf"]}
    named = session.get(User, maker_id) if 0 < maker_id <= LARGEST_ID else None
    return {"on_behalf_of_id": [f"{named.name if named else 'The person you chose'} does not hold the "
                                f"{label} role: {holder.user.name} does"]}


def ethics_errors(chosen: tuple[str, ...]) -> dict[str, list[str]]:
    unknown = [f"“{name[:40]}”" for name in chosen if name not in PRINCIPLES]
    if not unknown:
        return {}
    listed = ", ".join(PRINCIPLES)
    return {"ethics": [f"Choose from the Code of Ethics principles: {listed} "
                       f"({', '.join(unknown[:3])} is not one of them)"]}


def supersede_errors(session: Session, incident: Incident, supersedes_id: int) -> dict[str, list[str]]:
    earlier = session.get(DecisionEntry, supersedes_id) if 0 < supersedes_id <= LARGEST_ID else None
    if earlier is None or earlier.incident_id != incident.id:
        return {"supersedes_id": ["Choose an entry of this incident's log"]}
    if session.scalar(select(DecisionEntry.id).where(DecisionEntry.supersedes_id == supersedes_id)):
        return {"supersedes_id": [f"Entry {earlier.sequence} has already been corrected: correct the "
                                  "latest entry instead"]}
    return {}


# --- Writing an entry --------------------------------------------------------------------------

def add_decision(session: Session, incident: Incident, entry: DecisionInput, *, actor: User, now: datetime,
                 supersedes_id: int | None = None, settings: decision_chain.LogSettings | None = None
                 ) -> DecisionEntry:
    """Append a signed entry, made by the holder of its role, to the incident's log; nothing is edited.

    `settings` default to the app's configuration; a signed checkpoint follows the commit.
    """
    require_role(actor, LOGGERS, "log decisions")
    records.require_active(incident)
    # Two people logging at once must not both take the same place (or correct the same entry).
    session.execute(select(Incident.id).where(Incident.id == incident.id).with_for_update())
    holders = records.role_holders(session, incident)
    errors = entry_problems(session, incident, entry, supersedes_id, actor=actor, holders=holders)
    if errors:
        raise ValidationError(errors)
    settings = settings or decision_chain.current_log_settings()
    logged = append(session, incident, entry, holders[entry.decision_role].user, actor=actor, now=now,
                    supersedes_id=supersedes_id, settings=settings)
    role = records.incident_roles(records.playbook_of(incident))[entry.decision_role]
    changes = {"decision": [None, f"{logged.sequence}: {logged.decision[:200]}"]}
    if logged.on_behalf:
        changes["decided_by"] = [None, logged.decided_by.name]
    audit.record(session, actor=actor, action=AUDIT_ACTION, obj=incident, now=now, changes=changes)
    records.log(session, incident, "decision", f"{attribution(logged, role)}: {logged.decision[:200]}",
                actor=actor, now=now)
    decision_chain.queue_checkpoint(session, incident, logged, settings, now=now)
    service.refresh_status_reminders(session, incident)
    return logged


def append(session: Session, incident: Incident, entry: DecisionInput, maker: User, *, actor: User,
           now: datetime, supersedes_id: int | None, settings: decision_chain.LogSettings) -> DecisionEntry:
    last = session.scalars(select(DecisionEntry).where(DecisionEntry.incident_id == incident.id)
                           .order_by(DecisionEntry.sequence.desc()).limit(1)).first()
    chosen = set(entry.ethics)
    logged = DecisionEntry(
        incident_id=incident.id, sequence=(last.sequence + 1) if last else 1, at=now, decided_by_id=maker.id,
        recorded_by_id=actor.id, decision_role=entry.decision_role, supersedes_id=supersedes_id,
        ethics=[name for name in PRINCIPLES if name in chosen],
        signed_later=False, **{name: getattr(entry, name).strip() for name in TEXT_FIELDS})
    logged.decided_by, logged.recorded_by = maker, actor
    decision_chain.seal(logged, last, settings)
    session.add(logged)
    session.flush()
    return logged


# --- Saying who decided ------------------------------------------------------------------------

def attribution(entry: DecisionEntry, role: str) -> str:
    """Like "Decision 3 by Sam Gold (Gold (strategic commander)), recorded by Dana Duty on their behalf"."""
    said = f"Decision {entry.sequence} by {entry.decided_by.name} ({role})"
    return f"{said}, recorded by {entry.recorded_by.name} on their behalf" if entry.on_behalf else said


def ethics_text(entry: DecisionEntry) -> str:
    """The principles that applied, like "Integrity, fairness"; "not recorded" when none were given."""
    names = [PRINCIPLES[name].label if name in PRINCIPLES else name for name in entry.ethics or []]
    if not names:
        return NOT_RECORDED
    return ", ".join([names[0], *(name.lower() for name in names[1:])])
