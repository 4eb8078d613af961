"""CSV export and all-or-nothing import of message maps' channel variants: one row per variant.

Export writes every variant of the latest version of each map not retired. Import groups rows by
map id: the rows for a map are its complete set of variants, so a variant left out is removed,
while maps not in the file are left alone. Each map whose variants change gets one new version;
importing an exported file changes nothing. The element and audience columns are there to help
people read the file: when filled in they must match the map, which catches a mistyped id.
A flag, alt text or translation column left out of the file keeps what each variant already has.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, selectinload

from commsplan.audiences.csv_io import (
    ImportFailed,
    ImportResult,
    RowError,
    read_rows,
    repeated,
    write_csv,
    yes_no,
)
from commsplan.audiences.models import Channel
from commsplan.auth.models import User
from commsplan.messages import checks, maps
from commsplan.messages.map_csv import latest_versions, maps_named
from commsplan.messages.models import (
    MessageMap,
    MessageStatus,
    MessageVariant,
    MessageVersion,
    TranslationStatus,
)
from commsplan.numbers import record_id

COLUMNS = ("map_id", "element", "audience", "channel", "language", "body", "has_media", "alt_text",
           "captions", "easy_read", "bsl", "translation_status")
REQUIRED = ("map_id", "channel", "language", "body")
FLAGS = ("has_media", "captions", "easy_read", "bsl")
COLUMN_OF = {"channel_id": "channel"}  # check_variants names fields variants[<index>].<name>
Parsed = tuple[int, checks.VariantContent]  # (line number, the variant it asks for)


def export_variants(session: Session) -> str:
    """Every variant of the latest version of each map not retired, by map and channel."""
    return write_csv(COLUMNS, (
        [item.id, item.element.code, item.audience.name, variant.channel.name, variant.language,
         variant.body, variant.has_media, variant.alt_text, variant.captions, variant.easy_read,
         variant.bsl, variant.translation_status]
        for item, version in latest_versions(session) for variant in version.variants))


def latest_variants(session: Session, wanted: dict[int, MessageMap]) -> dict[int, list[MessageVariant]]:
    """The variants of each map's latest version, by map id, in two queries however many maps."""
    if not wanted:
        return {}
    versions = session.scalars(
        select(MessageVersion).join(MessageMap, and_(MessageVersion.map_id == MessageMap.id,
                                                     MessageVersion.number == MessageMap.latest_number))
        .where(MessageMap.id.in_(list(wanted))).options(selectinload(MessageVersion.variants)))
    return {version.map_id: list(version.variants) for version in versions}


class Reader:
    """Turns rows into variants, keeping every problem by row and column."""

    def __init__(self, session: Session, rows: list[tuple[int, dict[str, str]]]) -> None:
        self.session = session
        self.channels = {c.name.lower(): c.id for c in session.scalars(select(Channel))}
        self.maps = maps_named(session, (row["map_id"] for _, row in rows))
        self.current = latest_variants(session, self.maps)  # map id → its latest version's variants
        self.seen: dict[tuple[int, int, str], int] = {}
        self.errors: list[RowError] = []

    def problem(self, number: int, column: str, message: str) -> None:
        self.errors.append(RowError(number, column, message))

    def map_of(self, number: int, row: dict[str, str]) -> MessageMap | None:
        value = row["map_id"]
        found = self.maps.get(record_id(value) or 0)
        if found is None:
            self.problem(number, "map_id", "No message map has this id" if value
                         else "Enter the id of the message map")
            return None
        if found.status is MessageStatus.RETIRED:
            self.problem(number, "map_id", "This message map is retired; it can no longer change")
            return None
        for column, actual in (("element", found.element.code), ("audience", found.audience.name)):
            if row.get(column) and row[column].lower() != actual.lower():
                self.problem(number, column, f"Message map {found.id} is for “{actual}”: check the id")
        return found

    def variant(self, number: int, row: dict[str, str], map_id: int | None) -> checks.VariantContent:
        """The row's variant; a column the file leaves out keeps what the stored variant has."""
        channel_id, language = self.channels.get(row["channel"].lower()), row["language"]
        if channel_id is None:
            self.problem(number, "channel", "No channel has this name")
        elif map_id is not None and (first := repeated(self.seen, (map_id, channel_id, language), number)):
            self.problem(number, "language", f"This map, channel and language are already on row {first}")
        stored = [v for v in self.current.get(map_id or 0, []) if v.key == (channel_id, language)]
        base = (checks.VariantContent.of(stored[0]) if stored else
                checks.VariantContent(channel_id=channel_id, language=language, body=""))
        values: dict[str, Any] = {name: self.flag(number, name, row[name]) for name in FLAGS if name in row}
        if "alt_text" in row:
            values["alt_text"] = row["alt_text"]
        if "translation_status" in row:
            values["translation_status"] = self.status(number, row["translation_status"])
        return replace(base, body=row["body"], **values)

    def flag(self, number: int, column: str, value: str) -> bool:
        answer = yes_no(value)
        if answer is None:
            self.problem(number, column, "Write yes or no")
        return bool(answer)

    def status(self, number: int, value: str) -> TranslationStatus:
        if not value:
            return TranslationStatus.ORIGINAL
        if value.lower() not in set(TranslationStatus):
            self.problem(number, "translation_status",
                         f"Use one of: {', '.join(status.value for status in TranslationStatus)}")
            return TranslationStatus.ORIGINAL
        return TranslationStatus(value.lower())


def import_variants(session: Session, text: str, *, actor: User, now: datetime) -> ImportResult:
    """Replace the variants of every map in the file, one new version per map that changes;
    raises ImportFailed, saving nothing, on any error."""
    maps.require_role(actor, maps.WRITERS, "import message variants")
    rows = read_rows(text, COLUMNS, REQUIRED)
    reader, groups = Reader(session, rows), dict[int, tuple[MessageMap, list[Parsed]]]()
    for number, row in rows:
        before = len(reader.errors)
        item = reader.map_of(number, row)
        content = reader.variant(number, row, item.id if item else None)
        if item is not None and len(reader.errors) == before:
            groups.setdefault(item.id, (item, []))[1].append((number, content))
    for item, parsed in groups.values():
        problems = checks.check_variants(session, [content for _, content in parsed],
                                         reader.current.get(item.id, []))
        for key, messages in problems.items():
            index, name = key.removeprefix("variants[").split("].")
            reader.errors += [RowError(parsed[int(index)][0], COLUMN_OF.get(name, name), message)
                              for message in messages]
    if reader.errors:
        raise ImportFailed(sorted(reader.errors, key=lambda error: error.row))
    result = ImportResult()
    for item, parsed in groups.values():
        version = maps.edit_content(session, item, None, variants=[content for _, content in parsed],
                                    note="Variants imported from a CSV file", actor=actor, now=now)
        if version is None:
            result.unchanged += 1
        else:
            result.updated += 1
    return result
