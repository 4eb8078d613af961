"""Risk profiles over the API: list, get with ranked entries, create, change notes, approve, and add,
change or remove an element's entry. The same services and roles as /planning/profiles."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from flask import Response, jsonify

from commsplan.api.auth import api_user
from commsplan.api.jsonforms import (
    Reader,
    choice_arg,
    iso,
    page_json,
    paginate,
    request_object,
)
from commsplan.api.views import bp
from commsplan.auth.service import require_role
from commsplan.db import current_session, unit_of_work
from commsplan.errors import Conflict, ValidationError
from commsplan.reference.models import BusinessUnit, ViolenceElement
from commsplan.risk import profiles
from commsplan.risk.models import Likelihood, ProfileStatus, RiskProfile, RiskProfileEntry
from commsplan.timeutil import utcnow
from commsplan.web import id_arg, posted_year

PROFILE_FIELDS = ("unit_id", "year", "notes")
TEXT_FIELDS = ("harm_method", "victims", "offenders", "locations", "times", "override_reason")
PERCENTAGES = ("confidence", "force_confidence")
ENTRY_FIELDS = tuple(field.name for field in fields(profiles.EntryValues))


# --- Reading JSON ------------------------------------------------------------------------------

def read_entry(payload: dict[str, Any], current: profiles.EntryValues | None) -> profiles.EntryValues:
    """The entry's values: the payload over the current ones (a new entry starts blank)."""
    reader = Reader({**(asdict(current) if current else {}), **payload})
    values = profiles.EntryValues(
        volume=reader.whole("volume", 0), harm_score=reader.number("harm_score", 0),
        likelihood=(reader.choice("likelihood", Likelihood) or Likelihood.MEDIUM).value,
        confidence=reader.number("confidence", 0, 100),
        force_confidence=reader.number("force_confidence", 0, 100),
        priority_override=reader.whole("priority_override", 1, profiles.MAX_RANK),
        **{name: reader.text(name) for name in TEXT_FIELDS})
    reader.errors = {**profiles.check_entry(values), **reader.errors}  # what was sent wrongly comes first
    reader.done()
    return values


def current_values(entry: RiskProfileEntry) -> profiles.EntryValues:
    return profiles.EntryValues(**{name: getattr(entry, name) for name in ENTRY_FIELDS
                                   if name != "likelihood"}, likelihood=entry.likelihood.value)


def in_use(model: Any, reader: Reader, name: str, what: str) -> Any:
    """The record the id in `name` points to, if it is in use; a field error otherwise."""
    record_id = reader.record_id(name)
    record = current_session().get(model, record_id) if record_id is not None else None
    if record is None or record.is_retired:
        if name not in reader.errors:
            reader.fail(name, f"Send the id of {what} in use")
        return None
    return record


# --- Writing JSON ------------------------------------------------------------------------------

def profile_summary(profile: RiskProfile, entry_count: int) -> dict[str, Any]:
    return {"id": profile.id, "unit_id": profile.unit_id, "unit": profile.unit.name,
            "year": profile.year, "year_label": profile.year_label, "status": profile.status.value,
            "notes": profile.notes, "entry_count": entry_count,
            "approved_at": iso(profile.approved_at), "updated_at": iso(profile.updated_at)}


def entry_json(row: profiles.RankedEntry) -> dict[str, Any]:
    entry = row.entry
    return {"id": entry.id, "element_id": entry.element_id, "element": entry.element.name,
            "rank": row.rank, "harm_rank": row.harm_rank, "trend": row.trend,
            **{name: getattr(entry, name) for name in ENTRY_FIELDS if name != "likelihood"},
            "likelihood": entry.likelihood.value}


def profile_json(profile: RiskProfile) -> dict[str, Any]:
    rows = profiles.ranked_entries(current_session(), profile)
    return {**profile_summary(profile, len(rows)), "entries": [entry_json(row) for row in rows]}


def one_entry(profile: RiskProfile, entry_id: int) -> dict[str, Any]:
    rows = profiles.ranked_entries(current_session(), profile)
    return entry_json(next(row for row in rows if row.entry.id == entry_id))


# --- Endpoints ---------------------------------------------------------------------------------

@bp.get("/risk-profiles")
def list_risk_profiles() -> Response:
    criteria = profiles.ProfileFilter(year=posted_year("year"), unit_id=id_arg("unit_id"),
                                      status=choice_arg("status", ProfileStatus))
    page = paginate(profiles.profiles_query(criteria))
    counts = profiles.entry_counts(current_session(), [profile.id for profile in page.items])
    return jsonify(page_json(page, [profile_summary(p, counts.get(p.id, 0)) for p in page.items]))


