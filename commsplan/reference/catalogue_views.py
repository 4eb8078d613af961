"""List, add, show, edit, retire and restore pages for any catalogue of named things.

Reference data (violence elements, qualifiers, business units) and the audiences and
channels share these pages; each blueprint supplies its kinds, forms, templates and extras.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from commsplan.audit import service as audit
from commsplan.db import current_session, unit_of_work
from commsplan.errors import DomainError
from commsplan.extensions import db
from commsplan.forms import AppForm
from commsplan.reference import service
from commsplan.reference.kinds import ReferenceItem, ReferenceKind
from commsplan.timeutil import utcnow
from commsplan.web import ConfirmForm, add_form_errors, page_number, pagination_params, signed_in_user


@dataclass(frozen=True)
class Catalogue:
    """One blueprint's catalogue pages."""

    blueprint: Blueprint
    kinds: Mapping[str, ReferenceKind]
    forms: Mapping[ReferenceKind, type[AppForm]]
    templates: str  # folder of list_items.html, show_item.html and _fields.html
    prepare_form: Callable[[ReferenceKind, AppForm, Any], None] | None = None
    show_context: Callable[[ReferenceKind, Any], dict[str, Any]] | None = None
    list_filters: Callable[[ReferenceKind, Any], tuple[Any, dict[str, Any]]] | None = None

    def kind(self, slug: str) -> ReferenceKind:
        if slug not in self.kinds:
            abort(404)
        return self.kinds[slug]

    def writable(self, slug: str) -> ReferenceKind:
        """The kind, if the signed-in person may change it; 403 otherwise."""
        kind = self.kind(slug)
        if not signed_in_user().has_role(*kind.write_roles):
            abort(403)
        return kind

    def build_form(self, kind: ReferenceKind, item: ReferenceItem | None) -> AppForm:
        data = {field: getattr(item, field) for field in kind.fields} if item else None
        form = self.forms[kind](data=data)
        if self.prepare_form is not None:
            self.prepare_form(kind, form, item)
        return form

    def endpoint(self, name: str) -> str:
        return f"{self.blueprint.name}.{name}"

    def register(self) -> None:
        bp = self.blueprint
        bp.add_url_rule("/<slug>", "list_items", self.list_items)
        bp.add_url_rule("/<slug>/new", "new_item", self.new_item, methods=["GET", "POST"])
        bp.add_url_rule("/<slug>/<int:item_id>", "show_item", self.show_item)
        bp.add_url_rule("/<slug>/<int:item_id>/edit", "edit_item", self.edit_item,
                        methods=["GET", "POST"])
        bp.add_url_rule("/<slug>/<int:item_id>/retire", "retire_item", self.retire_item,
                        methods=["POST"])
        bp.add_url_rule("/<slug>/<int:item_id>/restore", "restore_item", self.restore_item,
                        methods=["POST"])

    def list_items(self, slug: str) -> str:
        kind = self.kind(slug)
        search = request.args.get("q", "")[:100]
        include_retired = request.args.get("retired") == "show"
        query = service.items_query(kind, include_retired=include_retired, search=search)
        extra: dict[str, Any] = {}
        if self.list_filters is not None:
            query, extra = self.list_filters(kind, query)
        pagination = db.paginate(query, page=page_number(),
                                 per_page=current_app.config["PAGE_SIZE"], error_out=False)
        args = {"q": search or None, "retired": "show" if include_retired else None,
                **extra.get("args", {})}
        pages = pagination_params(pagination, lambda n: url_for(
            self.endpoint("list_items"), slug=slug, page=n, **args))
        return render_template(f"{self.templates}/list_items.html", kind=kind, pagination=pagination,
                               pages=pages, search=search, include_retired=include_retired, **extra)

    def new_item(self, slug: str) -> str | Response:
        kind = self.writable(slug)
        form = self.build_form(kind, None)
        if form.validate_on_submit():
            try:
                with unit_of_work() as session:
                    item = service.create_item(session, kind, values=self.values(kind, form),
                                               actor=signed_in_user(), now=utcnow())
            except DomainError as error:
                add_form_errors(form, error)
            else:
                flash(f"{kind.singular.capitalize()} {item.name} added", "success")
                return redirect(url_for(self.endpoint("list_items"), slug=slug))
        return render_template("catalogue/new_item.html", kind=kind, form=form,
                               fields=f"{self.templates}/_fields.html")

    def show_item(self, slug: str, item_id: int) -> str:
        kind = self.kind(slug)
        item = service.get_item(current_session(), kind, item_id)
        history = audit.history(current_session(), kind.audit_type, [str(item.id)])
        extra = self.show_context(kind, item) if self.show_context else {}
        return render_template(f"{self.templates}/show_item.html", kind=kind, item=item,
                               history=history, confirm=ConfirmForm(), **extra)

    def edit_item(self, slug: str, item_id: int) -> str | Response:
        kind = self.writable(slug)
        item = service.get_item(current_session(), kind, item_id)
        form = self.build_form(kind, item)
        if form.validate_on_submit():
            try:
                with unit_of_work() as session:
                    changes = service.update_item(session, kind, item, values=self.values(kind, form),
                                                  actor=signed_in_user(), now=utcnow())
            except DomainError as error:
                add_form_errors(form, error)
            else:
                flash(f"Changes to {item.name} saved" if changes else "Nothing changed", "success")
                return redirect(url_for(self.endpoint("show_item"), slug=slug, item_id=item.id))
        return render_template("catalogue/edit_item.html", kind=kind, item=item, form=form,
                               fields=f"{self.templates}/_fields.html")

    def retire_item(self, slug: str, item_id: int) -> Response:
        return self.change_status(slug, item_id, service.retire_item, "retired")

    def restore_item(self, slug: str, item_id: int) -> Response:
        return self.change_status(slug, item_id, service.restore_item, "restored")

    def change_status(self, slug: str, item_id: int, change: Any, done: str) -> Response:
        kind = self.writable(slug)
        item = service.get_item(current_session(), kind, item_id)
        if ConfirmForm().validate_on_submit():
            try:
                with unit_of_work() as session:
                    change(session, kind, item, actor=signed_in_user(), now=utcnow())
            except DomainError as error:
                flash(error.message, "error")
            else:
                flash(f"{item.name} {done}", "success")
        return redirect(url_for(self.endpoint("show_item"), slug=slug, item_id=item.id))

    @staticmethod
    def values(kind: ReferenceKind, form: AppForm) -> dict[str, Any]:
        return {field: form[field].data for field in kind.fields}
