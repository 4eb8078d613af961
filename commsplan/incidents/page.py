"""What one incident's page shows to one person, with what they may do there, built in one place so
the template holds no rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.auth.models import User, UserRole
from commsplan.incidents import closing, decisions, drafts, records, service
from commsplan.incidents import statements as statement_service
from commsplan.incidents.figures import IncidentFigures
from commsplan.incidents.figures import figures as figures_of
from commsplan.incidents.models import (
    Debrief,
    DecisionEntry,
    Incident,
    IncidentStatement,
    IncidentStatus,
    IncidentTask,
    RoleAssignment,
    StatementStatus,
    TaskStatus,
    TimelineEvent,
)
from commsplan.playbooks.model import Playbook, Step
from commsplan.reference.kinds import UNITS
from commsplan.reference.service import active_items
from commsplan.timeutil import to_london

TIMELINE_SHOWN = 25  # the newest entries; the report holds them all
DUE_NOW = timedelta(hours=1)  # open tasks due within this are shown first; later ones are folded away
ETHICS_PRINCIPLES = {p.value: (p.label, p.description) for p in decisions.EthicsPrinciple}


@dataclass(frozen=True)
class Panel:
    """A part of the incident page a room above incidents adds: its template and what it shows."""

    template: str
    values: dict[str, Any]


PanelBuilder = Callable[[Session, Incident, User], Panel | None]
_panel_builders: list[PanelBuilder] = []


def add_panel(builder: PanelBuilder) -> None:
    """Called by create_app (register_listeners): a higher room's part of every incident page."""
    if builder not in _panel_builders:
        _panel_builders.append(builder)


def panels_of(session: Session, incident: Incident, viewer: User) -> list[Panel]:
    built = (builder(session, incident, viewer) for builder in _panel_builders)
    return [panel for panel in built if panel is not None]


@dataclass(frozen=True)
class StatementCard:
    """One statement as the viewer sees it: its checks, who signs it off, and what they may do."""

    statement: IncidentStatement
    checks: list[statement_service.GuardrailCheck]
    sign_off: statement_service.SignOff
    may_edit: bool
    may_ask: bool
    approval: str | None  # "approve", "override" (log the decision to override a guardrail), "blocked"
    may_release: bool
    viewer_role: str  # the incident role the viewer holds, offered for an override decision

    @property
    def failed(self) -> list[statement_service.GuardrailCheck]:
        return [check for check in self.checks if not check.passed]

    @property
    def blocked_by_gaps(self) -> bool:
        return any(not check.passed and check.rule == statement_service.GAPS_RULE for check in self.checks)


def statement_cards(incident: Incident, playbook: Playbook, statements: list[IncidentStatement],
                    sign_offs: dict[int, statement_service.SignOff], holders: dict[str, RoleAssignment],
                    *, viewer: User) -> list[StatementCard]:
    active = incident.status is IncidentStatus.ACTIVE
    held = [holder.role for holder in holders.values() if holder.user_id == viewer.id]
    cards = []
    for statement in statements:
        checks = statement_service.guardrail_checks(incident, playbook, statement.body, statement.kind)
        failed = [check for check in checks if not check.passed]
        draft = statement.status is StatementStatus.DRAFT
        may_edit = active and viewer.has_role(*statement_service.EDITORS)
        may_approve = active and draft and sign_offs[statement.id].refusal(viewer, statement) is None
        cards.append(StatementCard(
            statement=statement, checks=checks, sign_off=sign_offs[statement.id],
            may_edit=may_edit and statement.status is not StatementStatus.RELEASED,
            may_ask=may_edit and draft and approval_kind(failed) != "blocked",
            approval=approval_kind(failed) if may_approve else None,
            may_release=(active and statement.status is StatementStatus.APPROVED
                         and viewer.has_role(*statement_service.RELEASERS)),
            viewer_role=held[0] if held else ""))
    return cards


def approval_kind(failed: list[statement_service.GuardrailCheck]) -> str:
    """How a statement with these failed checks may be approved."""
    if any(not check.overridable for check in failed):
        return "blocked"
    return "override" if failed else "approve"


