"""Configuration: safe defaults, then instance/config.py, then COMMSPLAN_* environment, then tests."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import uuid
from datetime import timedelta
from typing import Any

from flask import Flask

ENVIRONMENTS = ("development", "testing", "production")
WEAK_SECRET_KEYS = {"", "dev", "change-me", "secret"}
MIN_SECRET_KEY_LENGTH = 24
PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIN_DECISION_LOG_SECRET_LENGTH = 32
DECISION_LOG_KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,40}")
CHECKPOINT_FILE_NAME = "decision-log-checkpoints.jsonl"


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
        # A sign-in session ends after this long unused, and after this long however busy
        "SESSION_IDLE_MINUTES": 480,
        "SESSION_MAX_HOURS": 168,
        # How many proxies (TLS terminator, load balancer) stand in front of the app and add
        # X-Forwarded-For/-Proto/-Host; 0 trusts none of those headers
        "TRUSTED_PROXIES": 0,
        "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,
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
        # The decision log: key id → secret (old keys stay, to check old entries), the key that signs
        # new entries, and the append-only file of signed checkpoints kept outside the database.
        # Outside production an empty mapping means a key derived from SECRET_KEY.
        "DECISION_LOG_KEYS": {},
        "DECISION_LOG_KEY_ID": "local",
        "DECISION_LOG_CHECKPOINT_FILE": "",
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
    fill_decision_log_defaults(app.config, app.instance_path)
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
    validate_whole_numbers(config)
    validate_decision_log(config)


WHOLE_NUMBER_SETTINGS = {"SESSION_IDLE_MINUTES": 1, "SESSION_MAX_HOURS": 1, "TRUSTED_PROXIES": 0,
                         "MAX_CONTENT_LENGTH": 1024}


def validate_whole_numbers(config: dict[str, Any]) -> None:
    """Refuse a limit that is not a whole number, or below its least sensible value."""
    for name, least in WHOLE_NUMBER_SETTINGS.items():
        value = config.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ConfigError(f"COMMSPLAN_{name} must be a whole number of at least {least}, not {value!r}")


def fill_decision_log_defaults(config: dict[str, Any], instance_path: str) -> None:
    """The checkpoint file's place, and outside production a signing key derived from SECRET_KEY.

    Under ENV=testing each app gets a checkpoint file of its own: test databases are emptied
    between tests, which a shared file would rightly report as deleted entries.
    """
    if not config.get("DECISION_LOG_CHECKPOINT_FILE"):
        name = CHECKPOINT_FILE_NAME
        if config.get("ENV") == "testing":
            name = f"decision-log-checkpoints-{uuid.uuid4().hex[:12]}.jsonl"
        config["DECISION_LOG_CHECKPOINT_FILE"] = os.path.join(instance_path, name)
    key_id = config.get("DECISION_LOG_KEY_ID")
    if isinstance(key_id, int) and not isinstance(key_id, bool):  # COMMSPLAN_DECISION_LOG_KEY_ID=2026
        config["DECISION_LOG_KEY_ID"] = key_id = str(key_id)
    if config.get("ENV") != "production" and not config.get("DECISION_LOG_KEYS") and isinstance(key_id, str):
        secret = str(config.get("SECRET_KEY") or "").encode()
        derived = hmac.new(secret, b"commsplan decision log", hashlib.sha256).hexdigest()
        config["DECISION_LOG_KEYS"] = {key_id: derived}


def validate_decision_log(config: dict[str, Any]) -> None:
    """Refuse to run without a key to sign decision-log entries; production needs a real one."""
    keys, key_id = config.get("DECISION_LOG_KEYS"), config.get("DECISION_LOG_KEY_ID")
    example = '{"2026-1": "a random secret of at least 32 characters"}'
    if not isinstance(keys, dict) or not all(isinstance(k, str) and DECISION_LOG_KEY_ID_PATTERN.fullmatch(k)
                                             and isinstance(v, str) for k, v in keys.items()):
        raise ConfigError("Set COMMSPLAN_DECISION_LOG_KEYS to a JSON object of key ids (letters, digits, "
                          f"dots, dashes or underscores, up to 40) and their secrets, like {example}")
    held = keys.get(key_id) if isinstance(key_id, str) else None
    if config.get("ENV") == "production" and len(held or "") < MIN_DECISION_LOG_SECRET_LENGTH:
        raise ConfigError(
            f"Set COMMSPLAN_DECISION_LOG_KEYS to hold the key {key_id!r} (COMMSPLAN_DECISION_LOG_KEY_ID) "
            f"with a random secret of at least {MIN_DECISION_LOG_SECRET_LENGTH} characters before running "
            "in production. Keep old keys in it so that old entries can still be checked")
    if held is None:
        raise ConfigError(f"COMMSPLAN_DECISION_LOG_KEY_ID ({key_id!r}) must name one of the keys in "
                          f"COMMSPLAN_DECISION_LOG_KEYS, like {example}")
