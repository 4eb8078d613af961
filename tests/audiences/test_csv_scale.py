"""A 10,000-row audiences file: checked against sets, not a query per row; every fault of a bad row
named; saved in a number of statements that does not grow with the rows."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.imports import FAULTS, audiences_csv
from commsplan.audiences.csv_io import ImportFailed
from commsplan.audiences.kinds import AUDIENCES
from commsplan.audiences.models import Affinity, Audience
from commsplan.audit.models import AuditEntry
from commsplan.auth.models import User
from tests.audiences.helpers import count, entries, make_audience, make_channel
from tests.audiences.test_csv import import_affinity, import_kind
from tests.conftest import count_queries

ROWS = 10_000
# Reading the file's names is one query; rows go in by INSERTs of up to 1,000 rows each, and the
# audit entries in one more; nothing else depends on the number of rows.
MOST_STATEMENTS = 2 + 2 * ROWS // 1000 + 5


def test_ten_thousand_rows_are_imported_in_a_bounded_number_of_statements(
        session: Session, officer: User, now: datetime) -> None:
    session.commit()
    with count_queries() as counter:
        result = import_kind(session, AUDIENCES, audiences_csv(ROWS), officer, now)
    assert (result.created, result.updated, result.unchanged) == (ROWS, 0, 0)
    assert counter.count <= MOST_STATEMENTS, counter.statements[:20]
    assert count(Audience) == ROWS
    last = session.scalars(select(Audience).where(Audience.name == f"Audience {ROWS:05d}")).one()
    assert [(e.action, e.actor_id) for e in entries("audience", last.id)] == [("create", officer.id)]

    with count_queries() as counter:
        again = import_kind(session, AUDIENCES, audiences_csv(ROWS, geography="Brent"), officer, now)
    assert (again.created, again.updated, again.unchanged) == (0, ROWS, 0)
    assert counter.count <= MOST_STATEMENTS, counter.statements[:20]
    session.expire_all()
    assert session.scalars(select(Audience.geography).where(Audience.id == last.id)).one() == "Brent"
    assert [e.changes for e in entries("audience", last.id)][-1] == {"geography": ["Hackney", "Brent"]}


def test_every_fault_of_a_bad_row_among_ten_thousand_is_named_and_nothing_is_written(
        session: Session, officer: User, now: datetime) -> None:
    bad_row = ROWS // 2
    text = audiences_csv(ROWS, bad_row=bad_row)
    session.commit()
    audit_entries = count(AuditEntry)
    with count_queries() as counter, pytest.raises(ImportFailed) as caught:
        import_kind(session, AUDIENCES, text, officer, now)
    report = caught.value.rows
    # The spreadsheet's row numbers: the header is row 1.
    assert sorted((error.row, error.field) for error in report) == [
        (bad_row + 1, field) for field in sorted(FAULTS)]
    messages = {error.field: error.message for error in report}
    assert messages["name"] == "Same name as row 2"
    assert counter.count <= 5, counter.statements
    assert (count(Audience), count(AuditEntry)) == (0, audit_entries)


def test_a_whole_affinity_grid_is_set_in_a_bounded_number_of_statements(
        session: Session, officer: User, now: datetime) -> None:
    audiences = [make_audience(session, now=now, name=f"Audience {n}") for n in range(30)]
    channels = [make_channel(session, now=now, name=f"Channel {n}") for n in range(30)]
    header = "audience,channel,score,evidence\n"
    first = header + "".join(f"{a.name},{c.name},{(a.id + c.id) % 4},Survey\n"
                             for a in audiences for c in channels)
    session.commit()
    with count_queries() as counter:
        assert import_affinity(session, first, officer, now).updated == 900
    assert counter.count <= 15, counter.statements
    # Half the cells cleared, the rest changed: one batched UPDATE, one DELETE, audit in bulk.
    second = header + "".join(f"{a.name},{c.name},{'' if c.id % 2 else 3},\n"
                              for a in audiences for c in channels)
    with count_queries() as counter:
        result = import_affinity(session, second, officer, now)
    assert counter.count <= 15, counter.statements
    assert result.updated + result.unchanged == 900
    assert count(Affinity) == 450
    assert {e.action for e in entries("affinity")} == {"create", "update", "delete"}
