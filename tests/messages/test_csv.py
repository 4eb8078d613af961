"""CSV files of message maps and their channel variants: export, round trips that change nothing,
all-or-nothing imports with a per-row report, and the upload page."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from commsplan.audiences.csv_io import ImportFailed, ImportResult, RowError
from commsplan.audiences.kinds import CHANNELS
from commsplan.audiences.models import Channel
from commsplan.auth.models import Role, User
from commsplan.db import unit_of_work
from commsplan.errors import PermissionDenied
from commsplan.extensions import db
from commsplan.messages import checks, map_csv, maps, review, variant_csv
from commsplan.messages.models import MessageMap, MessageStatus, TranslationStatus
from commsplan.notifications.settings import DeliverySettings
from commsplan.reference import service as catalogue
from commsplan.reference.models import Qualifier
from tests.audiences.helpers import make_channel
from tests.conftest import csrf_token, sign_in
from tests.factories import PASSWORD, make_user
from tests.messages.conftest import Channels, MapMaker, People, Reference
from tests.messages.helpers import audit_actions, content, insert_maps, variant, written

HEADER = ",".join(variant_csv.COLUMNS)


def import_variants(text: str, actor: User, now: datetime) -> ImportResult:
    """Import as the upload page does: inside a unit of work that commits, or rolls back on failure."""
    with unit_of_work() as work:
        return variant_csv.import_variants(work, text, actor=actor, now=now)


def import_maps(text: str, actor: User, now: datetime) -> ImportResult:
    with unit_of_work() as work:
        return map_csv.import_maps(work, text, actor=actor, now=now, delivery=DeliverySettings())


def refused(run: Callable[[], Any]) -> list[RowError]:
    """Run an import that must fail; return its report after checking nothing was written."""
    db.session.commit()
    before = written()
    with pytest.raises(ImportFailed) as caught:
        run()
    assert written() == before
    return caught.value.rows


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def to_csv(records: list[dict[str, str]], header: tuple[str, ...] = variant_csv.COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


def line(item: MessageMap, channel: Channel, body: str = "Officers patrol the routes home.",
         **values: str) -> dict[str, str]:
    """One row of a variants file, with the map's element and audience filled in."""
    return {"map_id": str(item.id), "element": item.element.code, "audience": item.audience.name,
            "channel": channel.name, "language": "en", "body": body, "has_media": "no", "alt_text": "",
            "captions": "no", "easy_read": "no", "bsl": "no", "translation_status": "original",
            **values}


def fresh(item: MessageMap) -> MessageMap:
    db.session.expire_all()
    found = db.session.get(MessageMap, item.id)
    assert found is not None
    return found


def latest_variants(item: MessageMap) -> dict[tuple[str, str], checks.VariantContent]:
    version = maps.latest_version(db.session, fresh(item))
    return {(v.channel.name, v.language): checks.VariantContent.of(v) for v in version.variants}


@pytest.fixture
def varied(session: Session, now: datetime, make_map: MapMaker, people: People, channels: Channels,
           reference: Reference, delivery: DeliverySettings) -> list[MessageMap]:
    """Maps whose variants carry awkward words and every flag: a Markdown list (leading -), a
    formula, commas, quotes and new lines, media with alt text and captions, a machine translation;
    one map in review, one whose SMS limit was lowered after it was written, one retired."""
    first = make_map(variants=(
        variant(channels.website, "- Patrols after school\n- Phones out of sight, \"please\""),
        variant(channels.website, "=HYPERLINK(\"http://x\",\"y\")", language="so",
                translation_status=TranslationStatus.MACHINE),
        variant(channels.social, "Watch our film", has_media=True, alt_text="Officers by a school gate",
                captions=True, easy_read=True, bsl=True)))
    second = make_map(element="HATE", variants=(variant(channels.sms, "x" * 150),))
    review.submit(session, second, actor=people.author, now=now, delivery=delivery)
    retired = make_map(variants=(variant(channels.website, "Old words"),))
    review.retire(session, retired, actor=people.author, now=now)
    catalogue.update_item(session, CHANNELS, channels.sms, values={"length_limit": 120},
                          actor=people.author, now=now)
    session.commit()
    return [first, second, retired]


# --- export ------------------------------------------------------------------------------------


