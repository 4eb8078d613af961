"""Words the press desk gives that nothing else has approved: drafted, signed off, then given.

Used for a claim's rebuttal (`rebuttals`) and an enquiry's written answer (`answers`). The sign-off
rule is the incident statements' own (`SignOff.refusal`, as for a statement whose step names no
approval role): anyone holding the approver role, never the drafter. The caller's guardrail check
runs when the words are drafted, approved and given. Only the newest draft of a record counts, so
words changed since a page was read are refused rather than approved unseen.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import User
from commsplan.errors import Conflict, PermissionDenied, ValidationError
from commsplan.incidents import statements as guardrails
from commsplan.press.models import PressDraft

APPROVER = guardrails.SignOff(None, "approver", None)
HISTORY = 20


def add(session: Session, owner: dict[str, int], text: str, *, actor: User, now: datetime) -> PressDraft:
    """New words for the record named by `owner` ({"claim_id": 3} or {"enquiry_id": 7})."""
    drafted = PressDraft(**owner, text=text, drafted_at=now, drafted_by_id=actor.id, approved_as="")
    audit.add_audited(session, drafted, actor=actor, now=now)
    drafted.drafted_by = actor
    return drafted


def history(session: Session, owner: Any) -> list[PressDraft]:
    """A record's drafts, newest first (at most `HISTORY`); `owner` is a condition on PressDraft."""
    return list(session.scalars(select(PressDraft).where(owner).order_by(PressDraft.id.desc())
                                .limit(HISTORY)))


def newest(session: Session, owner: Any, draft_id: int | None, what: str) -> PressDraft:
    """The draft acted on, which must be the newest."""
    found = session.scalar(select(PressDraft).where(owner).order_by(PressDraft.id.desc()).limit(1))
    if found is None or found.id != draft_id:
        raise Conflict(f"The {what}'s words have changed: read the newest draft again")
    return found


def refusal(drafted: PressDraft, actor: User, what: str) -> str | None:
    """Why `actor` may not approve these words, or None."""
    return APPROVER.refusal(actor, drafted, what)


def approve(session: Session, drafted: PressDraft, failures: Sequence[str], field: str, *, what: str,
            actor: User, now: datetime) -> None:
    """Sign the words off, once, if `actor` may and the guardrails (`failures`) still pass."""
    if drafted.approved_at is not None:
        raise Conflict(f"This {what} is approved already")
    if (why := refusal(drafted, actor, what)) is not None:
        raise PermissionDenied(why)
    if failures:
        raise ValidationError({field: list(failures)})
    audit.update_audited(session, drafted, {"approved_at": now, "approved_by_id": actor.id,
                                            "approved_as": APPROVER.label}, actor=actor, now=now)
    drafted.approved_by = actor


def approved(drafted: PressDraft, what: str) -> PressDraft:
    if drafted.approved_at is None:
        raise Conflict(f"Only an approved {what} can be given")
    return drafted


def given(session: Session, drafted: PressDraft, *, actor: User, now: datetime) -> None:
    audit.update_audited(session, drafted, {"given_at": now}, actor=actor, now=now)
