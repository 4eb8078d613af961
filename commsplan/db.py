"""Declarative base, shared column types, the unit of work and SQLite connection settings."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import DateTime, Dialect, Engine, MetaData, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, registry
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


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class TimestampMixin:
    """Creation and last-change times; services set both from their `now` argument."""

    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


def current_session() -> Session:
    """The request's (or command's) session, typed as a plain Session for the services."""
    from commsplan.extensions import db

    return db.session()


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """Commit everything the block did, or nothing: the one place entry points commit."""
    from commsplan.extensions import db

    try:
        yield db.session()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """Foreign keys on, write-ahead log, and wait rather than fail when the file is busy."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    try:
        busy_ms = int(current_app.config["SQLITE_BUSY_TIMEOUT_MS"])
    except RuntimeError:
        busy_ms = 5000
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
