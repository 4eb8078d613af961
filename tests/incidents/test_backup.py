"""`flask backup` and `flask restore`: a restored copy is the same, table by table, and its decision
logs still verify; anything but a Commsplan backup at the current migration is refused."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import func, select, text

from commsplan import create_app
from commsplan.auth.models import User
from commsplan.backup import current_revision
from commsplan.extensions import db
from commsplan.incidents.decision_chain import current_log_settings
from commsplan.incidents.decision_checks import verify_chain
from commsplan.incidents.models import DecisionEntry
from tests.conftest import FIXED_NOW, app_settings
from tests.factories import make_user

Tables = dict[str, list[tuple[Any, ...]]]
AppOn = Callable[[str], Flask]


@pytest.fixture
def app_on(tmp_path: Path, instance_dir: str) -> Iterator[AppOn]:
    """Apps on SQLite files of their own in tmp_path, sharing one decision-log checkpoint file, as the
    live app and its restored copy would."""
    made: list[Flask] = []

    def factory(name: str) -> Flask:
        app = create_app(app_settings(f"sqlite:///{tmp_path / name}", instance_dir,
                                      DECISION_LOG_CHECKPOINT_FILE=str(tmp_path / "checkpoints.jsonl")))
        made.append(app)
        return app

    yield factory
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def migrated(app: Flask) -> Flask:
    with app.app_context():
        flask_migrate.upgrade()
    return app


def run(app: Flask, *args: str) -> Any:
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def every_table(app: Flask) -> Tables:
    """Every row of every table the models and migrations know, in primary-key order."""
    with app.app_context():
        db.session.remove()
        with db.engine.connect() as connection:
            tables: Tables = {table.name: [tuple(row) for row in connection.execute(
                select(table).order_by(*table.primary_key.columns))] for table in db.metadata.sorted_tables}
            tables["alembic_version"] = [tuple(row) for row in connection.execute(
                text("SELECT version_num FROM alembic_version"))]
        return tables


def test_a_restored_copy_is_identical_table_by_table_and_its_decision_logs_verify(
    app_on: AppOn, tmp_path: Path
) -> None:
    live = migrated(app_on("live.sqlite3"))
    assert run(live, "demo", "load", "--commit").exit_code == 0
    copy = tmp_path / "backup.sqlite3"

    made = run(live, "backup", str(copy))

    assert made.exit_code == 0, made.output
    assert f"Backed up to {copy}" in made.output
    elsewhere = app_on("restored.sqlite3")  # a new machine: an empty file, not even migrated
    restored = run(elsewhere, "restore", str(copy), "--commit")
    assert restored.exit_code == 0, restored.output
    original = every_table(live)
    assert every_table(elsewhere) == original
    assert sum(map(len, original.values())) > 500 and original["incident_decisions"]
    with elsewhere.app_context():
        checked = verify_chain(db.session, settings=current_log_settings())
        assert checked.problems == []
        assert checked.entries == len(original["incident_decisions"]) == db.session.scalar(
            select(func.count()).select_from(DecisionEntry))
        assert checked.checkpoints >= checked.incidents > 0  # compared with the live app's anchors too
        # the check would see a change made to the copy behind the app's back
        db.session.execute(text("UPDATE incident_decisions SET decision = 'Rewritten later' WHERE id = 1"))
        db.session.commit()
        assert verify_chain(db.session, settings=current_log_settings()).problems


def test_restore_puts_back_the_database_as_it_was_at_the_backup(app_on: AppOn, tmp_path: Path) -> None:
    live = migrated(app_on("live.sqlite3"))
    with live.app_context():
        make_user(db.session, email="kept@example.test", now=FIXED_NOW)
        db.session.commit()
    assert run(live, "backup", str(tmp_path / "backup.sqlite3")).exit_code == 0
    at_backup = every_table(live)
    with live.app_context():
        make_user(db.session, email="later@example.test", now=FIXED_NOW)
        db.session.commit()

    checked = run(live, "restore", str(tmp_path / "backup.sqlite3"))
    assert "Dry run: nothing was replaced" in checked.output
    assert every_table(live) != at_backup
    assert run(live, "restore", str(tmp_path / "backup.sqlite3"), "--commit").exit_code == 0

    assert every_table(live) == at_backup
    with live.app_context():  # the app's own connections see the restored file
        assert db.session.scalars(select(User.email)).all() == ["kept@example.test"]


def not_sqlite(path: Path) -> None:
    path.write_text("name,email\nPat,pat@example.test\n")


def another_programs_database(path: Path) -> None:
    path.unlink()
    with closing(sqlite3.connect(path)) as other:
        other.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")


def at_another_migration(path: Path) -> None:
    with closing(sqlite3.connect(path)) as backup:
        backup.execute("UPDATE alembic_version SET version_num = '0012_resolved_inbox_items'")
        backup.commit()


@pytest.mark.parametrize(("spoil", "message"), [
    (lambda path: path.unlink(), "There is no file"),
    (not_sqlite, "is not a SQLite database"),
    (another_programs_database, "is not a Commsplan database"),
    (at_another_migration, f"is at migration 0012_resolved_inbox_items, not {current_revision()}"),
])
def test_restore_refuses_anything_but_a_commsplan_backup_at_the_current_migration(
    app_on: AppOn, tmp_path: Path, spoil: Callable[[Path], None], message: str
) -> None:
    live = migrated(app_on("live.sqlite3"))
    with live.app_context():
        make_user(db.session, now=FIXED_NOW)
        db.session.commit()
    bad = tmp_path / "bad.sqlite3"
    assert run(live, "backup", str(bad)).exit_code == 0
    spoil(bad)
    before = every_table(live)

    result = run(live, "restore", str(bad), "--commit")

    assert result.exit_code == 1
    assert message in result.stderr
    assert every_table(live) == before


def test_backup_never_overwrites_a_file(app_on: AppOn, tmp_path: Path) -> None:
    live = migrated(app_on("live.sqlite3"))
    existing = tmp_path / "existing.sqlite3"
    existing.write_text("precious")

    result = run(live, "backup", str(existing))

    assert result.exit_code == 1 and "already exists" in result.stderr
    assert existing.read_text() == "precious"


@pytest.mark.parametrize("command", [("backup", "copy.sqlite3"), ("restore", "copy.sqlite3", "--commit")])
def test_postgresql_is_pointed_at_pg_dump(instance_dir: str, tmp_path: Path,
                                          command: tuple[str, ...]) -> None:
    app = create_app(app_settings("postgresql+psycopg://nobody@127.0.0.1:9/none", instance_dir))

    result = run(app, command[0], str(tmp_path / command[1]), *command[2:])

    assert result.exit_code == 1
    assert "pg_dump -Fc" in result.stderr and "pg_restore" in result.stderr
    assert not (tmp_path / "copy.sqlite3").exists()
