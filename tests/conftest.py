"""Shared fixtures: an app on a clean database per test, a fixed clock, signed-in clients."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import event, exists, literal, make_url, select, text, union_all

from bench.common import throwaway_database
from commsplan import create_app
from commsplan.auth.models import Role, User
from commsplan.auth.service import create_api_token
from commsplan.extensions import db
from tests.factories import PASSWORD, make_user
from tests.receivers import SmtpSink, WebhookReceiver

TEST_DATABASE_URL = os.environ.get("COMMSPLAN_TEST_DATABASE_URL", "")
FIXED_NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def app_settings(database_url: str, instance_path: str, **overrides: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "ENV": "testing",
        "SECRET_KEY": "test-secret-key-that-is-long-enough",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        **overrides,
    }


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SQLite: a file of this run's own. PostgreSQL: COMMSPLAN_TEST_DATABASE_URL, in a schema of this
    test process's own when the suite runs in parallel (pytest -n), so workers never share tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    elif not worker:
        yield without_waiting_for_disk(TEST_DATABASE_URL)
    else:
        with throwaway_database(TEST_DATABASE_URL, tmp_path_factory.getbasetemp(), f"tests_{worker}") as url:
            yield without_waiting_for_disk(url)


def without_waiting_for_disk(url: str) -> str:
    """A test database need not survive a power cut: its commits do not wait for the disk."""
    parsed = make_url(url)
    options = " ".join(filter(None, [parsed.query.get("options", ""), "-csynchronous_commit=off"]))
    return parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("instance"))
    os.environ["COMMSPLAN_INSTANCE_PATH"] = path
    return path


@pytest.fixture(scope="session")
def every_table(database_url: str, instance_dir: str) -> Iterator[None]:
    """Create every table once per run; each test then starts from empty tables."""
    app = create_app(app_settings(database_url, instance_dir))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.remove()
    yield
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def empty_all_tables() -> None:
    """Delete the rows of the tables a test filled and restart their ids.

    Tests commit (each request has its own session, the scheduler its own threads), so they cannot
    run inside one rolled-back transaction; instead one query finds the tables holding rows and only
    those are emptied. On PostgreSQL that is a few DELETEs instead of TRUNCATE, which rewrites the
    files of every table and index and cost most of a small test's time."""
    db.session.remove()
    tables = db.metadata.sorted_tables
    with db.engine.begin() as connection:
        probe = union_all(*(select(literal(table.name)).where(exists(select(literal(1)).select_from(table)))
                            for table in tables))
        filled = set(connection.scalars(probe))
        postgres = connection.dialect.name == "postgresql"
        if not postgres:
            connection.execute(text("PRAGMA defer_foreign_keys=ON"))
        for table in reversed(tables):
            if table.name not in filled:
                continue
            connection.execute(table.delete())
            if postgres and table.autoincrement_column is not None:
                connection.execute(text("SELECT setval(pg_get_serial_sequence(:table, :column), 1, false)"),
                                   {"table": table.name, "column": table.autoincrement_column.name})


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production: a fresh `g` and DB session,
    even while the test itself holds an app context open."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


def build_app(database_url: str, instance_dir: str, **overrides: Any) -> Flask:
    app = create_app(app_settings(database_url, instance_dir, **overrides))
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(scope="session")
def shared_app(every_table: None, database_url: str, instance_dir: str) -> Iterator[Flask]:
    """The app of every test that asks for no settings of its own, built once per test process.

    Building an app costs more than most tests; what a test may change on it (settings, the tables)
    is put back after each test by `make_app`."""
    app = build_app(database_url, instance_dir)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(shared_app: Flask, database_url: str, instance_dir: str) -> Iterator[Callable[..., Flask]]:
    """The shared app, or a new app with extra settings; the tables are emptied afterwards."""
    apps: list[Flask] = []
    settings = dict(shared_app.config)
    # Each test's decision log is anchored in a file of its own, as each new test app's is.
    shared_app.config["DECISION_LOG_CHECKPOINT_FILE"] = os.path.join(
        instance_dir, f"decision-log-checkpoints-{uuid.uuid4().hex[:12]}.jsonl")

    def factory(**overrides: Any) -> Flask:
        if not overrides:
            return shared_app
        app = build_app(database_url, instance_dir, **overrides)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    with shared_app.app_context():
        empty_all_tables()
    shared_app.config.clear()
    shared_app.config.update(settings)


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def session(app: Flask) -> Any:
    return db.session


@pytest.fixture
def now() -> datetime:
    return FIXED_NOW


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def sign_in(client: FlaskClient, user: User, password: str = PASSWORD) -> None:
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.text


@pytest.fixture
def signed_in(client: FlaskClient, session: Any, now: datetime) -> Callable[..., User]:
    """Create a person with the given roles, sign them in on `client`, and return them."""

    def sign_in_as(*roles: Role, email: str | None = None) -> User:
        user = make_user(session, roles=roles or (Role.VIEWER,), email=email, now=now)
        db.session.commit()
        sign_in(client, user)
        return user

    return sign_in_as


@pytest.fixture
def admin_client(client: FlaskClient, signed_in: Callable[..., User]) -> FlaskClient:
    signed_in(Role.ADMIN)
    return client


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries() -> Iterator[QueryCounter]:
    """Count the SQL statements the block sends (inside an app context)."""
    counter = QueryCounter()
    engine = db.engine

    def before_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
            counter.statements.append(statement)

    event.listen(engine, "before_cursor_execute", before_execute)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before_execute)


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    """An API error answered as RFC 9457 problem details; returns its body."""
    assert response.status_code == status, response.text
    assert response.mimetype == "application/problem+json", response.mimetype
    problem = dict(response.json)
    assert problem["status"] == status and problem["type"] == "about:blank" and problem["title"]
    assert isinstance(problem["detail"], str) and problem["detail"]
    return problem


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


Headers = dict[str, str]
TokenFactory = Callable[..., tuple[User, Headers]]


@pytest.fixture
def token_for(session: Any, now: datetime) -> TokenFactory:
    """A person with the given roles and a live token; returns them and the auth header."""

    def make(*roles: Role) -> tuple[User, Headers]:
        user = make_user(session, roles=roles or (Role.VIEWER,), now=now)
        _, secret = create_api_token(session, user=user, name="Tests", actor=user, now=now)
        db.session.commit()
        return user, {"Authorization": f"Bearer {secret}"}

    return make


# --- real receivers for the notifiers (tests/receivers.py) -------------------------------------


@pytest.fixture
def make_smtp_sink() -> Iterator[Callable[..., SmtpSink]]:
    """Build SMTP sinks: `make_smtp_sink(up=False)` gives one that refuses connections until `.up()`."""
    sinks: list[SmtpSink] = []

    def factory(*, up: bool = True, delay: float = 0.0) -> SmtpSink:
        sink = SmtpSink(delay=delay)
        sinks.append(sink)
        if up:
            sink.up()
        return sink

    yield factory
    for sink in sinks:
        sink.release()
        sink.down()


@pytest.fixture
def smtp_sink(make_smtp_sink: Callable[..., SmtpSink]) -> SmtpSink:
    return make_smtp_sink()


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    receiver.start()
    yield receiver
    receiver.stop()
