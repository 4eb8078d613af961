"""Notifier edge cases: redirects are not followed, and a notifier bug is recorded, not fatal."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import select

from commsplan.extensions import db
from commsplan.notifications import jobs, notifiers
from commsplan.notifications.models import Delivery, DeliveryChannel, DeliveryStatus
from commsplan.notifications.settings import DeliverySettings
from tests.factories import make_user
from tests.notifications.conftest import schedule_urgent


class Redirecting(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
        self.send_response(302)
        self.send_header("Location", "/somewhere-else")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def redirecting_url() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), Redirecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_a_redirecting_webhook_is_a_failure_not_a_silent_success(redirecting_url: str) -> None:
    with pytest.raises(notifiers.NotifierError, match="302.*not followed"):
        notifiers.post_webhook(redirecting_url, "secret", {"title": "x"}, "key-1", timeout=2)


def test_an_unexpected_notifier_error_is_recorded_and_the_others_still_go(
    notify_app: Callable[..., Flask], now: datetime,
) -> None:
    notify_app()
    session = db.session
    people = [make_user(session, now=now) for _ in range(3)]
    for number, person in enumerate(people):
        schedule_urgent(session, person, key=f"incident:1:task:{number}", now=now,
                        settings=jobs.current_settings(), title=f"Task {number}")
    db.session.commit()
    sent: list[str] = []

    def flaky(message: notifiers.Message, settings: DeliverySettings) -> None:
        if message.items[0].title == "Task 1":
            raise KeyError("bug in a notifier")
        sent.append(message.items[0].title)

    report = jobs.run_dispatch(now=lambda: now, worker="w", send=flaky)

    assert sorted(sent) == ["Task 0", "Task 2"] and (report.sent, report.retried) == (2, 1)
    [broken] = [d for d in session.scalars(select(Delivery).where(Delivery.channel == DeliveryChannel.EMAIL))
                if d.status is DeliveryStatus.PENDING]
    assert "KeyError" in (broken.last_error or "") and broken.attempts == 1
