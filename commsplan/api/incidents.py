"""Incidents over the API: list, get, launch, record a clock, complete or skip a task, log a decision."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import Response, jsonify
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from commsplan.api.auth import api_user
from commsplan.api.jsonforms import Reader, choice_arg, iso, page_json, paginate, request_object
from commsplan.api.views import bp
from commsplan.auth.models import User
from commsplan.auth.service import require_role
from commsplan.db import current_session, unit_of_work
from commsplan.errors import ValidationError
from commsplan.incidents import decisions, records, service
from commsplan.incidents.decision_chain import current_log_settings
from commsplan.incidents.models import (
    DecisionEntry,
    Incident,
    IncidentMode,
    IncidentStatus,
    IncidentTask,
    TaskStatus,
)
from commsplan.notifications.jobs import current_settings
from commsplan.playbooks.library import library
from commsplan.playbooks.model import Playbook
from commsplan.timeutil import to_london, utcnow

LAUNCH_FIELDS = ("playbook_id", "title", "mode", "notified_at", "inputs")
ANCHOR_FIELDS = ("anchor", "occurred_at", "note")
DECISION_TEXT = ("decision_role", "decision", *decisions.NDM_PARTS, "ethics_note")
DECISION_FIELDS = (*DECISION_TEXT, "on_behalf_of_id", "ethics", "supersedes_id")
UNKNOWN_PLAYBOOK = "Send the id of a valid playbook, like fatal-stabbing-young-person"


def london_text(reader: Reader, name: str) -> str:
    """The time as the London text `LaunchRequest` takes; empty when missing, so the service asks for it."""
    moment = reader.moment(name)
    return to_london(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def input_errors(playbook: Playbook | None, inputs: Mapping[str, str]) -> dict[str, list[str]]:
    """Input ids the playbook does not ask for (the service checks the values of the ones it does)."""
    known = {spec.id for spec in playbook.inputs} if playbook else set(inputs)
    return {key: ["This playbook has no such input"] for key in inputs if key not in known}


# --- Writing JSON ------------------------------------------------------------------------------

def summary_json(incident: Incident, open_due: list[datetime | None], now: datetime) -> dict[str, Any]:
    """The incident's headline, with `open_due` the due times of its open tasks (None while waiting)."""
    timed = [due for due in open_due if due is not None]
    return {"id": incident.id, "reference": incident.reference, "title": incident.title,
            "playbook_id": incident.playbook_id, "playbook_version": incident.playbook_version,
            "mode": incident.mode.value, "status": incident.status.value, "severity": incident.severity,
            "launched_at": iso(incident.created_at), "launched_by": incident.launched_by.name,
            "overdue_tasks": sum(due < now for due in timed),
            "next_due_at": iso(min(timed, default=None))}


def incident_json(incident: Incident) -> dict[str, Any]:
    session, now = current_session(), utcnow()
    playbook = records.playbook_of(incident)
    tasks = service.tasks_of(session, incident)
    open_due = [t.due_at for t in tasks if t.status is TaskStatus.OPEN]
    return {**summary_json(incident, open_due, now), "inputs": incident.inputs,
            "anchors": [{"id": a.anchor, "label": playbook.anchors.get(a.anchor, a.anchor),
                         "occurred_at": iso(a.occurred_at), "occurrence": a.occurrence}
                        for a in incident.anchors],
            "tasks": [{"id": t.id, "step_id": t.step_id, "title": t.title, "owner_role": t.owner_role,
                       "anchor": t.anchor, "due_at": iso(t.due_at),
                       "waiting_for": None if t.due_at else playbook.anchors.get(t.anchor, t.anchor),
                       "status": t.status.value, "occurrence": t.occurrence} for t in tasks]}


def decision_json(incident: Incident, entry: DecisionEntry) -> dict[str, Any]:
    roles = records.incident_roles(records.playbook_of(incident))
    return {"id": entry.id, "incident_id": incident.id, "mode": incident.mode.value,
            "sequence": entry.sequence, "at": iso(entry.at),
            "decided_by": entry.decided_by.name, "decided_by_id": entry.decided_by_id,
            "recorded_by": entry.recorded_by.name, "recorded_by_id": entry.recorded_by_id,
            "on_behalf": entry.on_behalf,
            "decision_role": entry.decision_role, "role": roles.get(entry.decision_role, entry.decision_role),
            "decision": entry.decision, **{part: getattr(entry, part) for part in decisions.NDM_PARTS},
            "ethics": list(entry.ethics), "ethics_note": entry.ethics_note,
            "supersedes_id": entry.supersedes_id, "hash": entry.hash, "key_id": entry.key_id,
            "signature": entry.signature}


# --- Endpoints ---------------------------------------------------------------------------------

