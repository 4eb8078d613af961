"""Incident statements: drafted from the playbook's templates, checked by guardrails, approved, released.

A draft follows the incident's inputs until someone edits its words. Guardrails run before
approval and again before release; a blocked statement says which rule stopped it and why. An
approver may override a blocked rule only by writing a decision-log entry, and never a gap: a
statement with a gap in it is not finished. A released statement is frozen.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import Role, User
from commsplan.auth.service import require_role
from commsplan.errors import Conflict, NotFound, PermissionDenied, ValidationError
from commsplan.incidents import records, service
from commsplan.incidents.models import (
    Incident,
    IncidentMode,
    IncidentStatement,
    IncidentTask,
    StatementStatus,
    TaskStatus,
)
from commsplan.notifications import approvals
from commsplan.notifications import service as reminders
from commsplan.notifications.kinds import Urgency
from commsplan.notifications.settings import DeliverySettings
from commsplan.playbooks import statements as templates
from commsplan.playbooks import vocab
from commsplan.playbooks.model import Input, Playbook
from commsplan.timeutil import to_london

LONGEST_BODY = 10_000
SHORTEST_NAME_PART = 3
RELEASERS = (Role.DUTY_OFFICER, Role.APPROVER)
EDITORS = (Role.DUTY_OFFICER, Role.COMMS_OFFICER)
NAME_SEPARATORS = re.compile(r"\s*(?:,|;|\band\b)\s*")
GAPS_RULE = "Every gap is filled"
CHARGED_CHILD = "charged_child"

@dataclass(frozen=True)
class GuardrailCheck:
    """One guardrail's verdict on a statement."""

    rule: str
    passed: bool
    reason: str = ""
    overridable: bool = True


def get_statement(session: Session, incident: Incident, statement_id: int) -> IncidentStatement:
    statement = session.get(IncidentStatement, statement_id)
    if statement is None or statement.incident_id != incident.id:
        raise NotFound("No such statement in this incident")
    return statement


# --- Guardrails --------------------------------------------------------------------------------

def guardrail_checks(incident: Incident, playbook: Playbook, text: str, kind: str | None = None
                     ) -> list[GuardrailCheck]:
    """Every guardrail in force for a statement of `kind` at this stage, in the order people read them;
    each says why when it fails."""
    clocks = incident.anchor_times()
    return [gap_check(text), *do_not_say_checks(playbook, text, clocks, kind),
            *identity_checks(incident, playbook, text, clocks)]


def statement_checks(incident: Incident, statement: IncidentStatement) -> list[GuardrailCheck]:
    return guardrail_checks(incident, records.playbook_of(incident), statement.body, statement.kind)


def gap_check(text: str) -> GuardrailCheck:
    gaps = templates.gaps(text)
    reason = f"Fill every gap first: {', '.join(dict.fromkeys(gaps))}" if gaps else ""
    return GuardrailCheck(GAPS_RULE, not gaps, reason, overridable=False)


def do_not_say_checks(playbook: Playbook, text: str, clocks: Collection[str], kind: str | None
                      ) -> list[GuardrailCheck]:
    """The do-not-say entries in force for this kind of statement with the clocks recorded so far."""
    found = []
    for rule in playbook.do_not_say:
        if not rule.in_force(clocks, kind):
            continue
        match = rule.pattern.search(text)
        scope = rule.scope(playbook.anchors, vocab.STATEMENT_KINDS)
        found.append(GuardrailCheck(f"Does not say “{rule.shown_as}”{f' ({scope})' if scope else ''}",
                                    match is None, f"Says “{match.group()}”: {rule.reason}" if match else ""))
    return found


IDENTITY_RULES = {
    "victim": ("Victim not named before the family agrees", "consent_to_name",
               "Names the victim (“{name}”) before the family agreed to naming. Record "
               "“Family agreed to naming” first."),
    "suspect": ("Suspect not named before charge", "charge",
                "Names a suspect (“{name}”) before charge. After an arrest only gender, age, home area, "
                "the offence and custody status may be given."),
    "complainant": ("Complainant cannot be identified", None,
                    "Could identify the complainant (“{name}”). Complainants of sexual offences have "
                    "anonymity for life, and small details can identify them together."),
    "child": ("No child is named", None,
              "Names or identifies a child (“{name}”). Children are not identified in our statements."),
    "private": ("No private person is named", None,
                "Names a private person (“{name}”) whom we never name, such as someone wrongly linked "
                "to the incident online. Repeating a name spreads it."),
    CHARGED_CHILD: ("No charged under-18 is named", None,
                    "Names a person under 18 (“{name}”) who is suspected, detained or charged. Children "
                    "are not identified, before or after charge; give age, gender and home area only."),
}


