"""CSV export and all-or-nothing import of message maps: one row per map, with its latest words.

Channel variants have their own file (`variant_csv`). A row with an id changes that map (a new
version only when its words changed); a row without one adds a map; an id on two rows is reported.
Importing an exported file changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from commsplan.audiences.csv_io import (
    LIST_SEPARATOR,
    ImportFailed,
    ImportResult,
    RowError,
    read_rows,
    repeated,
    write_csv,
)
from commsplan.audiences.models import Audience
from commsplan.auth.models import User
from commsplan.errors import DomainError
from commsplan.messages import checks, maps
from commsplan.messages.models import MessageMap, MessageStatus, MessageVersion, RipeStrand, Tone
from commsplan.notifications.settings import DeliverySettings
from commsplan.numbers import record_id
from commsplan.reference.models import BusinessUnit, Qualifier, ViolenceElement

FACT_SEPARATOR = " | "
COLUMNS = ("id", "element", "qualifiers", "audience", "unit", "owner", "review_date", "concern",
           "key_message_1", "facts_1", "key_message_2", "facts_2", "key_message_3", "facts_3",
           "call_to_action", "ripe_strands", "tone")
REQUIRED = ("element", "audience", "concern", "key_message_1", "call_to_action", "ripe_strands", "tone")
# Service field names to the file's column names, for the error report.
COLUMN_OF = {"element_id": "element", "audience_id": "audience", "qualifier_ids": "qualifiers",
             "unit_id": "unit", "owner_id": "owner", "fact_1_1": "facts_1", "fact_2_1": "facts_2",
             "fact_3_1": "facts_3"}


def latest_versions(session: Session) -> Iterable[tuple[MessageMap, MessageVersion]]:
    """Every map not retired with its latest version, by id (two queries, three with variants)."""
    rows = session.execute(
        select(MessageMap, MessageVersion)
        .join(MessageVersion, and_(MessageVersion.map_id == MessageMap.id,
                                   MessageVersion.number == MessageMap.latest_number))
        .where(MessageMap.status != MessageStatus.RETIRED).order_by(MessageMap.id))
    return rows


def export_maps(session: Session) -> str:
    """Every map not retired, with the words of its latest version."""
    return write_csv(COLUMNS, (export_row(item, version) for item, version in latest_versions(session)))


def export_row(item: MessageMap, version: MessageVersion) -> list[Any]:
    messages = [*version.key_messages, *[{"text": "", "facts": []}] * 3][:3]
    words: list[Any] = []
    for message in messages:
        words += [message["text"], FACT_SEPARATOR.join(message["facts"])]
    return [item.id, item.element.code, item.qualifier_codes, item.audience.name,
            item.unit.code if item.unit else "", item.owner.email, item.review_date, version.concern,
            *words, version.call_to_action, version.ripe_strands, version.tone]


class Lookups:
    """Names and codes in the file to the rows they mean, loaded once per import."""

    def __init__(self, session: Session) -> None:
        self.elements = {e.code.lower(): e.id for e in session.scalars(select(ViolenceElement))}
        self.qualifiers = {q.code.lower(): q.id for q in session.scalars(select(Qualifier))}
        self.audiences = {a.name.lower(): a.id for a in session.scalars(select(Audience))}
        self.units = {u.code.lower(): u.id for u in session.scalars(select(BusinessUnit))}
        self.owners = {u.email.lower(): u.id for u in session.scalars(
            select(User).where(func.length(User.email) > 0))}


def split(value: str, separator: str = LIST_SEPARATOR) -> list[str]:
    return [part.strip() for part in value.split(separator.strip()) if part.strip()]


def parse_row(row: dict[str, str], lookups: Lookups, actor: User
              ) -> tuple[checks.MapSettings, checks.MapContent, list[tuple[str, str]]]:
    """The row's settings and words, and every (column, problem) found reading it."""
    problems: list[tuple[str, str]] = []

    def find(column: str, table: dict[str, int], what: str) -> int | None:
        value = row.get(column, "")
        if not value:
            return None
        if value.lower() not in table:
            problems.append((column, f"No {what} is called “{value}”"))
        return table.get(value.lower())

    qualifier_ids = []
    for code in split(row.get("qualifiers", "")):
        if code.lower() in lookups.qualifiers:
            qualifier_ids.append(lookups.qualifiers[code.lower()])
        else:
            problems.append(("qualifiers", f"No qualifier has the code “{code}”"))
    review_date = None
    if row.get("review_date"):
        try:
            review_date = date.fromisoformat(row["review_date"])
        except ValueError:
            problems.append(("review_date", "Write the date as YYYY-MM-DD, like 2027-03-31"))
    strands = split(row.get("ripe_strands", "").lower())
    if any(strand not in set(RipeStrand) for strand in strands):
        problems.append(("ripe_strands", "Use reassurance, intelligence, prevention or enforcement, "
                                         "separated by ;"))
    tone = row.get("tone", "").lower()
    if tone and tone not in set(Tone):
        problems.append(("tone", f"Use one of: {', '.join(t.value for t in Tone)}"))
    owner_id = find("owner", lookups.owners, "account") if row.get("owner") else actor.id
    settings = checks.MapSettings(
        element_id=find("element", lookups.elements, "violence element"),
        audience_id=find("audience", lookups.audiences, "audience"),
        qualifier_ids=tuple(qualifier_ids), unit_id=find("unit", lookups.units, "business unit"),
        owner_id=owner_id, review_date=review_date)
    content = checks.MapContent(
        concern=row.get("concern", ""), call_to_action=row.get("call_to_action", ""),
        ripe_strands=tuple(RipeStrand(s) for s in strands if s in set(RipeStrand)),
        tone=Tone(tone) if tone in set(Tone) else None,
        key_messages=tuple(checks.KeyMessage(row.get(f"key_message_{n}", ""),
                                           tuple(split(row.get(f"facts_{n}", ""), FACT_SEPARATOR)))
                           for n in range(1, 4)))
    return settings, content, problems


