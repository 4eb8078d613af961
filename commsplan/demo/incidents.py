"""Demo incidents, replayed from `data/incidents.yaml` through the incident services.

Each step runs at its own time, in the order written, so the timeline, reminders, audit and figures
are what real use would leave behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.demo.files import duration, read_yaml
from commsplan.incidents import assessments, closing, decisions, lessons, service
from commsplan.incidents import statements as statement_service
from commsplan.incidents.models import Incident, IncidentStatement, IncidentTask, TaskStatus
from commsplan.notifications.settings import DeliverySettings
from commsplan.playbooks.library import library
from commsplan.playbooks.model import Playbook
from commsplan.reference.models import BusinessUnit
from commsplan.timeutil import to_london


@dataclass(frozen=True)
class People:
    duty: User
    approver: User
    officer: User
    gold: User


def local(moment: datetime) -> str:
    return to_london(moment).strftime("%Y-%m-%d %H:%M")


def notified_at(when: dict[str, Any], now: datetime) -> datetime:
    """`{ago: 3h20m}`, or `{days_ago: 12, at: '21:10'}` (UTC)."""
    if "ago" in when:
        return now - duration(when["ago"])
    hour, minute = (int(part) for part in when["at"].split(":"))
    return (now - timedelta(days=when["days_ago"])).replace(hour=hour, minute=minute, second=0, microsecond=0)


class Story:
    """Replays one incident's history: each step is one call to an incident service."""

    def __init__(self, session: Session, written: dict[str, Any], people: People, settings: DeliverySettings,
                 now: datetime) -> None:
        self.session, self.written, self.people, self.settings = session, written, people, settings
        self.t0 = notified_at(written["notified"], now)
        self.inputs = {**written["inputs"], "called_at": local(self.t0 - duration(written["called_before"]))}
        if "unit" in written:
            found = session.scalar(select(BusinessUnit.id).where(BusinessUnit.code == written["unit"]))
            self.inputs["unit"] = str(found or "")
        self.incident: Incident

    def launch(self, playbook: Playbook) -> Incident:
        request = service.LaunchRequest(self.written["title"], "live", local(self.t0), self.inputs)
        self.incident = service.launch(self.session, playbook, request, actor=self.people.duty,
                                       now=self.t0 + duration(self.written["launched_after"]),
                                       settings=self.settings)
        for step in self.written["steps"]:
            self.play(step)
        return self.incident

    def play(self, step: dict[str, Any]) -> None:
        at = self.t0 + duration(step["at"])
        action = next(name for name in step if name in self.actions)
        self.actions[action](self, step, at)

    def task(self, step_id: str) -> IncidentTask:
        found = self.session.scalars(select(IncidentTask).where(
            IncidentTask.incident_id == self.incident.id, IncidentTask.step_id == step_id,
            IncidentTask.status == TaskStatus.OPEN)).first()
        if found is None:
            raise LookupError(f"No open task {step_id} in {self.incident.reference}")
        return found

    def statement(self, template_id: str) -> IncidentStatement:
        found = self.session.scalar(select(IncidentStatement).where(
            IncidentStatement.incident_id == self.incident.id, IncidentStatement.template_id == template_id))
        if found is None:
            raise LookupError(f"No {template_id} statement in {self.incident.reference}")
        return found

    def person(self, key: str) -> User:
        found: User = getattr(self.people, key)
        return found

    def assign(self, step: dict[str, Any], at: datetime) -> None:
        service.assign_role(self.session, self.incident, step["assign"], self.person(step["person"]),
                            note=step.get("note", ""), actor=self.people.duty, now=at, settings=self.settings)

    def done(self, step: dict[str, Any], at: datetime) -> None:
        service.complete_task(self.session, self.incident, self.task(step["done"]), actor=self.people.duty,
                              now=at, settings=self.settings)

    def skip(self, step: dict[str, Any], at: datetime) -> None:
        service.skip_task(self.session, self.incident, self.task(step["skip"]), reason=step["reason"],
                          actor=self.people.duty, now=at, settings=self.settings)

    def note(self, step: dict[str, Any], at: datetime) -> None:
        service.add_note(self.session, self.incident, step["note"], actor=self.people.duty, now=at)

    def update(self, step: dict[str, Any], at: datetime) -> None:
        service.post_status_update(self.session, self.incident, step["update"], actor=self.people.duty,
                                   now=at, settings=self.settings)

    def clock(self, step: dict[str, Any], at: datetime) -> None:
        service.record_anchor(self.session, self.incident, step["clock"], occurred_at=at,
                              note=step.get("note", ""), actor=self.people.duty, now=at,
                              settings=self.settings)

    def approve(self, step: dict[str, Any], at: datetime) -> None:
        statement_service.approve(self.session, self.incident, self.statement(step["approve"]),
                                  actor=self.people.approver, now=at)

    def release(self, step: dict[str, Any], at: datetime) -> None:
        # Its task is done with it.
        statement_service.release(self.session, self.incident, self.statement(step["release"]),
                                  step["channels"], actor=self.people.duty, now=at, settings=self.settings)

    def change_inputs(self, step: dict[str, Any], at: datetime) -> None:
        """The details as launched, with the step's changes."""
        service.update_inputs(self.session, self.incident, {**self.inputs, **step["inputs"]},
                              actor=self.people.duty, now=at, settings=self.settings)

    def decide(self, step: dict[str, Any], at: datetime) -> None:
        written = dict(step["decision"])
        on_behalf_of = self.person(written.pop("on_behalf_of")).id
        entry = decisions.DecisionInput(**written, on_behalf_of_id=on_behalf_of)
        decisions.add_decision(self.session, self.incident, entry, actor=self.people.duty, now=at)

    def assess(self, step: dict[str, Any], at: datetime) -> None:
        written = step["assess"]
        ratings = written["ratings"]
        answers = assessments.AssessmentInput(
            ratings={key: rag for key, (rag, _) in ratings.items()},
            evidence={key: why for key, (_, why) in ratings.items()}, overall=written["overall"],
            summary=written["summary"], owner_id=str(self.people.duty.id),
            next_review_at=local(at + duration(written["review_in"])))
        assessments.add_assessment(self.session, self.incident, answers, actor=self.people.duty, now=at,
                                   settings=self.settings)

    def stand_down(self, step: dict[str, Any], at: datetime) -> None:
        closing.stand_down(self.session, self.incident, step["stand_down"], actor=self.people.duty, now=at)

    def close(self, step: dict[str, Any], at: datetime) -> None:
        closing.close(self.session, self.incident, closing.DebriefInput(**step["close"]),
                      actor=self.people.approver, now=at)

    def lesson(self, step: dict[str, Any], at: datetime) -> None:
        written = step["lesson"]
        due_on = to_london(at + duration(written["due_in"])).date()
        answers = lessons.LessonInput(proposed_change=written["change"],
                                      owner_id=self.person(written["owner"]).id, due_on=due_on.isoformat())
        lessons.raise_lesson(self.session, self.incident, answers, actor=self.people.approver, now=at,
                             settings=self.settings)

    actions: dict[str, Callable[[Story, dict[str, Any], datetime], None]] = {
        "assign": assign, "done": done, "skip": skip, "note": note, "update": update, "clock": clock,
        "approve": approve, "release": release, "inputs": change_inputs, "decision": decide,
        "assess": assess, "stand_down": stand_down, "close": close, "lesson": lesson,
    }


def load_incidents(session: Session, *, people: People, settings: DeliverySettings, now: datetime
                   ) -> list[str]:
    """The demo incidents, unless any incident exists already; one whose playbook is missing is left out."""
    if session.scalar(select(Incident.id).limit(1)) is not None:
        return []
    playbooks = library().playbooks
    added = []
    for written in read_yaml("incidents.yaml")["incidents"]:
        if written["playbook"] in playbooks:
            incident = Story(session, written, people, settings, now).launch(playbooks[written["playbook"]])
            added.append(f"incident {incident.reference} {incident.title}")
    return added
