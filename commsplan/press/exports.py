"""CSV exports of the press desk: every enquiry and every claim, one row each, times in London."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audiences.csv_io import write_csv
from commsplan.press.models import Claim, ClaimResponse, MediaEnquiry
from commsplan.timeutil import to_london

ENQUIRY_COLUMNS = ("id", "received", "outlet", "journalist", "channel", "question", "unit", "incident_id",
                   "handler", "deadline", "deadline_given", "status", "answer_kind", "background",
                   "answer", "answered", "answered_in_time", "decline_reason")


def london(moment: datetime | None) -> str:
    return "" if moment is None else f"{to_london(moment):%Y-%m-%d %H:%M}"


def enquiries_csv(session: Session) -> str:
    rows = session.scalars(select(MediaEnquiry).order_by(MediaEnquiry.id).execution_options(yield_per=500))
    return write_csv(ENQUIRY_COLUMNS, ((
        e.id, london(e.received_at), e.outlet, e.journalist, e.channel.label, e.question, e.unit.name,
        e.incident_id or "", e.handler.name, london(e.deadline_at), "yes" if e.deadline_given else "no",
        e.status.label, e.answer_kind.label if e.answer_kind else "", "yes" if e.background else "no",
        e.answer_text, london(e.answered_at), "yes" if e.answered_in_time() else "no", e.decline_reason)
        for e in rows))


CLAIM_COLUMNS = ("id", "first_seen", "platform", "link", "summary", "unit", "incident_id", "map_id",
                 "estimated_reach", "harm", "names_private_person", "status", "responses", "rebuttal",
                 "rebutted", "faded", "hours_circulating", "response_reach")


def claims_csv(session: Session, now: datetime) -> str:
    """Every claim with its decisions in order; the private names themselves are never exported."""
    decided: dict[int, list[str]] = {}
    for claim_id, choice in session.execute(select(ClaimResponse.claim_id, ClaimResponse.choice)
                                            .order_by(ClaimResponse.decided_at, ClaimResponse.id)):
        decided.setdefault(claim_id, []).append(choice.label)
    rows = session.scalars(select(Claim).order_by(Claim.id).execution_options(yield_per=500))
    return write_csv(CLAIM_COLUMNS, ((
        c.id, london(c.first_seen_at), c.platform.label, c.link, c.summary, c.unit.name, c.incident_id or "",
        c.map_id or "", "" if c.reach is None else c.reach, c.harm.label,
        "yes" if c.names_private_person else "no", c.status.label, "; ".join(decided.get(c.id, [])),
        c.rebuttal, london(c.rebutted_at), london(c.faded_at),
        f"{((c.faded_at or now) - c.first_seen_at).total_seconds() / 3600:.1f}",
        "" if c.response_reach is None else c.response_reach) for c in rows))
