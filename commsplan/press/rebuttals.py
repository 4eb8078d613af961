"""A claim's rebuttal, written and approved like an incident statement (`drafts`), then given.

Anyone on the press desk drafts the words while the claim is being responded to; the guardrails
(never a name the claim gives, and the incident's own) check them then, again at approval and
again when they are given. Only those who may release statements give the approved words, and
giving them rebuts the claim.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.auth.service import require_role
from commsplan.errors import Conflict, ValidationError
from commsplan.press import drafts
from commsplan.press.claims import (
    WORDSMITHS,
    WRITERS,
    log,
    move,
    people_count,
    rebuttal_failures,
)
from commsplan.press.enquiries import LONGEST_TEXT, required_text
from commsplan.press.models import Claim, ClaimStatus, PressDraft

WHAT = "rebuttal"


def of(claim: Claim) -> Any:
    return PressDraft.claim_id == claim.id


def draft(session: Session, claim: Claim, text: str, *, actor: User, now: datetime) -> PressDraft:
    """Write the words for approval; the guardrails refuse them now rather than at sign-off."""
    require_role(actor, WRITERS, "draft rebuttals")
    if claim.status is not ClaimStatus.RESPONDING:
        raise Conflict("Decide to answer the claim before drafting a rebuttal")
    errors: dict[str, list[str]] = {}
    words = required_text(errors, "rebuttal", text, "Write the rebuttal", LONGEST_TEXT)
    if not errors and (failed := rebuttal_failures(session, claim, words)):
        errors["rebuttal"] = failed
    if errors:
        raise ValidationError(errors)
    drafted = drafts.add(session, {"claim_id": claim.id}, words, actor=actor, now=now)
    log(session, claim, "Rebuttal drafted for approval.", actor=actor, now=now)
    return drafted


def history(session: Session, claim: Claim) -> list[PressDraft]:
    return drafts.history(session, of(claim))


def refusal(drafted: PressDraft, actor: User) -> str | None:
    return drafts.refusal(drafted, actor, WHAT)


def approve(session: Session, claim: Claim, draft_id: int | None, *, actor: User, now: datetime) -> None:
    """Sign the newest draft off: never its drafter, and only if it still passes the guardrails."""
    drafted = drafts.newest(session, of(claim), draft_id, WHAT)
    drafts.approve(session, drafted, rebuttal_failures(session, claim, drafted.text), "rebuttal",
                   what=WHAT, actor=actor, now=now)
    log(session, claim, f"Rebuttal approved by {actor.name}.", actor=actor, now=now)


def give(session: Session, claim: Claim, draft_id: int | None, *, actor: User, now: datetime,
         reach: str = "") -> None:
    """Publish the approved words: the claim is rebutted with exactly them; `reach` is how many
    people they reached, when known."""
    require_role(actor, WORDSMITHS, "give rebuttals")
    errors: dict[str, list[str]] = {}
    people = people_count(errors, "given_reach", reach)
    if errors:
        raise ValidationError(errors)
    drafted = drafts.approved(drafts.newest(session, of(claim), draft_id, WHAT), WHAT)
    if failed := rebuttal_failures(session, claim, drafted.text):
        raise ValidationError({"rebuttal": failed})
    move(session, claim, ClaimStatus.REBUTTED, {"rebuttal": drafted.text, "rebutted_at": now,
                                                "response_reach": people}, actor=actor, now=now)
    drafts.given(session, drafted, actor=actor, now=now)
    log(session, claim, "Claim rebutted.", actor=actor, now=now)
