"""JSON API under /api/v1: who am I, the reference data, and the OpenAPI document."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, request, url_for

from commsplan.api.auth import api_user, authenticate_request
from commsplan.api.catalogues import FORMS, KINDS
from commsplan.api.jsonforms import page_json, paginate, request_object
from commsplan.api.openapi import openapi_document
from commsplan.auth.models import sorted_roles
from commsplan.db import current_session, unit_of_work
from commsplan.errors import PermissionDenied
from commsplan.extensions import csrf
from commsplan.formdata import is_required, validated_form
from commsplan.forms import AppForm
from commsplan.reference import service
from commsplan.reference.kinds import ReferenceItem, ReferenceKind
from commsplan.timeutil import utcnow

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated only: cookies are never accepted here
bp.before_request(authenticate_request)

# Only the reference collections: /me is its own route, so POST /me is a 405, not a missing collection.
COLLECTION = "<any({}):slug>".format(", ".join(f'"{slug}"' for slug in KINDS))


def kind_or_404(slug: str) -> ReferenceKind:
    if slug not in KINDS:
        abort(404, description="No such collection")
    return KINDS[slug]


def writable(slug: str) -> ReferenceKind:
    """The kind, if the token's user may change it; a JSON 403 otherwise."""
    kind = kind_or_404(slug)
    if not api_user().has_role(*kind.write_roles):
        raise PermissionDenied("Your roles do not allow this")
    return kind


def item_json(kind: ReferenceKind, item: ReferenceItem) -> dict[str, Any]:
    body: dict[str, Any] = {"id": item.id}
    for field in kind.fields:
        value = getattr(item, field)
        body[field] = getattr(value, "value", value)
    body["retired"] = item.is_retired
    body["retired_at"] = item.retired_at.isoformat() if item.retired_at else None
    body["created_at"] = item.created_at.isoformat()
    body["updated_at"] = item.updated_at.isoformat()
    return body


def reference_form(kind: ReferenceKind, payload: dict[str, Any],
                   item: ReferenceItem | None) -> AppForm:
    def prepare(form: AppForm) -> None:
        if kind.has_parent:
            form.parent_id.choices = [(o.id, o.name) for o in
                                      service.parent_choices(current_session(), kind, item)]

    current = {field: getattr(item, field) for field in kind.fields} if item else None
    form_class = FORMS[kind]
    probe = form_class(formdata=None, meta={"csrf": False})
    optional = {name for name in kind.fields if not is_required(probe[name])}
    return validated_form(form_class, payload, current=current, prepare=prepare, nullable=optional)


@bp.get("/me")
def me() -> Response:
    user = api_user()
    return jsonify(id=user.id, name=user.name, email=user.email,
                   roles=[role.value for role in sorted_roles(user.roles)])


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document(server_url=url_for("api.me", _external=True)[:-3]))


@bp.get(f"/{COLLECTION}")
def list_reference(slug: str) -> Response:
    kind = kind_or_404(slug)
    query = service.items_query(kind, include_retired=request.args.get("include_retired") == "true",
                                search=request.args.get("q", "")[:100])
    page = paginate(query)
    return jsonify(page_json(page, [item_json(kind, item) for item in page.items]))


@bp.post(f"/{COLLECTION}")
def create_reference(slug: str) -> tuple[Response, int]:
    kind = writable(slug)
    form = reference_form(kind, request_object(), None)
    with unit_of_work() as session:
        item = service.create_item(session, kind, actor=api_user(), now=utcnow(),
                                   values={field: form[field].data for field in kind.fields})
    return jsonify(item_json(kind, item)), 201


@bp.get(f"/{COLLECTION}/<int:item_id>")
def get_reference(slug: str, item_id: int) -> Response:
    kind = kind_or_404(slug)
    return jsonify(item_json(kind, service.get_item(current_session(), kind, item_id)))


@bp.patch(f"/{COLLECTION}/<int:item_id>")
def update_reference(slug: str, item_id: int) -> Response:
    kind = writable(slug)
    item = service.get_item(current_session(), kind, item_id)
    form = reference_form(kind, request_object(), item)
    with unit_of_work() as session:
        service.update_item(session, kind, item, actor=api_user(), now=utcnow(),
                            values={field: form[field].data for field in kind.fields})
    return jsonify(item_json(kind, item))


@bp.post(f"/{COLLECTION}/<int:item_id>/retire")
def retire_reference(slug: str, item_id: int) -> Response:
    return change_status(slug, item_id, service.retire_item)


@bp.post(f"/{COLLECTION}/<int:item_id>/restore")
def restore_reference(slug: str, item_id: int) -> Response:
    return change_status(slug, item_id, service.restore_item)


def change_status(slug: str, item_id: int, change: Any) -> Response:
    kind = writable(slug)
    item = service.get_item(current_session(), kind, item_id)
    with unit_of_work() as session:
        change(session, kind, item, actor=api_user(), now=utcnow())
    return jsonify(item_json(kind, item))
