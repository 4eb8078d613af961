"""Real receivers for the notifiers: an SMTP sink (aiosmtpd) and a signed-webhook receiver (http.server).

Both listen on a free port on 127.0.0.1 and record what arrived, so tests check what a mail server or
a team chat really got, not what a fake sender was handed. The fixtures are in tests/conftest.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from commsplan.notifications.notifiers import DELIVERIES_HEADER, KEY_HEADER, SIGNATURE_HEADER


def free_port() -> int:
    """A port nobody listens on now (aiosmtpd's Controller cannot take port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition: Callable[[], bool], *, timeout: float, interval: float = 0.05) -> bool:
    """Poll `condition` until it holds or `timeout` seconds pass; for receivers and subprocesses only."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


# --- SMTP ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    arrived_at: float  # time.time() when the sink accepted it

    @property
    def key(self) -> str:
        """The message's own key (a group's, when it carries several deliveries)."""
        return str(self.message[KEY_HEADER])

    @property
    def delivery_keys(self) -> list[str]:
        """Every delivery the email carries: one, or a person's burst grouped together."""
        return [key.strip() for key in str(self.message[DELIVERIES_HEADER]).split(",")]


class SmtpSink:
    """An SMTP server that keeps every message; it can start "down" and be brought up later.

    `delay` slows each message down. `hold(after=n)`: once `n` messages have arrived, each further
    one is kept but its "250 accepted" reply waits until `release()`. A sender killed meanwhile
    never hears that its email arrived: the case that makes a sender send it again.
    """

    def __init__(self, *, delay: float = 0.0) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.delay = delay
        self.received: list[ReceivedMail] = []
        self.held = 0  # messages waiting at the gate now
        self._lock = threading.Lock()
        self._hold_after: int | None = None
        self._controller: Controller | None = None

    @property
    def is_up(self) -> bool:
        return self._controller is not None

    def up(self) -> None:
        if self._controller is None:
            controller = Controller(self, hostname=self.host, port=self.port)
            controller.start()
            self._controller = controller

    def down(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def hold(self, *, after: int = 0) -> None:
        self._hold_after = after

    def release(self) -> None:
        self._hold_after = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd's hook
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            hold = self._hold_after is not None and len(self.received) >= self._hold_after
            self.received.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message,
                                              time.time()))
            self.held += hold
        if hold:
            try:
                while self._hold_after is not None:
                    await asyncio.sleep(0.01)
            finally:
                with self._lock:
                    self.held -= 1
        return "250 Message accepted for delivery"

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.received)

    def messages(self) -> list[ReceivedMail]:
        with self._lock:
            return list(self.received)

    def key_counts(self) -> Counter[str]:
        """How many times each delivery arrived, whether alone or in a grouped email."""
        return Counter(key for mail in self.messages() for key in mail.delivery_keys)


# --- webhooks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceivedPost:
    key: str
    signature: str
    signature_valid: bool
    payload: dict[str, Any]
    answered: int
    arrived_at: float  # time.time() when the post came in


class WebhookReceiver:
    """A local HTTP endpoint that checks X-Commsplan-Signature against the secret it was given.

    Mode "ok" answers 204 to a valid signature, "error" answers 500, "hang" waits `hang_seconds`
    (longer than the sender's timeout) before answering, "garbage" answers with something that is
    not HTTP at all. A bad signature always gets 401. Each post is recorded as it arrives, with the
    answer it is given (0 for garbage).
    """

    def __init__(self) -> None:
        self.secret = ""
        self.mode = "ok"
        self.hang_seconds = 2.0
        self.received: list[ReceivedPost] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", free_port()), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="webhook-receiver",
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/hooks/commsplan"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def posts(self) -> list[ReceivedPost]:
        with self._lock:
            return list(self.received)

    def verify(self, body: bytes, signature: str) -> bool:
        expected = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        return bool(self.secret) and hmac.compare_digest(expected, signature)

    def answer_for(self, body: bytes, signature: str) -> int:
        if not self.verify(body, signature):
            return 401
        return {"error": 500, "garbage": 0}.get(self.mode, 204)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's hook
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                signature = self.headers.get(SIGNATURE_HEADER, "")
                status = receiver.answer_for(body, signature)
                with receiver._lock:
                    receiver.received.append(ReceivedPost(
                        key=self.headers.get(KEY_HEADER, ""), signature=signature,
                        signature_valid=receiver.verify(body, signature), payload=json.loads(body),
                        answered=status, arrived_at=time.time()))
                if receiver.mode == "hang":
                    receiver._stopping.wait(receiver.hang_seconds)
                try:
                    if status == 0:
                        self.wfile.write(b"SSH-2.0-OpenSSH_9.2\r\n")
                        return
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender gave up waiting (the "hang" mode)

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler
