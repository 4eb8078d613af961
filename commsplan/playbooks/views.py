"""Playbook pages: the library, and one playbook's whole response laid out by its clocks."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, abort, render_template

from commsplan.auth.models import Role, User
from commsplan.playbooks import statements, vocab
from commsplan.playbooks.library import library
from commsplan.playbooks.model import Playbook, StatementTemplate, format_span
from commsplan.timeutil import to_london, utcnow
from commsplan.web import signed_in_user

bp = Blueprint("playbooks", __name__, url_prefix="/playbooks")
bp.add_app_template_filter(statements.mark_gaps, "mark_gaps")
bp.add_app_template_filter(format_span, "span")
bp.add_app_template_filter(os.path.basename, "basename")


@bp.app_template_global()
def template_preview(playbook: Playbook, template: StatementTemplate) -> str:
    """A statement template with every placeholder shown as the gap its input leaves."""
    labels = {item.id: item.label for item in playbook.inputs}
    return statements.render(template.body, {}, labels)


@bp.get("/")
def list_playbooks() -> str:
    """Every valid playbook; admins also see the files that failed their checks, and why."""
    found = library()
    invalid = found.invalid if signed_in_user().has_role(Role.ADMIN) else []
    return render_template("playbooks/list.html", playbooks=found.ordered(), invalid=invalid,
                           categories=vocab.CATEGORIES, today=london_today())


@dataclass(frozen=True)
class Section:
    """A part of the playbook page a room above playbooks adds: its template and what it shows."""

    template: str
    values: dict[str, Any]


SectionBuilder = Callable[[Playbook, User, dict[str, list[str]]], Section | None]
_section_builders: list[SectionBuilder] = []


def add_section(builder: SectionBuilder) -> None:
    """Called by create_app (register_listeners): a higher room's part of every playbook page."""
    if builder not in _section_builders:
        _section_builders.append(builder)


@bp.get("/<playbook_id>")
def show_playbook(playbook_id: str) -> str:
    return render_playbook(playbook_id)


def render_playbook(playbook_id: str, errors: dict[str, list[str]] | None = None) -> str:
    """The playbook's page; `errors` are a refused change to one of its added sections."""
    playbook = library().playbooks.get(playbook_id)
    if playbook is None:
        abort(404)
    viewer, errors = signed_in_user(), errors or {}
    built = (builder(playbook, viewer, errors) for builder in _section_builders)
    return render_template("playbooks/show.html", playbook=playbook, categories=vocab.CATEGORIES,
                           input_types=vocab.INPUT_TYPES, statement_kinds=vocab.STATEMENT_KINDS,
                           identifies=vocab.IDENTIFIES, today=london_today(),
                           sections=[section for section in built if section is not None])


def london_today() -> date:
    return to_london(utcnow()).date()
