"""An incident is a launched playbook: its inputs, clocks, tasks, people in roles and timeline.

The playbook file it came from is kept as a revision (its exact text, by content hash), so an
incident keeps the version it was launched from even after the file changes.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commsplan.auth.models import User
from commsplan.db import Base, TimestampMixin
from commsplan.types import enum_column


class IncidentMode(StrEnum):
    LIVE = "live"
    EXERCISE = "exercise"

    @property
    def label(self) -> str:
        return "Live" if self is IncidentMode.LIVE else "Exercise"


class IncidentStatus(StrEnum):
    ACTIVE = "active"
    STOOD_DOWN = "stood_down"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"active": "Active", "stood_down": "Stood down", "closed": "Closed"}[self.value]


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    SKIPPED = "skipped"
    WITHDRAWN = "withdrawn"  # its step's condition stopped holding before anyone started it

    @property
    def label(self) -> str:
        return {"open": "To do", "done": "Done", "skipped": "Skipped", "withdrawn": "Withdrawn"}[self.value]


class PlaybookRevision(Base):
    """The exact text of a playbook file as it was when an incident was launched from it."""

    __tablename__ = "playbook_revisions"
    __table_args__ = (UniqueConstraint("playbook_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    playbook_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    source_text: Mapped[str] = mapped_column(Text)
    first_seen_at: Mapped[datetime]


class Incident(TimestampMixin, Base):
    __tablename__ = "incidents"
    __audit_type__: ClassVar[str] = "incident"
    __audit_fields__: ClassVar[tuple[str, ...]] = ("reference", "title", "mode", "status", "severity",
                                                   "playbook_id", "playbook_version", "inputs")

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    revision_id: Mapped[int] = mapped_column(ForeignKey("playbook_revisions.id"))
    playbook_id: Mapped[str] = mapped_column(String(100))
    playbook_version: Mapped[int]
    mode: Mapped[IncidentMode] = mapped_column(enum_column(IncidentMode))
    status: Mapped[IncidentStatus] = mapped_column(enum_column(IncidentStatus), index=True)
    severity: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("business_units.id"))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    stood_down_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    launched_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    launched_by: Mapped[User] = relationship(lazy="joined")
    revision: Mapped[PlaybookRevision] = relationship(lazy="select")
    anchors: Mapped[list[IncidentAnchor]] = relationship(
        back_populates="incident", lazy="selectin", order_by="IncidentAnchor.occurred_at")

    @property
    def audit_label(self) -> str:
        return f"{self.reference} {self.title}"

    def anchor_times(self) -> dict[str, datetime]:
        """When each clock started; for a clock recorded more than once, its latest recording."""
        latest = sorted(self.anchors, key=lambda anchor: (anchor.occurrence, anchor.occurred_at))
        return {anchor.anchor: anchor.occurred_at for anchor in latest}


class IncidentAnchor(Base):
    """A clock that has started: "arrest made at 14:10". A repeatable clock (a further arrest) is
    recorded again as a new row, numbered by `occurrence`; no recording is changed or removed."""

    __tablename__ = "incident_anchors"
    __table_args__ = (UniqueConstraint("incident_id", "anchor", "occurrence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    anchor: Mapped[str] = mapped_column(String(60))
    occurrence: Mapped[int] = mapped_column(default=1, server_default="1")
    occurred_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]
    incident: Mapped[Incident] = relationship(back_populates="anchors")


class IncidentTask(Base):
    """One step of the playbook in this incident; a repeating step adds a task each time it is done.

    `due_at` is empty while the step's clock has not started ("waiting for: family informed").
    """

    __tablename__ = "incident_tasks"
    # The figures count each incident's tasks by status and times from this index alone.
    __table_args__ = (Index("ix_incident_tasks_figures", "incident_id", "status", "due_at", "completed_at"),)
    __audit_type__: ClassVar[str] = "incident_task"
    __audit_fields__: ClassVar[tuple[str, ...]] = ("step_id", "occurrence", "status", "due_at",
                                                   "skip_reason")

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    step_id: Mapped[str] = mapped_column(String(100))
    occurrence: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(300))
    owner_role: Mapped[str] = mapped_column(String(60))
    anchor: Mapped[str] = mapped_column(String(60))
    offset_minutes: Mapped[int]
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    status: Mapped[TaskStatus] = mapped_column(enum_column(TaskStatus))
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completed_by: Mapped[User | None] = relationship(lazy="select")
    skip_reason: Mapped[str] = mapped_column(Text, default="")
    reminder_round: Mapped[int] = mapped_column(default=0)  # each fresh set of reminders, counted

    @property
    def audit_label(self) -> str:
        return self.title

    def is_overdue(self, now: datetime) -> bool:
        return self.status is TaskStatus.OPEN and self.due_at is not None and self.due_at < now


class RoleAssignment(Base):
    """Who holds an incident role, from when; a handover ends one assignment and starts the next."""

    __tablename__ = "incident_role_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    role: Mapped[str] = mapped_column(String(60))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    user: Mapped[User] = relationship(lazy="joined")
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    handover_note: Mapped[str] = mapped_column(Text, default="")


class TimelineEvent(Base):
    """Something that happened in the incident, recorded as it happened or written in by hand."""

    __tablename__ = "incident_timeline"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    at: Mapped[datetime] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[User | None] = relationship(lazy="joined")


class StatementStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    RELEASED = "released"

    @property
    def label(self) -> str:
        return {"draft": "Draft", "approved": "Approved", "released": "Released"}[self.value]


class IncidentStatement(Base):
    """A statement drafted from one of the playbook's templates; frozen once released.

    Until someone edits it the draft follows the incident's inputs; after an edit its words are
    the editor's own. Approval needs an approver who did not draft it; release records the time
    and the channels, and after that nothing in it changes.
    """

    __tablename__ = "incident_statements"
    # The figures find each incident's first released holding statement from this index alone.
    __table_args__ = (
        Index("ix_incident_statements_figures", "incident_id", "status", "kind", "released_at"),
    )
    __audit_type__: ClassVar[str] = "incident_statement"
    __audit_fields__: ClassVar[tuple[str, ...]] = ("title", "body", "status", "channels")

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("incident_tasks.id"))
    template_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    edited: Mapped[bool] = mapped_column(default=False)
    status: Mapped[StatementStatus] = mapped_column(enum_column(StatementStatus))
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    drafted_by: Mapped[User] = relationship(foreign_keys=[drafted_by_id], lazy="joined")
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id], lazy="joined")
    approved_at: Mapped[datetime | None]
    # Someone asked for sign-off of these words: the signing role's holder (or the approvers) were told.
    sign_off_asked_at: Mapped[datetime | None]
    sign_off_asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sign_off_asked_by: Mapped[User | None] = relationship(foreign_keys=[sign_off_asked_by_id], lazy="joined")
    override_decision_id: Mapped[int | None] = mapped_column(ForeignKey("incident_decisions.id"))
    released_at: Mapped[datetime | None]
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    released_by: Mapped[User | None] = relationship(foreign_keys=[released_by_id], lazy="joined")
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    @property
    def audit_label(self) -> str:
        return self.title


class DecisionEntry(Base):
    """One entry in an incident's decision log: append-only, signed, each linked to the one before.

    The rationale follows the National Decision Model, with the Code of Ethics at its centre. The
    person who made the decision holds the role it was made in; whoever recorded it (the same
    person, or someone recording on their behalf) is kept too. Each entry holds the hash and the
    HMAC signature of the one before and its own; a correction is a new entry that names the one
    it supersedes, and nothing is ever edited. Entries logged before signing began have no
    signature until `incidents sign-legacy` signs them (`signed_later`).
    """

    __tablename__ = "incident_decisions"
    __table_args__ = (UniqueConstraint("incident_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    sequence: Mapped[int]
    at: Mapped[datetime]
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # who made the decision
    decided_by: Mapped[User] = relationship(foreign_keys=[decided_by_id], lazy="joined")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # who wrote it in the log
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id], lazy="joined")
    decision_role: Mapped[str] = mapped_column(String(60))
    decision: Mapped[str] = mapped_column(Text)
    information: Mapped[str] = mapped_column(Text, default="")
    threat_risk: Mapped[str] = mapped_column(Text, default="")
    powers_policy: Mapped[str] = mapped_column(Text, default="")
    options: Mapped[str] = mapped_column(Text, default="")
    action_review: Mapped[str] = mapped_column(Text, default="")
    ethics: Mapped[list[str]] = mapped_column(JSON, default=list)  # Code of Ethics principle ids
    ethics_note: Mapped[str] = mapped_column(Text, default="")
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("incident_decisions.id"))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(40))
    prev_signature: Mapped[str | None] = mapped_column(String(64))
    signature: Mapped[str | None] = mapped_column(String(64))
    signed_later: Mapped[bool] = mapped_column(default=False, server_default=false())

    @property
    def on_behalf(self) -> bool:
        """Recorded by someone other than the person who made the decision."""
        return self.recorded_by_id != self.decided_by_id


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ImpactAssessment(Base):
    """One version of the community impact assessment: a RAG and evidence for each prompt."""

    __tablename__ = "incident_assessments"
    __table_args__ = (UniqueConstraint("incident_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    version: Mapped[int]
    assessed_at: Mapped[datetime]
    assessed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assessed_by: Mapped[User] = relationship(foreign_keys=[assessed_by_id], lazy="joined")
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    owner: Mapped[User] = relationship(foreign_keys=[owner_id], lazy="joined")
    ratings: Mapped[dict[str, Any]] = mapped_column(JSON)  # prompt id → {"rag": ..., "evidence": ...}
    overall: Mapped[Rag] = mapped_column(enum_column(Rag))
    summary: Mapped[str] = mapped_column(Text, default="")
    next_review_at: Mapped[datetime]


class Debrief(Base):
    """What the team learned, written when the incident closes."""

    __tablename__ = "incident_debriefs"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), unique=True)
    held_at: Mapped[datetime]
    written_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    went_well: Mapped[str] = mapped_column(Text)
    to_improve: Mapped[str] = mapped_column(Text)
    playbook_changes: Mapped[str] = mapped_column(Text, default="")
    welfare_actions: Mapped[str] = mapped_column(Text, default="")


class PlaybookLesson(Base):
    """A lesson from a debrief, raised against the playbook version the incident ran: a change to make,
    who makes it and by when. It stays open until a later version of the file is marked as addressing it."""

    __tablename__ = "playbook_lessons"
    __table_args__ = (Index("ix_playbook_lessons_open", "playbook_id", "addressed_at", "due_on"),)
    __audit_type__: ClassVar[str] = "playbook_lesson"
    __audit_fields__: ClassVar[tuple[str, ...]] = (
        "playbook_id", "raised_against_version", "proposed_change", "owner_id", "due_on",
        "addressed_in_version", "addressed_note")

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    playbook_id: Mapped[str] = mapped_column(String(100))
    raised_against_version: Mapped[int]
    proposed_change: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    owner: Mapped[User] = relationship(foreign_keys=[owner_id], lazy="joined")
    due_on: Mapped[date]
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    raised_at: Mapped[datetime]
    addressed_in_version: Mapped[int | None]
    addressed_note: Mapped[str] = mapped_column(Text, default="")
    addressed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    addressed_at: Mapped[datetime | None]

    @property
    def audit_label(self) -> str:
        return f"Lesson for {self.playbook_id}: {self.proposed_change[:80]}"

    def is_overdue(self, today: date) -> bool:
        return self.addressed_at is None and self.due_on < today