@dataclass(frozen=True)
class IncidentPage:
    """Everything the incident page renders; the `can_*` flags are the viewer's permissions."""

    incident: Incident
    playbook: Playbook
    now: datetime
    clocks: dict[str, datetime]
    open_tasks: list[IncidentTask]
    overdue_count: int
    tasks_now: list[IncidentTask]
    tasks_later: list[IncidentTask]
    waiting_tasks: list[IncidentTask]
    closed_tasks: list[IncidentTask]
    steps: dict[str, Step]
    events: list[TimelineEvent]
    timeline_total: int
    roles: dict[str, RoleAssignment]
    people: list[User]
    waiting_anchors: list[str]
    recordable_anchors: list[str]  # not yet recorded, or recorded and repeatable
    inputs: dict[str, Any]
    raw_inputs: dict[str, str]
    units: list[Any]
    all_roles: dict[str, str]
    figures: IncidentFigures | None
    debrief: Debrief | None
    decisions: list[DecisionEntry]
    corrected: dict[int, int]
    statements: list[StatementCard]
    can_work: bool
    can_close: bool
    can_decide: bool
    panels: list[Panel]

    def template_values(self) -> dict[str, Any]:
        """The page's parts by name, with the fixed vocabularies the template labels things from."""
        values = {item.name: getattr(self, item.name) for item in fields(self)}
        return values | {"ndm_parts": decisions.NDM_PARTS, "ethics_principles": ETHICS_PRINCIPLES,
                         "TaskStatus": TaskStatus,
                         "default_time": to_london(self.now).strftime("%Y-%m-%dT%H:%M")}


def incident_page(session: Session, incident: Incident, *, viewer: User, now: datetime) -> IncidentPage:
    """The incident as `viewer` sees it at `now`."""
    playbook = records.playbook_of(incident)
    active = incident.status is IncidentStatus.ACTIVE
    clocks = incident.anchor_times()
    tasks, holders = service.tasks_of(session, incident), records.role_holders(session, incident)
    open_tasks = [t for t in tasks if t.status is TaskStatus.OPEN and t.due_at is not None]
    entries = decisions.decisions_of(session, incident)
    statements = drafts.statements_of(session, incident)
    return IncidentPage(
        incident=incident, playbook=playbook, now=now, clocks=clocks, open_tasks=open_tasks,
        overdue_count=sum(t.is_overdue(now) for t in open_tasks),
        tasks_now=[t for t in open_tasks if t.due_at and t.due_at <= now + DUE_NOW],
        tasks_later=[t for t in open_tasks if t.due_at and t.due_at > now + DUE_NOW],
        waiting_tasks=[t for t in tasks if t.status is TaskStatus.OPEN and t.due_at is None],
        closed_tasks=[t for t in tasks if t.status is not TaskStatus.OPEN],
        steps={step.id: step for step in playbook.steps},
        events=service.timeline(session, incident, limit=TIMELINE_SHOWN),
        timeline_total=service.timeline_count(session, incident), roles=holders,
        people=assignable_people(session), waiting_anchors=[a for a in playbook.anchors if a not in clocks],
        recordable_anchors=[a for a in playbook.anchors if a not in clocks or a in playbook.repeatable],
        inputs=records.shown_inputs(session, playbook, incident.inputs),
        raw_inputs=editable_inputs(playbook, incident.inputs), units=active_items(session, UNITS),
        all_roles=records.incident_roles(playbook),
        figures=None if active else figures_of(session, incident),
        debrief=closing.debrief_of(session, incident), decisions=entries,
        corrected=decisions.superseded_ids(entries),
        statements=statement_cards(incident, playbook, statements,
                                   statement_service.sign_offs(playbook, statements, tasks, holders),
                                   holders, viewer=viewer),
        can_work=active and viewer.has_role(*service.WORKERS),
        can_close=viewer.has_role(*closing.CLOSERS),
        can_decide=active and viewer.has_role(*decisions.LOGGERS),
        panels=panels_of(session, incident, viewer))


def editable_inputs(playbook: Playbook, values: dict[str, Any]) -> dict[str, str]:
    """Stored input values as the details form shows them for editing."""
    shown = {}
    for spec in playbook.inputs:
        value = values.get(spec.id)
        if value is None:
            shown[spec.id] = ""
        elif spec.type == "yesno":
            shown[spec.id] = "yes" if value else "no"
        elif spec.type == "datetime":
            shown[spec.id] = to_london(datetime.fromisoformat(value)).strftime("%Y-%m-%dT%H:%M")
        elif spec.type == "number":
            shown[spec.id] = f"{value:g}"
        else:
            shown[spec.id] = str(value)
    return shown


def assignable_people(session: Session) -> list[User]:
    """Active staff who may read incidents: a partner's viewer account cannot hold an incident role."""
    staff = select(UserRole.user_id).where(UserRole.role.in_(service.READERS))
    return list(session.scalars(select(User).where(User.is_active.is_(True), User.id.in_(staff))
                                .order_by(User.name)))