# The law protects these for good (lifelong anonymity; children not identified): no decision overrides them.
NEVER_OVERRIDDEN = {"complainant", "child", CHARGED_CHILD}


def identity_kind(spec: Input, values: Mapping[str, Any]) -> str | None:
    """Whom an input identifies in this incident: a suspect (or a person detained) is a child while
    its `under_18_if` holds."""
    if spec.under_18_if is not None and spec.under_18_if.holds(values):
        return CHARGED_CHILD
    return spec.identifies


def identity_checks(incident: Incident, playbook: Playbook, text: str, clocks: dict[str, datetime]
                    ) -> list[GuardrailCheck]:
    """For each kind of identifying input in the playbook: is any of its values in the text?"""
    results = []
    for kind, (rule, allowed_after, reason) in IDENTITY_RULES.items():
        specs = [spec for spec in playbook.inputs if identity_kind(spec, incident.inputs) == kind]
        if not specs:
            continue
        named = next((part for spec in specs for part in name_parts(incident.inputs.get(spec.id))
                      if mentions(text, part)), None)
        allowed = allowed_after is not None and allowed_after in clocks
        passed = named is None or allowed
        results.append(GuardrailCheck(rule, passed, "" if passed else reason.format(name=named),
                             overridable=kind not in NEVER_OVERRIDDEN))
    return results


def name_parts(value: object) -> list[str]:
    if not isinstance(value, str):
        return []
    return [part for part in NAME_SEPARATORS.split(value.strip()) if len(part) >= SHORTEST_NAME_PART]


def mentions(text: str, part: str) -> bool:
    words = r"\s+".join(map(re.escape, part.split()))
    return re.search(rf"(?<!\w){words}(?!\w)", text, re.IGNORECASE) is not None


def blocking(checks: list[GuardrailCheck]) -> list[GuardrailCheck]:
    return [c for c in checks if not c.passed]


# --- Editing, approval and release -------------------------------------------------------------

def edit(session: Session, incident: Incident, statement: IncidentStatement, body: str, *, actor: User,
         now: datetime) -> None:
    """Change the words; an approved statement goes back to draft and needs approval again."""
    require_role(actor, EDITORS, "edit incident statements")
    records.require_active(incident)
    refuse_if_released(statement)
    words = records.written("body", body, missing="Write the statement", limit=LONGEST_BODY)
    was_approved = statement.status is StatementStatus.APPROVED
    audit.update_audited(session, statement, {"body": words, "status": StatementStatus.DRAFT},
                         actor=actor, now=now)
    statement.edited, statement.drafted_by_id, statement.updated_at = True, actor.id, now
    statement.approved_by_id = statement.approved_at = statement.override_decision_id = None
    if statement.sign_off_asked_at is not None:
        approvals.resolve(session, key_prefix=sign_off_prefix(statement), now=now, actor=actor,
                          resolution=approvals.decided_by("The words were changed", actor, now))
        statement.sign_off_asked_at = statement.sign_off_asked_by_id = None
    note = " It goes back for approval." if was_approved else ""
    records.log(session, incident, "statement_edited", f"{statement.title} edited.{note}", actor=actor,
                now=now)


class Drafted(Protocol):
    """Anything signed off like a statement: words with the person who drafted them."""

    @property
    def drafted_by_id(self) -> int: ...


@dataclass(frozen=True)
class SignOff:
    """Who signs a statement off: the holder of its step's approval role, or else any approver."""

    role: str | None  # the playbook's role id, such as "sio"
    label: str
    holder: User | None

    def refusal(self, actor: User, statement: Drafted, what: str = "statement") -> str | None:
        """Why `actor` may not approve the statement (or other `what` drafted), or None when they may."""
        if statement.drafted_by_id == actor.id:
            return f"You drafted this {what}: another approver must approve it"
        if self.holder is not None:
            return None if self.holder.id == actor.id else \
                f"The {self.label} signs this {what} off, and {self.holder.name} holds that role"
        return None if actor.has_role(Role.APPROVER) else \
            f"Your roles do not allow you to approve this {what}"


