"""The message-map service: versions, variants and their checks, review and approval, reminders,
retiring, comparing versions, text measures and sanitised Markdown. The clock is fixed."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audiences.kinds import CHANNELS
from commsplan.audiences.models import Audience
from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role, User
from commsplan.errors import Conflict, NotFound, PermissionDenied, ValidationError
from commsplan.messages import checks, coverage, maps, review, versions
from commsplan.messages.models import MessageComment, MessageMap, MessageStatus, TranslationStatus
from commsplan.messages.text import PLAIN_ENGLISH_READING_AGE, reading_age, word_count
from commsplan.notifications.expand import expand_due
from commsplan.notifications.models import InboxItem, ReminderStatus
from commsplan.notifications.settings import DeliverySettings
from commsplan.reference import service as catalogue
from commsplan.reference.kinds import ELEMENTS
from commsplan.rendering import ALLOWED_TAGS, render_markdown, word_diff
from tests.messages.conftest import Channels, MapMaker, People, Reference
from tests.messages.helpers import CONTENT, audit_actions, content, count, reminders, variant, written

LATER = timedelta(minutes=5)


def at(now: datetime, step: int) -> datetime:
    """A moment `step` five-minute steps after `now`."""
    return now + LATER * step


def submit(session: Session, item: MessageMap, actor: User, now: datetime,
           delivery: DeliverySettings) -> MessageMap:
    review.submit(session, item, actor=actor, now=now, delivery=delivery)
    return item


def approve(session: Session, item: MessageMap, actor: User, now: datetime,
            delivery: DeliverySettings) -> MessageMap:
    review.approve(session, item, number=item.latest_number, actor=actor, now=now, delivery=delivery)
    return item


@pytest.fixture
def approved_map(session: Session, now: datetime, make_map: MapMaker, people: People,
                 delivery: DeliverySettings) -> MessageMap:
    """Version 1 written by the author and approved by the approver."""
    item = submit(session, make_map(), people.author, now, delivery)
    return approve(session, item, people.approver, at(now, 1), delivery)


# --- create ------------------------------------------------------------------------------------


def test_create_map_writes_version_1_in_draft_with_an_audit_entry(
        session: Session, now: datetime, make_map: MapMaker, people: People, reference: Reference,
        plain_audience: Audience, channels: Channels) -> None:
    item = make_map(qualifiers=("WEAPON",), unit=reference.hackney, owner=people.second_officer)
    session.commit()
    session.expire_all()
    stored = session.get(MessageMap, item.id)
    assert stored is not None
    assert stored.status is MessageStatus.DRAFT
    assert (stored.latest_number, stored.approved_number, stored.approved_at) == (1, None, None)
    assert (stored.element.code, stored.audience_id, stored.unit_id, stored.owner_id) == (
        "ROB", plain_audience.id, reference.hackney.id, people.second_officer.id)
    assert stored.qualifier_codes == ["WEAPON"]
    [version] = maps.versions(session, stored)
    assert version.number == 1 and version.created_by_id == people.author.id
    assert version.created_at == now and version.change_note == "First version"
    assert version.concern == CONTENT.concern
    assert version.key_messages == [
        {"text": "Officers patrol the routes home from every school in Hackney.",
         "facts": ["Patrols run from 3pm to 5pm on school days"]},
        {"text": "Phones out of sight make young people less of a target.", "facts": []}]
    assert version.ripe_strands == ["reassurance", "prevention"]
    assert [(v.channel_id, v.language) for v in version.variants] == [(channels.website.id, "en")]
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "message_map"))
    assert entry.action == "create" and entry.object_id == str(item.id)
    assert entry.actor_id == people.author.id and entry.at == now
    assert entry.changes["element_code"] == [None, "ROB"]
    assert entry.changes["status"] == [None, "draft"]


def test_create_keeps_only_filled_key_messages_and_facts(session: Session, make_map: MapMaker) -> None:
    item = make_map(content=content(key_messages=(
        checks.KeyMessage("  First.  ", ("  A fact ", " ", "")), checks.KeyMessage(" "),
        checks.KeyMessage("Third."))))
    version = maps.latest_version(session, item)
    assert version.key_messages == [{"text": "First.", "facts": ["A fact"]},
                                    {"text": "Third.", "facts": []}]


TODAY = date(2026, 11, 20)  # the fixed `now`, in London
BAD_CREATE: list[tuple[str, dict[str, Any], dict[str, Any], str, str]] = [
    ("missing concern", {}, {"concern": "   "}, "concern",
     "Enter the question or concern this map answers"),
    ("no key message", {}, {"key_messages": ()}, "key_message_1", "Enter at least one key message"),
    ("only blank key messages", {}, {"key_messages": (checks.KeyMessage("  "),)}, "key_message_1",
     "Enter at least one key message"),
    ("four key messages", {}, {"key_messages": tuple(checks.KeyMessage(f"Message {n}") for n in range(4))},
     "key_message_1", "Write 3 key messages at most"),
    ("key message over 400 characters", {}, {"key_messages": (checks.KeyMessage("x" * 401),)},
     "key_message_1", "A key message must be 400 characters or fewer"),
    ("facts without their key message", {},
     {"key_messages": (checks.KeyMessage("Fine."), checks.KeyMessage("  ", ("An orphan fact",)))},
     "key_message_2", "Enter the key message these facts support"),
    ("missing call to action", {}, {"call_to_action": " "}, "call_to_action",
     "Enter the call to action: what should people do?"),
    ("no RIPE strand", {}, {"ripe_strands": ()}, "ripe_strands", "Choose at least one RIPE strand"),
    ("no tone", {}, {"tone": None}, "tone", "Choose the tone"),
    ("retired element", {"element": "retired"}, {}, "element_id", "Choose the violence element"),
    ("no element", {"element_id": None}, {}, "element_id", "Choose the violence element"),
    ("unknown audience", {"audience_id": 999_999}, {}, "audience_id", "Choose the audience"),
    ("review date in the past", {"review_date": TODAY - timedelta(days=1)}, {}, "review_date",
     "The review date must be in the future"),
    ("review date today", {"review_date": TODAY}, {}, "review_date",
     "The review date must be in the future"),
    ("review date over three years ahead", {"review_date": date(2029, 12, 20)}, {}, "review_date",
     "The review date must be within three years"),
]


@pytest.mark.parametrize(("settings_changes", "content_changes", "field", "message"),
                         [case[1:] for case in BAD_CREATE], ids=[case[0] for case in BAD_CREATE])
def test_create_refuses_bad_settings_and_content_and_writes_nothing(
        session: Session, now: datetime, reference: Reference, plain_audience: Audience,
        people: People, delivery: DeliverySettings, settings_changes: dict[str, Any],
        content_changes: dict[str, Any], field: str, message: str) -> None:
    values: dict[str, Any] = {"element_id": reference.elements["HAR"].id,
                              "audience_id": plain_audience.id, "owner_id": people.author.id}
    if settings_changes.pop("element", None) == "retired":
        catalogue.retire_item(session, ELEMENTS, reference.elements["HAR"], actor=people.author, now=now)
    values |= settings_changes
    before = written()
    with pytest.raises(ValidationError) as caught:
        maps.create_map(session, settings=checks.MapSettings(**values), content=content(**content_changes),
                        actor=people.author, now=now, delivery=delivery)
    assert caught.value.errors == {field: [message]}
    assert written() == before


@pytest.mark.parametrize("review_date", [TODAY + timedelta(days=1), date(2029, 11, 20)],
                         ids=["tomorrow", "three years ahead"])
def test_review_dates_from_tomorrow_to_three_years_ahead_are_accepted(
        make_map: MapMaker, review_date: date) -> None:
    assert make_map(review_date=review_date).review_date == review_date


def test_a_key_message_of_400_characters_is_accepted(session: Session, make_map: MapMaker) -> None:
    item = make_map(content=content(key_messages=(checks.KeyMessage("x" * 400),)))
    assert maps.latest_version(session, item).key_messages == [{"text": "x" * 400, "facts": []}]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.APPROVER])
def test_only_writers_may_create(session: Session, now: datetime, make_map: MapMaker, role: Role) -> None:
    from tests.factories import make_user

    someone = make_user(session, roles=(role,), now=now)
    before = written()
    with pytest.raises(PermissionDenied):
        make_map(author=someone)
    assert written() == before


def test_create_refuses_bad_variants(session: Session, make_map: MapMaker, channels: Channels) -> None:
    with pytest.raises(ValidationError) as caught:
        make_map(variants=(variant(channels.website), variant(channels.sms, "x" * 161),
                           variant(channels.website)))
    assert set(caught.value.errors) == {"variants[1].body", "variants[2].language"}
    assert "shorten it by 1" in caught.value.errors["variants[1].body"][0]


# --- versions ----------------------------------------------------------------------------------


def test_every_edit_makes_a_new_version(session: Session, now: datetime, make_map: MapMaker,
                                        people: People, channels: Channels) -> None:
    item = make_map()
    second = maps.edit_content(session, item, content(call_to_action="Call 999 in an emergency"),
                               note="Stronger CTA", actor=people.second_officer, now=at(now, 1))
    assert second is not None and second.number == 2 and second.change_note == "Stronger CTA"
    third = maps.save_variant(session, item, variant(channels.sms, "Patrols after school."),
                              actor=people.author, now=at(now, 2))
    assert third is not None and third.number == 3
    assert third.change_note == "Added the Borough SMS variant (en)"
    [website, sms] = sorted(third.variants, key=lambda v: v.channel.name, reverse=True)
    changed = maps.save_variant(session, item, variant(channels.sms, "Patrols every day."),
                                replacing=sms, actor=people.author, now=at(now, 3))
    assert changed is not None and changed.number == 4
    assert {v.body for v in changed.variants} == {website.body, "Patrols every day."}
    removed = maps.remove_variant(session, item, maps.get_variant(session, item, changed.variants[0].id),
                                  actor=people.author, now=at(now, 4))
    assert removed is not None and removed.number == 5 and len(removed.variants) == 1
    assert item.latest_number == 5 and item.status is MessageStatus.DRAFT
    assert [v.number for v in maps.versions(session, item)] == [5, 4, 3, 2, 1]
    assert maps.get_version(session, item, 1).call_to_action == CONTENT.call_to_action
    assert maps.get_version(session, item, 2).created_by_id == people.second_officer.id
    assert audit_actions(item) == ["create", "edit", "edit", "edit", "edit"]


@pytest.mark.parametrize("words", [CONTENT, None, content(concern=f"  {CONTENT.concern}  ")],
                         ids=["same words", "no words", "same words with spaces"])
def test_an_edit_that_changes_nothing_makes_no_version(session: Session, now: datetime,
                                                       make_map: MapMaker, people: People,
                                                       words: checks.MapContent | None) -> None:
    item = make_map()
    before = written()
    assert maps.edit_content(session, item, words, actor=people.author, now=at(now, 1)) is None
    session.flush()
    assert item.latest_number == 1
    assert written() == before


def test_saving_a_variant_unchanged_makes_no_version(session: Session, now: datetime, make_map: MapMaker,
                                                     people: People, channels: Channels) -> None:
    item = make_map()
    [existing] = maps.latest_version(session, item).variants
    before = written()
    assert maps.save_variant(session, item, checks.VariantContent.of(existing), replacing=existing,
                             actor=people.author, now=at(now, 1)) is None
    assert written() == before


def test_a_set_of_variants_may_send_back_words_written_before_their_channel_changed(
        session: Session, now: datetime, make_map: MapMaker, people: People, channels: Channels) -> None:
    """As on the variant page: kept words are not checked again, and may stay on a retired channel."""
    item = make_map(variants=(variant(channels.sms, "x" * 150), variant(channels.social, "Old")))
    catalogue.update_item(session, CHANNELS, channels.sms, values={"length_limit": 120},
                          actor=people.author, now=now)
    catalogue.retire_item(session, CHANNELS, channels.social, actor=people.author, now=now)
    kept = [checks.VariantContent.of(v) for v in maps.latest_version(session, item).variants]
    assert maps.edit_content(session, item, None, variants=kept, actor=people.author, now=at(now, 1)) is None
    social = variant(channels.social, "New words")
    version = maps.edit_content(session, item, None, variants=[kept[0], social], actor=people.author,
                                now=at(now, 2))
    assert version is not None and version.number == 2
    with pytest.raises(ValidationError) as caught:
        maps.edit_content(session, item, None, variants=[variant(channels.sms, "y" * 150), social],
                          actor=people.author, now=at(now, 3))
    assert caught.value.errors == {"variants[0].body": [
        "Borough SMS allows 120 characters at most and this is 150: shorten it by 30"]}


def test_editing_an_approved_map_starts_a_draft_while_the_approved_version_stays_in_force(
        session: Session, now: datetime, approved_map: MessageMap, people: People,
        reference: Reference, plain_audience: Audience, channels: Channels,
        delivery: DeliverySettings) -> None:
    item = approved_map
    version = maps.edit_content(session, item, content(concern="Are the buses safe after school?"),
                                actor=people.author, now=at(now, 2))
    assert version is not None and version.number == 2
    assert item.status is MessageStatus.DRAFT
    assert (item.latest_number, item.approved_number) == (2, 1)
    assert item.has_newer_draft
    cell = coverage.matrix(session).cell(reference.elements["ROB"], plain_audience)
    assert cell.state is coverage.CellState.APPROVED and cell.channels == 1
    in_cell = maps.MapFilter(element_id=reference.elements["ROB"].id, audience_id=plain_audience.id)
    assert coverage.channels_in_force(session, in_cell) == [channels.website.name]

    submit(session, item, people.author, at(now, 3), delivery)
    assert coverage.matrix(session).cell(reference.elements["ROB"], plain_audience).state is \
        coverage.CellState.APPROVED
    approve(session, item, people.approver, at(now, 4), delivery)
    assert (item.status, item.latest_number, item.approved_number) == (MessageStatus.APPROVED, 2, 2)
    assert item.approved_at == at(now, 4)
    assert not item.has_newer_draft


# --- variants ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("length", "over"), [(161, 1), (200, 40)])
def test_a_variant_over_a_hard_limit_is_refused(session: Session, now: datetime, make_map: MapMaker,
                                                people: People, channels: Channels, length: int,
                                                over: int) -> None:
    item = make_map()
    before = written()
    with pytest.raises(ValidationError) as caught:
        maps.save_variant(session, item, variant(channels.sms, "x" * length), actor=people.author,
                          now=at(now, 1))
    assert caught.value.errors == {"body": [
        f"Borough SMS allows 160 characters at most and this is {length}: shorten it by {over}"]}
    assert written() == before


def test_a_variant_exactly_at_a_hard_limit_is_saved(session: Session, now: datetime, make_map: MapMaker,
                                                    people: People, channels: Channels,
                                                    plain_audience: Audience) -> None:
    item = make_map()
    version = maps.save_variant(session, item, variant(channels.sms, "  " + "x" * 160 + "\n"),
                                actor=people.author, now=at(now, 1))
    assert version is not None
    [sms] = [v for v in version.variants if v.channel_id == channels.sms.id]
    assert sms.body == "x" * 160
    length = checks.variant_checks(sms, plain_audience)[0]
    assert (length.label, length.passed, length.blocking) == ("Length", True, True)
    assert length.detail == "160 of 160 characters"


def test_a_variant_over_a_soft_limit_is_saved_with_a_warning_that_does_not_block(
        session: Session, now: datetime, make_map: MapMaker, people: People, channels: Channels,
        plain_audience: Audience, delivery: DeliverySettings) -> None:
    item = make_map(variants=())
    version = maps.save_variant(session, item, variant(channels.social, "y" * 91), actor=people.author,
                                now=at(now, 1))
    assert version is not None
    [social] = version.variants
    length = checks.variant_checks(social, plain_audience)[0]
    assert (length.label, length.passed, length.blocking) == ("Length", False, False)
    assert length.detail == "91 of 90 characters: over the soft limit"
    assert checks.submission_problems(item, version) == {}
    submit(session, item, people.author, at(now, 2), delivery)
    assert item.status is MessageStatus.IN_REVIEW


def test_a_channel_without_a_limit_takes_any_length(session: Session, now: datetime, make_map: MapMaker,
                                                    people: People, channels: Channels,
                                                    plain_audience: Audience) -> None:
    item = make_map(variants=())
    version = maps.save_variant(session, item, variant(channels.website, "z" * 5000),
                                actor=people.author, now=at(now, 1))
    assert version is not None
    length = checks.variant_checks(version.variants[0], plain_audience)[0]
    assert length.passed and length.detail == "5,000 characters; no limit"


def test_a_second_variant_for_the_same_channel_and_language_is_refused(
        session: Session, now: datetime, make_map: MapMaker, people: People, channels: Channels) -> None:
    item = make_map()
    before = written()
    with pytest.raises(ValidationError) as caught:
        maps.save_variant(session, item, variant(channels.website, "Other words"), actor=people.author,
                          now=at(now, 1))
    assert caught.value.errors == {"language": [
        "This map already has a variant for this channel in this language"]}
    assert written() == before
    other_language = maps.save_variant(session, item, variant(channels.website, "Erayga", language="so"),
                                       actor=people.author, now=at(now, 1))
    assert other_language is not None and len(other_language.variants) == 2


@pytest.mark.parametrize("language", ["so", "pt-BR"])
def test_a_language_the_channel_does_not_carry_is_refused(session: Session, now: datetime,
                                                          make_map: MapMaker, people: People,
                                                          channels: Channels, language: str) -> None:
    item = make_map()
    with pytest.raises(ValidationError) as caught:
        maps.save_variant(session, item, variant(channels.sms, "Words", language=language),
                          actor=people.author, now=at(now, 1))
    assert caught.value.errors == {"language": [
        "Borough SMS carries en; choose one of those or add the language to the channel"]}
    assert item.latest_number == 1


@pytest.mark.parametrize(("values", "field"), [
    ({"language": "English"}, "language"),
    ({"body": "   "}, "body"),
    ({"translation_status": None}, "translation_status"),
    ({"has_media": True, "alt_text": "a" * 301}, "alt_text"),
])
def test_bad_variant_input_is_refused(session: Session, now: datetime, make_map: MapMaker,
                                      people: People, channels: Channels, values: dict[str, Any],
                                      field: str) -> None:
    item = make_map(variants=())
    body = values.pop("body", "Words")
    with pytest.raises(ValidationError) as caught:
        maps.save_variant(session, item, variant(channels.website, body, **values), actor=people.author,
                          now=at(now, 1))
    assert list(caught.value.errors) == [field]


def test_a_variant_of_an_older_version_cannot_be_edited(session: Session, now: datetime,
                                                        make_map: MapMaker, people: People) -> None:
    item = make_map()
    [old] = maps.latest_version(session, item).variants
    newer = maps.edit_content(session, item, content(concern="A new concern"), actor=people.author,
                              now=at(now, 1))
    assert newer is not None
    session.flush()
    with pytest.raises(NotFound, match="older version"):
        maps.get_variant(session, item, old.id)
    [current] = newer.variants
    assert current.id != old.id
    assert maps.get_variant(session, item, current.id) is current


def test_a_variant_of_another_map_or_none_at_all_is_not_found(session: Session, make_map: MapMaker
                                                              ) -> None:
    first, second = make_map(), make_map(element="AWI")
    [theirs] = maps.latest_version(session, second).variants
    with pytest.raises(NotFound):
        maps.get_variant(session, first, theirs.id)
    with pytest.raises(NotFound):
        maps.get_variant(session, first, 999_999)


# --- submit ------------------------------------------------------------------------------------


def test_a_map_without_variants_cannot_be_submitted(session: Session, now: datetime, make_map: MapMaker,
                                                    people: People, delivery: DeliverySettings) -> None:
    item = make_map(variants=())
    before = written()
    with pytest.raises(ValidationError) as caught:
        submit(session, item, people.author, now, delivery)
    assert caught.value.errors == {"variants": ["Add at least one channel variant before submitting"]}
    assert item.status is MessageStatus.DRAFT
    assert written() == before


def test_media_without_alt_text_blocks_submission(session: Session, now: datetime, make_map: MapMaker,
                                                  people: People, channels: Channels,
                                                  delivery: DeliverySettings) -> None:
    item = make_map(variants=(variant(channels.website, has_media=True, alt_text="  "),))
    [website] = maps.latest_version(session, item).variants
    with pytest.raises(ValidationError) as caught:
        submit(session, item, people.author, now, delivery)
    assert caught.value.errors == {f"variant-{website.id}": [
        "Force website (en): alt text for the image or video – Describe the image or video for "
        "screen readers"]}
    assert item.status is MessageStatus.DRAFT
    assert reminders(item, "approval_waiting") == []


ACCESSIBLE = {"easy_read": True, "bsl": True}
NEEDS = [
    ("no Easy Read", {"bsl": True}, "easy read version – This audience needs Easy Read"),
    ("no BSL", {"easy_read": True}, "british sign language version – This audience needs BSL"),
    ("a video without captions", {**ACCESSIBLE, "has_media": True, "alt_text": "A bus stop at dusk"},
     "captions – This audience needs captions"),
]


@pytest.mark.parametrize(("values", "problem"), [case[1:] for case in NEEDS], ids=[c[0] for c in NEEDS])
def test_the_audience_needs_block_submission(session: Session, now: datetime, make_map: MapMaker,
                                             people: People, channels: Channels, needy_audience: Audience,
                                             delivery: DeliverySettings, values: dict[str, Any],
                                             problem: str) -> None:
    item = make_map(audience=needy_audience, variants=(variant(channels.website, **values),))
    [website] = maps.latest_version(session, item).variants
    with pytest.raises(ValidationError) as caught:
        submit(session, item, people.author, now, delivery)
    assert caught.value.errors == {f"variant-{website.id}": [f"Force website (en): {problem}"]}
    assert item.status is MessageStatus.DRAFT


@pytest.mark.parametrize("values", [
    ACCESSIBLE, {**ACCESSIBLE, "has_media": True, "alt_text": "A bus stop at dusk", "captions": True}],
    ids=["words only", "captioned video"])
def test_a_variant_meeting_the_audience_needs_may_be_submitted(
        session: Session, now: datetime, make_map: MapMaker, people: People, channels: Channels,
        needy_audience: Audience, delivery: DeliverySettings, values: dict[str, Any]) -> None:
    item = make_map(audience=needy_audience, variants=(variant(channels.website, **values),))
    submit(session, item, people.author, now, delivery)
    assert item.status is MessageStatus.IN_REVIEW


def test_needs_the_audience_does_not_have_are_not_asked_for(
        session: Session, make_map: MapMaker, channels: Channels, plain_audience: Audience) -> None:
    item = make_map(variants=(variant(channels.website, has_media=True, alt_text="Officers on patrol",
                                      translation_status=TranslationStatus.MACHINE),))
    [website] = maps.latest_version(session, item).variants
    results = checks.variant_checks(website, plain_audience)
    assert [check.label for check in results] == ["Length", "Reading age", "Alt text for the image or video",
                                                 "Translation"]
    [translation] = [check for check in results if check.label == "Translation"]
    assert not translation.passed and not translation.blocking


def test_submit_sends_the_map_to_review_and_tells_the_approvers(
        session: Session, now: datetime, make_map: MapMaker, people: People,
        delivery: DeliverySettings) -> None:
    item = make_map()
    submit(session, item, people.author, at(now, 1), delivery)
    assert item.status is MessageStatus.IN_REVIEW
    assert maps.latest_version(session, item).submitted_at == at(now, 1)
    assert audit_actions(item) == ["create", "submit"]
    asked = reminders(item)
    assert [(r.recipient_role, r.recipient_user_id) for r in asked] == [
        (None, people.approver.id), (None, people.officer_approver.id)]  # each approver, by name
    for reminder in asked:
        assert reminder.kind == "approval_waiting" and reminder.status is ReminderStatus.PENDING
        assert reminder.due_at == at(now, 1)
        assert reminder.subject_link == f"/messages/{item.id}"
        assert reminder.subject_title == f"Approve message: {item.title}"
        assert "Ada Author" in reminder.body


def test_nobody_who_wrote_part_of_the_version_is_asked_to_approve_it(
        session: Session, now: datetime, make_map: MapMaker, people: People,
        delivery: DeliverySettings) -> None:
    item = make_map(author=people.officer_approver)
    maps.edit_content(session, item, content(concern="Second words"), actor=people.author, now=at(now, 1))
    submit(session, item, people.author, at(now, 2), delivery)
    assert [r.recipient_user_id for r in reminders(item, "approval_waiting")] == [people.approver.id]


def test_a_map_in_review_cannot_be_submitted_again(session: Session, now: datetime, make_map: MapMaker,
                                                   people: People, delivery: DeliverySettings) -> None:
    item = submit(session, make_map(), people.author, now, delivery)
    with pytest.raises(Conflict):
        submit(session, item, people.author, at(now, 1), delivery)
    assert len(reminders(item)) == 2  # one to each approver, from the first submission only


@pytest.mark.parametrize("who", ["viewer", "approver"])
def test_only_writers_may_submit(session: Session, now: datetime, make_map: MapMaker, people: People,
                                 delivery: DeliverySettings, who: str) -> None:
    item = make_map()
    with pytest.raises(PermissionDenied):
        submit(session, item, getattr(people, who), now, delivery)
    assert item.status is MessageStatus.DRAFT


# --- approve -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["viewer", "author", "second_officer"])
def test_people_without_the_approver_role_may_not_approve(
        session: Session, now: datetime, make_map: MapMaker, people: People,
        delivery: DeliverySettings, who: str) -> None:
    item = submit(session, make_map(), people.author, now, delivery)
    before = written()
    with pytest.raises(PermissionDenied):
        approve(session, item, getattr(people, who), at(now, 1), delivery)
    assert item.status is MessageStatus.IN_REVIEW and item.approved_number is None
    assert written() == before


def test_an_author_who_is_also_an_approver_may_not_approve_their_own_version(
        session: Session, now: datetime, make_map: MapMaker, people: People,
        delivery: DeliverySettings) -> None:
    item = submit(session, make_map(author=people.officer_approver), people.officer_approver, now,
                  delivery)
    assert not maps.may_approve(session, item, people.officer_approver)
    with pytest.raises(PermissionDenied, match="another approver"):
        approve(session, item, people.officer_approver, at(now, 1), delivery)
    with pytest.raises(PermissionDenied):
        review.return_for_changes(session, item, number=1, comment="Looks fine to me", delivery=delivery,
                                actor=people.officer_approver, now=at(now, 1))
    assert item.status is MessageStatus.IN_REVIEW and item.approved_number is None


def test_anyone_who_wrote_a_version_since_the_last_approval_may_not_approve(
        session: Session, now: datetime, make_map: MapMaker, people: People,
        delivery: DeliverySettings) -> None:
    item = make_map()
    maps.edit_content(session, item, content(concern="Second words"), actor=people.officer_approver,
                      now=at(now, 1))
    maps.edit_content(session, item, content(concern="Third words"), actor=people.author, now=at(now, 2))
    submit(session, item, people.author, at(now, 3), delivery)
    with pytest.raises(PermissionDenied):
        approve(session, item, people.officer_approver, at(now, 4), delivery)
    approve(session, item, people.approver, at(now, 4), delivery)

    # Once approved, what they wrote before no longer counts against them.
    maps.edit_content(session, item, content(concern="Fourth words"), actor=people.author,
                      now=at(now, 5))
    submit(session, item, people.author, at(now, 6), delivery)
    assert maps.may_approve(session, item, people.officer_approver)
    approve(session, item, people.officer_approver, at(now, 7), delivery)
    assert (item.approved_number, item.approved_by_id) == (4, people.officer_approver.id)


def test_approving_a_stale_version_number_is_a_conflict(session: Session, now: datetime,
                                                        make_map: MapMaker, people: People,
                                                        delivery: DeliverySettings) -> None:
    item = make_map()
    maps.edit_content(session, item, content(concern="Second words"), actor=people.author, now=at(now, 1))
    submit(session, item, people.author, at(now, 2), delivery)
    with pytest.raises(Conflict, match="Version 2 was saved"):
        review.approve(session, item, number=1, actor=people.approver, now=at(now, 3), delivery=delivery)
    assert item.status is MessageStatus.IN_REVIEW and item.approved_number is None
    assert maps.get_version(session, item, 1).approved_at is None


def test_a_draft_cannot_be_approved(session: Session, now: datetime, make_map: MapMaker, people: People,
                                    delivery: DeliverySettings) -> None:
    item = make_map()
    with pytest.raises(Conflict):
        approve(session, item, people.approver, now, delivery)
    assert item.status is MessageStatus.DRAFT


def test_another_approver_approves_and_the_approval_is_recorded(
        session: Session, now: datetime, make_map: MapMaker, people: People,
        delivery: DeliverySettings) -> None:
    item = submit(session, make_map(), people.author, now, delivery)
    review.approve(session, item, number=1, actor=people.approver, now=at(now, 1), delivery=delivery,
                 comment="  Clear and kind.  ")
    session.commit()
    session.expire_all()
    item = maps.get_map(session, item.id)
    assert item.status is MessageStatus.APPROVED
    assert (item.approved_number, item.approved_by_id, item.approved_at) == (
        1, people.approver.id, at(now, 1))
    version = maps.get_version(session, item, 1)
    assert (version.approved_by_id, version.approved_at) == (people.approver.id, at(now, 1))
    [comment] = maps.comments(session, item)
    assert (comment.body, comment.author_id, comment.version_number) == (
        "Clear and kind.", people.approver.id, 1)
    assert [r.status for r in reminders(item, "approval_waiting")] == [ReminderStatus.CANCELLED] * 2
    assert audit_actions(item) == ["create", "submit", "approve"]
    with pytest.raises(Conflict):
        approve(session, item, people.approver, at(now, 2), delivery)


@pytest.mark.parametrize(("decision", "said"), [
    ("approve", "Approved by Apu Approver at 10:05"),
    ("return", "Sent back by Apu Approver at 10:05"),
    ("edit", "Withdrawn for changes by Ada Author at 10:05"),
    ("retire", "Retired by Ada Author at 10:05"),
])
def test_a_decision_clears_the_request_from_every_approvers_inbox(
        session: Session, now: datetime, make_map: MapMaker, people: People, delivery: DeliverySettings,
        decision: str, said: str) -> None:
    item = submit(session, make_map(), people.author, now, delivery)
    expand_due(session, now=now, worker="test", settings=delivery)
    if decision == "approve":
        approve(session, item, people.approver, at(now, 1), delivery)
    elif decision == "return":
        review.return_for_changes(session, item, number=1, comment="Name the patrol times",
                                actor=people.approver, now=at(now, 1), delivery=delivery)
    elif decision == "edit":
        maps.edit_content(session, item, content(concern="Changed"), actor=people.author, now=at(now, 1))
    else:
        review.retire(session, item, actor=people.author, now=at(now, 1))
    asked = session.scalars(select(InboxItem).where(InboxItem.kind == "approval_waiting")
                            .order_by(InboxItem.user_id)).all()
    assert [(i.user_id, i.resolution, i.resolved_at) for i in asked] == [
        (people.approver.id, said, at(now, 1)), (people.officer_approver.id, said, at(now, 1))]


# --- return for changes ------------------------------------------------------------------------


@pytest.mark.parametrize("comment", ["", "   \n "])
def test_sending_back_needs_a_comment(session: Session, now: datetime, make_map: MapMaker,
                                      people: People, delivery: DeliverySettings, comment: str) -> None:
    item = submit(session, make_map(), people.author, now, delivery)
    before = written()
    with pytest.raises(ValidationError) as caught:
        review.return_for_changes(session, item, number=1, comment=comment, actor=people.approver,
                                now=at(now, 1), delivery=delivery)
    assert caught.value.errors == {"comment": ["Say what needs to change"]}
    assert item.status is MessageStatus.IN_REVIEW
    assert written() == before
    assert [r.status for r in reminders(item)] == [ReminderStatus.PENDING] * 2


def test_sending_back_returns_the_map_to_draft_with_a_comment_and_tells_the_owner(
        session: Session, now: datetime, make_map: MapMaker, people: People,
        delivery: DeliverySettings) -> None:
    item = submit(session, make_map(owner=people.second_officer), people.author, now, delivery)
    review.return_for_changes(session, item, number=1, comment="  Name the patrol times.  ",
                            actor=people.approver, now=at(now, 1), delivery=delivery)
    assert item.status is MessageStatus.DRAFT and item.approved_number is None
    [comment] = maps.comments(session, item)
    assert (comment.body, comment.author_id, comment.version_number, comment.created_at) == (
        "Name the patrol times.", people.approver.id, 1, at(now, 1))
    assert [r.status for r in reminders(item, "approval_waiting")] == [ReminderStatus.CANCELLED] * 2
    [returned] = reminders(item, "general")
    assert returned.status is ReminderStatus.PENDING
    assert (returned.recipient_user_id, returned.recipient_role) == (people.second_officer.id, None)
    assert returned.body == "Name the patrol times."
    assert returned.subject_title.startswith("Changes asked for: ")
    assert audit_actions(item) == ["create", "submit", "return"]


def test_a_map_sent_back_and_resubmitted_unchanged_tells_everyone_again(
        session: Session, now: datetime, make_map: MapMaker, people: People,
        delivery: DeliverySettings) -> None:
    item = submit(session, make_map(), people.author, now, delivery)
    review.return_for_changes(session, item, number=1, comment="Check the figures with the analyst",
                            actor=people.approver, now=at(now, 1), delivery=delivery)
    submit(session, item, people.author, at(now, 2), delivery)
    pending = reminders(item, "approval_waiting", ReminderStatus.PENDING)
    assert [reminder.due_at for reminder in pending] == [at(now, 2)] * 2
    review.return_for_changes(session, item, number=1, comment="The figures are still wrong",
                            actor=people.approver, now=at(now, 3), delivery=delivery)
    assert [r.body for r in reminders(item, "general")] == [
        "Check the figures with the analyst", "The figures are still wrong"]
    submit(session, item, people.author, at(now, 4), delivery)
    approve(session, item, people.approver, at(now, 5), delivery)
    assert [r.status for r in reminders(item, "approval_waiting")] == [ReminderStatus.CANCELLED] * 6


# --- editing while in review -------------------------------------------------------------------


@pytest.mark.parametrize("edit", ["content", "add variant", "remove variant"])
def test_editing_while_in_review_returns_the_map_to_draft_and_withdraws_the_request(
        session: Session, now: datetime, make_map: MapMaker, people: People, channels: Channels,
        delivery: DeliverySettings, edit: str) -> None:
    item = submit(session, make_map(), people.author, now, delivery)
    later = at(now, 1)
    if edit == "content":
        version = maps.edit_content(session, item, content(concern="Changed"), actor=people.author,
                                    now=later)
    elif edit == "add variant":
        version = maps.save_variant(session, item, variant(channels.sms), actor=people.author, now=later)
    else:
        [website] = maps.latest_version(session, item).variants
        version = maps.remove_variant(session, item, website, actor=people.author, now=later)
    assert version is not None and version.number == 2
    assert item.status is MessageStatus.DRAFT
    assert [r.status for r in reminders(item, "approval_waiting")] == [ReminderStatus.CANCELLED] * 2
    with pytest.raises(Conflict):
        review.approve(session, item, number=1, actor=people.approver, now=at(now, 2), delivery=delivery)


# --- review-date reminders ---------------------------------------------------------------------


@pytest.mark.parametrize(("review_date", "due_at"), [
    (date(2027, 2, 1), datetime(2027, 2, 1, 9, 0, tzinfo=UTC)),   # GMT
    (date(2027, 7, 1), datetime(2027, 7, 1, 8, 0, tzinfo=UTC)),   # BST: 09:00 in London
])
def test_a_review_date_reminds_the_owner_at_nine_in_london(
        session: Session, make_map: MapMaker, people: People, review_date: date,
        due_at: datetime) -> None:
    item = make_map(owner=people.second_officer, review_date=review_date)
    [reminder] = reminders(item)
    assert reminder.kind == "review_due" and reminder.status is ReminderStatus.PENDING
    assert reminder.recipient_user_id == people.second_officer.id
    assert reminder.due_at == due_at
    assert reminder.subject_link == f"/messages/{item.id}"


def test_no_review_date_means_no_reminder(make_map: MapMaker) -> None:
    assert reminders(make_map()) == []


def settings_of(item: MessageMap, **changes: Any) -> checks.MapSettings:
    values: dict[str, Any] = {"element_id": item.element_id, "audience_id": item.audience_id,
                              "qualifier_ids": tuple(q.id for q in item.qualifiers),
                              "unit_id": item.unit_id, "owner_id": item.owner_id,
                              "review_date": item.review_date, **changes}
    return checks.MapSettings(**values)


def test_changing_the_review_date_replaces_the_reminder(session: Session, now: datetime,
                                                        make_map: MapMaker, people: People,
                                                        delivery: DeliverySettings) -> None:
    item = make_map(review_date=date(2027, 2, 1))
    changes = maps.update_settings(session, item, settings_of(item, review_date=date(2027, 3, 1)),
                                   actor=people.author, now=at(now, 1), delivery=delivery)
    assert changes == {"review_date": ["2027-02-01", "2027-03-01"]}
    [old, new] = reminders(item, "review_due")
    assert old.status is ReminderStatus.CANCELLED
    assert new.status is ReminderStatus.PENDING
    assert new.due_at == datetime(2027, 3, 1, 9, 0, tzinfo=UTC)

    maps.update_settings(session, item, settings_of(item, review_date=None), actor=people.author,
                         now=at(now, 2), delivery=delivery)
    assert reminders(item, "review_due", ReminderStatus.PENDING) == []


def test_saving_settings_with_the_same_date_keeps_the_reminder(
        session: Session, now: datetime, make_map: MapMaker, people: People,
        delivery: DeliverySettings) -> None:
    item = make_map(review_date=date(2027, 2, 1))
    assert maps.update_settings(session, item, settings_of(item), actor=people.author, now=at(now, 1),
                                delivery=delivery) == {}
    assert [r.status for r in reminders(item)] == [ReminderStatus.PENDING]


def test_a_new_owner_gets_the_review_reminder(session: Session, now: datetime, make_map: MapMaker,
                                              people: People, delivery: DeliverySettings) -> None:
    item = make_map(review_date=date(2027, 2, 1))
    maps.update_settings(session, item, settings_of(item, owner_id=people.second_officer.id),
                         actor=people.author, now=at(now, 1), delivery=delivery)
    [pending] = reminders(item, "review_due", ReminderStatus.PENDING)
    assert pending.recipient_user_id == people.second_officer.id
    assert pending.due_at == datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def test_retiring_cancels_the_review_reminder(session: Session, now: datetime, make_map: MapMaker,
                                              people: People) -> None:
    item = make_map(review_date=date(2027, 2, 1))
    review.retire(session, item, actor=people.author, now=at(now, 1))
    assert [r.status for r in reminders(item)] == [ReminderStatus.CANCELLED]


# --- retire ------------------------------------------------------------------------------------


def test_a_retired_map_cannot_change(session: Session, now: datetime, approved_map: MessageMap,
                                     people: People, channels: Channels,
                                     delivery: DeliverySettings) -> None:
    item = approved_map
    review.retire(session, item, actor=people.author, now=at(now, 2))
    assert item.status is MessageStatus.RETIRED
    assert audit_actions(item)[-1] == "retire"
    [website] = maps.latest_version(session, item).variants
    before = written()
    attempts = [
        lambda: maps.edit_content(session, item, content(concern="New"), actor=people.author, now=now),
        lambda: maps.save_variant(session, item, variant(channels.sms), actor=people.author, now=now),
        lambda: maps.remove_variant(session, item, website, actor=people.author, now=now),
        lambda: maps.update_settings(session, item, settings_of(item, review_date=date(2027, 1, 5)),
                                     actor=people.author, now=now, delivery=delivery),
        lambda: review.submit(session, item, actor=people.author, now=now, delivery=delivery),
        lambda: review.approve(session, item, number=1, actor=people.approver, now=now, delivery=delivery),
        lambda: review.retire(session, item, actor=people.author, now=now),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict):
            attempt()
    assert written() == before
    assert (item.status, item.latest_number) == (MessageStatus.RETIRED, 1)


def test_the_matrix_no_longer_counts_a_retired_map(session: Session, now: datetime,
                                                   approved_map: MessageMap, people: People,
                                                   reference: Reference, plain_audience: Audience) -> None:
    cell = coverage.matrix(session).cell(reference.elements["ROB"], plain_audience)
    assert (cell.state, cell.maps) == (coverage.CellState.APPROVED, 1)
    review.retire(session, approved_map, actor=people.author, now=at(now, 2))
    cell = coverage.matrix(session).cell(reference.elements["ROB"], plain_audience)
    assert (cell.state, cell.maps, cell.channels) == (coverage.CellState.NONE, 0, 0)
    assert session.scalars(maps.maps_query(maps.MapFilter())).all() == []
    assert session.scalars(maps.maps_query(maps.MapFilter(include_retired=True))).all() == [approved_map]


def test_retiring_a_map_in_review_withdraws_the_approval_request(
        session: Session, now: datetime, make_map: MapMaker, people: People,
        delivery: DeliverySettings) -> None:
    item = submit(session, make_map(), people.author, now, delivery)
    review.retire(session, item, actor=people.author, now=at(now, 1))
    assert [r.status for r in reminders(item)] == [ReminderStatus.CANCELLED] * 2


@pytest.mark.parametrize("who", ["viewer", "approver"])
def test_only_writers_may_retire(session: Session, now: datetime, make_map: MapMaker, people: People,
                                 who: str) -> None:
    item = make_map()
    with pytest.raises(PermissionDenied):
        review.retire(session, item, actor=getattr(people, who), now=now)
    assert item.status is MessageStatus.DRAFT


# --- comments ----------------------------------------------------------------------------------


def test_comments_are_kept_in_order_and_checked(session: Session, now: datetime, make_map: MapMaker,
                                                people: People) -> None:
    item = make_map()
    review.add_comment(session, item, body="First", actor=people.approver, now=at(now, 1))
    review.add_comment(session, item, body="Second", actor=people.author, now=at(now, 2))
    assert [c.body for c in maps.comments(session, item)] == ["First", "Second"]
    with pytest.raises(ValidationError, match="Enter a comment"):
        review.add_comment(session, item, body="  ", actor=people.author, now=now)
    with pytest.raises(ValidationError, match="2,000"):
        review.add_comment(session, item, body="x" * 2001, actor=people.author, now=now)
    with pytest.raises(PermissionDenied):
        review.add_comment(session, item, body="Nice", actor=people.viewer, now=now)
    assert count(MessageComment) == 2


# --- compare -----------------------------------------------------------------------------------


def test_compare_lists_every_field_and_marks_the_changed_ones(
        session: Session, now: datetime, make_map: MapMaker, people: People, channels: Channels) -> None:
    item = make_map()
    maps.edit_content(session, item, content(call_to_action="Call 999 in an emergency"),
                      actor=people.author, now=at(now, 1))
    maps.save_variant(session, item, variant(channels.sms, "Patrols after school."), actor=people.author,
                      now=at(now, 2))
    old, new = maps.get_version(session, item, 1), maps.get_version(session, item, 3)
    fields = versions.compare(old, new)
    labels = [f.label for f in fields]
    assert labels[:6] == ["Concern", "Key message 1", "Key message 1, fact 1", "Key message 2",
                          "Call to action", "RIPE strands"]
    assert [f.label for f in fields if f.changed] == [
        "Call to action", "Borough SMS (en)", "Borough SMS (en): accessibility"]
    [cta] = [f for f in fields if f.label == "Call to action"]
    assert (cta.old, cta.new) == (CONTENT.call_to_action, "Call 999 in an emergency")
    [sms] = [f for f in fields if f.label == "Borough SMS (en)"]
    assert (sms.old, sms.new) == ("", "Patrols after school.")
    assert [f.label for f in versions.compare(new, new) if f.changed] == []


def test_compare_shows_a_removed_variant_and_key_message(session: Session, now: datetime,
                                                         make_map: MapMaker, people: People) -> None:
    item = make_map()
    [website] = maps.latest_version(session, item).variants
    maps.remove_variant(session, item, website, actor=people.author, now=at(now, 1))
    maps.edit_content(session, item, content(key_messages=CONTENT.key_messages[:1]), actor=people.author,
                      now=at(now, 2))
    fields = {f.label: f for f in versions.compare(maps.get_version(session, item, 1),
                                               maps.get_version(session, item, 3))}
    assert fields["Force website (en)"].new == "" and fields["Force website (en)"].changed
    assert fields["Key message 2"].old == CONTENT.key_messages[1].text
    assert fields["Key message 2"].new == ""


def test_word_diff_marks_removed_and_added_words() -> None:
    before, after = word_diff("Call 101 now if you can", "Call 999 now if you must")
    assert isinstance(before, Markup) and isinstance(after, Markup)
    assert before == 'Call <del class="app-del">101</del> now if you <del class="app-del">can</del>'
    assert after == 'Call <ins class="app-ins">999</ins> now if you <ins class="app-ins">must</ins>'


def test_word_diff_of_identical_text_marks_nothing() -> None:
    assert word_diff("Same words", "Same words") == (Markup("Same words"), Markup("Same words"))
    assert word_diff("", "New") == (Markup(""), Markup('<ins class="app-ins">New</ins>'))


def test_word_diff_escapes_html_on_both_sides() -> None:
    before, after = word_diff('<b>bold</b> & "quoted" <i>same</i>',
                              '<script>alert(1)</script> & "quoted" <i>same</i>')
    assert "<b>" not in before and "<script>" not in after and "<i>" not in before + after
    assert '<del class="app-del">&lt;b&gt;bold&lt;/b&gt;</del>' in before
    assert '<ins class="app-ins">&lt;script&gt;alert(1)&lt;/script&gt;</ins>' in after
    assert "&lt;i&gt;same&lt;/i&gt;" in before and "&lt;i&gt;same&lt;/i&gt;" in after
    assert "&amp;" in before and "&#34;quoted&#34;" in after


# --- text measures -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "words"), [
    ("", 0), ("   ", 0), ("Call 101", 2), ("Don't wait: call 101 now.", 5),
    ("Report it — anonymously — to Crimestoppers.", 5), ("one,two;three", 3),
])
def test_word_count(text: str, words: int) -> None:
    assert word_count(text) == words


@pytest.mark.parametrize("text", ["", "Call 101.", "Stay safe tonight, everyone."])
def test_reading_age_is_none_for_tiny_texts(text: str) -> None:
    assert reading_age(text) is None


def test_reading_age_is_higher_for_long_polysyllabic_sentences() -> None:
    plain = "Call us now. We can help. Stay safe. Go home with a friend. Keep your phone away."
    dense = ("Notwithstanding considerable organisational complexities, investigative authorities "
             "continuously collaborate with multidisciplinary safeguarding organisations, systematically "
             "delivering comprehensive preventative interventions throughout metropolitan communities "
             "experiencing disproportionate victimisation.")
    plain_age, dense_age = reading_age(plain), reading_age(dense)
    assert plain_age is not None and dense_age is not None
    assert plain_age <= PLAIN_ENGLISH_READING_AGE < dense_age
    assert dense_age - plain_age >= 10


def test_key_messages_over_27_words_are_flagged() -> None:
    def words(n: int) -> str:
        return " ".join(["patrol"] * n)

    assert checks.long_key_messages([{"text": words(27), "facts": []}]) == []
    assert checks.long_key_messages([{"text": words(28), "facts": []}]) == [(1, 28)]
    assert checks.long_key_messages([{"text": words(5), "facts": []}, {"text": words(27), "facts": []},
                                   {"text": words(40), "facts": []}]) == [(3, 40)]


def test_the_map_view_flags_a_long_key_message(session: Session, make_map: MapMaker) -> None:
    long = " ".join(f"word{n}" for n in range(28))
    item = make_map(content=content(key_messages=(checks.KeyMessage("Short."), checks.KeyMessage(long))))
    view = versions.map_view(session, item)
    assert view.long_messages == [(2, 28)]
    assert view.version.number == 1 and set(view.checks) == {v.id for v in view.version.variants}


# --- sanitised Markdown ------------------------------------------------------------------------


class Elements(HTMLParser):
    """Every element and attribute in a fragment, attribute values unescaped as a browser reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def parsed(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser.tags


SAFE_SCHEMES = {"http", "https", "mailto"}
SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
C0_AND_SPACE = "".join(map(chr, range(0x21)))


def scheme(url: str) -> str | None:
    """The scheme a browser would read: ends trimmed of controls and spaces, tabs and newlines dropped."""
    cleaned = re.sub(r"[\t\n\r]", "", url.strip(C0_AND_SPACE))
    match = SCHEME.match(cleaned.lower())
    return match.group(1) if match else None


XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "Hi <scr<script>ipt>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" java\tscript:alert(1)">x</a>',
    '<a href="java&#9;script:alert(1)">x</a>',
    '<a href="java&#10;script:alert(1)">x</a>',
    '<a href="&#0;javascript:alert(1)">x</a>',
    "[x](java&#9;script:alert(1))",
    "[x](<javascript:alert(1)>)",
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '[x](https://example.org "a" onmouseover="alert(1))',
    "[x][1]\n\n[1]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    "![x](https://example.org/x.png)",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<style>body{display:none}</style>",
    '<div onclick="alert(1)">click</div>',
    "**bold** <b onmouseover=alert(1)>hover</b>",
    "<details open ontoggle=alert(1)>x</details>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<a href="https://example.org" onclick="alert(1)" style="color:red">fine link</a>',
    "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |",
]


@pytest.mark.parametrize("source", XSS)
def test_markdown_renders_attack_vectors_inert(source: str) -> None:
    html = render_markdown(source)
    assert isinstance(html, Markup)
    lowered = html.lower()
    assert "<script" not in lowered
    assert not re.search(r"<[^>]*\son\w+\s*=", lowered), html
    for banned in ("<iframe", "<svg", "<img", "<style", "<object", "<embed", "<form", "<meta", "<math"):
        assert banned not in lowered, html
    for tag, attrs in parsed(str(html)):
        assert tag in ALLOWED_TAGS, html
        for name, value in attrs:
            assert not name.startswith("on") and name not in {"style", "src", "srcdoc", "action"}, html
            if name == "href":
                assert scheme(value or "") in SAFE_SCHEMES | {None}, html


@pytest.mark.parametrize(("url", "read_as"), [
    ("javascript:alert(1)", "javascript"), (" \x01JaVa\tScRiPt:alert(1)", "javascript"),
    ("data:text/html,x", "data"), ("https://example.org", "https"), ("/messages/1", None),
    ("java script:alert(1)", None), ("\ufffdjavascript:alert(1)", None),
])
def test_the_scheme_check_reads_urls_as_a_browser_does(url: str, read_as: str | None) -> None:
    assert scheme(url) == read_as


def test_markdown_keeps_safe_formatting_and_links() -> None:
    html = render_markdown("**Call** 101 or see [the advice](https://example.org/advice)\n- one\n- two")
    assert "<strong>Call</strong>" in html
    assert '<a href="https://example.org/advice" rel="noopener noreferrer">the advice</a>' in html
    assert "<ul>" in html and "<li>one</li>" in html
    assert render_markdown(None) == Markup("")


def test_an_approved_map_keeps_what_it_is_about(session: Session, now: datetime, approved_map: MessageMap,
                                                 people: People, delivery: DeliverySettings,
                                                 needy_audience: Audience, reference: Reference) -> None:
    item = approved_map
    moved = settings_of(item, audience_id=needy_audience.id, element_id=reference.elements["MSV"].id)
    with pytest.raises(ValidationError) as raised:
        maps.update_settings(session, item, moved, actor=people.author, now=at(now, 5), delivery=delivery)
    reason = ("This map has been approved for its element, qualifiers, audience and unit, so they cannot "
              "change: write a new map instead")
    assert raised.value.errors == {"element_id": [reason], "audience_id": [reason]}
    assert item.audience_id != needy_audience.id
    changes = maps.update_settings(session, item, settings_of(item, owner_id=people.second_officer.id),
                                   actor=people.author, now=at(now, 6), delivery=delivery)
    assert "owner_name" in changes
