"""Signing the decision log, and anchoring it outside the database.

Every entry carries an HMAC-SHA256 signature, made with a key kept in configuration
(`DECISION_LOG_KEYS`, never in the database), over a canonical form of everything it says: its
place in the log, the previous entry's signature, who made the decision, who recorded it, the
role, the National Decision Model rationale and the Code of Ethics. Someone who can write to the
database but holds no key can neither change an entry nor rebuild the chain after it without the
signatures showing it. The plain SHA-256 `hash` chain is kept: entries logged before signing began
are checked (and later signed) by it.

Removing the newest entries breaks no link, so after each append commits a signed checkpoint
(incident, entry count, head signature, time, key id) goes to an append-only file outside the
database. Reports and the check page print the head too (and emails can, with
`format_chain_head`), so copies kept elsewhere anchor the log as well.

This module imports no incident service, so any of them (reminders included) can call
`chain_head`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction

from commsplan.incidents.models import DecisionEntry, Incident

GENESIS = "0" * 64
SHORT_HEAD = 16  # hex characters of the head signature printed on copies: 64 bits
# The free text an entry holds; `ethics_note` arrived with signing, so older hashes leave it out.
SIGNED_TEXT = ("decision", "information", "threat_risk", "powers_policy", "options", "action_review",
               "ethics_note")
HASHED_TEXT = SIGNED_TEXT[:-1]
PENDING = "commsplan.decision_log.checkpoints"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LogSettings:
    """The keys that sign and check entries, the one that signs new ones, and the checkpoint file."""

    keys: Mapping[str, str]
    key_id: str
    checkpoint_file: str

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LogSettings:
        return cls(keys=dict(config["DECISION_LOG_KEYS"]), key_id=str(config["DECISION_LOG_KEY_ID"]),
                   checkpoint_file=str(config.get("DECISION_LOG_CHECKPOINT_FILE") or ""))


def current_log_settings() -> LogSettings:
    return LogSettings.from_config(current_app.config)


# --- Canonical forms, hashes and signatures ----------------------------------------------------

def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def canonical(body: Mapping[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def content_hash(entry: DecisionEntry) -> str:
    """SHA-256 of what the entry says, its place in the log and the hash before it.

    The fields added when signing began count only when used, so entries logged before then keep
    the hashes they were written with.
    """
    body: dict[str, Any] = {
        "incident_id": entry.incident_id, "sequence": entry.sequence, "at": utc_text(entry.at),
        "decided_by_id": entry.decided_by_id, "decision_role": entry.decision_role,
        **{name: getattr(entry, name) for name in HASHED_TEXT},
        "supersedes_id": entry.supersedes_id, "prev_hash": entry.prev_hash}
    if entry.recorded_by_id != entry.decided_by_id:
        body["recorded_by_id"] = entry.recorded_by_id
    if entry.ethics:
        body["ethics"] = list(entry.ethics)
    if entry.ethics_note:
        body["ethics_note"] = entry.ethics_note
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def signed_form(entry: DecisionEntry) -> bytes:
    """Every stored field but the row id and the signature itself, as the bytes that are signed."""
    return canonical({
        "kind": "decision", "incident_id": entry.incident_id, "sequence": entry.sequence,
        "at": utc_text(entry.at), "decided_by_id": entry.decided_by_id,
        "recorded_by_id": entry.recorded_by_id,
        "decision_role": entry.decision_role, **{name: getattr(entry, name) for name in SIGNED_TEXT},
        "ethics": list(entry.ethics or []), "supersedes_id": entry.supersedes_id,
        "prev_hash": entry.prev_hash, "hash": entry.hash, "prev_signature": entry.prev_signature,
        "key_id": entry.key_id, "signed_later": bool(entry.signed_later)})


def link_to(before: DecisionEntry | None) -> str:
    """What the next entry's `prev_signature` holds: the signature before it (the hash of an entry
    logged before signing began), or the start-of-log value."""
    if before is None:
        return GENESIS
    return before.signature or before.hash


def expected_links(before: DecisionEntry | None) -> set[str]:
    """The links an entry may hold to the one before. An entry signed later by `sign-legacy` may be
    followed by one written while it was unsigned, which links to its hash."""
    if before is None:
        return {GENESIS}
    if before.signature is None:
        return {before.hash}
    return {before.signature, before.hash} if before.signed_later else {before.signature}


def sign(entry: DecisionEntry, before: DecisionEntry | None, settings: LogSettings) -> None:
    """Link the entry to the one before and sign it with the current key."""
    entry.key_id = settings.key_id
    entry.prev_signature = link_to(before)
    entry.signature = hmac_hex(settings.keys[settings.key_id], signed_form(entry))


def seal(entry: DecisionEntry, before: DecisionEntry | None, settings: LogSettings) -> None:
    """Give a new entry its hash chain and its signature."""
    entry.prev_hash = before.hash if before else GENESIS
    entry.hash = content_hash(entry)
    sign(entry, before, settings)


def signature_matches(entry: DecisionEntry, keys: Mapping[str, str]) -> bool | None:
    """Whether the signature fits the entry's contents; None when the key that signed it is not held."""
    secret = keys.get(entry.key_id or "")
    if secret is None:
        return None
    expected = hmac_hex(secret, signed_form(entry))
    return hmac.compare_digest((entry.signature or "").encode(), expected.encode())


