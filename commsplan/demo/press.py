"""Demo press desk, replayed from `data/press.yaml` through the press services at the written times."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.demo.files import duration, read_yaml
from commsplan.incidents.models import Incident, IncidentStatement
from commsplan.notifications.settings import DeliverySettings
from commsplan.playbooks.vocab import START_ANCHOR
from commsplan.press import claims, enquiries, rebuttals
from commsplan.press.models import Claim, MediaEnquiry
from commsplan.reference.models import BusinessUnit


class PressDesk:
    """Finds what the data file names (incidents by title, units by code, people by key)."""

    def __init__(self, session: Session, people: dict[str, User], settings: DeliverySettings) -> None:
        self.session, self.people, self.settings = session, people, settings
        self.incidents = {i.title: i for i in session.scalars(select(Incident))}

    def start(self, written: dict[str, Any]) -> tuple[Incident, datetime]:
        incident = self.incidents[written["incident"]]
        return incident, incident.anchor_times()[START_ANCHOR]

    def unit_id(self, code: str) -> int | None:
        return self.session.scalar(select(BusinessUnit.id).where(BusinessUnit.code == code))

    def enquiry(self, written: dict[str, Any]) -> str:
        incident, t0 = self.start(written)
        at = t0 + duration(written["at"])
        deadline = at + duration(written["deadline_in"]) if "deadline_in" in written else None
        enquiry = enquiries.log_enquiry(self.session, enquiries.EnquiryInput(
            outlet=written["outlet"], journalist=written["journalist"], channel=written["channel"],
            question=written["question"], unit_id=self.unit_id(written["unit"]),
            handler_id=self.people[written["handler"]].id, deadline_at=deadline, incident_id=incident.id),
            actor=self.people[written["handler"]], now=at, settings=self.settings)
        if "answer" in written:
            self.answer(enquiry, incident, written["answer"], t0)
        if "decline" in written:
            step = written["decline"]
            enquiries.decline(self.session, enquiry, step["reason"], actor=self.people[step["by"]],
                              now=t0 + duration(step["at"]))
        if "close" in written:
            enquiries.close(self.session, enquiry, actor=self.people["officer"],
                            now=t0 + duration(written["close"]))
        return f"media enquiry from {enquiry.outlet}"

    def answer(self, enquiry: MediaEnquiry, incident: Incident, step: dict[str, Any], t0: datetime) -> None:
        if "statement" in step:
            statement = self.session.scalar(select(IncidentStatement.id).where(
                IncidentStatement.incident_id == incident.id,
                IncidentStatement.template_id == step["statement"]))
            given = enquiries.AnswerInput(kind="statement", statement_id=statement)
        else:
            given = enquiries.AnswerInput(kind="ncnd", text=step["ncnd"])
        enquiries.answer(self.session, enquiry, given, actor=self.people[step["by"]],
                         now=t0 + duration(step["at"]))

    def claim(self, written: dict[str, Any]) -> str:
        incident, t0 = self.start(written)
        at = t0 + duration(written["at"])
        claim, _ = claims.record_claim(self.session, claims.ClaimInput(
            summary=written["summary"], platform=written["platform"], harm=written["harm"],
            unit_id=self.unit_id(written["unit"]), first_seen_at=at, link=written.get("link", ""),
            reach=written.get("reach", ""), names_private_person=bool(written.get("private_names")),
            private_names=written.get("private_names", ""), incident_id=incident.id), None,
            actor=self.people["officer"], now=at)
        for step in written.get("decisions", []):
            claims.decide(self.session, claim, step["choice"], step["reasons"], actor=self.people[step["by"]],
                          now=t0 + duration(step["at"]))
        if "rebuttal" in written:
            self.rebut(claim, written["rebuttal"], t0)
        if "fade" in written:
            step = written["fade"]
            claims.fade(self.session, claim, actor=self.people[step["by"]], now=t0 + duration(step["at"]))
        return f"claim on {claim.platform.label}"

    def rebut(self, claim: Claim, step: dict[str, Any], t0: datetime) -> None:
        """Drafted, signed off by someone else, then given, as on the claim's page."""
        words = rebuttals.draft(self.session, claim, step["words"], actor=self.people[step["drafted_by"]],
                                now=t0 + duration(step["drafted"]))
        rebuttals.approve(self.session, claim, words.id, actor=self.people[step["approved_by"]],
                          now=t0 + duration(step["approved"]))
        rebuttals.give(self.session, claim, words.id, actor=self.people[step["by"]],
                       now=t0 + duration(step["at"]), reach=step.get("reach", ""))


def load_press(session: Session, *, people: dict[str, User], settings: DeliverySettings) -> list[str]:
    """The demo enquiries and claims, unless the desk has any already; those about an incident the demo
    did not load (its playbook missing) are left out."""
    if session.scalar(select(MediaEnquiry.id).limit(1)) or session.scalar(select(Claim.id).limit(1)):
        return []
    desk = PressDesk(session, people, settings)
    data = read_yaml("press.yaml")
    return [*(desk.enquiry(row) for row in data["enquiries"] if row["incident"] in desk.incidents),
            *(desk.claim(row) for row in data["claims"] if row["incident"] in desk.incidents)]