@bp.post("/risk-profiles")
def create_risk_profile() -> tuple[Response, int]:
    require_role(api_user(), profiles.WRITERS, "write risk profiles")
    reader = Reader(request_object())
    reader.unknown(PROFILE_FIELDS)
    unit = in_use(BusinessUnit, reader, "unit_id", "a business unit")
    year, notes = reader.year("year"), reader.text("notes")
    if year is None and "year" not in reader.errors:
        reader.fail("year", "Send the financial year it starts, like 2026")
    reader.done()
    if unit is None or year is None:  # reported above; this tells the type checker
        raise ValidationError(reader.errors)
    with unit_of_work() as session:
        try:
            profile = profiles.create_profile(session, unit=unit, year=year, notes=notes, actor=api_user(),
                                              now=utcnow())
        except Conflict as error:  # the web names its unit box; the API names what was sent
            raise Conflict(error.message, field="unit_id") from None
    return jsonify(profile_json(profile)), 201


@bp.get("/risk-profiles/<int:item_id>")
def get_risk_profile(item_id: int) -> Response:
    return jsonify(profile_json(profiles.get_profile(current_session(), item_id)))


@bp.patch("/risk-profiles/<int:item_id>")
def update_risk_profile(item_id: int) -> Response:
    """Only the notes change; the unit and year are what the profile is."""
    require_role(api_user(), profiles.WRITERS, "write risk profiles")
    profile = profiles.get_profile(current_session(), item_id)
    reader = Reader(request_object())
    reader.unknown(("notes",))
    notes = reader.text("notes", profile.notes)
    reader.done()
    with unit_of_work() as session:
        profiles.update_notes(session, profile, notes=notes, actor=api_user(), now=utcnow())
    return jsonify(profile_json(profile))


@bp.post("/risk-profiles/<int:item_id>/approve")
def approve_risk_profile(item_id: int) -> Response:
    require_role(api_user(), profiles.APPROVERS, "approve risk profiles")
    profile = profiles.get_profile(current_session(), item_id)
    with unit_of_work() as session:
        profiles.approve_profile(session, profile, actor=api_user(), now=utcnow())
    return jsonify(profile_json(profile))


@bp.post("/risk-profiles/<int:item_id>/entries")
def add_risk_entry(item_id: int) -> tuple[Response, int]:
    require_role(api_user(), profiles.WRITERS, "write risk profiles")
    profile = profiles.get_profile(current_session(), item_id)
    payload = request_object()
    reader = Reader(payload)
    reader.unknown(("element_id", *ENTRY_FIELDS))
    element = in_use(ViolenceElement, reader, "element_id", "a violence element")
    try:
        values = read_entry({key: value for key, value in payload.items() if key != "element_id"}, None)
    except ValidationError as error:
        reader.errors |= error.errors
    if element is None or reader.errors:
        raise ValidationError(reader.errors)
    with unit_of_work() as session:
        try:
            entry = profiles.add_entry(session, profile, element=element, values=values, actor=api_user(),
                                       now=utcnow())
        except ValidationError as error:
            raise ValidationError({"element_id" if name == "element" else name: messages
                                   for name, messages in error.field_errors.items()}) from None
    return jsonify(one_entry(profile, entry.id)), 201


@bp.get("/risk-profiles/<int:item_id>/entries/<int:entry_id>")
def get_risk_entry(item_id: int, entry_id: int) -> Response:
    entry = profiles.get_entry(current_session(), item_id, entry_id)
    return jsonify(one_entry(entry.profile, entry.id))


@bp.patch("/risk-profiles/<int:item_id>/entries/<int:entry_id>")
def update_risk_entry(item_id: int, entry_id: int) -> Response:
    require_role(api_user(), profiles.WRITERS, "write risk profiles")
    entry = profiles.get_entry(current_session(), item_id, entry_id)
    profiles.require_draft(entry.profile)
    payload = request_object()
    reader = Reader(payload)
    reader.unknown(ENTRY_FIELDS)
    reader.done()
    values = read_entry(payload, current_values(entry))
    with unit_of_work() as session:
        profiles.update_entry(session, entry, values=values, actor=api_user(), now=utcnow())
    return jsonify(one_entry(entry.profile, entry.id))


@bp.delete("/risk-profiles/<int:item_id>/entries/<int:entry_id>")
def remove_risk_entry(item_id: int, entry_id: int) -> tuple[str, int]:
    require_role(api_user(), profiles.WRITERS, "write risk profiles")
    entry = profiles.get_entry(current_session(), item_id, entry_id)
    with unit_of_work() as session:
        profiles.remove_entry(session, entry, actor=api_user(), now=utcnow())
    return "", 204
