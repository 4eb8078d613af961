"""Sensitivity windows over the API: list (coming or past), read, add, change and remove, with the same
service, checks and roles as /sensitivity (everyone signed in reads; comms officers and admins write)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from commsplan.api.auth import api_user
from commsplan.api.jsonforms import Reader, is_record_id, iso, page_json, paginate, request_object
from commsplan.api.views import bp
from commsplan.auth.service import require_role
from commsplan.db import current_session, unit_of_work
from commsplan.errors import ValidationError
from commsplan.sensitivity import service
from commsplan.sensitivity.models import SensitivityWindow
from commsplan.timeutil import utcnow

TEXTS = ("title", "kind", "severity", "note")
DAYS = ("first_day", "last_day")
CHOICES = ("unit_ids", "element_ids", "audience_ids")
FIELDS = (*TEXTS, *DAYS, *CHOICES)
WHEN = ("current", "past")


def window_json(window: SensitivityWindow) -> dict[str, Any]:
    return {"id": window.id, "title": window.title, "kind": window.kind.value,
            "severity": window.severity.value, "first_day": window.first_day.isoformat(),
            "last_day": window.last_day.isoformat(), "note": window.note,
            "unit_ids": [unit.id for unit in window.units],
            "element_ids": [element.id for element in window.elements],
            "audience_ids": [audience.id for audience in window.audiences],
            "starts_at": iso(window.starts_at), "ends_at": iso(window.ends_at),
            "updated_at": iso(window.updated_at)}


def current_values(window: SensitivityWindow) -> dict[str, Any]:
    return {**{name: getattr(window, name) for name in ("title", "note", "first_day", "last_day")},
            "kind": window.kind.value, "severity": window.severity.value,
            **{name: tuple(window_json(window)[name]) for name in CHOICES}}


def read_window(window: SensitivityWindow | None) -> service.WindowValues:
    """The values sent over the window's current ones; every wrong type and every broken rule is a
    field error (what was sent wrongly comes first), and nothing is written."""
    payload = request_object()
    reader = Reader(payload)
    reader.unknown(FIELDS)
    base: dict[str, Any] = current_values(window) if window else {}
    sent: dict[str, Any] = {name: reader.text(name) for name in TEXTS if name in payload}
    sent |= {name: reader.day(name) for name in DAYS if name in payload}
    sent |= {name: tuple(reader.list_of(name, is_record_id, "record ids")) for name in CHOICES
             if name in payload}
    values = service.WindowValues(**{"title": "", "kind": "", "severity": "", "first_day": None,
                                     "last_day": None, **base, **sent})
    errors, _ = service.check_window(current_session(), values)
    reader.errors = {**errors, **reader.errors}
    reader.done()
    return values


def window_when() -> str:
    when = request.args.get("when", "current")
    if when not in WHEN:
        raise ValidationError.single("when", "Choose one of: current, past")
    return when


@bp.get("/sensitivity-windows")
def list_windows() -> Response:
    """Windows running or to come, soonest first; with ?when=past, those over, latest first."""
    now = utcnow()
    past = window_when() == "past"
    query = service.windows_query(ended_before=now) if past else service.windows_query(ending_after=now)
    page = paginate(query)
    return jsonify(page_json(page, [window_json(window) for window in page.items]))


@bp.post("/sensitivity-windows")
def create_window() -> tuple[Response, int]:
    require_role(api_user(), service.WRITERS, "change sensitivity windows")
    values = read_window(None)
    with unit_of_work() as session:
        window = service.save_window(session, values, actor=api_user(), now=utcnow())
    return jsonify(window_json(window)), 201


@bp.get("/sensitivity-windows/<int:item_id>")
def get_window(item_id: int) -> Response:
    return jsonify(window_json(service.get_window(current_session(), item_id)))


@bp.patch("/sensitivity-windows/<int:item_id>")
def update_window(item_id: int) -> Response:
    require_role(api_user(), service.WRITERS, "change sensitivity windows")
    window = service.get_window(current_session(), item_id)
    values = read_window(window)
    with unit_of_work() as session:
        service.save_window(session, values, actor=api_user(), now=utcnow(), window=window)
    return jsonify(window_json(window))


@bp.delete("/sensitivity-windows/<int:item_id>")
def remove_window(item_id: int) -> tuple[str, int]:
    require_role(api_user(), service.WRITERS, "change sensitivity windows")
    window = service.get_window(current_session(), item_id)
    with unit_of_work() as session:
        service.remove_window(session, window, actor=api_user(), now=utcnow())
    return "", 204
