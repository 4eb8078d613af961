"""Backing up and restoring a SQLite database with SQLite's online backup API.

The backup API copies a consistent snapshot page by page while the app keeps running (readers and
writers are not stopped, and a WAL file is taken into account), which copying the file would not
do. PostgreSQL is backed up with its own tools (pg_dump, pg_restore): see the README.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import make_url

from commsplan.errors import DomainError
from commsplan.extensions import MIGRATIONS_DIR

PAGES_PER_STEP = 1024  # copy 4 MB at a time, letting the app write in between
# Tables every Commsplan database has had since its first migration.
REQUIRED_TABLES = {"alembic_version", "users", "audit_entries"}
POSTGRES_ADVICE = ("This database is PostgreSQL: back it up with pg_dump -Fc and restore it with pg_restore "
                   "(see 'Backup and restore' in the README).")


class BackupRefused(DomainError):
    """The backup or restore cannot be done as asked; nothing was changed."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    bytes: int
    seconds: float


@dataclass(frozen=True)
class BackupCheck:
    """What a backup file holds, once it has passed every check."""

    path: Path
    revision: str
    users: int
    bytes: int


def sqlite_file(database_url: str) -> Path:
    """The file behind a SQLite URL; any other database is refused with advice."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        raise BackupRefused(POSTGRES_ADVICE)
    if url.get_backend_name() != "sqlite":
        raise BackupRefused(f"Backups are made for SQLite and PostgreSQL, not {url.get_backend_name()}")
    if not url.database or url.database == ":memory:":
        raise BackupRefused("The database is in memory: there is no file to back up or restore")
    return Path(url.database)


def current_revision() -> str:
    """The newest migration: a backup must be at it to be restored by this version of Commsplan."""
    head = ScriptDirectory(MIGRATIONS_DIR).get_current_head()
    if head is None:
        raise BackupRefused("No migrations found")
    return head


def copy_database(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    source.backup(target, pages=PAGES_PER_STEP)


def back_up(database_url: str, destination: Path) -> BackupResult:
    """Copy the live SQLite database to a new file at `destination`, consistent as of one moment."""
    live = sqlite_file(database_url)
    if not live.exists():
        raise BackupRefused(f"There is no database at {live}")
    if destination.exists():
        raise BackupRefused(f"{destination} already exists; choose a new file name")
    if not destination.parent.is_dir():
        raise BackupRefused(f"There is no folder {destination.parent}")
    started = time.perf_counter()
    # Read-write, though only read: a read-only connection cannot always join a write-ahead log.
    with closing(sqlite3.connect(live, timeout=30)) as source, \
            closing(sqlite3.connect(destination)) as target:
        copy_database(source, target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, with no -wal beside it
    return BackupResult(destination, destination.stat().st_size, time.perf_counter() - started)


def check_backup(path: Path) -> BackupCheck:
    """Refuse anything but an intact Commsplan SQLite database at the current migration."""
    if not path.is_file():
        raise BackupRefused(f"There is no file {path}")
    with path.open("rb") as file:
        if file.read(16) != b"SQLite format 3\x00":
            raise BackupRefused(f"{path} is not a SQLite database")
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as backup:
        integrity = backup.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            raise BackupRefused(f"{path} is damaged: {integrity}")
        tables = {row[0] for row in backup.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not REQUIRED_TABLES <= tables:
            raise BackupRefused(f"{path} is not a Commsplan database (it has no "
                                f"{', '.join(sorted(REQUIRED_TABLES - tables))} table)")
        revision = backup.execute("SELECT version_num FROM alembic_version").fetchone()
        users = backup.execute("SELECT count(*) FROM users").fetchone()[0]
    expected = current_revision()
    if revision is None or revision[0] != expected:
        found = revision[0] if revision else "none"
        raise BackupRefused(f"{path} is at migration {found}, not {expected}: restore it with the version of "
                            "Commsplan that made it, then upgrade (flask --app wsgi db upgrade)")
    return BackupCheck(path, expected, users, path.stat().st_size)


def restore(database_url: str, backup: Path) -> float:
    """Replace the live SQLite database's contents with the checked backup's; returns the seconds taken.

    The backup API writes into the live file under SQLite's own locks, so the replacement is whole
    or not at all.
    """
    check_backup(backup)
    live = sqlite_file(database_url)
    started = time.perf_counter()
    with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as source, \
            closing(sqlite3.connect(live, timeout=30)) as target:
        copy_database(source, target)
    return time.perf_counter() - started
