"""Checking decision logs, and signing the entries logged before signing began.

`verify_chain` checks each entry against its hash, its signature and its links to the entry
before, then each log against what was recorded outside it: the checkpoint file, checkpoints typed
from a report or an email, and the audit trail. Each problem names the entry and the kind of
break. `sign_legacy` signs unsigned entries, but only in logs with nothing else wrong.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.audit.models import AuditEntry
from commsplan.incidents import decision_chain
from commsplan.incidents.decision_chain import GENESIS, LogSettings
from commsplan.incidents.decisions import AUDIT_ACTION
from commsplan.incidents.models import DecisionEntry, Incident
from commsplan.timeutil import to_london

SIGNED_LATER_ACTION = "decision_log_signed"
TYPED = re.compile(r"(?P<reference>[A-Za-z]+-\d{4}-\d+):(?P<count>\d{1,9}):(?P<head>[0-9a-fA-F]{8,64})")


class BreakKind(StrEnum):
    CHANGED = "changed"  # the signature or hash does not match the contents
    REMOVED = "removed"  # a gap in the sequence
    RELINKED = "relinked"  # the link to the entry before is broken
    MISSING_AT_END = "missing_at_end"  # a checkpoint or the audit trail counts more than the log holds
    UNKNOWN_KEY = "unknown_key"  # signed with a key the configuration no longer holds
    UNSIGNED = "unsigned"  # logged before signing began

    @property
    def label(self) -> str:
        return "missing at the end" if self is BreakKind.MISSING_AT_END else self.value.replace("_", " ")


@dataclass(frozen=True)
class Problem:
    """One place where a decision log no longer matches what was written."""

    reference: str
    sequence: int
    kind: BreakKind
    detail: str

    def __str__(self) -> str:
        where = f"{self.reference} decision {self.sequence}" if self.sequence else self.reference
        return f"{where}: {self.kind.label}: {self.detail}"


@dataclass(frozen=True)
class Checkpoint:
    """A log's length and head as a checkpoint recorded them; `source` says where it came from."""

    incident_id: int
    reference: str
    count: int
    head: str  # the whole signature, or the start of it when typed from a copy
    source: str
    at: datetime | None = None


@dataclass
class ChainCheck:
    """What `verify_chain` found, and what it compared the logs with."""

    problems: list[Problem]
    entries: int
    incidents: int
    checkpoints: int = 0  # checkpoints compared, from the file and typed
    latest: dict[int, Checkpoint] = field(default_factory=dict)  # incident id → its longest checkpoint
    unanchored: list[str] = field(default_factory=list)  # signed logs with no checkpoint in the file
    audited: dict[int, int] = field(default_factory=dict)  # incident id → decisions in the audit trail


def parse_typed(text: str) -> tuple[str, int, str]:
    """A checkpoint typed from a copy, "CI-2026-0001:7:3f2a9c1b…", as (reference, count, head)."""
    match = TYPED.fullmatch(text.strip())
    if match is None or int(match["count"]) < 1:
        raise ValueError("Give a checkpoint as REFERENCE:ENTRIES:HEAD, like CI-2026-0001:7:3f2a9c1b5e7d0a42 "
                         "(at least 8 characters of the head)")
    return match["reference"], int(match["count"]), match["head"].lower()


def typed_checkpoints(session: Session, typed: Iterable[str]) -> list[Checkpoint]:
    """Typed checkpoints matched to their incidents; a ValueError names a bad or unknown one."""
    parsed = [parse_typed(text) for text in typed]
    ids = dict(session.execute(select(Incident.reference, Incident.id).where(
        Incident.reference.in_({reference for reference, _, _ in parsed}))).all())
    unknown = sorted({reference for reference, _, _ in parsed if reference not in ids})
    if unknown:
        raise ValueError(f"No incident {', '.join(unknown)}")
    return [Checkpoint(ids[reference], reference, count, head, "the checkpoint you gave")
            for reference, count, head in parsed]


# --- Verification ------------------------------------------------------------------------------

Found = list[tuple[BreakKind, str]]  # an entry's problems, before they name the entry


