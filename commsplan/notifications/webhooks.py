"""Webhook targets (a team's chat or pager) and sending a delivery again by hand."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import User
from commsplan.errors import Conflict, NotFound, ValidationError
from commsplan.notifications.models import Delivery, DeliveryStatus, WebhookTarget
from commsplan.notifications.service import wake_dispatchers
from commsplan.reference.models import BusinessUnit


def check_webhook_url(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number 0–65535)
    except ValueError:
        return "Enter a web address like https://chat.example.org/hooks/abc"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Enter a web address starting with http:// or https://"
    if len(url) > 500:
        return "The web address must be 500 characters or fewer"
    return None


def _check_target(session: Session, values: Mapping[str, object], target: WebhookTarget | None) -> None:
    errors: dict[str, list[str]] = {}
    name = str(values.get("name") or "").strip()
    if not name:
        errors["name"] = ["Enter a name for the webhook"]
    else:
        clash = select(WebhookTarget.id).where(func.lower(WebhookTarget.name) == name.lower())
        if target is not None:
            clash = clash.where(WebhookTarget.id != target.id)
        if session.scalar(clash) is not None:
            errors["name"] = ["Another webhook already has this name"]
    if problem := check_webhook_url(str(values.get("url") or "")):
        errors["url"] = [problem]
    unit_id = values.get("business_unit_id")
    if unit_id is not None and session.get(BusinessUnit, unit_id) is None:
        errors["business_unit_id"] = ["Select a business unit from the list"]
    if errors:
        raise ValidationError(errors)


def create_webhook(
    session: Session, *, values: Mapping[str, object], actor: User, now: datetime
) -> WebhookTarget:
    """Add a webhook target with a new random signing secret."""
    _check_target(session, values, None)
    target = WebhookTarget(
        name=str(values["name"]).strip(), url=str(values["url"]).strip(),
        business_unit_id=values.get("business_unit_id"), urgent_only=bool(values.get("urgent_only")),
        is_active=bool(values.get("is_active", True)), secret=secrets.token_urlsafe(32),
        created_at=now, updated_at=now)
    audit.add_audited(session, target, actor=actor, now=now)
    return target


def update_webhook(
    session: Session, target: WebhookTarget, *, values: Mapping[str, object], actor: User,
    now: datetime,
) -> None:
    _check_target(session, values, target)
    cleaned = {"name": str(values["name"]).strip(), "url": str(values["url"]).strip(),
               "business_unit_id": values.get("business_unit_id"),
               "urgent_only": bool(values.get("urgent_only")),
               "is_active": bool(values.get("is_active", True))}
    audit.update_audited(session, target, cleaned, actor=actor, now=now)


def get_webhook(session: Session, target_id: int) -> WebhookTarget:
    target = session.get(WebhookTarget, target_id)
    if target is None:
        raise NotFound("No such webhook")
    return target


def resend(session: Session, delivery: Delivery, *, actor: User, now: datetime) -> None:
    """Try a failed delivery again now, with a fresh set of attempts."""
    if delivery.status is not DeliveryStatus.FAILED:
        raise Conflict("Only failed deliveries can be sent again")
    audit.update_audited(session, delivery, {"status": DeliveryStatus.PENDING, "attempts": 0,
                                             "next_attempt_at": now}, actor=actor, now=now,
                         action="resend")
    wake_dispatchers(session)
