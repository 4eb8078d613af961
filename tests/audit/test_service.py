"""Audit rules: snapshots, diffs, entries written only for real changes, and the entry filters."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.audit.models import AuditEntry
from commsplan.audit.service import AuditFilter
from commsplan.auth import service as accounts
from commsplan.auth.models import Role, User
from tests.factories import make_user


class Plan:
    """A stand-in audited record, so the filters can be tested on any kind of object."""

    __audit_type__: ClassVar[str] = "plan"
    __audit_fields__: ClassVar[tuple[str, ...]] = ("title", "status")

    def __init__(self, id: int, title: str = "Plan", status: str = "draft") -> None:
        self.id = id
        self.title = title
        self.status = status

    @property
    def audit_label(self) -> str:
        return self.title


class Message(Plan):
    __audit_type__: ClassVar[str] = "message_map"


class Colour(StrEnum):
    RED = "red"


def entry_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def labels(session: Session, criteria: AuditFilter) -> list[str]:
    return [entry.object_label for entry in session.scalars(audit.entries_query(criteria))]


# snapshots and diffs


@pytest.mark.parametrize(("value", "expected"), [
    (Colour.RED, "red"),
    (datetime(2026, 3, 27, 9, 30, tzinfo=UTC), "2026-03-27T09:30:00+00:00"),
    (date(2026, 3, 27), "2026-03-27"),
    ((Colour.RED, date(2026, 1, 2)), ["red", "2026-01-02"]),
    ([1, [Colour.RED]], [1, ["red"]]),
    ({Colour.RED}, ["red"]),
    ("text", "text"),
    (3, 3),
    (None, None),
    (True, True),
])
def test_jsonable_makes_values_fit_for_the_json_column(value: Any, expected: Any) -> None:
    assert audit.jsonable(value) == expected


def test_snapshot_takes_the_audited_fields_of_a_user(session: Session, now: datetime) -> None:
    user = make_user(session, roles=[Role.APPROVER, Role.VIEWER], email="snap@example.test",
                     name="Snap Shot", now=now)

    assert audit.snapshot(user) == {"email": "snap@example.test", "name": "Snap Shot",
                                    "roles_text": "Viewer, Approver", "is_active": True}


def test_snapshot_turns_times_into_text(session: Session, now: datetime) -> None:
    user = make_user(session, now=now)
    token, _ = accounts.create_api_token(session, user=user, name="Feed", actor=user, now=now)
    token.revoked_at = now

    shot = audit.snapshot(token)

    assert shot == {"name": "Feed", "prefix": token.prefix, "user_id": user.id,
                    "revoked_at": now.isoformat()}


@pytest.mark.parametrize(("before", "after", "expected"), [
    ({"a": 1, "b": "x"}, {"a": 1, "b": "x"}, {}),
    ({"a": 1, "b": "x"}, {"a": 2, "b": "x"}, {"a": [1, 2]}),
    ({}, {"a": 1, "b": None}, {"a": [None, 1]}),
    ({"a": None}, {"a": ""}, {"a": [None, ""]}),
    ({"a": 0}, {"a": False}, {}),  # equal in Python, so not a change
    ({"a": [1, 2]}, {"a": [2, 1]}, {"a": [[1, 2], [2, 1]]}),
    ({"a": 1, "gone": 2}, {"a": 1}, {}),  # only the fields of `after` are compared
])
def test_diff_lists_only_changed_fields_as_before_and_after(
    before: dict[str, Any], after: dict[str, Any], expected: dict[str, list[Any]]
) -> None:
    assert audit.diff(before, after) == expected


# writing entries


def test_record_writes_one_entry_in_the_callers_transaction(session: Session, now: datetime) -> None:
    actor = make_user(session, name="Ada Actor", now=now)
    before = entry_count(session)

    entry = audit.record(session, actor=actor, action="approve", obj=Plan(42, "Winter plan"),
                         changes={"status": ["draft", "approved"]}, now=now)
    session.flush()

    assert (entry.at, entry.actor_id, entry.actor_name) == (now, actor.id, "Ada Actor")
    assert (entry.action, entry.object_type, entry.object_id) == ("approve", "plan", "42")
    assert entry.object_label == "Winter plan"
    assert entry.changes == {"status": ["draft", "approved"]}
    assert entry_count(session) == before + 1
    session.rollback()
    assert entry_count(session) == 0


def test_record_without_an_actor_names_the_system_and_trims_long_labels(
    session: Session, now: datetime
) -> None:
    entry = audit.record(session, actor=None, action="import", obj=Plan(1, "L" * 500), changes={},
                         now=now)
    session.flush()

    assert entry.actor_id is None and entry.actor_name == "System"
    assert entry.object_label == "L" * 300


def test_add_audited_inserts_and_records_every_field_as_created(session: Session, now: datetime) -> None:
    actor = make_user(session, now=now)
    token_user = make_user(session, now=now)
    token, _ = accounts.create_api_token(session, user=token_user, name="Feed", actor=actor, now=now)

    entry = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "api_token")).one()
    assert token.id is not None and entry.object_id == str(token.id)
    assert entry.action == "create" and entry.actor_id == actor.id
    # A field created empty (revoked_at) has nothing to show, so it is left out.
    assert entry.changes == {"name": [None, "Feed"], "prefix": [None, token.prefix],
                             "user_id": [None, token_user.id]}


def test_update_audited_records_what_changed(session: Session, now: datetime) -> None:
    actor = make_user(session, now=now)
    user = make_user(session, name="Before", now=now)
    later = now + timedelta(hours=2)

    changes = audit.update_audited(session, user, {"name": "After", "is_active": True}, actor=actor,
                                   now=later, action="rename")

    assert changes == {"name": ["Before", "After"]}
    assert user.name == "After" and user.updated_at == later
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "rename")).one()
    assert (entry.object_id, entry.actor_id, entry.at) == (str(user.id), actor.id, later)
    assert entry.changes == {"name": ["Before", "After"]}


def test_update_audited_writes_no_entry_when_nothing_changed(session: Session, now: datetime) -> None:
    actor = make_user(session, now=now)
    user = make_user(session, name="Same", now=now)
    before = entry_count(session)

    changes = audit.update_audited(session, user, {"name": "Same", "is_active": True}, actor=actor,
                                   now=now + timedelta(days=1))

    assert changes == {}
    assert entry_count(session) == before
    assert user.updated_at == now


def test_update_audited_ignores_changes_to_fields_that_are_not_audited(
    session: Session, now: datetime
) -> None:
    user = make_user(session, now=now)
    before = entry_count(session)

    changes = audit.update_audited(session, user, {"last_login_at": now}, actor=None, now=now)

    assert changes == {}
    assert user.last_login_at == now
    assert entry_count(session) == before


# finding entries


@pytest.fixture
def two_people(session: Session, now: datetime) -> tuple[User, User]:
    first = make_user(session, name="Ann", now=now)
    second = make_user(session, name="Bob", now=now)
    session.execute(delete(AuditEntry))  # keep only the entries each test writes
    return first, second


def write(session: Session, actor: User | None, obj: Plan, at: datetime) -> None:
    audit.record(session, actor=actor, action="update", obj=obj, changes={}, now=at)


def test_entries_query_is_newest_first_with_ties_broken_by_id(
    session: Session, now: datetime, two_people: tuple[User, User]
) -> None:
    ann, _ = two_people
    write(session, ann, Plan(1, "old"), now - timedelta(days=1))
    write(session, ann, Plan(2, "tie-first"), now)
    write(session, ann, Plan(3, "tie-second"), now)
    write(session, ann, Plan(4, "middle"), now - timedelta(hours=1))

    assert labels(session, AuditFilter()) == ["tie-second", "tie-first", "middle", "old"]


def test_entries_query_filters_by_actor_and_object_type(
    session: Session, now: datetime, two_people: tuple[User, User]
) -> None:
    ann, bob = two_people
    write(session, ann, Plan(1, "ann-plan"), now)
    write(session, ann, Message(2, "ann-message"), now)
    write(session, bob, Plan(3, "bob-plan"), now)
    write(session, None, Message(4, "system-message"), now)

    assert set(labels(session, AuditFilter(actor_id=ann.id))) == {"ann-plan", "ann-message"}
    assert set(labels(session, AuditFilter(object_type="message_map"))) == {"ann-message", "system-message"}
    assert labels(session, AuditFilter(actor_id=bob.id, object_type="plan")) == ["bob-plan"]
    assert labels(session, AuditFilter(actor_id=bob.id, object_type="message_map")) == []
    assert labels(session, AuditFilter(object_type="plan", object_id="1")) == ["ann-plan"]
    assert set(labels(session, AuditFilter(object_types=("message_map",)))) == {"ann-message",
                                                                                "system-message"}
    assert len(labels(session, AuditFilter(object_types=("plan", "message_map")))) == 4


def test_entries_query_since_is_inclusive_and_until_is_exclusive(
    session: Session, now: datetime, two_people: tuple[User, User]
) -> None:
    ann, _ = two_people
    start, end = now, now + timedelta(days=1)
    tick = timedelta(microseconds=1)
    for label, at in [("before", start - tick), ("at-start", start), ("inside", start + timedelta(hours=5)),
                      ("just-before-end", end - tick), ("at-end", end), ("after", end + tick)]:
        write(session, ann, Plan(1, label), at)

    window = labels(session, AuditFilter(since=start, until=end))
    assert window == ["just-before-end", "inside", "at-start"]
    assert labels(session, AuditFilter(since=end)) == ["after", "at-end"]
    assert labels(session, AuditFilter(until=start)) == ["before"]


def test_object_types_are_distinct_and_sorted(
    session: Session, now: datetime, two_people: tuple[User, User]
) -> None:
    ann, _ = two_people
    for number in range(3):
        write(session, ann, Plan(number), now)
        write(session, ann, Message(number), now)

    assert audit.object_types(session) == ["message_map", "plan"]


def test_history_gives_the_latest_entries_about_the_given_objects(
    session: Session, now: datetime, two_people: tuple[User, User]
) -> None:
    ann, _ = two_people
    for hour in range(5):
        write(session, ann, Plan(1, f"one-{hour}"), now + timedelta(hours=hour))
    write(session, ann, Plan(2, "two"), now)
    write(session, ann, Plan(3, "three"), now)
    write(session, ann, Message(1, "a message with the same id"), now)

    entries = audit.history(session, "plan", ["1", "2"], limit=4)

    assert [e.object_label for e in entries] == ["one-4", "one-3", "one-2", "one-1"]
    assert {e.object_label for e in audit.history(session, "plan", ["2", "3"])} == {"two", "three"}