def verify_chain(session: Session, incident_id: int | None = None, *, settings: LogSettings,
                 given: Sequence[Checkpoint] = ()) -> ChainCheck:
    """Every break in one incident's log (or in all of them), and how much was checked."""
    query = select(DecisionEntry, Incident.reference).join(Incident).order_by(
        DecisionEntry.incident_id, DecisionEntry.sequence)
    if incident_id is not None:
        query = query.where(DecisionEntry.incident_id == incident_id)
    logs: dict[int, list[DecisionEntry]] = {}
    names: dict[int, str] = {}
    for entry, reference in session.execute(query):
        logs.setdefault(entry.incident_id, []).append(entry)
        names[entry.incident_id] = reference
    problems = [problem for key, entries in logs.items()
                for problem in entry_problems(names[key], entries, settings.keys)]
    recorded, bad = read_checkpoints(settings, incident_id)
    checkpoints = [*recorded, *(c for c in given if incident_id is None or c.incident_id == incident_id)]
    audited = audit_counts(session, incident_id)
    names |= incident_names(session, {*audited, *(c.incident_id for c in checkpoints)} - set(names))
    heads = {key: entries[-1].sequence for key, entries in logs.items()}
    problems += bad + missing_at_end(names, heads, audited, checkpoints)
    problems += heads_differ(names, logs, checkpoints)
    latest = longest(recorded)
    return ChainCheck(
        sorted(problems, key=lambda p: (p.reference, p.sequence)), sum(map(len, logs.values())), len(logs),
        checkpoints=len(checkpoints), latest=latest, audited=audited,
        unanchored=sorted(names[key] for key, entries in logs.items()
                          if key not in latest and any(e.signature for e in entries)))


def entry_problems(reference: str, entries: list[DecisionEntry], keys: Mapping[str, str]) -> list[Problem]:
    """What is wrong with each entry of one log, given the entry before it."""
    problems: list[Problem] = []
    before: DecisionEntry | None = None
    signing_began = False
    for entry in entries:
        found = gap(before, entry)
        removed = bool(found)  # a removal explains broken links, so they are only reported without one
        found += [] if removed else hash_links(before, entry)
        if entry.hash != decision_chain.content_hash(entry):
            found.append((BreakKind.CHANGED, "its hash does not match its contents (the row was changed)"))
        found += signature_problems(before, entry, keys, signing_began, check_link=not removed)
        problems += [Problem(reference, entry.sequence, kind, detail) for kind, detail in found]
        signing_began = signing_began or entry.signature is not None
        before = entry
    return problems


def gap(before: DecisionEntry | None, entry: DecisionEntry) -> Found:
    expected = before.sequence + 1 if before else 1
    if entry.sequence == expected:
        return []
    missing = f"entry {expected} was" if entry.sequence == expected + 1 else \
        f"entries {expected} to {entry.sequence - 1} were"
    return [(BreakKind.REMOVED, f"{missing} removed from before it")]


def hash_links(before: DecisionEntry | None, entry: DecisionEntry) -> Found:
    if entry.prev_hash == (before.hash if before else GENESIS):
        return []
    return [(BreakKind.RELINKED, f"its hash link (prev_hash) does not match {describe(before)}")]


def signature_problems(before: DecisionEntry | None, entry: DecisionEntry, keys: Mapping[str, str],
                       signing_began: bool, *, check_link: bool) -> Found:
    if entry.signature is None or entry.key_id is None:
        if signing_began:
            return [(BreakKind.CHANGED, "it has no signature, yet every entry after signing began is signed "
                                        "(its signature was removed)")]
        return [(BreakKind.UNSIGNED, "unsigned (logged before signing began): `flask --app wsgi incidents "
                                     "sign-legacy --commit` signs it once its hashes check out")]
    found: Found = []
    if check_link and entry.prev_signature not in decision_chain.expected_links(before):
        found.append((BreakKind.RELINKED, f"its signature link does not match {describe(before)}"))
    matches = decision_chain.signature_matches(entry, keys)
    if matches is None:
        found.append((BreakKind.UNKNOWN_KEY, f"signed with key “{entry.key_id}”, which DECISION_LOG_KEYS "
                                             "does not hold, so its signature cannot be checked"))
    elif not matches:
        found.append((BreakKind.CHANGED, "its signature does not match its contents (the row was changed)"))
    return found