def maps_named(session: Session, ids: Iterable[str]) -> dict[int, MessageMap]:
    """The maps a file's id column names, by id, in one query (ids that are not ids are left out)."""
    wanted = {number for number in map(record_id, ids) if number is not None}
    return {item.id: item for item in session.scalars(
        select(MessageMap).where(MessageMap.id.in_(wanted)))} if wanted else {}


def import_maps(session: Session, text: str, *, actor: User, now: datetime,
                delivery: DeliverySettings) -> ImportResult:
    """Add or change a map for every row; raises ImportFailed, saving nothing, on any error.

    Rows are checked against names, codes and maps read once (a query each, not one per row);
    each map is then saved through the same rules as on its page, a new version when words change."""
    maps.require_role(actor, maps.WRITERS, "import message maps")
    rows = read_rows(text, COLUMNS, REQUIRED)
    lookups, result, seen = Lookups(session), ImportResult(), dict[int, int]()
    named = maps_named(session, (row.get("id", "") for _, row in rows))
    for number, row in rows:
        settings, content, problems = parse_row(row, lookups, actor)
        existing = None
        if row.get("id"):
            existing = named.get(record_id(row["id"]) or 0)
            if existing is None:
                problems.append(("id", "No message map has this id; leave it blank to add a map"))
            elif first := repeated(seen, existing.id, number):
                problems.append(("id", f"This message map is already on row {first}"))
        if problems:
            result.errors += [RowError(number, column, message) for column, message in problems]
            continue
        try:
            result_of(save_row(session, existing, settings, content, actor=actor, now=now,
                               delivery=delivery), result)
        except DomainError as error:
            result.errors += [RowError(number, COLUMN_OF.get(name, name), message)
                              for name, messages in (error.field_errors or {"row": [error.message]}
                                                     ).items() for message in messages]
    if result.errors:
        raise ImportFailed(result.errors)
    return result


def save_row(session: Session, existing: MessageMap | None, settings: checks.MapSettings,
             content: checks.MapContent, *, actor: User, now: datetime,
             delivery: DeliverySettings) -> str:
    if existing is None:
        maps.create_map(session, settings=settings, content=content, actor=actor, now=now,
                        delivery=delivery)
        return "created"
    changes = maps.update_settings(session, existing, settings, actor=actor, now=now, delivery=delivery)
    version = maps.edit_content(session, existing, content, note="Imported from a CSV file",
                                actor=actor, now=now)
    return "updated" if changes or version else "unchanged"


def result_of(outcome: str, result: ImportResult) -> None:
    setattr(result, outcome, getattr(result, outcome) + 1)
