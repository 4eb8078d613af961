"""Message maps over the API: list, get, create, update (a new version), submit, approve, retire."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from flask import Response, jsonify, request

from commsplan.api.auth import api_user
from commsplan.api.jsonforms import (
    Reader,
    choice_arg,
    is_choice,
    is_record_id,
    page_json,
    paginate,
    request_object,
)
from commsplan.api.views import bp
from commsplan.db import current_session, unit_of_work
from commsplan.errors import ValidationError
from commsplan.messages import checks, maps, review
from commsplan.messages.models import (
    MessageMap,
    MessageStatus,
    MessageVersion,
    RipeStrand,
    Tone,
    TranslationStatus,
)
from commsplan.notifications.jobs import current_settings
from commsplan.timeutil import utcnow
from commsplan.web import id_arg

SETTINGS_FIELDS = ("element_id", "audience_id", "qualifier_ids", "unit_id", "owner_id", "review_date")
CONTENT_FIELDS = ("concern", "key_messages", "call_to_action", "ripe_strands", "tone")
VARIANT_FIELDS = ("channel_id", "language", "body", "has_media", "alt_text", "captions", "easy_read",
                  "bsl", "translation_status")


# --- Reading JSON ------------------------------------------------------------------------------

def read_settings(payload: dict[str, Any], current: MessageMap | None) -> checks.MapSettings:
    """The map's settings with the fields the payload sends replaced; new maps default to the caller."""
    reader = Reader(payload)
    settings = checks.MapSettings(
        element_id=current.element_id, audience_id=current.audience_id,
        qualifier_ids=tuple(q.id for q in current.qualifiers), unit_id=current.unit_id,
        owner_id=current.owner_id, review_date=current.review_date,
    ) if current else checks.MapSettings(element_id=None, audience_id=None, owner_id=api_user().id)
    readers: dict[str, Callable[[], Any]] = {
        "element_id": lambda: reader.record_id("element_id"),
        "audience_id": lambda: reader.record_id("audience_id"),
        "qualifier_ids": lambda: tuple(reader.list_of("qualifier_ids", is_record_id, "record ids")),
        "unit_id": lambda: reader.record_id("unit_id"),
        "owner_id": lambda: reader.record_id("owner_id"),
        "review_date": lambda: reader.day("review_date"),
    }
    settings = replace(settings, **{name: read() for name, read in readers.items() if name in payload})
    reader.done()
    return settings


def read_key_messages(reader: Reader) -> tuple[checks.KeyMessage, ...]:
    def is_message(item: Any) -> bool:
        return (isinstance(item, dict) and isinstance(item.get("text"), str)
                and all(isinstance(f, str) for f in item.get("facts", []) or [])
                and set(item) <= {"text", "facts"})

    items = reader.list_of("key_messages", is_message, "objects with 'text' and 'facts'")
    return tuple(checks.KeyMessage(item["text"], tuple(item.get("facts") or ())) for item in items)


def read_content(payload: dict[str, Any], current: MessageVersion | None) -> checks.MapContent:
    """The words, each field taken from the payload or, when absent, from the current version."""
    reader = Reader(payload)
    base = checks.MapContent.of(current) if current else None

    def pick(name: str, read: Callable[[], Any]) -> Any:
        return read() if name in payload or base is None else getattr(base, name)

    content = checks.MapContent(
        concern=pick("concern", lambda: reader.text("concern")),
        key_messages=pick("key_messages", lambda: read_key_messages(reader)),
        call_to_action=pick("call_to_action", lambda: reader.text("call_to_action")),
        ripe_strands=pick("ripe_strands", lambda: tuple(
            RipeStrand(v) for v in reader.list_of("ripe_strands", lambda v: is_choice(v, RipeStrand),
                                                  "RIPE strands"))),
        tone=pick("tone", lambda: reader.choice("tone", Tone)))
    reader.done()
    return content


def read_variants(payload: dict[str, Any]) -> list[checks.VariantContent]:
    items = payload.get("variants")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValidationError.single("variants", "Send a list of variant objects")
    variants: list[checks.VariantContent] = []
    errors: dict[str, list[str]] = {}
    for index, item in enumerate(items):
        reader = Reader(item, prefix=f"variants[{index}].")
        reader.unknown(VARIANT_FIELDS)
        variants.append(checks.VariantContent(
            channel_id=reader.record_id("channel_id"), language=reader.text("language", "en"),
            body=reader.text("body"), has_media=reader.flag("has_media"),
            alt_text=reader.text("alt_text"), captions=reader.flag("captions"),
            easy_read=reader.flag("easy_read"), bsl=reader.flag("bsl"),
            translation_status=reader.choice("translation_status", TranslationStatus)
            or TranslationStatus.ORIGINAL))
        errors |= reader.errors
    if errors:
        raise ValidationError(errors)
    return variants


# --- Writing JSON ------------------------------------------------------------------------------

def version_json(version: MessageVersion) -> dict[str, Any]:
    return {
        "number": version.number, "concern": version.concern, "key_messages": version.key_messages,
        "call_to_action": version.call_to_action, "ripe_strands": version.ripe_strands,
        "tone": version.tone.value, "change_note": version.change_note,
        "created_at": version.created_at.isoformat(),
        "approved_at": version.approved_at.isoformat() if version.approved_at else None,
        "variants": [{"id": v.id, "channel_id": v.channel_id, "channel": v.channel.name,
                      "language": v.language, "body": v.body, "has_media": v.has_media,
                      "alt_text": v.alt_text, "captions": v.captions, "easy_read": v.easy_read,
                      "bsl": v.bsl, "translation_status": v.translation_status.value}
                     for v in version.variants],
    }


