"""CSV export and all-or-nothing import of audiences, channels and affinity.

Export writes every active row; importing that file again changes nothing. Import matches rows
by name, adds or updates them, and either saves every row or, if any row is wrong, none, with a
report naming each bad row and field. A name (or audience and channel pair) twice in one file is
reported, not silently settled by the last row.

Cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return)
are written with a leading ' and read back without it, so exports are safe to open and still
round-trip. Plain numbers such as -5 are left as they are.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audiences import service
from commsplan.audiences.kinds import AUDIENCES, CHANNELS
from commsplan.audiences.models import Audience, Channel
from commsplan.auth.models import User
from commsplan.errors import ValidationError
from commsplan.formdata import checked_form
from commsplan.forms import AppForm
from commsplan.reference import service as catalogue
from commsplan.reference.kinds import ReferenceKind

LIST_SEPARATOR = ";"
MAX_ROWS = 20_000
AFFINITY_COLUMNS = ("audience", "channel", "score", "evidence")
WHOLE_NUMBER = re.compile(r"-?[0-9]+")
PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
YES, NO = ("yes", "y", "true", "1"), ("no", "n", "false", "0", "")


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str


class ImportFailed(ValidationError):
    """Nothing was saved; `rows` says which rows and fields were wrong."""

    def __init__(self, rows: list[RowError]) -> None:
        super().__init__({"file": [f"Row {rows[0].row}, {rows[0].field}: {rows[0].message}"]})
        self.rows = rows


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, list):
        return f"{LIST_SEPARATOR} ".join(str(item) for item in value)
    return str(value)


def yes_no(value: str) -> bool | None:
    """yes or no in any of the usual spellings (blank is no); None when it is neither."""
    answer = value.strip().lower()
    return True if answer in YES else False if answer in NO else None


def _formula_like(value: str) -> bool:
    """Whether a spreadsheet would run the cell, once the quotes we add or strip are set aside."""
    return value.lstrip("'").startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value)


def neutralised(value: str) -> str:
    """The cell as written: a leading ' stops a spreadsheet running it as a formula."""
    return "'" + value if _formula_like(value) else value


def restored(value: str) -> str:
    """Undo `neutralised`: one leading ' goes when a formula-like value follows it."""
    return value[1:] if value.startswith("'") and _formula_like(value[1:]) else value


