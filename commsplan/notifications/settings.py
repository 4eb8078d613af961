"""Delivery settings, read once from the app config and passed to services as a value."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from commsplan.notifications.workhours import WorkingHours, working_hours_from_config


@dataclass(frozen=True)
class MailSettings:
    host: str = "127.0.0.1"
    port: int = 25
    starttls: bool = False
    username: str = ""
    password: str = ""
    sender: str = "Commsplan <commsplan@localhost>"
    timeout: float = 10.0


@dataclass(frozen=True)
class DeliverySettings:
    working_hours: WorkingHours = field(default_factory=WorkingHours)
    base_url: str = "http://127.0.0.1:5000"
    mail: MailSettings = field(default_factory=MailSettings)
    webhook_timeout: float = 5.0
    max_attempts: int = 5
    retry_base: timedelta = timedelta(seconds=30)
    retry_cap: timedelta = timedelta(hours=1)
    late_after: timedelta = timedelta(seconds=60)
    claim_timeout: timedelta = timedelta(minutes=5)
    batch_size: int = 50

    def backoff(self, attempts: int) -> timedelta:
        """Wait before attempt number `attempts + 1`: doubling from the base, capped."""
        return min(self.retry_base * (2 ** max(attempts - 1, 0)), self.retry_cap)


def delivery_settings(config: dict[str, Any]) -> DeliverySettings:
    mail = MailSettings(
        host=str(config["MAIL_HOST"]), port=int(config["MAIL_PORT"]),
        starttls=bool(config["MAIL_STARTTLS"]), username=str(config["MAIL_USERNAME"]),
        password=str(config["MAIL_PASSWORD"]), sender=str(config["MAIL_SENDER"]),
        timeout=float(config["MAIL_TIMEOUT_SECONDS"]),
    )
    return DeliverySettings(
        working_hours=working_hours_from_config(config),
        base_url=str(config["BASE_URL"]).rstrip("/"),
        mail=mail,
        webhook_timeout=float(config["WEBHOOK_TIMEOUT_SECONDS"]),
        max_attempts=int(config["NOTIFY_MAX_ATTEMPTS"]),
        retry_base=timedelta(seconds=float(config["NOTIFY_RETRY_BASE_SECONDS"])),
        retry_cap=timedelta(seconds=float(config["NOTIFY_RETRY_CAP_SECONDS"])),
        late_after=timedelta(seconds=float(config["NOTIFY_LATE_AFTER_SECONDS"])),
        claim_timeout=timedelta(seconds=float(config["NOTIFY_CLAIM_TIMEOUT_SECONDS"])),
        batch_size=int(config["NOTIFY_BATCH_SIZE"]),
    )