def describe(before: DecisionEntry | None) -> str:
    return f"entry {before.sequence}" if before else "the start of the log"


def audit_counts(session: Session, incident_id: int | None) -> dict[int, int]:
    """How many decisions the audit trail records for each incident."""
    query = (select(AuditEntry.object_id, func.count()).where(
        AuditEntry.action == AUDIT_ACTION, AuditEntry.object_type == Incident.__audit_type__)
        .group_by(AuditEntry.object_id))
    if incident_id is not None:
        query = query.where(AuditEntry.object_id == str(incident_id))
    return {int(object_id): count for object_id, count in session.execute(query)}


def incident_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Incident.id, Incident.reference).where(Incident.id.in_(ids))).all())


def missing_at_end(names: dict[int, str], heads: dict[int, int], audited: dict[int, int],
                   checkpoints: Sequence[Checkpoint]) -> list[Problem]:
    """Removing the newest entries breaks no link: the audit trail and the checkpoints still count them."""
    counted = [(key, count, f"the audit trail records {count} decisions") for key, count in audited.items()]
    counted += [(key, checkpoint.count, f"{source(checkpoint)} counts {checkpoint.count} entries")
                for key, checkpoint in longest(checkpoints, with_typed=True).items()]
    problems = []
    for key, count, evidence in counted:
        held = heads.get(key, 0)
        if count > held:
            ending = f"the log ends at entry {held}" if held else "the log is empty"
            problems.append(Problem(names.get(key, f"incident {key}"), held + 1, BreakKind.MISSING_AT_END,
                                    f"{evidence} but {ending} (the newest entries were removed)"))
    return problems


def heads_differ(names: dict[int, str], logs: dict[int, list[DecisionEntry]],
                 checkpoints: Sequence[Checkpoint]) -> list[Problem]:
    """An entry a checkpoint recorded as the head must still be that entry."""
    by_place = {(entry.incident_id, entry.sequence): entry for entries in logs.values() for entry in entries}
    problems = []
    for checkpoint in checkpoints:
        entry = by_place.get((checkpoint.incident_id, checkpoint.count))
        if entry is not None and not (entry.signature or "").startswith(checkpoint.head):
            problems.append(Problem(
                names.get(checkpoint.incident_id, checkpoint.reference), checkpoint.count, BreakKind.CHANGED,
                f"it is not the entry {source(checkpoint)} recorded as the head "
                f"({checkpoint.head[:decision_chain.SHORT_HEAD]})"))
    return list(dict.fromkeys(problems))


def longest(checkpoints: Iterable[Checkpoint], *, with_typed: bool = False) -> dict[int, Checkpoint]:
    """Each incident's checkpoint with the most entries (typed ones, which have no time, only when asked)."""
    found: dict[int, Checkpoint] = {}
    for checkpoint in checkpoints:
        if checkpoint.at is None and not with_typed:
            continue
        held = found.get(checkpoint.incident_id)
        if held is None or checkpoint.count > held.count:
            found[checkpoint.incident_id] = checkpoint
    return found


def source(checkpoint: Checkpoint) -> str:
    if checkpoint.at is None:
        return checkpoint.source
    return f"{checkpoint.source} written at {to_london(checkpoint.at):%H:%M on %-d %b %Y}"


# --- The checkpoint file -----------------------------------------------------------------------

def read_checkpoints(settings: LogSettings, incident_id: int | None
                     ) -> tuple[list[Checkpoint], list[Problem]]:
    """The file's checkpoints whose signatures check out, and a problem for each line that does not
    (for one incident, only the lines that name it). No file yet means no checkpoints."""
    try:
        with open(settings.checkpoint_file, encoding="utf-8") as lines:
            read = [read_line(number, line, settings.keys) for number, line in enumerate(lines, 1)
                    if line.strip()]
    except FileNotFoundError:
        return [], []
    except (OSError, UnicodeDecodeError) as error:
        return [], [Problem("Checkpoint file", 0, BreakKind.CHANGED, f"it cannot be read ({error})")]
    wanted = [(checkpoint, problem) for checkpoint, problem in read if incident_id is None
              or (checkpoint is not None and checkpoint.incident_id == incident_id)]
    return [c for c, p in wanted if c is not None and p is None], [p for _, p in wanted if p is not None]