def test_export_has_a_row_per_variant_of_each_latest_version_leaving_out_retired_maps(
        session: Session, now: datetime, people: People, channels: Channels,
        varied: list[MessageMap]) -> None:
    first, second, _ = varied
    maps.save_variant(session, first, variant(channels.sms, "Newer words"), actor=people.author, now=now)
    exported = rows(variant_csv.export_variants(session))
    assert [(row["map_id"], row["channel"], row["language"]) for row in exported] == [
        (str(first.id), "Borough SMS", "en"), (str(first.id), "Neighbourhood social", "en"),
        (str(first.id), "Force website", "en"), (str(first.id), "Force website", "so"),
        (str(second.id), "Borough SMS", "en")]
    social = exported[1]
    assert (social["element"], social["audience"]) == ("ROB", "Residents of Hackney")
    assert [social[name] for name in ("has_media", "alt_text", "captions", "easy_read", "bsl")] == [
        "yes", "Officers by a school gate", "yes", "yes", "yes"]
    assert exported[2]["body"] == "'- Patrols after school\n- Phones out of sight, \"please\""
    assert exported[3]["body"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert exported[3]["translation_status"] == "machine"


# --- round trips -------------------------------------------------------------------------------


def test_importing_the_export_changes_nothing(session: Session, now: datetime, people: People,
                                              varied: list[MessageMap]) -> None:
    exported = variant_csv.export_variants(session)
    before = written()
    result = import_variants(exported, people.second_officer, now)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert written() == before  # no version, variant or audit entry
    assert fresh(varied[1]).status is MessageStatus.IN_REVIEW
    assert variant_csv.export_variants(session) == exported


def test_the_maps_export_with_a_formula_and_a_leading_dash_round_trips(
        session: Session, now: datetime, people: People, make_map: MapMaker) -> None:
    make_map(content=content(key_messages=(checks.KeyMessage("- Walk home in groups", ("=1+2",)),)))
    session.commit()
    exported = map_csv.export_maps(session)
    row = rows(exported)[0]
    assert (row["key_message_1"], row["facts_1"]) == ("'- Walk home in groups", "'=1+2")
    before = written()
    assert import_maps(exported, people.author, now).unchanged == 1
    assert written() == before
    assert map_csv.export_maps(session) == exported


# --- importing changes ---------------------------------------------------------------------------


def test_each_changed_map_gets_one_version_and_the_others_none(
        session: Session, now: datetime, people: People, channels: Channels, make_map: MapMaker) -> None:
    changed, added_to, untouched, absent = (make_map() for _ in range(4))
    session.commit()
    text = to_csv([line(changed, channels.website, "New words"),
                   line(added_to, channels.website), line(added_to, channels.sms, "Text 101", bsl="yes"),
                   line(added_to, channels.social, "Short", language="so"),
                   line(untouched, channels.website)])
    text = text.replace("Officers patrol the routes home.", variant(channels.website).body)
    result = import_variants(text, people.second_officer, now)
    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    assert [fresh(item).latest_number for item in (changed, added_to, untouched, absent)] == [2, 2, 1, 1]
    assert audit_actions(changed) == ["create", "edit"] and audit_actions(untouched) == ["create"]
    assert latest_variants(changed)[("Force website", "en")].body == "New words"
    assert set(latest_variants(added_to)) == {("Force website", "en"), ("Borough SMS", "en"),
                                              ("Neighbourhood social", "so")}
    assert latest_variants(added_to)[("Borough SMS", "en")].bsl is True
    version = maps.latest_version(session, fresh(changed))
    assert (version.change_note, version.created_by_id) == ("Variants imported from a CSV file",
                                                            people.second_officer.id)


def test_a_map_in_the_file_loses_the_variants_the_file_leaves_out(
        session: Session, now: datetime, people: People, channels: Channels, make_map: MapMaker) -> None:
    item = make_map(variants=(variant(channels.website), variant(channels.sms)))
    other = make_map(variants=(variant(channels.website), variant(channels.sms)))
    session.commit()
    import_variants(to_csv([line(item, channels.sms, variant(channels.sms).body)]), people.author, now)
    assert set(latest_variants(item)) == {("Borough SMS", "en")}
    assert len(latest_variants(other)) == 2


def test_columns_left_out_keep_what_each_variant_has(session: Session, now: datetime, people: People,
                                                     channels: Channels, make_map: MapMaker) -> None:
    item = make_map(variants=(variant(channels.social, "Film", has_media=True, alt_text="A gate",
                                      captions=True, translation_status=TranslationStatus.PROFESSIONAL),))
    session.commit()
    text = f"map_id,channel,language,body\n{item.id},neighbourhood SOCIAL,en,New film\n"
    assert import_variants(text, people.author, now).updated == 1
    stored = latest_variants(item)[("Neighbourhood social", "en")]
    assert (stored.body, stored.has_media, stored.alt_text, stored.captions, stored.translation_status) == (
        "New film", True, "A gate", True, TranslationStatus.PROFESSIONAL)


def test_a_variant_kept_on_a_retired_channel_may_change_its_words(
        session: Session, now: datetime, people: People, channels: Channels, make_map: MapMaker) -> None:
    item = make_map(variants=(variant(channels.social, "Old"), variant(channels.website)))
    catalogue.retire_item(session, CHANNELS, channels.social, actor=people.author, now=now)
    session.commit()
    text = to_csv([line(item, channels.social, "New"),
                   line(item, channels.website, variant(channels.website).body)])
    assert import_variants(text, people.author, now).updated == 1
    assert latest_variants(item)[("Neighbourhood social", "en")].body == "New"


def test_only_writers_may_import(session: Session, now: datetime, people: People, channels: Channels,
                                 make_map: MapMaker) -> None:
    item = make_map()
    session.commit()
    with pytest.raises(PermissionDenied):
        import_variants(to_csv([line(item, channels.website, "New")]), people.approver, now)
    assert fresh(item).latest_number == 1


# --- bad files -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("values", "field", "words"), [
    ({"map_id": "9999"}, "map_id", "No message map has this id"),
    ({"map_id": ""}, "map_id", "Enter the id"),
    ({"map_id": "first"}, "map_id", "No message map has this id"),
    ({"map_id": "retired"}, "map_id", "retired"),
    ({"element": "HATE"}, "element", "is for “ROB”"),
    ({"audience": "Someone else"}, "audience", "is for “Residents of Hackney”"),
    ({"channel": "Carrier pigeon"}, "channel", "No channel has this name"),
    ({"channel": "Old posters"}, "channel", "Choose an active channel"),
    ({"channel": "Borough SMS", "body": "x" * 161}, "body",
     "Borough SMS allows 160 characters at most and this is 161: shorten it by 1"),
    ({"channel": "Borough SMS", "language": "so"}, "language", "Borough SMS carries en"),
    ({"language": "english"}, "language", "language code"),
    ({"body": ""}, "body", "Enter the words"),
    ({"has_media": "maybe"}, "has_media", "Write yes or no"),
    ({"captions": "sometimes"}, "captions", "Write yes or no"),
    ({"easy_read": "2"}, "easy_read", "Write yes or no"),
    ({"bsl": "si"}, "bsl", "Write yes or no"),
    ({"has_media": "yes", "alt_text": "a" * 301}, "alt_text", "300 characters"),
    ({"translation_status": "google"}, "translation_status", "Use one of: original, machine"),
    ({"channel": "neighbourhood social"}, "language", "already on row 2"),
])
def test_each_bad_row_is_reported_by_row_and_column_and_nothing_is_written(
        session: Session, now: datetime, people: People, channels: Channels, make_map: MapMaker,
        values: dict[str, str], field: str, words: str) -> None:
    item, retired = make_map(), make_map()
    review.retire(session, retired, actor=people.author, now=now)
    catalogue.retire_item(session, CHANNELS, make_channel(session, now=now, name="Old posters"),
                          actor=people.author, now=now)
    bad = {**line(item, channels.website), **values}
    bad["map_id"] = str(retired.id) if bad["map_id"] == "retired" else bad["map_id"]
    text = to_csv([line(item, channels.social, "Changed, so a version would be written"), bad])
    report = refused(lambda: import_variants(text, people.author, now))
    assert [(error.row, error.field) for error in report] == [(3, field)]
    assert words in report[0].message


