"""Message maps: what we say about one violence element to one audience, versioned and approved.

A map holds who and what it is about (element, qualifiers, audience, unit, owner, review date).
Its words live in numbered versions; every edit adds a version. `latest_number` is the working
version and `approved_number` the one in force, which stays in force while a newer draft is
written and reviewed.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commsplan.audiences.models import Audience, Channel
from commsplan.auth.models import User
from commsplan.db import Base, TimestampMixin
from commsplan.reference.models import BusinessUnit, Qualifier, ViolenceElement
from commsplan.types import enum_column


class MessageStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        return {"draft": "Draft", "in_review": "In review", "approved": "Approved",
                "retired": "Retired"}[self.value]


class RipeStrand(StrEnum):
    """The strategy's four delivery strands: Reassurance, Intelligence, Prevention, Enforcement."""

    REASSURANCE = "reassurance"
    INTELLIGENCE = "intelligence"
    PREVENTION = "prevention"
    ENFORCEMENT = "enforcement"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Tone(StrEnum):
    REASSURING = "reassuring"
    INFORMATIVE = "informative"
    EMPATHETIC = "empathetic"
    URGENT = "urgent"
    FIRM = "firm"
    ENCOURAGING = "encouraging"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class TranslationStatus(StrEnum):
    ORIGINAL = "original"
    MACHINE = "machine"
    PROFESSIONAL = "professional"
    COMMUNITY_REVIEWED = "community_reviewed"

    @property
    def label(self) -> str:
        return {"original": "Written in this language", "machine": "Machine translation",
                "professional": "Professional translation",
                "community_reviewed": "Translated and reviewed by the community"}[self.value]


message_map_qualifiers = Table(
    "message_map_qualifiers",
    Base.metadata,
    Column("map_id", ForeignKey("message_maps.id", ondelete="CASCADE"), primary_key=True),
    Column("qualifier_id", ForeignKey("qualifiers.id", ondelete="RESTRICT"), primary_key=True,
           index=True),
)


class MessageMap(TimestampMixin, Base):
    __tablename__ = "message_maps"
    __audit_type__: ClassVar[str] = "message_map"
    __audit_fields__: ClassVar[tuple[str, ...]] = (
        "element_code", "qualifier_codes", "audience_name", "unit_code", "owner_name", "review_date",
        "status", "latest_number", "approved_number",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    element_id: Mapped[int] = mapped_column(ForeignKey("violence_elements.id", ondelete="RESTRICT"),
                                            index=True)
    audience_id: Mapped[int] = mapped_column(ForeignKey("audiences.id", ondelete="RESTRICT"),
                                             index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("business_units.id", ondelete="RESTRICT"),
                                                index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    review_date: Mapped[date | None] = mapped_column()
    status: Mapped[MessageStatus] = mapped_column(enum_column(MessageStatus), index=True)
    latest_number: Mapped[int] = mapped_column(default=1)
    approved_number: Mapped[int | None] = mapped_column()
    approved_at: Mapped[datetime | None] = mapped_column()
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    element: Mapped[ViolenceElement] = relationship(lazy="joined")
    audience: Mapped[Audience] = relationship(lazy="joined")
    unit: Mapped[BusinessUnit | None] = relationship(lazy="joined")
    owner: Mapped[User] = relationship(lazy="joined", foreign_keys=[owner_id])
    # Only the map's own page names the approver; lists keep a fixed number of queries without it.
    approved_by: Mapped[User | None] = relationship(lazy="select", foreign_keys=[approved_by_id])
    qualifiers: Mapped[list[Qualifier]] = relationship(
        secondary=message_map_qualifiers, lazy="selectin", order_by=Qualifier.position)

    # Audit entries name what was chosen rather than recording bare ids.
    @property
    def element_code(self) -> str:
        return self.element.code

    @property
    def audience_name(self) -> str:
        return self.audience.name

    @property
    def unit_code(self) -> str | None:
        return self.unit.code if self.unit else None

    @property
    def owner_name(self) -> str:
        return self.owner.name

    @property
    def qualifier_codes(self) -> list[str]:
        return [qualifier.code for qualifier in self.qualifiers]

    @property
    def title(self) -> str:
        extra = f" ({', '.join(q.name.lower() for q in self.qualifiers)})" if self.qualifiers else ""
        return f"{self.element.name}{extra} for {self.audience.name}"

    @property
    def audit_label(self) -> str:
        return self.title

    @property
    def has_newer_draft(self) -> bool:
        return self.approved_number is not None and self.latest_number != self.approved_number


class MessageVersion(Base):
    """The words of a map at one moment; never changed once written, apart from review stamps."""

    __tablename__ = "message_versions"
    __table_args__ = (UniqueConstraint("map_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("message_maps.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    concern: Mapped[str] = mapped_column(Text)
    key_messages: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    call_to_action: Mapped[str] = mapped_column(String(300))
    ripe_strands: Mapped[list[str]] = mapped_column(JSON)
    tone: Mapped[Tone] = mapped_column(enum_column(Tone))
    change_note: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column()
    submitted_at: Mapped[datetime | None] = mapped_column()
    approved_at: Mapped[datetime | None] = mapped_column()
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[approved_by_id])
    variants: Mapped[list[MessageVariant]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", back_populates="version",
        order_by="(MessageVariant.channel_id, MessageVariant.language)")


class MessageVariant(Base):
    """A version's words for one channel in one language, with its accessibility checklist."""

    __tablename__ = "message_variants"
    __table_args__ = (UniqueConstraint("version_id", "channel_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("message_versions.id", ondelete="CASCADE"),
                                            index=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="RESTRICT"), index=True)
    language: Mapped[str] = mapped_column(String(12))
    body: Mapped[str] = mapped_column(Text)
    has_media: Mapped[bool] = mapped_column(default=False)
    alt_text: Mapped[str] = mapped_column(String(300), default="")
    captions: Mapped[bool] = mapped_column(default=False)
    easy_read: Mapped[bool] = mapped_column(default=False)
    bsl: Mapped[bool] = mapped_column(default=False)
    translation_status: Mapped[TranslationStatus] = mapped_column(
        enum_column(TranslationStatus), default=TranslationStatus.ORIGINAL)

    version: Mapped[MessageVersion] = relationship(back_populates="variants")
    channel: Mapped[Channel] = relationship(lazy="joined")

    @property
    def key(self) -> tuple[int, str]:
        return (self.channel_id, self.language)


class MessageComment(Base):
    """A reviewer's or author's comment on one version of a map."""

    __tablename__ = "message_comments"
    __audit_type__: ClassVar[str] = "message_comment"
    __audit_fields__: ClassVar[tuple[str, ...]] = ("map_id", "version_number", "body")

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("message_maps.id", ondelete="CASCADE"), index=True)
    version_number: Mapped[int] = mapped_column()
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column()

    author: Mapped[User | None] = relationship(lazy="joined")

    @property
    def audit_label(self) -> str:
        return f"Comment on message map {self.map_id}, version {self.version_number}"
