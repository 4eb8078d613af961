"""Configuration: safe defaults, then instance/config.py, then COMMSPLAN_* environment, then tests."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from flask import Flask

ENVIRONMENTS = ("development", "testing", "production")
WEAK_SECRET_KEYS = {"", "dev", "change-me", "secret"}
MIN_SECRET_KEY_LENGTH = 24
PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the app refuses to start."""


def default_config(instance_path: str) -> dict[str, Any]:
    """Settings that are safe for a developer's machine; production must override SECRET_KEY."""
    sqlite_path = os.path.join(instance_path, "commsplan.sqlite3")
    return {
        "ENV": "development",
        "SECRET_KEY": "dev",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{sqlite_path}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "WTF_CSRF_TIME_LIMIT": None,
        "DISPLAY_TIMEZONE": "Europe/London",
        "PAGE_SIZE": 25,
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
        "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
        "LOGIN_FAILURE_WINDOW_MINUTES": 15,
        "INVITATION_VALID_DAYS": 7,
        "SQLITE_BUSY_TIMEOUT_MS": 5000,
        # Reminders and notifications
        "BASE_URL": "http://127.0.0.1:5000",
        "MAIL_HOST": "127.0.0.1",
        "MAIL_PORT": 25,
        "MAIL_STARTTLS": False,
        "MAIL_USERNAME": "",
        "MAIL_PASSWORD": "",
        "MAIL_SENDER": "Commsplan <commsplan@localhost>",
        "MAIL_TIMEOUT_SECONDS": 10,
        "WEBHOOK_TIMEOUT_SECONDS": 5,
        "NOTIFY_MAX_ATTEMPTS": 5,
        "NOTIFY_RETRY_BASE_SECONDS": 30,
        "NOTIFY_RETRY_CAP_SECONDS": 3600,
        "NOTIFY_LATE_AFTER_SECONDS": 60,
        "NOTIFY_LEASE_SECONDS": 30,
        "NOTIFY_BATCH_SIZE": 500,
        "NOTIFY_EMAIL_SENDERS": 4,
        "NOTIFY_WEBHOOK_SENDERS": 4,
        "NOTIFY_WEBHOOK_SENDERS_PER_TARGET": 2,
        "NOTIFY_EMAIL_GROUP_MAX": 20,
        "SCHEDULER_POLL_SECONDS": 1,
        "DIGEST_TIME": "07:00",
        "WORKING_HOURS_START": "08:00",
        "WORKING_HOURS_END": "18:00",
        "WORKING_DAYS": [0, 1, 2, 3, 4],
        # Communication plans and the integrated plan
        "PLAN_ACTIVITY_REMINDER_DAYS": 7,
        "PLAN_MILESTONE_REMINDER_DAYS": 7,
        "PLAN_OVERLOAD_PER_WEEK": 3,
        "PLAN_GAP_PRIORITIES": 3,
        # Playbooks: one file per model response, read from this folder
        "PLAYBOOKS_DIR": os.path.join(PROJECT_DIR, "playbooks"),
    }


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Apply the configuration layers in order, then validate the result."""
    app.config.from_mapping(default_config(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("COMMSPLAN")
    if "DATABASE_URL" in app.config:
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if test_config is not None:
        app.config.from_mapping(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        str(app.config["SQLALCHEMY_DATABASE_URI"])
    )
    if app.config["ENV"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    validate_config(app.config)


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def validate_config(config: dict[str, Any]) -> None:
    """Refuse to run in production with a guessable secret key or an unknown environment."""
    env = config.get("ENV")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"COMMSPLAN_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    if env == "production":
        key = str(config.get("SECRET_KEY") or "")
        if key in WEAK_SECRET_KEYS or len(key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                "Set COMMSPLAN_SECRET_KEY (or SECRET_KEY in instance/config.py) to a random "
                f"value of at least {MIN_SECRET_KEY_LENGTH} characters before running in production"
            )