@bp.get("/incidents")
def list_incidents() -> Response:
    require_role(api_user(), service.READERS, "read incidents")
    # The list reads neither anchors nor the launcher's roles: loading them would be most of its work.
    query = (select(Incident).order_by(Incident.created_at.desc(), Incident.id.desc())
             .options(lazyload(Incident.anchors), joinedload(Incident.launched_by).lazyload(User.role_rows)))
    status, mode = choice_arg("status", IncidentStatus), choice_arg("mode", IncidentMode)
    if status is not None:
        query = query.where(Incident.status == status)
    if mode is not None:
        query = query.where(Incident.mode == mode)
    page = paginate(query)
    open_due: dict[int, list[datetime | None]] = {}
    for incident_id, due_at in current_session().execute(
            select(IncidentTask.incident_id, IncidentTask.due_at).where(
                IncidentTask.incident_id.in_([incident.id for incident in page.items]),
                IncidentTask.status == TaskStatus.OPEN)):
        open_due.setdefault(incident_id, []).append(due_at)
    now = utcnow()
    return jsonify(page_json(page, [summary_json(i, open_due.get(i.id, []), now) for i in page.items]))


@bp.get("/incidents/<int:item_id>")
def get_incident(item_id: int) -> Response:
    require_role(api_user(), service.READERS, "read incidents")
    return jsonify(incident_json(service.get_incident(current_session(), item_id)))


@bp.post("/incidents")
def launch_incident() -> tuple[Response, int]:
    require_role(api_user(), service.WORKERS, "launch playbooks")
    reader = Reader(request_object())
    reader.unknown(LAUNCH_FIELDS)
    playbook = library().playbooks.get(reader.text("playbook_id"))
    if playbook is None:
        reader.fail("playbook_id", UNKNOWN_PLAYBOOK)
    inputs = reader.get("inputs", lambda v: isinstance(v, dict) and all(
        isinstance(k, str) and isinstance(x, str) for k, x in v.items()), "an object of text values", {})
    launch = service.LaunchRequest(title=reader.text("title"), mode=reader.text("mode", "live"),
                                   notified_at=london_text(reader, "notified_at"), inputs=inputs or {})
    reader.errors |= input_errors(playbook, launch.inputs)
    reader.done()
    if playbook is None:  # reported above; this tells the type checker
        raise ValidationError.single("playbook_id", UNKNOWN_PLAYBOOK)
    with unit_of_work() as session:
        incident = service.launch(session, playbook, launch, actor=api_user(), now=utcnow(),
                                  settings=current_settings())
    return jsonify(incident_json(incident)), 201


@bp.post("/incidents/<int:item_id>/anchors")
def record_anchor(item_id: int) -> tuple[Response, int]:
    require_role(api_user(), service.WORKERS, "record incident clocks")
    incident = service.get_incident(current_session(), item_id)
    reader = Reader(request_object())
    reader.unknown(ANCHOR_FIELDS)
    anchor, note = reader.text("anchor"), reader.text("note")
    occurred_at = reader.moment("occurred_at")
    if occurred_at is None and "occurred_at" not in reader.errors:
        reader.fail("occurred_at", "Send the time the clock started")
    reader.done()
    if occurred_at is None:  # reported above; this tells the type checker
        raise ValidationError(reader.errors)
    with unit_of_work() as session:
        service.record_anchor(session, incident, anchor, occurred_at=occurred_at, note=note,
                              actor=api_user(), now=utcnow(), settings=current_settings())
    return jsonify(incident_json(incident)), 201


@bp.post("/incidents/<int:item_id>/tasks/<int:task_id>/complete")
def complete_task(item_id: int, task_id: int) -> Response:
    require_role(api_user(), service.WORKERS, "work incident tasks")
    incident = service.get_incident(current_session(), item_id)
    with unit_of_work() as session:
        service.complete_task(session, incident, service.get_task(session, incident, task_id),
                              actor=api_user(), now=utcnow(), settings=current_settings())
    return jsonify(incident_json(incident))


@bp.post("/incidents/<int:item_id>/tasks/<int:task_id>/skip")
def skip_task(item_id: int, task_id: int) -> Response:
    require_role(api_user(), service.WORKERS, "work incident tasks")
    incident = service.get_incident(current_session(), item_id)
    reader = Reader(request_object())
    reader.unknown(("reason",))
    reason = reader.text("reason")
    reader.done()
    try:
        with unit_of_work() as session:
            service.skip_task(session, incident, service.get_task(session, incident, task_id),
                              reason=reason, actor=api_user(), now=utcnow(), settings=current_settings())
    except ValidationError as error:  # the service names the column; the API names what was sent
        raise ValidationError({"reason" if name == "skip_reason" else name: messages
                               for name, messages in error.field_errors.items()}) from None
    return jsonify(incident_json(incident))


@bp.post("/incidents/<int:item_id>/decisions")
def log_decision(item_id: int) -> tuple[Response, int]:
    require_role(api_user(), decisions.LOGGERS, "log decisions")
    incident = service.get_incident(current_session(), item_id)
    reader = Reader(request_object())
    reader.unknown(DECISION_FIELDS)
    entry = decisions.DecisionInput(
        **{name: reader.text(name) for name in DECISION_TEXT},
        on_behalf_of_id=reader.record_id("on_behalf_of_id"),
        ethics=tuple(reader.list_of("ethics", lambda item: isinstance(item, str), "text")))
    supersedes_id = reader.record_id("supersedes_id")
    reader.done()
    with unit_of_work() as session:
        logged = decisions.add_decision(session, incident, entry, actor=api_user(), now=utcnow(),
                                        supersedes_id=supersedes_id, settings=current_log_settings())
    return jsonify(decision_json(incident, logged)), 201