# --- The head of the chain ---------------------------------------------------------------------

@dataclass(frozen=True)
class ChainHead:
    """How long a log is and the signature of its newest entry: what copies of it carry."""

    reference: str
    count: int
    signature: str | None  # None while the newest entry was logged before signing began
    key_id: str | None

    @property
    def short_signature(self) -> str | None:
        return self.signature[:SHORT_HEAD] if self.signature else None

    @property
    def short(self) -> str:
        """Like "7 entries, head 3f2a9c1b5e7d0a42"."""
        entries = f"{self.count} {'entry' if self.count == 1 else 'entries'}"
        if self.signature is None:
            return f"{entries}, head unsigned (logged before signing began)"
        return f"{entries}, head {self.short_signature}"

    @property
    def token(self) -> str | None:
        """What `incidents verify-log --checkpoint` takes, like "CI-2026-0001:7:3f2a9c1b5e7d0a42"."""
        return f"{self.reference}:{self.count}:{self.short_signature}" if self.signature else None


def head_of(reference: str, entries: Sequence[DecisionEntry]) -> ChainHead | None:
    """The head of a log already loaded; None when it is empty."""
    if not entries:
        return None
    last = max(entries, key=lambda entry: entry.sequence)
    return ChainHead(reference, last.sequence, last.signature, last.key_id)


def chain_head(session: Session, incident: Incident) -> ChainHead | None:
    """The head of the incident's log, in one small query; None when nothing is logged yet."""
    row = session.execute(select(DecisionEntry.sequence, DecisionEntry.signature, DecisionEntry.key_id)
                          .where(DecisionEntry.incident_id == incident.id)
                          .order_by(DecisionEntry.sequence.desc()).limit(1)).first()
    return ChainHead(incident.reference, row.sequence, row.signature, row.key_id) if row else None


def format_chain_head(head: ChainHead | None) -> str:
    """One plain line for emails and printed copies: the log's length and head, and how to check it."""
    if head is None:
        return "Decision log: no entries yet."
    if head.token is None:
        return f"Decision log: {head.short}."
    return (f"Decision log: {head.short}. To check the log against this later: "
            f"flask --app wsgi incidents verify-log --checkpoint {head.token}")


# --- Checkpoints outside the database ----------------------------------------------------------

def checkpoint_fields(incident: Incident, entry: DecisionEntry, settings: LogSettings, now: datetime
                      ) -> dict[str, Any]:
    return {"incident_id": incident.id, "reference": incident.reference, "count": entry.sequence,
            "head": entry.signature, "at": now.astimezone(UTC).isoformat(), "key_id": settings.key_id}


def checkpoint_signature(fields: Mapping[str, Any], secret: str) -> str:
    return hmac_hex(secret, canonical({"kind": "checkpoint", **fields}))


def queue_checkpoint(session: Session, incident: Incident, entry: DecisionEntry, settings: LogSettings, *,
                     now: datetime) -> None:
    """Write a signed checkpoint of the log's new head once (and only if) the transaction commits."""
    if not settings.checkpoint_file or entry.signature is None:
        return
    fields = checkpoint_fields(incident, entry, settings, now)
    line = json.dumps({**fields, "signature": checkpoint_signature(fields, settings.keys[settings.key_id])},
                      sort_keys=True, ensure_ascii=False)
    session.info.setdefault(PENDING, []).append((settings.checkpoint_file, line + "\n"))


def append_line(path: str, line: str) -> None:
    """One write in append mode, so lines from several workers never interleave."""
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(handle, line.encode())
            os.fsync(handle)
        finally:
            os.close(handle)
    except OSError:
        # The entry is committed; the next append writes a checkpoint that covers it.
        logger.exception("Could not write a decision-log checkpoint to %s", path)


def listen_for_commits() -> None:
    """Write checkpoints once their entries are committed, and drop them when the transaction is not;
    `create_app` calls this, once however many apps a process builds."""
    if not event.contains(Session, "after_commit", write_checkpoints):
        event.listen(Session, "after_commit", write_checkpoints)
        event.listen(Session, "after_transaction_end", forget_uncommitted)


def write_checkpoints(session: Session) -> None:
    for path, line in session.info.pop(PENDING, []):
        append_line(path, line)


def forget_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the whole transaction ended without a commit: nothing to anchor
        session.info.pop(PENDING, None)