def test_every_problem_in_the_file_is_listed_in_row_order(
        session: Session, now: datetime, people: People, channels: Channels, make_map: MapMaker) -> None:
    first, second = make_map(), make_map()
    session.commit()
    text = to_csv([line(second, channels.sms, "x" * 200), line(first, channels.website, "Fine"),
                   line(first, channels.website, "Again", bsl="perhaps"),
                   {**line(second, channels.website), "channel": "Nowhere"}])
    report = refused(lambda: import_variants(text, people.author, now))
    assert [(error.row, error.field) for error in report] == [
        (2, "body"), (4, "language"), (4, "bsl"), (5, "channel")]


@pytest.mark.parametrize(("text", "words"), [
    ("map_id,channel,language,body,colour\n", "unknown column “colour”"),
    ("map_id,channel,language\n", "missing column “body”"),
    ("", "missing column “map_id”"),
])
def test_bad_headers_are_reported(session: Session, now: datetime, people: People, text: str,
                                  words: str) -> None:
    report = refused(lambda: import_variants(text, people.author, now))
    assert (report[0].row, report[0].field) == (1, "header") and words in report[0].message


@pytest.mark.parametrize(("column", "bad", "words"), [
    ("has_media", "perhaps", "Write yes or no"),
    ("body", "x" * 161, "shorten it by 1"),
])
def test_one_bad_row_in_a_thousand_writes_nothing_and_names_row_and_field(
        session: Session, now: datetime, people: People, reference: Reference, channels: Channels,
        plain_audience: Any, column: str, bad: str, words: str) -> None:
    insert_maps(500, now=now, owner_ids=[people.author.id],
                element_ids=[element.id for element in reference.elements.values()],
                audience_ids=[plain_audience.id], channel_ids=[channels.sms.id, channels.website.id],
                unit_ids=[None], qualifier_ids=list(session.scalars(select(Qualifier.id))))
    records = rows(variant_csv.export_variants(session))
    assert len(records) == 1_000
    for record in records:
        record["body"] += " (reviewed)"  # every map changes, so a partial import would show
    # Row numbers are the spreadsheet's: the header is row 1. Pick an SMS row past the middle.
    index = next(n for n, record in enumerate(records) if n >= 600 and record["channel"] == "Borough SMS")
    records[index][column] = bad
    report = refused(lambda: import_variants(to_csv(records), people.author, now))
    assert [(error.row, error.field) for error in report] == [(index + 2, column)]
    assert words in report[0].message