def sign_offs(playbook: Playbook, statements: Iterable[IncidentStatement], tasks: Iterable[IncidentTask],
              holders: dict[str, Any]) -> dict[int, SignOff]:
    """Each statement's sign-off, from the steps, tasks and role holders already loaded."""
    steps = {step.id: step for step in playbook.steps}
    step_of_task = {task.id: steps.get(task.step_id) for task in tasks}
    found = {}
    for statement in statements:
        step = step_of_task.get(statement.task_id) if statement.task_id else None
        role = step.approval if step is not None else None
        assignment = holders.get(role) if role else None
        found[statement.id] = SignOff(role, playbook.roles.get(role, role) if role else "approver",
                                      assignment.user if assignment is not None else None)
    return found


def sign_off_of(session: Session, incident: Incident, statement: IncidentStatement) -> SignOff:
    tasks = [session.get(IncidentTask, statement.task_id)] if statement.task_id else []
    return sign_offs(records.playbook_of(incident), [statement], [t for t in tasks if t is not None],
                     records.role_holders(session, incident))[statement.id]


def sign_off_prefix(statement: IncidentStatement) -> str:
    """Every sign-off request about a statement starts with this (under the incident's own prefix)."""
    return f"incident:{statement.incident_id}:statement:{statement.id}:sign-off:"


def ask_for_sign_off(session: Session, incident: Incident, statement: IncidentStatement, *, actor: User,
                     now: datetime, settings: DeliverySettings) -> list[User]:
    """Tell whoever signs the draft off that it waits for them: the holder of its step's approval role,
    or else every approver; never its drafter. Urgent in a live incident; in the app in an exercise."""
    require_role(actor, EDITORS, "ask for statements to be signed off")
    records.require_active(incident)
    if statement.status is not StatementStatus.DRAFT:
        raise Conflict(f"This statement is {statement.status.label.lower()}, not a draft")
    playbook = records.playbook_of(incident)
    failed = blocking(guardrail_checks(incident, playbook, statement.body, statement.kind))
    unfixable = [c for c in failed if not c.overridable]
    if unfixable:
        raise ValidationError({"guardrails": [f"{c.rule}: {c.reason}" for c in unfixable]})
    sign_off = sign_off_of(session, incident, statement)
    live = incident.mode is IncidentMode.LIVE
    asked = approvals.ask_for_approval(
        session, key_prefix=f"{sign_off_prefix(statement)}{now:%Y%m%dT%H%M%S%f}:",
        approvers=[sign_off.holder] if sign_off.holder else None, exclude={statement.drafted_by_id},
        subject=reminders.Subject(type="incident", id=str(incident.id), link=f"/incidents/{incident.id}"
                                  f"#statement-{statement.id}",
                                  title=f"{incident.reference}: sign off “{statement.title}”"[:200]),
        body=f"Drafted by {statement.drafted_by.name}; {actor.name} asked for sign-off at "
             f"{to_london(now):%H:%M}.", now=now, settings=settings, actor=actor,
        urgency=Urgency.URGENT if live else None, in_app_only=not live)
    if not asked:
        raise Conflict(f"Nobody but its drafter can sign this statement off as the {sign_off.label}: "
                       "give the role to someone else, or ask another approver")
    statement.sign_off_asked_at, statement.sign_off_asked_by_id = now, actor.id
    people = sorted(reminder.recipient_user.name for reminder in asked if reminder.recipient_user)
    records.log(session, incident, "statement_sign_off", f"Sign-off of {statement.title} asked of "
                f"{', '.join(people)}.", actor=actor, now=now)
    return [reminder.recipient_user for reminder in asked if reminder.recipient_user]


