"""Affinity between audiences and channels: one cell at a time or the whole grid at once."""

from __future__ import annotations

from collections.abc import Mapping
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
    row = session.get(Affinity, (audience.id, channel.id))
    evidence = (row.evidence if row and evidence is None else evidence or "").strip()
    if errors := _check(score, evidence):
        raise ValidationError(errors)
    if score is None:
        if row is None:
            return False
        audit.delete_audited(session, row, actor=actor, now=now)
        return True
    if row is None:
        row = Affinity(audience_id=audience.id, channel_id=channel.id, audience=audience,
                       channel=channel, score=score, evidence=evidence, updated_at=now)
        audit.add_audited(session, row, actor=actor, now=now)
        return True
    return bool(audit.update_audited(session, row, {"score": score, "evidence": evidence},
                                     actor=actor, now=now))


def set_scores(
    session: Session, *, scores: Mapping[Cell, int | None], actor: User | None, now: datetime
) -> int:
    """Save a whole grid of scores (evidence untouched); returns how many cells changed."""
    audiences = {a.id: a for a in session.scalars(select(Audience))}
    channels = {c.id: c for c in session.scalars(select(Channel))}
    existing = affinities(session)
    changed = 0
    for (audience_id, channel_id), score in scores.items():
        if audience_id not in audiences or channel_id not in channels:
            raise ValidationError.single(f"cell-{audience_id}-{channel_id}", "No such audience or channel")
        current = existing.get((audience_id, channel_id))
        if (current.score if current else None) == score:
            continue
        changed += set_affinity(session, audience=audiences[audience_id], channel=channels[channel_id],
                                score=score, actor=actor, now=now)
    return changed
