"""Helpers for the plan page tests: a pinned clock, row counts, reading pages and their forms."""

from __future__ import annotations

import html as html_lib
import re
from datetime import datetime
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import func, select

from commsplan.audit.models import AuditEntry
from commsplan.extensions import db
from commsplan.notifications.models import Reminder
from commsplan.plans.models import (
    Activity,
    CalendarFeed,
    CommPlan,
    Milestone,
    PlanMetric,
    PlanObjective,
    PlanVersion,
    activity_audiences,
)

VIEW_MODULES = ("views", "item_views", "draft_views", "integrated_views")


def pin_clock(monkeypatch: pytest.MonkeyPatch, now: datetime) -> None:
    """The plan pages read the clock through utcnow(); pin it to the fixtures' 20 November 2026."""
    for module in VIEW_MODULES:
        monkeypatch.setattr(f"commsplan.plans.{module}.utcnow", lambda: now)


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def written() -> dict[str, int]:
    """Every row a plan page can write: unchanged after a refusal."""
    db.session.expire_all()
    return {name: count(model) for name, model in (
        ("plans", CommPlan), ("objectives", PlanObjective), ("metrics", PlanMetric),
        ("activities", Activity), ("activity_audiences", activity_audiences), ("milestones", Milestone),
        ("versions", PlanVersion), ("feeds", CalendarFeed), ("reminders", Reminder),
        ("audit", AuditEntry))}


def fresh_plan(plan_id: int) -> CommPlan:
    db.session.expire_all()
    plan = db.session.get(CommPlan, plan_id)
    assert plan is not None
    return plan


def page_title(html: str) -> str:
    match = re.search(r"<title[^>]*>(.*?)</title>", html, re.S)
    assert match, "page has no title"
    return " ".join(html_lib.unescape(match.group(1)).split())


def text_of(html: str) -> str:
    """The page's main content as plain text, whitespace collapsed."""
    match = re.search(r"<main.*?</main>", html, re.S)
    body = re.sub(r"<[^>]+>", " ", match.group(0) if match else html)
    return " ".join(html_lib.unescape(body).split())


def field_error(html: str, field_id: str) -> str:
    """The GOV.UK error message shown on one field ("" when there is none)."""
    match = re.search(rf'<p id="{re.escape(field_id)}-error" class="govuk-error-message">(.*?)</p>', html,
                      re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split()) if match else ""


def plan_id_from(location: str) -> int:
    match = re.search(r"/plans/(\d+)", location)
    assert match, location
    return int(match.group(1))


class _FormReader(HTMLParser):
    """What a browser would post from the page's forms with method="post", by form."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._buffer = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append([])
        elif tag == "option" and self._select and "selected" in values:
            self.forms[-1].append((self._select, values.get("value", "")))
        elif not self.forms or "name" not in values or "disabled" in values:
            return
        elif tag == "input" and values.get("type") not in ("submit", "button"):
            if values.get("type") in ("checkbox", "radio") and "checked" not in values:
                return
            self.forms[-1].append((values["name"], values.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._buffer = values["name"], ""
        elif tag == "select":
            self._select = values["name"]

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._buffer += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            self.forms[-1].append((self._textarea, self._buffer.removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_fields(html: str, index: int = -1) -> list[tuple[str, str]]:
    """The (name, value) pairs one form on the page would post; the last form unless told."""
    reader = _FormReader()
    reader.feed(html)
    return reader.forms[index]


def as_post(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data
