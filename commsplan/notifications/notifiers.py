"""Sending: SMTP email and signed webhook posts. Each carries the delivery's idempotency key."""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from commsplan.notifications.settings import DeliverySettings, MailSettings

SIGNATURE_HEADER = "X-Commsplan-Signature"
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


def message_id(key: str) -> str:
    """A stable Message-ID per idempotency key, so a mail server or client can drop a repeat."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@commsplan.invalid>"


def build_email(outgoing: Outgoing, settings: DeliverySettings) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"{'[Urgent] ' if outgoing.urgency == 'urgent' else ''}{outgoing.title}"
    message["From"] = settings.mail.sender
    message["To"] = f"{outgoing.name} <{outgoing.email}>" if outgoing.name else outgoing.email
    message["Message-ID"] = message_id(outgoing.key)
    message[KEY_HEADER] = outgoing.key
    url = settings.base_url + outgoing.link
    lines = [f"{outgoing.kind_label}: {outgoing.title}", f"Due: {outgoing.due_at}", ""]
    if outgoing.body:
        lines += [outgoing.body, ""]
    lines += [f"Open it in Commsplan: {url}", "",
              "You get this email because of your notification settings in Commsplan."]
    message.set_content("\n".join(lines))
    return message


def send_email(outgoing: Outgoing, settings: DeliverySettings) -> None:
    message = build_email(outgoing, settings)
    mail: MailSettings = settings.mail
    try:
        with smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout) as smtp:
            if mail.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if mail.username:
                smtp.login(mail.username, mail.password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
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


def post_webhook(url: str, secret: str, payload: dict[str, Any], key: str, timeout: float) -> None:
    """POST signed JSON; anything but a 2xx answer within `timeout` is a failure."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "Commsplan-Webhook/1",
        SIGNATURE_HEADER: sign(secret, body), KEY_HEADER: key})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http/https checked on save)
            status = response.status
    except urllib.error.HTTPError as error:
        raise NotifierError(f"Webhook answered HTTP {error.code} {error.reason}") from error
    except (OSError, ValueError) as error:
        raise NotifierError(f"Webhook could not be reached: {error}") from error
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
