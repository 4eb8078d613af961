"""Sending: SMTP email and signed webhook posts. Each carries the delivery's idempotency key."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import smtplib
import ssl
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.charset import QP, Charset
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate
from typing import Any

from commsplan.notifications.kinds import subject_prefix
from commsplan.notifications.settings import DeliverySettings, MailSettings

SIGNATURE_HEADER = "X-Commsplan-Signature"
DELIVERIES_HEADER = "X-Commsplan-Deliveries"  # every delivery key an email carries
BODY_CHARSET = Charset("utf-8")
BODY_CHARSET.body_encoding = QP  # readable in the raw message, unlike base64
KEY_HEADER = "X-Commsplan-Idempotency-Key"


class NotifierError(Exception):
    """Sending failed; the message says why, for the delivery log."""


@dataclass(frozen=True)
class Outgoing:
    """Everything needed to send one delivery, gathered when it was claimed."""

    delivery_id: int
    key: str
    channel: str
    kind: str
    kind_label: str
    urgency: str
    title: str
    link: str
    body: str
    due_at: str
    late: bool
    email: str = ""
    name: str = ""
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_target_id: int | None = None

    @property
    def subject(self) -> str:
        return subject_prefix(self.kind) + self.title


@dataclass(frozen=True)
class Message:
    """What goes out in one send: one webhook post, or one email carrying one person's deliveries
    that fell due together (most urgent first), so a burst arrives as one email, not nine."""

    channel: str
    items: tuple[Outgoing, ...]

    @property
    def key(self) -> str:
        """The first item's key when alone; for a group, one derived from all of them."""
        if len(self.items) == 1:
            return self.items[0].key
        joined = "\n".join(sorted(item.key for item in self.items))
        return f"group:{hashlib.sha256(joined.encode()).hexdigest()[:40]}"

    @property
    def urgent(self) -> bool:
        return any(item.urgency == "urgent" for item in self.items)


def message_id(key: str) -> str:
    """A stable Message-ID per idempotency key, so a mail server or client can drop a repeat."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@commsplan.invalid>"


def due_line(item: Outgoing) -> str:
    return f"Due: {item.due_at}{' (this reminder is late)' if item.late else ''}"


def open_line(item: Outgoing, settings: DeliverySettings) -> str:
    return f"Open it in Commsplan: {settings.base_url + item.link}"


def email_text(message: Message, settings: DeliverySettings) -> str:
    """One reminder as before; several as a numbered list, most urgent first."""
    if len(message.items) == 1:
        item = message.items[0]
        lines = [f"{item.kind_label}: {item.title}", due_line(item), ""]
        lines += [item.body, ""] if item.body else []
        lines.append(open_line(item, settings))
    else:
        lines = [f"You have {len(message.items)} reminders from Commsplan, most urgent first.", ""]
        for number, item in enumerate(message.items, start=1):
            details = [due_line(item), *item.body.splitlines(), open_line(item, settings)]
            lines += [f"{number}. {item.kind_label}: {item.title}", *(f"   {line}" for line in details), ""]
        lines.pop()
    return "\n".join(lines + ["", "You get this email because of your notification settings in Commsplan."])


def build_email(message: Message, settings: DeliverySettings) -> MIMEText:
    """A plain-text email. The compat32 MIME classes are used because they are several times
    faster to build than EmailMessage, which matters when a backlog is being cleared."""
    first, others = message.items[0], len(message.items) - 1
    email = MIMEText(email_text(message, settings), "plain", BODY_CHARSET)  # type: ignore[arg-type]
    more = f" (and {others} more)" if others else ""
    subject = " ".join(f"{'[Urgent] ' if message.urgent else ''}{first.subject}{more}".split())
    email["Subject"] = Header(subject, "utf-8", header_name="Subject")  # type: ignore[assignment]
    email["From"] = settings.mail.sender
    email["To"] = formataddr((str(Header(first.name, "utf-8")), first.email)) if first.name else first.email
    email["Message-ID"] = message_id(message.key)
    email["Date"] = formatdate(localtime=False)
    email[KEY_HEADER] = message.key
    email[DELIVERIES_HEADER] = ", ".join(item.key for item in message.items)
    return email


_local = threading.local()


def _connection(mail: MailSettings) -> smtplib.SMTP:
    """This thread's open SMTP connection for these settings, opened on first use."""
    key = (mail.host, mail.port, mail.username, mail.starttls)
    if getattr(_local, "key", None) != key:
        close_connections()
    if getattr(_local, "smtp", None) is None:
        smtp = smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout)
        if mail.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if mail.username:
            smtp.login(mail.username, mail.password)
        _local.smtp, _local.key = smtp, key
    connection: smtplib.SMTP = _local.smtp
    return connection