def read_line(number: int, line: str, keys: Mapping[str, str]) -> tuple[Checkpoint | None, Problem | None]:
    where = f"line {number} of the checkpoint file"
    try:
        data = json.loads(line)
        fields = {name: data[name] for name in ("incident_id", "reference", "count", "head", "at", "key_id")}
        at = datetime.fromisoformat(data["at"]) if well_formed(data) else None
    except (ValueError, KeyError, TypeError):
        at = None
    if at is None or at.tzinfo is None:
        return None, Problem("Checkpoint file", 0, BreakKind.CHANGED, f"{where} is not a checkpoint")
    checkpoint = Checkpoint(data["incident_id"], data["reference"], data["count"], data["head"],
                            "the checkpoint", at)
    secret = keys.get(data["key_id"])
    if secret is None:
        return checkpoint, Problem(checkpoint.reference, checkpoint.count, BreakKind.UNKNOWN_KEY,
                                   f"{where} is signed with key “{data['key_id']}”, which "
                                   "DECISION_LOG_KEYS does not hold")
    expected = decision_chain.checkpoint_signature(fields, secret)
    if not hmac.compare_digest(data["signature"].encode(), expected.encode()):
        return checkpoint, Problem(checkpoint.reference, checkpoint.count, BreakKind.CHANGED,
                                   f"{where} does not match its signature (the file was changed)")
    return checkpoint, None


def well_formed(data: Any) -> bool:
    texts = ("reference", "head", "at", "key_id", "signature")
    return (isinstance(data, dict) and all(isinstance(data.get(name), str) for name in texts)
            and all(isinstance(data.get(name), int) and not isinstance(data.get(name), bool)
                    for name in ("incident_id", "count")))


# --- Entries logged before signing began -------------------------------------------------------

@dataclass(frozen=True)
class LegacySigning:
    """One incident's unsigned entries: the ones signed, or why none were."""

    reference: str
    signed: list[int]
    refused: list[Problem]


def sign_legacy(session: Session, *, incident_id: int | None = None, settings: LogSettings,
                now: datetime) -> list[LegacySigning]:
    """Sign the entries logged before signing began, in each log whose only problem is that they are
    unsigned: their hashes, links and sequence must check out, against the audit trail too."""
    query = select(DecisionEntry.incident_id).where(DecisionEntry.signature.is_(None)).distinct()
    if incident_id is not None:
        query = query.where(DecisionEntry.incident_id == incident_id)
    results = []
    for key in sorted(session.scalars(query)):
        checked = verify_chain(session, key, settings=settings)
        refused = [p for p in checked.problems if p.kind is not BreakKind.UNSIGNED]
        incident = session.get(Incident, key)
        if incident is None:
            continue
        signed = [] if refused else sign_unsigned(session, incident, settings=settings, now=now)
        results.append(LegacySigning(incident.reference, signed, refused))
    return results


def sign_unsigned(session: Session, incident: Incident, *, settings: LogSettings, now: datetime) -> list[int]:
    entries = list(session.scalars(select(DecisionEntry).where(DecisionEntry.incident_id == incident.id)
                                   .order_by(DecisionEntry.sequence)))
    signed = []
    before: DecisionEntry | None = None
    for entry in entries:
        if entry.signature is None:
            entry.signed_later = True
            decision_chain.sign(entry, before, settings)
            signed.append(entry.sequence)
        before = entry
    session.flush()
    audit.record(session, actor=None, action=SIGNED_LATER_ACTION, obj=incident, now=now,
                 changes={"signed_entries": [None, f"{signed[0]} to {signed[-1]}" if len(signed) > 1
                                             else str(signed[0])]})
    if before is not None and before.sequence in signed:
        decision_chain.queue_checkpoint(session, incident, before, settings, now=now)
    return signed
