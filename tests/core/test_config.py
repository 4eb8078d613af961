"""Configuration layers, production safety and database connection settings."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import text

from commsplan import create_app
from commsplan.config import ConfigError, normalise_database_url
from commsplan.extensions import db


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COMMSPLAN_INSTANCE_PATH", str(tmp_path))
    for name in list(os.environ):
        if name.startswith("COMMSPLAN_") and name != "COMMSPLAN_INSTANCE_PATH":
            monkeypatch.delenv(name)
    return tmp_path


def test_defaults_use_sqlite_in_the_instance_folder(instance: Path) -> None:
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'commsplan.sqlite3'}"
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_layers_apply_in_order(instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (instance / "config.py").write_text(
        "PAGE_SIZE = 10\nDISPLAY_TIMEZONE = 'UTC'\nINVITATION_VALID_DAYS = 3\n")
    monkeypatch.setenv("COMMSPLAN_PAGE_SIZE", "40")
    monkeypatch.setenv("COMMSPLAN_INVITATION_VALID_DAYS", "5")
    app = create_app({"INVITATION_VALID_DAYS": 9})
    assert app.config["DISPLAY_TIMEZONE"] == "UTC"  # instance file over defaults
    assert app.config["PAGE_SIZE"] == 40  # environment over instance file
    assert app.config["INVITATION_VALID_DAYS"] == 9  # test config over environment


def test_database_url_from_environment_uses_psycopg(instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMSPLAN_DATABASE_URL", "postgresql://app:pw@db.internal:5432/commsplan")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app:pw@db.internal:5432/commsplan"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_normalise_database_url(url: str, expected: str) -> None:
    assert normalise_database_url(url) == expected


@pytest.mark.parametrize("key", [None, "dev", "", "short-key"])
def test_production_refuses_a_weak_secret_key(instance: Path, key: str | None) -> None:
    settings = {"ENV": "production"} | ({"SECRET_KEY": key} if key is not None else {})
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(settings)


PRODUCTION = {"ENV": "production", "SECRET_KEY": "k" * 40, "DECISION_LOG_KEYS": {"2026-1": "d" * 32},
              "DECISION_LOG_KEY_ID": "2026-1"}


def test_production_with_a_real_key_sets_secure_cookies(instance: Path) -> None:
    app = create_app(PRODUCTION)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_environment_variable_selects_production(instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMSPLAN_ENV", "production")
    with pytest.raises(ConfigError):
        create_app()


def test_unknown_environment_is_refused(instance: Path) -> None:
    with pytest.raises(ConfigError, match="COMMSPLAN_ENV"):
        create_app({"ENV": "staging"})


def test_sqlite_connections_enforce_foreign_keys_wal_and_busy_timeout(instance: Path) -> None:
    app = create_app({"SQLITE_BUSY_TIMEOUT_MS": 7000})
    with app.app_context():
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 7000
        db.session.remove()
        db.engine.dispose()


# --- The decision log's signing keys and checkpoint file ----------------------------------------

@pytest.mark.parametrize("changes", [
    {"DECISION_LOG_KEYS": {}},  # no key: outside production one is derived, but never here
    {"DECISION_LOG_KEYS": {"2026-1": "d" * 31}},
    {"DECISION_LOG_KEYS": {"2025-1": "d" * 40}},  # the current key id is not among them
    {"DECISION_LOG_KEY_ID": "2027-1"},
])
def test_production_refuses_a_missing_or_short_decision_log_key(instance: Path, changes: dict[str, object]
                                                               ) -> None:
    with pytest.raises(ConfigError, match="DECISION_LOG_KEYS to hold the key .* at least 32 characters"):
        create_app(PRODUCTION | changes)


@pytest.mark.parametrize("keys", ["not json", ["2026-1"], {"2026-1": 7}, {"two words": "d" * 32}])
def test_decision_log_keys_must_be_key_ids_and_secrets(instance: Path, keys: object) -> None:
    with pytest.raises(ConfigError, match="JSON object of key ids"):
        create_app({"DECISION_LOG_KEYS": keys})


def test_the_current_key_id_must_be_one_of_the_keys(instance: Path) -> None:
    with pytest.raises(ConfigError, match="DECISION_LOG_KEY_ID .* must name one of the keys"):
        create_app({"DECISION_LOG_KEYS": {"2026-1": "short is fine in development"}})


def test_production_keys_come_from_the_environment_as_json(instance: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMSPLAN_ENV", "production")
    monkeypatch.setenv("COMMSPLAN_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("COMMSPLAN_DECISION_LOG_KEYS", json.dumps({"2026": "o" * 32, "2027": "n" * 32}))
    monkeypatch.setenv("COMMSPLAN_DECISION_LOG_KEY_ID", "2027")  # arrives as the number 2027
    app = create_app()
    assert app.config["DECISION_LOG_KEYS"] == {"2026": "o" * 32, "2027": "n" * 32}
    assert app.config["DECISION_LOG_KEY_ID"] == "2027"
    assert app.config["DECISION_LOG_CHECKPOINT_FILE"] == str(instance / "decision-log-checkpoints.jsonl")


def test_development_derives_a_key_from_the_secret_key(instance: Path) -> None:
    app = create_app({"SECRET_KEY": "one"})
    keys = app.config["DECISION_LOG_KEYS"]
    assert list(keys) == ["local"] and len(keys["local"]) == 64
    assert keys != create_app({"SECRET_KEY": "two"}).config["DECISION_LOG_KEYS"]
    assert keys == create_app({"SECRET_KEY": "one"}).config["DECISION_LOG_KEYS"]
    assert app.config["DECISION_LOG_CHECKPOINT_FILE"] == str(instance / "decision-log-checkpoints.jsonl")


def test_each_test_app_gets_its_own_checkpoint_file(instance: Path) -> None:
    first, second = (create_app({"ENV": "testing"}).config["DECISION_LOG_CHECKPOINT_FILE"] for _ in range(2))
    assert first != second and Path(first).parent == Path(second).parent == instance
    chosen = str(instance / "chosen.jsonl")
    assert create_app({"ENV": "testing", "DECISION_LOG_CHECKPOINT_FILE": chosen}).config[
        "DECISION_LOG_CHECKPOINT_FILE"] == chosen