def close_connections() -> None:
    """Close this thread's SMTP connection; the dispatcher calls it after each run."""
    smtp, _local.smtp, _local.key = getattr(_local, "smtp", None), None, None
    if smtp is not None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def send_email(message: Message, settings: DeliverySettings) -> None:
    """Send over the thread's connection, reconnecting once if the server dropped it."""
    email = build_email(message, settings)
    address = message.items[0].email
    for attempt in (1, 2):
        try:
            _connection(settings.mail).send_message(email)
            return
        except smtplib.SMTPServerDisconnected as error:
            close_connections()
            if attempt == 2:
                raise NotifierError(f"Email to {address} failed: {error}") from error
        except (OSError, smtplib.SMTPException) as error:
            close_connections()
            raise NotifierError(f"Email to {address} failed: {error}") from error


def webhook_payload(outgoing: Outgoing, settings: DeliverySettings) -> dict[str, Any]:
    return {
        "idempotency_key": outgoing.key,
        "kind": outgoing.kind,
        "kind_label": outgoing.kind_label,
        "urgency": outgoing.urgency,
        "title": outgoing.title,
        "text": f"{outgoing.kind_label}: {outgoing.title} (due {outgoing.due_at})",
        "body": outgoing.body,
        "due_at": outgoing.due_at,
        "late": outgoing.late,
        "url": settings.base_url + outgoing.link,
    }


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would be followed as a GET without the body: report it instead."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> None:
        raise urllib.error.HTTPError(req.full_url, code, f"{msg} (redirect to {newurl} not followed)",
                                     headers, fp)


_WEBHOOK_OPENER = urllib.request.build_opener(_RefuseRedirects)


def post_webhook(url: str, secret: str, payload: dict[str, Any], key: str, timeout: float) -> None:
    """POST signed JSON; anything but a 2xx answer within `timeout` is a failure."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "Commsplan-Webhook/1",
        SIGNATURE_HEADER: sign(secret, body), KEY_HEADER: key})
    try:
        with _WEBHOOK_OPENER.open(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        error.close()
        raise NotifierError(f"Webhook answered HTTP {error.code} {error.reason}") from error
    except (OSError, ValueError) as error:
        raise NotifierError(f"Webhook could not be reached: {error}") from error
    except http.client.HTTPException as error:  # not urllib's to wrap: it would stop the whole batch
        raise NotifierError(f"Webhook did not answer in HTTP: {error!r}") from error
    if not 200 <= status < 300:
        raise NotifierError(f"Webhook answered HTTP {status}")


def send(message: Message, settings: DeliverySettings) -> None:
    """Send one message by its channel; anything but success raises NotifierError."""
    if message.channel == "email":
        send_email(message, settings)
    elif message.channel == "webhook" and len(message.items) == 1:
        item = message.items[0]
        post_webhook(item.webhook_url, item.webhook_secret, webhook_payload(item, settings), item.key,
                     settings.webhook_timeout)
    else:
        raise NotifierError(f"No notifier for channel {message.channel}")
