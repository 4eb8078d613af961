"""Media enquiries and the claims seen online, each optionally about an incident.

An enquiry keeps the words it was answered with, copied when it was answered, so a later change to
a message map does not change what the journalist was told. A claim's response decisions are
append-only: a new decision is a new row.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commsplan.auth.models import User
from commsplan.db import Base, TimestampMixin
from commsplan.reference.models import BusinessUnit
from commsplan.types import enum_column


class Labelled(StrEnum):
    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class EnquiryChannel(Labelled):
    PHONE = "phone"
    EMAIL = "email"
    SOCIAL = "social"
    IN_PERSON = "in_person"


class EnquiryStatus(Labelled):
    NEW = "new"
    ANSWERING = "answering"
    ANSWERED = "answered"
    CLOSED = "closed"
    DECLINED = "declined"


class AnswerKind(StrEnum):
    STATEMENT = "statement"
    MESSAGE_MAP = "message_map"
    WRITTEN = "written"
    NCND = "ncnd"

    @property
    def label(self) -> str:
        return {"statement": "A released statement", "message_map": "An approved message map",
                "written": "Written for this enquiry", "ncnd": "Neither confirm nor deny"}[self.value]


class MediaEnquiry(TimestampMixin, Base):
    """A journalist's question, its clock, who answers it and what they were told."""

    __tablename__ = "media_enquiries"
    __audit_type__: ClassVar[str] = "media_enquiry"
    __audit_fields__: ClassVar[tuple[str, ...]] = (
        "outlet", "journalist", "channel", "question", "deadline_at", "status", "handler_id",
        "incident_id", "plan_id", "answer_kind", "answer_text", "background", "decline_reason")

    id: Mapped[int] = mapped_column(primary_key=True)
    outlet: Mapped[str] = mapped_column(String(200), index=True)
    journalist: Mapped[str] = mapped_column(String(200), index=True)
    channel: Mapped[EnquiryChannel] = mapped_column(enum_column(EnquiryChannel))
    question: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]
    deadline_at: Mapped[datetime] = mapped_column(index=True)
    deadline_given: Mapped[bool]  # False: the default response time for the incident's severity
    unit_id: Mapped[int] = mapped_column(ForeignKey("business_units.id", ondelete="RESTRICT"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("comm_plans.id", ondelete="SET NULL"))
    handler_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[EnquiryStatus] = mapped_column(enum_column(EnquiryStatus), index=True)
    answer_kind: Mapped[AnswerKind | None] = mapped_column(enum_column(AnswerKind))
    answer_statement_id: Mapped[int | None] = mapped_column(ForeignKey("incident_statements.id"))
    answer_map_id: Mapped[int | None] = mapped_column(ForeignKey("message_maps.id", ondelete="SET NULL"))
    answer_text: Mapped[str] = mapped_column(Text, default="")
    background: Mapped[bool] = mapped_column(default=False)  # off the record / background only
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    handler: Mapped[User] = relationship(foreign_keys=[handler_id], lazy="joined")
    unit: Mapped[BusinessUnit] = relationship(lazy="joined")

    @property
    def audit_label(self) -> str:
        return f"{self.outlet}: {self.journalist}"

    def answered_in_time(self) -> bool:
        return self.answered_at is not None and self.answered_at <= self.deadline_at


class Platform(Labelled):
    X = "x"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    TIKTOK = "tiktok"
    SNAPCHAT = "snapchat"
    WHATSAPP = "whatsapp"
    TELEGRAM = "telegram"
    YOUTUBE = "youtube"
    NEWS_SITE = "news_site"
    FORUM = "forum"
    OTHER = "other"


class Harm(Labelled):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    SEVERE = "severe"


class ClaimStatus(Labelled):
    WATCHING = "watching"
    RESPONDING = "responding"
    REBUTTED = "rebutted"
    FADED = "faded"


class ResponseChoice(StrEnum):
    """The responses RESIST 2 weighs: doing nothing is a choice, recorded like the others."""

    IGNORE = "ignore"
    PRE_BUNK = "pre_bunk"
    REBUT = "rebut"
    CORRECT = "correct"
    REFER_PLATFORM = "refer_platform"
    REFER_INVESTIGATORS = "refer_investigators"

    @property
    def label(self) -> str:
        return {"ignore": "Ignore and keep watching", "pre_bunk": "Pre-bunk", "rebut": "Rebut",
                "correct": "Correct with facts", "refer_platform": "Refer to the platform",
                "refer_investigators": "Refer to investigators"}[self.value]


class Claim(TimestampMixin, Base):
    """Something said online that is false or harmful: where, how far it went, and how it ended."""

    __tablename__ = "press_claims"
    __audit_type__: ClassVar[str] = "press_claim"
    __audit_fields__: ClassVar[tuple[str, ...]] = (
        "summary", "platform", "link", "first_seen_at", "reach", "harm", "names_private_person",
        "status", "incident_id", "map_id", "screenshot_name", "rebuttal", "faded_at")

    id: Mapped[int] = mapped_column(primary_key=True)
    summary: Mapped[str] = mapped_column(Text)
    platform: Mapped[Platform] = mapped_column(enum_column(Platform))
    link: Mapped[str] = mapped_column(String(500), default="")
    first_seen_at: Mapped[datetime] = mapped_column(index=True)
    reach: Mapped[int | None]  # estimated people reached, when known
    harm: Mapped[Harm] = mapped_column(enum_column(Harm))
    names_private_person: Mapped[bool] = mapped_column(default=False)
    # The names a rebuttal must never repeat; shown only to staff, never exported to partners.
    private_names: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ClaimStatus] = mapped_column(enum_column(ClaimStatus), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("business_units.id", ondelete="RESTRICT"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    map_id: Mapped[int | None] = mapped_column(ForeignKey("message_maps.id", ondelete="SET NULL"),
                                               index=True)
    screenshot_name: Mapped[str] = mapped_column(String(100), default="")  # file under the instance folder
    screenshot_type: Mapped[str] = mapped_column(String(40), default="")
    rebuttal: Mapped[str] = mapped_column(Text, default="")
    response_reach: Mapped[int | None]  # people the response reached, when known
    rebutted_at: Mapped[datetime | None]
    faded_at: Mapped[datetime | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    unit: Mapped[BusinessUnit] = relationship(lazy="joined")

    @property
    def audit_label(self) -> str:
        return self.summary[:80]


class ClaimResponse(Base):
    """One decision on how to answer a claim, with its reasons; never changed once written."""

    __tablename__ = "press_claim_responses"
    __audit_type__: ClassVar[str] = "press_claim_response"
    __audit_fields__: ClassVar[tuple[str, ...]] = ("claim_id", "choice", "reasons")

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("press_claims.id"), index=True)
    choice: Mapped[ResponseChoice] = mapped_column(enum_column(ResponseChoice))
    reasons: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime]
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_by: Mapped[User] = relationship(lazy="joined")

    @property
    def audit_label(self) -> str:
        return self.choice.label


class PressDraft(Base):
    """Words drafted for a claim's rebuttal or an enquiry's written answer, then signed off by an
    approver who did not write them, then given.

    Each stage is written once: the words never change (new words are a new draft), and who approved,
    holding which role, and when, are set once and kept."""

    __tablename__ = "press_drafts"
    __audit_type__: ClassVar[str] = "press_draft"
    __audit_fields__: ClassVar[tuple[str, ...]] = (
        "claim_id", "enquiry_id", "text", "approved_by_id", "approved_as", "approved_at", "given_at")

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("press_claims.id"), index=True)
    enquiry_id: Mapped[int | None] = mapped_column(ForeignKey("media_enquiries.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    drafted_at: Mapped[datetime]
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_as: Mapped[str] = mapped_column(String(100), default="")  # the role they signed off in
    given_at: Mapped[datetime | None]

    drafted_by: Mapped[User] = relationship(foreign_keys=[drafted_by_id], lazy="joined")
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id], lazy="joined")

    @property
    def audit_label(self) -> str:
        return self.text[:80]
