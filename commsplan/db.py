"""Declarative base, shared column types, the unit of work and SQLite connection settings."""

from __future__ import annotations

import itertools
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Dialect, Engine, Integer, MetaData, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, registry
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC and reads them back as aware UTC, on every database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Store aware datetimes only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class minutes_between(FunctionElement[int]):  # noqa: N801 (an SQL function, named like one)
    """Whole minutes from the first datetime column to the second (rounded down), worked out by the
    database, so figures over many rows are aggregated in SQL on SQLite and PostgreSQL alike."""

    type = Integer()
    inherit_cache = True
    name = "minutes_between"


@compiles(minutes_between, "sqlite")
def _minutes_on_sqlite(element: minutes_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    # Whole milliseconds first, so a julianday fraction never turns 38 minutes into 37.
    return f"(CAST(ROUND((julianday({end}) - julianday({start})) * 86400000) AS INTEGER) / 60000)"


@compiles(minutes_between, "postgresql")
def _minutes_on_postgresql(element: minutes_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM ({end} - {start})) / 60) AS INTEGER)"


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


db = SQLAlchemy(model_class=Base)  # bound to the app by `extensions.init_app`


class TimestampMixin:
    """Creation and last-change times; services set both from their `now` argument."""

    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


def current_session() -> Session:
    """The request's (or command's) session, typed as a plain Session for the services."""
    return db.session()


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """Commit everything the block did, or nothing: the one place entry points commit."""
    try:
        yield db.session()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


T = TypeVar("T")
SQLITE_BUSY = ("database is locked", "database is busy", "database table is locked")
POSTGRES_RETRYABLE = {"40001", "40P01"}  # serialization failure, deadlock detected


def is_transient(error: DBAPIError) -> bool:
    """A failure that trying again shortly can cure: a busy SQLite file, a PostgreSQL deadlock."""
    original = error.orig
    if isinstance(original, sqlite3.OperationalError):
        return any(message in str(original) for message in SQLITE_BUSY)
    return getattr(original, "sqlstate", None) in POSTGRES_RETRYABLE


def holds_write_lock(session: Session) -> bool:
    """SQLite: the session's connection has already written in its open transaction."""
    return bool(session.connection().connection.dbapi_connection.in_transaction)  # type: ignore[union-attr]


def write_transaction(work: Callable[[Session], T], *, patience: float = 30.0, first_wait: float = 0.005,
                      longest_wait: float = 0.5) -> T:
    """Run `work` in a transaction of its own and commit it, retrying while the database is busy.

    On SQLite the write lock is taken first (BEGIN IMMEDIATE), so a transaction never reads and
    then fails to upgrade to a writer. A busy file, a deadlock or a serialisation failure is tried
    again after a jittered wait that doubles each time, for up to `patience` seconds; `work` must
    be safe to run again from the start.
    """
    deadline = time.monotonic() + patience
    for attempt in itertools.count(1):
        session = db.session()
        try:
            if session.get_bind().dialect.name == "sqlite" and not holds_write_lock(session):
                session.execute(text("BEGIN IMMEDIATE"))
            result = work(session)
            session.commit()
            return result
        except DBAPIError as error:
            session.rollback()
            if not is_transient(error) or time.monotonic() > deadline:
                raise
        except BaseException:
            session.rollback()
            raise
        time.sleep(random.uniform(0, min(longest_wait, first_wait * 2 ** min(attempt, 16))))
    raise AssertionError("unreachable: the loop returns or raises")


def use_sqlite_pragmas(engine: Engine, *, busy_ms: int) -> None:
    """On the app's own SQLite engine: foreign keys on, write-ahead log, and wait rather than fail
    when the file is busy. Other engines in the process are left as they are.

    With the write-ahead log, synchronous=NORMAL syncs at checkpoints rather than at every commit:
    a power cut can lose the last few commits but never corrupts the file, and the reminders
    engine's one-commit-per-send stays fast. (Production runs on PostgreSQL.)
    """
    if engine.dialect.name != "sqlite":
        return

    def set_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    event.listen(engine, "connect", set_pragmas)