def test_a_map_id_on_two_rows_of_a_maps_file_is_reported(session: Session, now: datetime,
                                                          people: People, make_map: MapMaker) -> None:
    make_map()
    session.commit()
    exported = map_csv.export_maps(session)
    text = exported + exported.split("\n", 1)[1]
    report = refused(lambda: import_maps(text, people.author, now))
    assert [(error.row, error.field) for error in report] == [(3, "id")]
    assert "already on row 2" in report[0].message


# --- the upload page -------------------------------------------------------------------------------


def upload(client: FlaskClient, text: str, what: str = "message-variants", **extra: str) -> Any:
    boundary, body = encode_multipart({"what": what, **extra, "file": FileStorage(
        io.BytesIO(text.encode()), filename="variants.csv", content_type="text/csv")})
    return client.post("/messaging/import", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def item(session: Session, make_map: MapMaker) -> MessageMap:
    made = make_map()
    session.commit()
    return made


def test_a_writer_uploads_variants_through_the_page(client: FlaskClient, people: People,
                                                    channels: Channels, item: MessageMap) -> None:
    sign_in(client, people.author)
    page = client.get("/messaging/import").text
    assert 'value="message-variants"' in page and 'id="variants-explained"' in page
    assert "a variant of that map missing from the file is removed" in page
    response = upload(client, to_csv([line(item, channels.website, "New words")]))
    assert response.status_code == 302
    assert "0 added, 1 changed, 0 unchanged" in client.get("/messaging/import").text
    assert fresh(item).latest_number == 2


def test_the_export_downloads_and_uploads_back_unchanged(client: FlaskClient, people: People,
                                                         item: MessageMap) -> None:
    sign_in(client, people.viewer)
    exported = client.get("/messaging/export/message-variants.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    assert 'filename="commsplan-message-variants.csv"' in exported.headers["Content-Disposition"]
    assert exported.text.startswith("\ufeffmap_id,")  # the byte-order mark Excel needs
    assert rows(exported.text.removeprefix("\ufeff"))[0]["map_id"] == str(item.id)
    sign_in(client, people.author)
    before = written()
    assert upload(client, exported.text).status_code == 302
    assert "0 added, 0 changed, 1 unchanged" in client.get("/messaging/import").text
    assert written() == before


def test_a_bad_upload_lists_rows_and_columns_and_writes_nothing(
        client: FlaskClient, people: People, channels: Channels, item: MessageMap) -> None:
    sign_in(client, people.author)
    before = written()
    response = upload(client, to_csv([line(item, channels.sms, "x" * 170), line(item, channels.website,
                                                                                 has_media="maybe")]))
    assert response.status_code == 200
    assert "Nothing was imported: 2 problems in the file" in response.text
    assert '<td class="govuk-table__cell">2</td>' in response.text and "<code>body</code>" in response.text
    assert "<code>has_media</code>" in response.text
    assert str(escape("Borough SMS allows 160 characters at most and this is 170")) in response.text
    assert written() == before


@pytest.mark.parametrize("role", [Role.VIEWER, Role.APPROVER, Role.DUTY_OFFICER])
def test_only_writers_may_upload(client: FlaskClient, signed_in: Callable[..., User], channels: Channels,
                                 item: MessageMap, role: Role) -> None:
    signed_in(role)
    before = written()
    assert upload(client, to_csv([line(item, channels.website, "New words")])).status_code == 403
    assert written() == before


def test_the_upload_needs_the_forms_csrf_token(make_app: Callable[..., Flask], now: datetime) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        officer = make_user(db.session, roles=(Role.COMMS_OFFICER,), now=now)
        db.session.commit()
        client = app.test_client()
        client.post("/login", data={"email": officer.email, "password": PASSWORD,
                                    "csrf_token": csrf_token(client.get("/login").text)})
        assert upload(client, HEADER + "\n").status_code == 400
        token = csrf_token(client.get("/messaging/import").text)
        response = upload(client, HEADER + "\n", csrf_token=token)
        assert response.status_code == 302
        assert "0 added, 0 changed, 0 unchanged" in client.get("/messaging/import").text
