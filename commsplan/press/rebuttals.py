"""A claim's rebuttal, written and approved like an incident statement, then given.

Anyone on the press desk drafts the words while the claim is being responded to; the guardrails
check them then, again at approval and again when they are given. An approver who did not draft
them signs them off under the statements' own rule (`SignOff.refusal`, as for a statement whose
step names no approval role): anyone holding the approver role, never the drafter. Who approved,
in which role and when are kept on the draft. Only those who may release statements give the
approved words, and giving them rebuts the claim. New words are a new draft; only the newest
draft can be approved or given.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audit import service as audit
from commsplan.auth.models import User
from commsplan.auth.service import require_role
from commsplan.errors import Conflict, PermissionDenied, ValidationError
from commsplan.incidents import statements as guardrails
from commsplan.press.claims import (
    WORDSMITHS,
    WRITERS,
    log,
    move,
    people_count,
    rebuttal_failures,
)
from commsplan.press.enquiries import LONGEST_TEXT, required_text
from commsplan.press.models import Claim, ClaimStatus, RebuttalDraft

APPROVER = guardrails.SignOff(None, "approver", None)
WHAT = "rebuttal"


def draft(session: Session, claim: Claim, text: str, *, actor: User, now: datetime) -> RebuttalDraft:
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
    drafted = RebuttalDraft(claim_id=claim.id, text=words, drafted_at=now, drafted_by_id=actor.id,
                            approved_as="")
    audit.add_audited(session, drafted, actor=actor, now=now)
    drafted.drafted_by = actor
    log(session, claim, "Rebuttal drafted for approval.", actor=actor, now=now)
    return drafted


def latest(session: Session, claim: Claim) -> RebuttalDraft | None:
    return session.scalar(select(RebuttalDraft).where(RebuttalDraft.claim_id == claim.id)
                          .order_by(RebuttalDraft.id.desc()).limit(1))


def history(session: Session, claim: Claim) -> list[RebuttalDraft]:
    """The drafts, newest first (at most 20)."""
    return list(session.scalars(select(RebuttalDraft).where(RebuttalDraft.claim_id == claim.id)
                                .order_by(RebuttalDraft.id.desc()).limit(20)))


def newest(session: Session, claim: Claim, draft_id: int | None) -> RebuttalDraft:
    """The draft acted on, which must be the newest: words changed since the page was read refuse."""
    found = latest(session, claim)
    if found is None or found.id != draft_id:
        raise Conflict("The rebuttal's words have changed: read the newest draft again")
    return found


def refusal(claim: Claim, drafted: RebuttalDraft, actor: User) -> str | None:
    """Why `actor` may not approve these words, or None: the statements' rule, unchanged."""
    return APPROVER.refusal(actor, drafted, WHAT)


def approve(session: Session, claim: Claim, draft_id: int | None, *, actor: User, now: datetime) -> None:
    """Sign the newest draft off: never its drafter, and only if it still passes the guardrails."""
    drafted = newest(session, claim, draft_id)
    if drafted.approved_at is not None:
        raise Conflict("This rebuttal is approved already")
    if (why := refusal(claim, drafted, actor)) is not None:
        raise PermissionDenied(why)
    if failed := rebuttal_failures(session, claim, drafted.text):
        raise ValidationError({"rebuttal": failed})
    audit.update_audited(session, drafted, {"approved_at": now, "approved_by_id": actor.id,
                                            "approved_as": APPROVER.label}, actor=actor, now=now)
    drafted.approved_by = actor
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
    drafted = newest(session, claim, draft_id)
    if drafted.approved_at is None:
        raise Conflict("Only an approved rebuttal can be given")
    if failed := rebuttal_failures(session, claim, drafted.text):
        raise ValidationError({"rebuttal": failed})
    move(session, claim, ClaimStatus.REBUTTED, {"rebuttal": drafted.text, "rebutted_at": now,
                                                "response_reach": people}, actor=actor, now=now)
    audit.update_audited(session, drafted, {"given_at": now}, actor=actor, now=now)
    log(session, claim, "Claim rebutted.", actor=actor, now=now)