def approve(session: Session, incident: Incident, statement: IncidentStatement, *, actor: User,
            now: datetime, override: object | None = None) -> None:
    """Sign off a draft. Blocked guardrails stop it unless `override` (a decision) is given.

    When the step names an approval role (the SIO, say) and someone holds it, only they approve;
    until then any approver may. Nobody approves words they drafted."""
    records.require_active(incident)
    if statement.status is not StatementStatus.DRAFT:
        raise Conflict(f"This statement is {statement.status.label.lower()}, not a draft")
    if (refusal := sign_off_of(session, incident, statement).refusal(actor, statement)) is not None:
        raise PermissionDenied(refusal)
    failed = blocking(statement_checks(incident, statement))
    if any(not c.overridable for c in failed) or (failed and override is None):
        raise ValidationError({"guardrails": [f"{c.rule}: {c.reason}" for c in failed]})
    decision_id = record_override(session, incident, statement, failed, override, actor=actor, now=now)
    audit.update_audited(session, statement, {"status": StatementStatus.APPROVED}, actor=actor, now=now)
    statement.approved_by_id, statement.approved_at, statement.updated_at = actor.id, now, now
    statement.override_decision_id = decision_id
    approvals.resolve(session, key_prefix=sign_off_prefix(statement), now=now, actor=actor,
                      resolution=approvals.decided_by("Approved", actor, now))
    overridden = f" Guardrails overridden: {', '.join(c.rule for c in failed)}." if failed else ""
    records.log(session, incident, "statement_approved", f"{statement.title} approved by {actor.name}."
                f"{overridden}", actor=actor, now=now)


def record_override(session: Session, incident: Incident, statement: IncidentStatement,
                    failed: list[GuardrailCheck], override: object | None, *, actor: User,
                    now: datetime) -> int | None:
    if not failed or override is None:
        return None
    from commsplan.incidents import decisions

    if not isinstance(override, decisions.DecisionInput):
        raise TypeError("An override is a decisions.DecisionInput")
    rules = "; ".join(f"{c.rule} ({c.reason})" for c in failed)
    # As for every entry: the approver decides in an incident role they hold, or records the decision
    # of that role's holder on their behalf (the log then names both).
    entry = decisions.DecisionInput(
        decision_role=override.decision_role,
        decision=f"Approve “{statement.title}” despite: {rules}. {override.decision}".strip(),
        information=override.information, threat_risk=override.threat_risk,
        powers_policy=override.powers_policy, options=override.options,
        action_review=override.action_review, ethics=override.ethics, ethics_note=override.ethics_note,
        on_behalf_of_id=override.on_behalf_of_id)
    return decisions.add_decision(session, incident, entry, actor=actor, now=now).id


def release(session: Session, incident: Incident, statement: IncidentStatement, channels: list[str], *,
            actor: User, now: datetime, settings: DeliverySettings) -> None:
    """Publish an approved statement: exactly the channels chosen, who and when are recorded, it is
    frozen, and the task that drafts it is done."""
    require_role(actor, RELEASERS, "release incident statements")
    records.require_active(incident)
    refuse_if_released(statement)
    if statement.status is not StatementStatus.APPROVED:
        raise Conflict("Only an approved statement can be released")
    chosen = list(dict.fromkeys(c.strip() for c in channels if c.strip()))
    if not chosen:
        raise ValidationError.single("channels", "Choose at least one channel it goes out on")
    if any(len(c) > 100 for c in chosen):
        raise ValidationError.single("channels", "Each channel name must be 100 characters or fewer")
    failed = blocking(statement_checks(incident, statement))
    if failed and statement.override_decision_id is None:
        raise ValidationError({"guardrails": [f"{c.rule}: {c.reason}" for c in failed]})
    audit.update_audited(session, statement, {"status": StatementStatus.RELEASED, "channels": chosen},
                         actor=actor, now=now)
    statement.released_at, statement.released_by_id, statement.updated_at = now, actor.id, now
    records.log(session, incident, "statement_released",
                f"{statement.title} released by {actor.name} on {', '.join(chosen)}.", actor=actor, now=now)
    task = session.get(IncidentTask, statement.task_id) if statement.task_id else None
    if task is not None and task.status is TaskStatus.OPEN:
        service.close_task(session, incident, task, TaskStatus.DONE, "", actor=actor, now=now,
                           settings=settings, because=f" (its statement, {statement.title}, was released)")


def refuse_if_released(statement: IncidentStatement) -> None:
    if statement.status is StatementStatus.RELEASED:
        raise Conflict("A released statement cannot change: write a new statement or an update")
