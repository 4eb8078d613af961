"""The admin's audit log page: filters, date validation, pagination, bounded queries, access."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role, User
from commsplan.extensions import db
from tests.conftest import count_queries
from tests.factories import make_user

SignedIn = Callable[..., User]


class Plan:
    __audit_type__: ClassVar[str] = "plan"
    __audit_fields__: ClassVar[tuple[str, ...]] = ("title",)

    def __init__(self, id: int, title: str) -> None:
        self.id = id
        self.title = title

    @property
    def audit_label(self) -> str:
        return self.title


class Message(Plan):
    __audit_type__: ClassVar[str] = "message_map"


@pytest.fixture
def admin(signed_in: SignedIn, session: Session) -> User:
    """A signed-in admin, with the log emptied of their own account's creation."""
    user = signed_in(Role.ADMIN)
    session.execute(delete(AuditEntry))
    session.commit()
    return user


def write(session: Session, actor: User | None, obj: Plan, at: datetime, action: str = "update") -> None:
    audit.record(session, actor=actor, action=action, obj=obj, changes={}, now=at)


def shown(page: str) -> list[str]:
    """The record labels in the entries table, top to bottom."""
    return re.findall(r"(?:plan|message map): ([^<]+)</td>", page)


def rows(page: str) -> int:
    return page.count("<time datetime=")


def date_args(name: str, day: int, month: int, year: int) -> list[tuple[str, str]]:
    return [(name, str(day)), (name, str(month)), (name, str(year))]


def get(client: FlaskClient, args: list[tuple[str, str]]) -> Any:
    response = client.get("/admin/audit/", query_string=args)
    assert response.status_code == 200, response.status_code
    return response


