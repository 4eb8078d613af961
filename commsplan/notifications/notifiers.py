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

from commsplan.notifications.settings import DeliverySettings, MailSettings

SIGNATURE_HEADER = "X-Commsplan-Signature"
BODY_CHARSET = Charset("utf-8")
BODY_CHARSET.body_encoding = QP  # readable in the raw message, unlike base64
KEY_HEADER = "X-Commsplan-Idempotency-Key"


class NotifierError(Exception):
    """Sending failed; the message says why, for the delivery log."""


@dataclass(frozen=True)
class Outgoing:
    """Everything needed to send one delivery, gathered while it was claimed."""

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
    claim_token: str = ""


def message_id(key: str) -> str:
    """A stable Message-ID per idempotency key, so a mail server or client can drop a repeat."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@commsplan.invalid>"


def build_email(outgoing: Outgoing, settings: DeliverySettings) -> MIMEText:
    """A plain-text email. The compat32 MIME classes are used because they are several times
    faster to build than EmailMessage, which matters when a backlog is being cleared."""
    url = settings.base_url + outgoing.link
    lines = [f"{outgoing.kind_label}: {outgoing.title}", f"Due: {outgoing.due_at}", ""]
    if outgoing.body:
        lines += [outgoing.body, ""]
    lines += [f"Open it in Commsplan: {url}", "",
              "You get this email because of your notification settings in Commsplan."]
    message = MIMEText("\n".join(lines), "plain", BODY_CHARSET)  # type: ignore[arg-type]
    subject = f"{'[Urgent] ' if outgoing.urgency == 'urgent' else ''}{outgoing.title}"
    message["Subject"] = Header(subject, "utf-8").encode()
    message["From"] = settings.mail.sender
    message["To"] = formataddr((str(Header(outgoing.name, "utf-8")), outgoing.email)) \
        if outgoing.name else outgoing.email
    message["Message-ID"] = message_id(outgoing.key)
    message["Date"] = formatdate(localtime=False)
    message[KEY_HEADER] = outgoing.key
    return message


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


def send_email(outgoing: Outgoing, settings: DeliverySettings) -> None:
    """Send over the thread's connection, reconnecting once if the server dropped it."""
    message = build_email(outgoing, settings)
    for attempt in (1, 2):
        try:
            _connection(settings.mail).send_message(message)
            return
        except smtplib.SMTPServerDisconnected as error:
            close_connections()
            if attempt == 2:
                raise NotifierError(f"Email to {outgoing.email} failed: {error}") from error
        except (OSError, smtplib.SMTPException) as error:
            close_connections()
            raise NotifierError(f"Email to {outgoing.email} failed: {error}") from error


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


def send(outgoing: Outgoing, settings: DeliverySettings) -> None:
    if outgoing.channel == "email":
        send_email(outgoing, settings)
    elif outgoing.channel == "webhook":
        post_webhook(outgoing.webhook_url, outgoing.webhook_secret,
                     webhook_payload(outgoing, settings), outgoing.key, settings.webhook_timeout)
    else:
        raise NotifierError(f"No notifier for channel {outgoing.channel}")