def map_json(item: MessageMap, version: MessageVersion | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": item.id, "title": item.title, "element_id": item.element_id,
        "qualifier_ids": [q.id for q in item.qualifiers], "audience_id": item.audience_id,
        "unit_id": item.unit_id, "owner_id": item.owner_id,
        "review_date": item.review_date.isoformat() if item.review_date else None,
        "status": item.status.value, "latest_number": item.latest_number,
        "approved_number": item.approved_number, "updated_at": item.updated_at.isoformat(),
    }
    if version is not None:
        body["latest"] = version_json(version)
    return body


def one(item: MessageMap) -> Response:
    return jsonify(map_json(item, maps.latest_version(current_session(), item)))


# --- Endpoints ---------------------------------------------------------------------------------

@bp.get("/messages")
def list_messages() -> Response:
    criteria = maps.MapFilter(element_id=id_arg("element_id"), audience_id=id_arg("audience_id"),
                              status=choice_arg("status", MessageStatus))
    page = paginate(maps.maps_query(criteria))
    return jsonify(page_json(page, [map_json(item) for item in page.items]))


@bp.post("/messages")
def create_message() -> tuple[Response, int]:
    maps.require_role(api_user(), maps.WRITERS, "write message maps")
    payload = request_object()
    reader = Reader(payload)
    reader.unknown((*SETTINGS_FIELDS, *CONTENT_FIELDS, "variants"))
    reader.done()
    settings, content = read_settings(payload, None), read_content(payload, None)
    variants = read_variants(payload) if "variants" in payload else []
    with unit_of_work() as session:
        item = maps.create_map(session, settings=settings, content=content, variants=variants,
                               actor=api_user(), now=utcnow(), delivery=current_settings())
    return one(item), 201


@bp.get("/messages/<int:item_id>")
def get_message(item_id: int) -> Response:
    return one(maps.get_map(current_session(), item_id))


@bp.patch("/messages/<int:item_id>")
def update_message(item_id: int) -> Response:
    """Settings change in place; words and variants make one new version."""
    maps.require_role(api_user(), maps.WRITERS, "change message maps")
    payload = request_object()
    reader = Reader(payload)
    reader.unknown((*SETTINGS_FIELDS, *CONTENT_FIELDS, "variants", "change_note"))
    note = reader.text("change_note")
    reader.done()
    session = current_session()
    item = maps.get_map(session, item_id)
    settings = read_settings(payload, item) if set(SETTINGS_FIELDS) & set(payload) else None
    content = (read_content(payload, maps.latest_version(session, item))
               if set(CONTENT_FIELDS) & set(payload) else None)
    variants = read_variants(payload) if "variants" in payload else None
    with unit_of_work() as session:
        if settings is not None:
            maps.update_settings(session, item, settings, actor=api_user(), now=utcnow(),
                                 delivery=current_settings())
        if content is not None or variants is not None:
            maps.edit_content(session, item, content, variants=variants, note=note,
                              actor=api_user(), now=utcnow())
    return one(item)


def review_action(item_id: int, change: Callable[[Any, MessageMap, dict[str, Any]], None]) -> Response:
    payload = request.get_json(silent=True) or {}
    if not isinstance(payload, dict):
        raise ValidationError.single("body", "Send a JSON object")
    item = maps.get_map(current_session(), item_id)
    with unit_of_work() as session:
        change(session, item, payload)
    return one(item)


def version_number(payload: dict[str, Any], item: MessageMap) -> int:
    """The version the caller decided on; the latest one if they did not say."""
    number = payload.get("version", item.latest_number)
    if not isinstance(number, int) or isinstance(number, bool):
        raise ValidationError.single("version", "Send the version number as a whole number")
    return number


@bp.post("/messages/<int:item_id>/submit")
def submit_message(item_id: int) -> Response:
    maps.require_role(api_user(), maps.WRITERS, "submit message maps")
    return review_action(item_id, lambda session, item, _: review.submit(
        session, item, actor=api_user(), now=utcnow(), delivery=current_settings()))


@bp.post("/messages/<int:item_id>/approve")
def approve_message(item_id: int) -> Response:
    maps.require_role(api_user(), maps.APPROVERS, "approve message maps")
    return review_action(item_id, lambda session, item, payload: review.approve(
        session, item, number=version_number(payload, item), actor=api_user(), now=utcnow(),
        delivery=current_settings(), comment=str(payload.get("comment") or "")))


@bp.post("/messages/<int:item_id>/return")
def return_message(item_id: int) -> Response:
    maps.require_role(api_user(), maps.APPROVERS, "review message maps")
    return review_action(item_id, lambda session, item, payload: review.return_for_changes(
        session, item, number=version_number(payload, item), comment=str(payload.get("comment") or ""),
        actor=api_user(), now=utcnow(), delivery=current_settings()))


@bp.post("/messages/<int:item_id>/retire")
def retire_message(item_id: int) -> Response:
    maps.require_role(api_user(), maps.WRITERS, "retire message maps")
    return review_action(item_id, lambda session, item, _: review.retire(
        session, item, actor=api_user(), now=utcnow()))
