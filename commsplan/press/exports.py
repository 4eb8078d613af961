"""CSV exports of the press desk: every enquiry and every claim, one row each, times in London."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audiences.csv_io import write_csv
from commsplan.press.models import MediaEnquiry
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
