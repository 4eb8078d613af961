"""Affinity between audiences and channels: one cell at a time or the whole grid at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audiences.kinds import AUDIENCES, CHANNELS
from commsplan.audiences.models import Affinity, Audience, Channel
from commsplan.audit import service as audit
from commsplan.auth.models import User
from commsplan.errors import ValidationError
from commsplan.reference.service import active_items

MAX_EVIDENCE = 1000
Cell = tuple[int, int]  # (audience id, channel id)


def affinities(session: Session) -> dict[Cell, Affinity]:
    return {(row.audience_id, row.channel_id): row for row in session.scalars(select(Affinity))}


def affinities_for(session: Session, audience_id: int, channel_id: int) -> Affinity | None:
    return session.get(Affinity, (audience_id, channel_id))


def grid(session: Session) -> tuple[list[Audience], list[Channel], dict[Cell, Affinity]]:
    """Active audiences and channels with every affinity between them (three queries)."""
    return active_items(session, AUDIENCES), active_items(session, CHANNELS), affinities(session)


def _check(score: int | None, evidence: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if score is not None and not 0 <= score <= 3:
        errors["score"] = ["Choose a score from 0 to 3"]
    if len(evidence) > MAX_EVIDENCE:
        errors["evidence"] = [f"Evidence must be {MAX_EVIDENCE} characters or fewer"]
    return errors


@dataclass(frozen=True)
class CellChange:
    """A new score for one cell (None clears it); evidence None keeps the evidence already there."""

    audience: Audience
    channel: Channel
    score: int | None
    evidence: str | None = None

    @property
    def key(self) -> Cell:
        return (self.audience.id, self.channel.id)

    def evidence_over(self, current: Affinity | None) -> str:
        return (current.evidence if current and self.evidence is None else self.evidence or "").strip()


def cell_errors(change: CellChange, current: Affinity | None) -> dict[str, list[str]]:
    """What is wrong with the change, by field (nothing when it can be saved)."""
    return _check(change.score, change.evidence_over(current))


def set_cells(
    session: Session, changes: Sequence[CellChange], *, existing: Mapping[Cell, Affinity],
    actor: User | None, now: datetime,
) -> int:
    """Save every change, or none when one is wrong (ValidationError); `existing` holds the cells
    already scored (at least those changed). New cells go in one INSERT, changed ones in one batched
    UPDATE, cleared ones in one DELETE, each audited. Returns how many cells changed."""
    new, updates, cleared = [], [], []
    for change in changes:
        current = existing.get(change.key)
        if errors := cell_errors(change, current):
            raise ValidationError(errors)
        evidence = change.evidence_over(current)
        if change.score is None:
            cleared += [current] if current is not None else []
        elif current is None:
            new.append({"audience_id": change.audience.id, "channel_id": change.channel.id,
                        "score": change.score, "evidence": evidence, "updated_at": now})
        else:
            updates.append((current, {"score": change.score, "evidence": evidence}))
    audit.insert_all_audited(session, Affinity, new, actor=actor, now=now)
    changed = audit.update_all_audited(session, updates, actor=actor, now=now)
    audit.delete_all_audited(session, cleared, actor=actor, now=now)
    return len(new) + sum(1 for changes_of_cell in changed if changes_of_cell) + len(cleared)


def set_affinity(
    session: Session,
    *,
    audience: Audience,
    channel: Channel,
    score: int | None,
    evidence: str | None = None,
    actor: User | None,
    now: datetime,
) -> bool:
    """Set one cell (None clears it); audited. Returns whether anything changed."""
    change = CellChange(audience, channel, score, evidence)
    current = session.get(Affinity, change.key)
    existing = {change.key: current} if current is not None else {}
    return bool(set_cells(session, [change], existing=existing, actor=actor, now=now))


def set_scores(
    session: Session, *, scores: Mapping[Cell, int | None], actor: User | None, now: datetime
) -> int:
    """Save a whole grid of scores (evidence untouched); returns how many cells changed."""
    audiences = {a.id: a for a in session.scalars(select(Audience))}
    channels = {c.id: c for c in session.scalars(select(Channel))}
    for audience_id, channel_id in scores:
        if audience_id not in audiences or channel_id not in channels:
            raise ValidationError.single(f"cell-{audience_id}-{channel_id}", "No such audience or channel")
    return set_cells(session, [CellChange(audiences[a], channels[c], score)
                               for (a, c), score in scores.items()],
                     existing=affinities(session), actor=actor, now=now)
