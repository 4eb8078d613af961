"""Migrations build the same schema as the models, and upgrades keep existing rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from bench.common import throwaway_database
from commsplan import create_app
from commsplan.extensions import db
from tests.conftest import app_settings

FIRST_REVISION = "0001_accounts_and_audit"


@pytest.fixture
def empty_database(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A database with no tables: a new SQLite file, or a new schema on PostgreSQL."""
    with throwaway_database(database_url, tmp_path, "migrations") as url:
        yield url


def test_migrations_match_the_models(empty_database: str, instance_dir: str) -> None:
    app = create_app(app_settings(empty_database, instance_dir))
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.session.remove()
        db.engine.dispose()
    assert differences == []


def test_upgrading_an_earlier_database_keeps_its_rows(empty_database: str, instance_dir: str) -> None:
    app = create_app(app_settings(empty_database, instance_dir))
    with app.app_context():
        flask_migrate.upgrade(revision=FIRST_REVISION)
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO users (email, name, password_hash, is_active, created_at, updated_at) "
                "VALUES ('early@example.test', 'Early Adopter', 'x', true, '2026-04-01 09:00:00', "
                "'2026-04-01 09:00:00')"))
            connection.execute(text(
                "INSERT INTO user_roles (user_id, role) "
                "SELECT id, 'comms_officer' FROM users WHERE email = 'early@example.test'"))
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT u.name, r.role FROM users u JOIN user_roles r ON r.user_id = u.id")).all()
            tables = set(db.inspect(connection).get_table_names())
        db.session.remove()
        db.engine.dispose()
    assert [tuple(row) for row in rows] == [("Early Adopter", "comms_officer")]
    assert {"violence_elements", "qualifiers", "business_units"} <= tables
