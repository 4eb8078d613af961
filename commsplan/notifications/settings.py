"""Delivery settings, read once from the app config and passed to services as a value."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from commsplan.config import ConfigError
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
    lease: timedelta = timedelta(seconds=30)
    batch_size: int = 500
    email_senders: int = 4
    webhook_senders: int = 4
    webhook_senders_per_target: int = 2
    email_group_max: int = 20
    poll: timedelta = timedelta(seconds=1)

    def backoff(self, attempts: int) -> timedelta:
        """Wait before attempt number `attempts + 1`: doubling from the base, capped."""
        return min(self.retry_base * (2 ** min(max(attempts - 1, 0), 30)), self.retry_cap)

    @property
    def heartbeat(self) -> timedelta:
        """How often a sender renews its leases: three chances before one lapses."""
        return self.lease / 3

    def with_holidays(self, days: Iterable[date]) -> DeliverySettings:
        return replace(self, working_hours=self.working_hours.with_holidays(days))


# (setting, lowest, highest): numbers outside these are configuration mistakes, refused at start.
LIMITS: tuple[tuple[str, float, float], ...] = (
    ("MAIL_TIMEOUT_SECONDS", 0.1, 600), ("WEBHOOK_TIMEOUT_SECONDS", 0.1, 600),
    ("NOTIFY_MAX_ATTEMPTS", 1, 100), ("NOTIFY_RETRY_BASE_SECONDS", 1, 86_400),
    ("NOTIFY_RETRY_CAP_SECONDS", 1, 7 * 86_400), ("NOTIFY_LATE_AFTER_SECONDS", 0, 86_400),
    ("NOTIFY_LEASE_SECONDS", 0.5, 3_600), ("NOTIFY_BATCH_SIZE", 1, 5_000),
    ("NOTIFY_EMAIL_SENDERS", 1, 32), ("NOTIFY_WEBHOOK_SENDERS", 1, 32),
    ("NOTIFY_WEBHOOK_SENDERS_PER_TARGET", 1, 32), ("NOTIFY_EMAIL_GROUP_MAX", 1, 100),
    ("SCHEDULER_POLL_SECONDS", 0.05, 60),
)


def number(config: dict[str, Any], name: str) -> float:
    low, high = next((low, high) for setting, low, high in LIMITS if setting == name)
    try:
        value = float(config[name])
    except (TypeError, ValueError):
        raise ConfigError(f"COMMSPLAN_{name} must be a number, not {config[name]!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"COMMSPLAN_{name} must be between {low:g} and {high:g}, not {value:g}")
    return value


def delivery_settings(config: dict[str, Any], holidays: Iterable[date] = ()) -> DeliverySettings:
    """Settings from the app config; the app refuses to start when they cannot work."""
    values = {name: number(config, name) for name, _, _ in LIMITS}
    mail = MailSettings(
        host=str(config["MAIL_HOST"]), port=int(config["MAIL_PORT"]),
        starttls=bool(config["MAIL_STARTTLS"]), username=str(config["MAIL_USERNAME"]),
        password=str(config["MAIL_PASSWORD"]), sender=str(config["MAIL_SENDER"]),
        timeout=values["MAIL_TIMEOUT_SECONDS"],
    )
    longest_send = max(mail.timeout, values["WEBHOOK_TIMEOUT_SECONDS"])
    if values["NOTIFY_LEASE_SECONDS"] <= longest_send:
        raise ConfigError(
            f"COMMSPLAN_NOTIFY_LEASE_SECONDS ({values['NOTIFY_LEASE_SECONDS']:g}) must be longer than "
            f"the longest send it covers (mail or webhook timeout, {longest_send:g} s)")
    return DeliverySettings(
        working_hours=working_hours_from_config(config).with_holidays(holidays),
        base_url=str(config["BASE_URL"]).rstrip("/"),
        mail=mail,
        webhook_timeout=values["WEBHOOK_TIMEOUT_SECONDS"],
        max_attempts=int(values["NOTIFY_MAX_ATTEMPTS"]),
        retry_base=timedelta(seconds=values["NOTIFY_RETRY_BASE_SECONDS"]),
        retry_cap=timedelta(seconds=values["NOTIFY_RETRY_CAP_SECONDS"]),
        late_after=timedelta(seconds=values["NOTIFY_LATE_AFTER_SECONDS"]),
        lease=timedelta(seconds=values["NOTIFY_LEASE_SECONDS"]),
        batch_size=int(values["NOTIFY_BATCH_SIZE"]),
        email_senders=int(values["NOTIFY_EMAIL_SENDERS"]),
        webhook_senders=int(values["NOTIFY_WEBHOOK_SENDERS"]),
        webhook_senders_per_target=int(values["NOTIFY_WEBHOOK_SENDERS_PER_TARGET"]),
        email_group_max=int(values["NOTIFY_EMAIL_GROUP_MAX"]),
        poll=timedelta(seconds=values["SCHEDULER_POLL_SECONDS"]),
    )
