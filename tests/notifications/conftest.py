"""Notification fixtures: an app with notification settings, and urgent reminders to send.

The SMTP sink and webhook receiver fixtures (tests/receivers.py) are in tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.notifications import service
from commsplan.notifications.models import Reminder
from commsplan.notifications.settings import DeliverySettings

URGENT_KIND = "incident_task_due"  # urgent, and in the app and by email unless the person chose otherwise


# --- apps and reminders --------------------------------------------------------------------------


@pytest.fixture
def notify_app(make_app: Callable[..., Flask]) -> Iterator[Callable[..., Flask]]:
    """Build an app with notification settings and enter its app context for the rest of the test."""
    contexts: list[Any] = []

    def factory(**config: Any) -> Flask:
        app = make_app(**config)
        context = app.app_context()
        context.push()
        contexts.append(context)
        return app

    yield factory
    for context in reversed(contexts):
        context.pop()


def schedule_urgent(
    session: Session, user: User, *, key: str, now: datetime, settings: DeliverySettings,
    title: str | None = None, link: str = "/incidents/7/tasks/3",
) -> Reminder:
    """An urgent incident-task reminder for one person, due at `now` (so it goes at once)."""
    return service.schedule(
        session, key=key, kind=URGENT_KIND, recipient=service.Recipient.person(user),
        subject=service.Subject(type="incident_task", id=key, title=title or f"Task {key}", link=link),
        due_at=now, now=now, settings=settings)