def error_summary(page: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert match, "page has no error summary"
    return match.group(0)


def test_lists_entries_newest_first(client: FlaskClient, admin: User, session: Session,
                                    now: datetime) -> None:
    write(session, admin, Plan(1, "older"), now - timedelta(days=2))
    write(session, None, Message(2, "newest"), now)
    write(session, admin, Plan(3, "middle"), now - timedelta(days=1))
    session.commit()

    page = get(client, []).text

    assert shown(page) == ["newest", "middle", "older"]
    assert "3 entries" in page
    assert "System" in page  # an entry without an actor


def test_filters_by_actor(client: FlaskClient, admin: User, session: Session, now: datetime) -> None:
    ann = make_user(session, name="Ann", now=now)
    bob = make_user(session, name="Bob", now=now)
    write(session, ann, Plan(1, "by-ann-1"), now)
    write(session, ann, Message(2, "by-ann-2"), now)
    write(session, bob, Plan(3, "by-bob"), now)
    session.commit()

    page = get(client, [("actor_id", str(ann.id))]).text

    assert sorted(shown(page)) == ["by-ann-1", "by-ann-2"]
    assert f'<option value="{ann.id}" selected>' in page


def test_filters_by_object_type(client: FlaskClient, admin: User, session: Session, now: datetime) -> None:
    write(session, admin, Plan(1, "a-plan"), now)
    write(session, admin, Message(2, "a-message"), now)
    write(session, admin, Message(3, "another-message"), now - timedelta(hours=1))
    session.commit()

    page = get(client, [("object_type", "message_map")]).text

    assert shown(page) == ["a-message", "another-message"]
    assert '<option value="message_map" selected>message map</option>' in page


def test_filters_by_a_date_range_of_whole_london_days(
    client: FlaskClient, admin: User, session: Session
) -> None:
    # In November London time is UTC.
    for label, at in [("17th-late", datetime(2026, 11, 17, 23, 59, 59, tzinfo=UTC)),
                      ("18th-start", datetime(2026, 11, 18, 0, 0, tzinfo=UTC)),
                      ("19th-late", datetime(2026, 11, 19, 23, 59, 59, tzinfo=UTC)),
                      ("20th-start", datetime(2026, 11, 20, 0, 0, tzinfo=UTC))]:
        write(session, admin, Plan(1, label), at)
    session.commit()

    page = get(client, date_args("since", 18, 11, 2026) + date_args("until", 19, 11, 2026)).text

    assert shown(page) == ["19th-late", "18th-start"]
    assert "2 entries" in page
    # The form shows the dates back in their boxes.
    for box, value in [("since-day", "18"), ("since-month", "11"), ("until-day", "19"),
                       ("until-year", "2026")]:
        assert re.search(rf'id="{box}" name="\w+" type="text" value="{value}"', page), box


def test_date_range_follows_london_summer_time(client: FlaskClient, admin: User, session: Session) -> None:
    # 23:30 UTC on 30 June is 00:30 on 1 July in London.
    for label, at in [("30-june-london", datetime(2026, 6, 30, 22, 59, tzinfo=UTC)),
                      ("1-july-london-early", datetime(2026, 6, 30, 23, 30, tzinfo=UTC)),
                      ("1-july-london-late", datetime(2026, 7, 1, 22, 59, tzinfo=UTC)),
                      ("2-july-london", datetime(2026, 7, 1, 23, 30, tzinfo=UTC))]:
        write(session, admin, Plan(1, label), at)
    session.commit()

    page = get(client, date_args("since", 1, 7, 2026) + date_args("until", 1, 7, 2026)).text

    assert shown(page) == ["1-july-london-late", "1-july-london-early"]


def test_since_alone_and_until_alone(client: FlaskClient, admin: User, session: Session) -> None:
    write(session, admin, Plan(1, "early"), datetime(2026, 1, 5, 12, tzinfo=UTC))
    write(session, admin, Plan(2, "late"), datetime(2026, 2, 5, 12, tzinfo=UTC))
    session.commit()

    assert shown(get(client, date_args("since", 1, 2, 2026)).text) == ["late"]
    assert shown(get(client, date_args("until", 31, 1, 2026)).text) == ["early"]


def test_filters_combine(client: FlaskClient, admin: User, session: Session, now: datetime) -> None:
    ann = make_user(session, name="Ann", now=now)
    write(session, ann, Plan(1, "match"), now)
    write(session, ann, Message(2, "wrong-type"), now)
    write(session, admin, Plan(3, "wrong-actor"), now)
    write(session, ann, Plan(4, "wrong-day"), now - timedelta(days=3))
    session.commit()

    args = [("actor_id", str(ann.id)), ("object_type", "plan"), *date_args("since", 20, 11, 2026),
            *date_args("until", 20, 11, 2026)]

    assert shown(get(client, args).text) == ["match"]


@pytest.mark.parametrize(("args", "field", "message"), [
    (date_args("since", 31, 2, 2026), "since", "From must be a real date, like 27 3 2026"),
    (date_args("since", 0, 1, 2026), "since", "From must be a real date, like 27 3 2026"),
    ([("since", "aa"), ("since", "bb"), ("since", "cccc")], "since",
     "From must be a real date, like 27 3 2026"),
    ([("since", "20"), ("since", ""), ("since", "")], "since", "From must be a real date, like 27 3 2026"),
    ([("since", "20")], "since", "From must be a real date, like 27 3 2026"),
    (date_args("until", 20, 13, 2026), "until", "To (inclusive) must be a real date, like 27 3 2026"),
    (date_args("until", 20, 11, 99999), "until", "To (inclusive) must be a real date, like 27 3 2026"),
    ([("actor_id", "not-a-number")], "actor_id", "Select who from the list"),
    ([("actor_id", "99999")], "actor_id", "Select who from the list"),
    ([("object_type", "no_such_type")], "object_type", "Select what kind of record from the list"),
], ids=["31-february", "day-zero", "letters", "day-only", "one-box", "month-13", "year-99999",
        "actor-not-number", "unknown-actor", "unknown-type"])
def test_a_bad_filter_shows_a_field_error_not_a_500(
    client: FlaskClient, admin: User, session: Session, now: datetime,
    args: list[tuple[str, str]], field: str, message: str
) -> None:
    write(session, admin, Plan(1, "kept"), now)
    session.commit()

    response = client.get("/admin/audit/", query_string=args)

    assert response.status_code == 200
    assert re.search(r"<title[^>]*>\s*Error: Audit log", response.text)
    summary = error_summary(response.text)
    assert str(escape(message)) in summary
    assert f'href="#{field}' in summary


def test_to_before_from_is_an_error(
    client: FlaskClient, admin: User, session: Session, now: datetime
) -> None:
    write(session, admin, Plan(1, "kept"), now)
    session.commit()

    page = get(client, date_args("since", 20, 11, 2026) + date_args("until", 19, 11, 2026)).text

    assert str(escape("The 'to' date must be the same as or after the 'from' date")) in error_summary(page)
    assert 'href="#until' in error_summary(page)


def test_the_same_day_for_from_and_to_is_allowed(
    client: FlaskClient, admin: User, session: Session, now: datetime
) -> None:
    write(session, admin, Plan(1, "today"), now)
    session.commit()

    page = get(client, date_args("since", 20, 11, 2026) + date_args("until", 20, 11, 2026)).text

    assert "govuk-error-summary" not in page
    assert shown(page) == ["today"]


def next_link(page: str) -> str:
    match = re.search(r'<a[^>]*href="([^"]+)"[^>]*rel="next"', page) or re.search(
        r'<a[^>]*rel="next"[^>]*href="([^"]+)"', page)
    assert match, "page has no link to the next page"
    return html.unescape(match.group(1))


def test_pagination_with_30_entries(
    client: FlaskClient, admin: User, session: Session, now: datetime
) -> None:
    for number in range(30):
        write(session, admin, Plan(number, f"entry-{number:02}"), now + timedelta(minutes=number))
    session.commit()

    first = get(client, []).text
    assert rows(first) == 25
    assert shown(first)[0] == "entry-29"
    assert "30 entries" in first

    second = client.get(next_link(first))
    assert second.status_code == 200
    assert shown(second.text) == ["entry-04", "entry-03", "entry-02", "entry-01", "entry-00"]

    beyond = get(client, [("page", "3")]).text
    assert rows(beyond) == 0
    assert rows(get(client, [("page", "nonsense")]).text) == 25


def test_the_next_page_keeps_every_filter(
    client: FlaskClient, admin: User, session: Session, now: datetime
) -> None:
    for number in range(30):
        write(session, admin, Plan(number, f"plan-{number:02}"), now + timedelta(minutes=number))
    write(session, admin, Message(99, "a-message"), now)
    write(session, admin, Plan(98, "too-early"), now - timedelta(days=5))
    session.commit()
    args = [("object_type", "plan"), *date_args("since", 19, 11, 2026), *date_args("until", 21, 11, 2026)]

    first = get(client, args).text
    second = client.get(next_link(first))

    assert second.status_code == 200
    assert "govuk-error-summary" not in second.text
    assert shown(second.text) == ["plan-04", "plan-03", "plan-02", "plan-01", "plan-00"]


def test_the_page_issues_the_same_number_of_queries_for_5_and_60_entries(
    client: FlaskClient, admin: User, session: Session, now: datetime
) -> None:
    for n in range(4):
        make_user(session, name=f"Person {n}", now=now)
    session.execute(delete(AuditEntry))

    def add_entries(how_many: int) -> None:
        people = list(session.scalars(select(User).where(User.name.startswith("Person "))))
        for number in range(how_many):
            kind = Plan if number % 2 else Message
            write(session, people[number % len(people)], kind(number, f"entry {number}"),
                  now - timedelta(minutes=number))
        session.commit()

    def queries(args: list[tuple[str, str]]) -> int:
        # Requests share the test's session; start from an empty one, as a real request does,
        # so nothing loaded earlier hides a query per row.
        db.session.remove()
        with count_queries() as counter:
            get(client, args)
        return counter.count

    filtered = [("object_type", "plan"), *date_args("since", 1, 1, 2026)]
    add_entries(5)
    few, few_filtered = queries([]), queries(filtered)
    add_entries(55)
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == 60
    many, many_filtered = queries([]), queries(filtered)

    assert few == many
    assert few_filtered == many_filtered
    assert many <= 8


@pytest.mark.parametrize("roles", [(Role.VIEWER,), (Role.COMMS_OFFICER, Role.APPROVER, Role.DUTY_OFFICER)])
def test_only_admins_see_the_audit_log(
    client: FlaskClient, signed_in: SignedIn, roles: tuple[Role, ...]
) -> None:
    signed_in(*roles)

    response = client.get("/admin/audit/")

    assert response.status_code == 403
    assert "You do not have access to this page" in response.text


def test_signed_out_people_are_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/admin/audit/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/admin/audit/")
