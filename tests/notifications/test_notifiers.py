"""Notifier edge cases: redirects are not followed, and a notifier bug is recorded, not fatal."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from commsplan.notifications import dispatch, notifiers
from commsplan.notifications.settings import DeliverySettings


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


def outgoing(delivery_id: int) -> notifiers.Outgoing:
    return notifiers.Outgoing(delivery_id=delivery_id, key=f"k{delivery_id}", channel="email",
                              kind="general", kind_label="Reminder", urgency="normal", title="t",
                              link="/", body="", due_at="now", late=False, claim_token="token")


def test_an_unexpected_notifier_error_is_recorded_and_the_batch_goes_on() -> None:
    sent: list[int] = []

    def flaky(item: notifiers.Outgoing, settings: DeliverySettings) -> None:
        if item.delivery_id == 2:
            raise KeyError("bug in a notifier")
        sent.append(item.delivery_id)

    results = dispatch.send_all([outgoing(1), outgoing(2), outgoing(3)], DeliverySettings(), flaky)
    assert sent == [1, 3]
    assert [r.error for r in results][0] is None and results[2].error is None
    assert results[1].error is not None and "KeyError" in results[1].error