def write_csv(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    # CRLF, as RFC 4180 and spreadsheets expect; it also makes the writer quote a cell holding a
    # lone carriage return, which would otherwise end the row when read back.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(list(header))
    writer.writerows([neutralised(cell(value)) for value in row] for row in rows)
    return out.getvalue()


def export_kind(session: Session, kind: ReferenceKind) -> str:
    items = catalogue.active_items(session, kind)
    return write_csv(kind.fields, ([getattr(item, name) for name in kind.fields] for item in items))


def export_affinity(session: Session) -> str:
    rows = sorted(service.affinities(session).values(),
                  key=lambda a: (a.audience.name.lower(), a.channel.name.lower()))
    return write_csv(AFFINITY_COLUMNS, ((a.audience.name, a.channel.name, a.score, a.evidence)
                                        for a in rows if not a.audience.is_retired
                                        and not a.channel.is_retired))


Row = tuple[int, dict[str, str]]  # (line number, values by column)


def read_rows(text: str, expected: Iterable[str], required: Iterable[str]) -> list[Row]:
    """The file's rows with their line numbers, after checking the header row."""
    # newline="" lets the csv module read line breaks inside quoted cells, and files from old Macs.
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    rows: list[Row] = []
    header: list[str] = []
    try:
        header = [name.strip() for name in reader.fieldnames or []]
        unknown = [name for name in header if name not in expected]
        missing = [name for name in required if name not in header]
        if not header or unknown or missing:
            problem = (f"unknown column “{unknown[0]}”" if unknown else
                       f"missing column “{missing[0]}”" if missing else "no header row")
            raise ImportFailed([RowError(1, "header", f"The first row must name the columns: {problem}")])
        for number, row in enumerate(reader, start=2):
            if None in row:
                raise ImportFailed([RowError(number, "row",
                                             "This row has more values than there are columns")])
            rows.append((number, {key.strip(): restored(value or "").strip()
                                  for key, value in row.items()}))
            if len(rows) > MAX_ROWS:
                raise ImportFailed([RowError(number, "file", f"Import at most {MAX_ROWS:,} rows at a time")])
    except csv.Error as error:
        raise ImportFailed([RowError(len(rows) + 2 if header else 1, "row",
                                     f"This row cannot be read as CSV ({error})")]) from None
    return rows


def repeated(seen: dict[Any, int], key: Any, number: int) -> int | None:
    """The row a natural key first appeared on, when row `number` repeats it; records it otherwise."""
    first = seen.setdefault(key, number)
    return first if first != number else None


class RowReader:
    """Turns a file's rows into a form's values, with one form, made once, checking every row."""

    def __init__(self, form_class: type[AppForm]) -> None:
        self.form = form_class(formdata=None, meta={"csrf": False})

    def payload(self, row: dict[str, str]) -> dict[str, Any]:
        """CSV text to the JSON-like values the form checks: lists split, yes/no as true/false."""
        payload: dict[str, Any] = {}
        for name, value in row.items():
            kind = type(self.form[name]).__name__ if name in self.form else ""
            if kind in ("LanguagesField", "MultiChoiceField"):
                payload[name] = [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]
            elif kind == "BooleanField":
                # Anything but yes or no stays text, which the type check reports for this row.
                answer = yes_no(value)
                payload[name] = value if answer is None else answer
            elif kind == "WholeNumberField":
                # JSON-typed checks want an integer or null; other text stays text and is reported.
                payload[name] = None if not value else int(value) if WHOLE_NUMBER.fullmatch(value) else value
            else:
                payload[name] = value
        return payload

    def values(self, row: dict[str, str], fields: Iterable[str], current: dict[str, Any] | None
               ) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """The row's values for `fields` that passed the form, and every fault the form found."""
        payload = self.payload(row)
        blank = {key for key, value in payload.items() if value is None}
        errors = checked_form(self.form, payload, current=current, nullable=blank)
        return {name: self.form[name].data for name in fields if name not in errors}, errors


def row_errors(number: int, *found: dict[str, list[str]]) -> list[RowError]:
    """Every fault of one row; a field reported by an earlier check is not reported again."""
    fields: dict[str, list[str]] = {}
    for errors in found:
        for name, messages in errors.items():
            fields.setdefault(name, list(messages))
    return [RowError(number, name, message) for name, messages in fields.items() for message in messages]


def import_kind(
    session: Session, kind: ReferenceKind, form_class: type[AppForm], text: str, *,
    actor: User | None, now: datetime,
) -> ImportResult:
    """Add or update every row, matching by name; raises ImportFailed (saving nothing) on any error.

    Every row is checked against the items read in one query, and every fault of every row is
    reported; then the whole file is saved in a few statements, whatever its length."""
    rows = read_rows(text, kind.fields, ("name",))
    existing = catalogue.all_items(session, kind)
    by_name = {item.name.lower(): item for item in existing}
    reader, seen = RowReader(form_class), dict[str, int]()
    proposals: list[catalogue.Proposal] = []
    faults: list[tuple[dict[str, list[str]], ...]] = []
    for number, row in rows:
        name = row.get("name", "").lower()
        first = repeated(seen, name, number)
        item = None if first else by_name.get(name)
        current = {f: getattr(item, f) for f in kind.fields} if item is not None else None
        values, form_errors = reader.values(row, kind.fields, current)
        faults.append(({"name": [f"Same name as row {first}"]} if first else {}, form_errors))
        proposals.append((item, values))
    rules = catalogue.check_items(session, kind, proposals, existing)
    errors = [error for (number, _), found, broken in zip(rows, faults, rules, strict=True)
              for error in row_errors(number, *found, broken)]
    if errors:
        raise ImportFailed(errors)
    outcomes = catalogue.save_items(session, kind, proposals, existing, actor=actor, now=now)
    return ImportResult(created=outcomes.count("created"), updated=outcomes.count("updated"),
                        unchanged=outcomes.count("unchanged"))


def import_affinity(session: Session, text: str, *, actor: User | None, now: datetime) -> ImportResult:
    """Set every (audience, channel) score in the file; all or nothing. Names and the scored cells
    are read in one query each; every fault of every row is reported."""
    rows = read_rows(text, AFFINITY_COLUMNS, ("audience", "channel", "score"))
    audiences = {a.name.lower(): a for a in session.scalars(select(Audience))}
    channels = {c.name.lower(): c for c in session.scalars(select(Channel))}
    existing = service.affinities(session)
    changes, errors, seen = list[service.CellChange](), list[RowError](), dict[service.Cell, int]()
    for number, row in rows:
        audience, channel = audiences.get(row["audience"].lower()), channels.get(row["channel"].lower())
        score = row["score"]
        problems = {"audience": ["No audience has this name"]} if audience is None else {}
        problems |= {"channel": ["No channel has this name"]} if channel is None else {}
        if score not in ("0", "1", "2", "3", ""):
            problems["score"] = ["Enter a score from 0 to 3, or leave it blank to clear it"]
        if audience is None or channel is None:
            errors += row_errors(number, problems)
            continue
        # no evidence column keeps the evidence already there
        change = service.CellChange(audience, channel, int(score) if score in ("0", "1", "2", "3") else None,
                                    row.get("evidence"))
        if first := repeated(seen, change.key, number):
            problems["channel"] = [f"This audience and channel pair is already on row {first}"]
        errors += row_errors(number, problems, service.cell_errors(change, existing.get(change.key)))
        changes.append(change)
    if errors:
        raise ImportFailed(errors)
    changed = service.set_cells(session, changes, existing=existing, actor=actor, now=now)
    return ImportResult(updated=changed, unchanged=len(changes) - changed)


IMPORTABLE = {"audiences": AUDIENCES, "channels": CHANNELS}
