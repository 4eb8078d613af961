"""CSV export and all-or-nothing import of audiences, channels and affinity, in the service and
through the upload page."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from commsplan.audiences import csv_io, service
from commsplan.audiences.csv_io import ImportFailed, RowError
from commsplan.audiences.forms import AudienceForm, ChannelForm
from commsplan.audiences.kinds import AUDIENCES, CHANNELS
from commsplan.audiences.models import Audience, Channel, ChannelKind, CostBand, LimitType, Segment
from commsplan.auth.models import Role, User
from commsplan.db import unit_of_work
from commsplan.extensions import db
from commsplan.reference import service as catalogue
from commsplan.reference.kinds import ReferenceKind
from tests.audiences.helpers import count, entries, make_audience, make_channel, written

AUDIENCE_HEADER = ",".join(AUDIENCES.fields)
CHANNEL_HEADER = ",".join(CHANNELS.fields)
FORMS = {AUDIENCES.slug: AudienceForm, CHANNELS.slug: ChannelForm}


def import_kind(session: Session, kind: ReferenceKind, text: str, actor: User | None,
                now: datetime) -> csv_io.ImportResult:
    """Import as the upload page does: inside a unit of work that commits, or rolls back on failure."""
    with unit_of_work() as work:
        return csv_io.import_kind(work, kind, FORMS[kind.slug], text, actor=actor, now=now)


def import_affinity(session: Session, text: str, actor: User | None, now: datetime) -> csv_io.ImportResult:
    with unit_of_work() as work:
        return csv_io.import_affinity(work, text, actor=actor, now=now)


def refused(run: Callable[[], Any]) -> list[RowError]:
    """Run an import that must fail; return its report after checking nothing was written."""
    db.session.commit()
    before = written()
    with pytest.raises(ImportFailed) as caught:
        run()
    assert written() == before
    return caught.value.rows


def audience_row(name: str, **values: str) -> str:
    row = {"name": name, "segment": "young_people", "age_band": "11–16", "geography": "Hackney",
           "size_estimate": "1200", "size_source": "Census", "languages": "en; so",
           "accessibility_needs": "Easy Read", "insight_notes": "", "sensitivity_notes": "", **values}
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([row[field] for field in AUDIENCES.fields])
    return out.getvalue()


def channel_row(name: str, **values: str) -> str:
    row = {"name": name, "kind": "owned", "length_limit": "160", "limit_type": "hard",
           "lead_time_days": "1", "lead_time_strict": "no", "reach": "5000", "reach_unit": "followers",
           "cost_band": "low",
           "languages": "en", "accessibility_features": "", "urgent_capable": "yes",
           "operating_hours": "24/7", **values}
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([row[field] for field in CHANNELS.fields])
    return out.getvalue()


@pytest.fixture
def catalogue_data(session: Session, now: datetime, officer: User) -> None:
    """Audiences, channels and affinity with awkward values: commas, quotes, lines, blanks, lists."""
    pupils = make_audience(session, now=now, name="Pupils, 11–16 \"Year 7+\"", segment=Segment.YOUNG_PEOPLE,
                           age_band="11–16", geography="Hackney; Tower Hamlets", size_estimate=12_000,
                           size_source="Census", languages=["en", "so", "pt-BR"],
                           accessibility_needs=["Easy Read", "BSL"],
                           insight_notes="Line one\nLine two, with a comma\n\n* a list",
                           sensitivity_notes="Don't name schools")
    parents = make_audience(session, now=now, name="Parents", segment=Segment.PARENTS_CARERS)
    gone = make_audience(session, now=now, name="Retired audience")
    catalogue.retire_item(session, AUDIENCES, gone, actor=officer, now=now)
    sms = make_channel(session, now=now, name="SMS alerts", length_limit=160, limit_type=LimitType.HARD,
                       lead_time_days=1, reach=9000, reach_unit="subscribers", cost_band=CostBand.LOW,
                       languages=["en"], accessibility_features=["Plain English"], urgent_capable=True,
                       operating_hours="24/7")
    radio = make_channel(session, now=now, name="Community radio", kind=ChannelKind.EARNED)
    for audience, channel, score, evidence in [(pupils, sms, 3, "Survey, 2025"), (pupils, radio, 0, ""),
                                               (parents, radio, 2, "Listener\nfigures"),
                                               (gone, sms, 1, "")]:
        service.set_affinity(session, audience=audience, channel=channel, score=score, evidence=evidence,
                             actor=officer, now=now)
    session.commit()


# --- export ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("catalogue_data")
def test_export_writes_active_rows_with_lists_booleans_and_blanks(session: Session) -> None:
    audiences = list(csv.DictReader(io.StringIO(csv_io.export_kind(session, AUDIENCES))))
    assert [row["name"] for row in audiences] == ["Parents", "Pupils, 11–16 \"Year 7+\""]
    parents, pupils = audiences
    assert pupils["languages"] == "en; so; pt-BR" and pupils["accessibility_needs"] == "Easy Read; BSL"
    assert pupils["segment"] == "young_people" and pupils["size_estimate"] == "12000"
    assert pupils["insight_notes"] == "Line one\nLine two, with a comma\n\n* a list"
    assert parents["size_estimate"] == "" and parents["languages"] == ""
    exported = csv_io.export_kind(session, CHANNELS)
    channels = {row["name"]: row for row in csv.DictReader(io.StringIO(exported))}
    assert channels["SMS alerts"]["urgent_capable"] == "yes"
    assert channels["Community radio"]["urgent_capable"] == "no"
    assert channels["SMS alerts"]["limit_type"] == "hard" and channels["Community radio"]["reach"] == ""


@pytest.mark.usefixtures("catalogue_data")
def test_affinity_export_leaves_out_retired_audiences(session: Session) -> None:
    rows = list(csv.reader(io.StringIO(csv_io.export_affinity(session))))
    assert rows == [["audience", "channel", "score", "evidence"],
                    ["Parents", "Community radio", "2", "Listener\nfigures"],
                    ["Pupils, 11–16 \"Year 7+\"", "Community radio", "0", ""],
                    ["Pupils, 11–16 \"Year 7+\"", "SMS alerts", "3", "Survey, 2025"]]


# --- round trips ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("catalogue_data")
@pytest.mark.parametrize("kind", [AUDIENCES, CHANNELS], ids=lambda kind: kind.slug)
def test_importing_an_export_changes_nothing(session: Session, officer: User, now: datetime,
                                             kind: ReferenceKind) -> None:
    exported = csv_io.export_kind(session, kind)
    before = written()
    result = import_kind(session, kind, exported, officer, now)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert written() == before
    assert csv_io.export_kind(session, kind) == exported


@pytest.mark.usefixtures("catalogue_data")
def test_importing_the_affinity_export_changes_nothing(session: Session, officer: User,
                                                       now: datetime) -> None:
    exported = csv_io.export_affinity(session)
    before = written()
    result = import_affinity(session, exported, officer, now)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert written() == before
    assert csv_io.export_affinity(session) == exported


def test_an_export_imported_into_an_empty_database_exports_the_same(session: Session, officer: User,
                                                                   now: datetime) -> None:
    session.commit()  # keep the officer
    catalogue_data_rows = _build_and_export(session, officer, now)
    session.rollback()  # the data above was only flushed: now the tables are empty again
    assert count(Audience) == count(Channel) == 0
    audiences, channels, affinity = catalogue_data_rows
    assert import_kind(session, AUDIENCES, audiences, officer, now).created == 2
    assert import_kind(session, CHANNELS, channels, officer, now).created == 2
    assert import_affinity(session, affinity, officer, now).updated == 3
    assert csv_io.export_kind(session, AUDIENCES) == audiences
    assert csv_io.export_kind(session, CHANNELS) == channels
    assert csv_io.export_affinity(session) == affinity
    # a second import of each reports every row unchanged
    assert import_kind(session, AUDIENCES, audiences, officer, now).unchanged == 2
    assert import_kind(session, CHANNELS, channels, officer, now).unchanged == 2
    assert import_affinity(session, affinity, officer, now).unchanged == 3


def _build_and_export(session: Session, officer: User, now: datetime) -> tuple[str, str, str]:
    pupils = make_audience(session, now=now, name="Pupils", segment=Segment.YOUNG_PEOPLE, size_estimate=500,
                           languages=["en", "bn"], accessibility_needs=["Audio"],
                           insight_notes="Quotes \"here\", commas, and\nlines")
    carers = make_audience(session, now=now, name="Carers", segment=Segment.PARENTS_CARERS)
    sms = make_channel(session, now=now, name="SMS", length_limit=160, limit_type=LimitType.HARD,
                       urgent_capable=True, lead_time_days=2, reach=10, accessibility_features=["BSL"])
    posters = make_channel(session, now=now, name="Posters", length_limit=90, limit_type=LimitType.SOFT)
    for audience, channel, score in [(pupils, sms, 3), (carers, posters, 1), (carers, sms, 0)]:
        service.set_affinity(session, audience=audience, channel=channel, score=score, evidence="Why",
                             actor=officer, now=now)
    return (csv_io.export_kind(session, AUDIENCES), csv_io.export_kind(session, CHANNELS),
            csv_io.export_affinity(session))


# --- cells a spreadsheet would run as formulas ---------------------------------------------------


@pytest.mark.parametrize(("value", "written_as"), [
    ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
    ("+44 20 7946 0000", "'+44 20 7946 0000"),
    ("- a Markdown list", "'- a Markdown list"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTabbed", "'\tTabbed"),
    ("\rReturn", "'\rReturn"),
    ("'=already quoted", "''=already quoted"),
    ("'quoted words", "'quoted words"),
    ("-5", "-5"),
    ("-1.25", "-1.25"),
    ("2 + 2", "2 + 2"),
])
def test_formula_cells_are_neutralised_and_read_back_as_they_were(value: str, written_as: str) -> None:
    text = csv_io.write_csv(["name"], [[value]])
    assert next(csv.reader(io.StringIO(text.split("\n", 1)[1]))) == [written_as]
    # Values are read stripped, as before: a leading tab or return does not survive a round trip.
    assert csv_io.read_rows(text, ["name"], ["name"]) == [(2, {"name": value.strip()})]


def test_a_formula_in_insight_notes_is_exported_quoted_and_round_trips(
        session: Session, officer: User, now: datetime) -> None:
    formula = "=HYPERLINK(\"http://x\",\"y\")"
    make_audience(session, now=now, name="Pupils", insight_notes=formula, size_estimate=0)
    session.commit()
    exported = csv_io.export_kind(session, AUDIENCES)
    row = next(csv.DictReader(io.StringIO(exported)))
    assert row["insight_notes"] == "'" + formula and row["size_estimate"] == "0"
    before = written()
    assert import_kind(session, AUDIENCES, exported, officer, now).unchanged == 1
    assert written() == before
    stored = session.scalar(select(Audience))
    assert stored is not None and stored.insight_notes == formula


# --- import adds and updates ---------------------------------------------------------------------


def test_import_adds_new_names_and_updates_existing_ones(session: Session, officer: User,
                                                         now: datetime) -> None:
    make_audience(session, now=now, name="Parents", age_band="30–50", languages=["en"])
    session.commit()
    text = AUDIENCE_HEADER + "\n" + audience_row("parents", segment="parents_carers", age_band="25–55",
                                                 languages="en;tr") + audience_row("Shop workers")
    result = import_kind(session, AUDIENCES, text, officer, now)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    session.expire_all()
    names = sorted(a.name.lower() for a in session.scalars(select(Audience)))
    assert names == ["parents", "shop workers"]  # matched by name, whatever its case
    parents = session.scalar(select(Audience).where(Audience.age_band == "25–55"))
    assert parents is not None and parents.languages == ["en", "tr"]
    shop = session.scalar(select(Audience).where(Audience.name == "Shop workers"))
    assert shop is not None
    assert (shop.segment, shop.size_estimate, shop.accessibility_needs) == (
        Segment.YOUNG_PEOPLE, 1200, ["Easy Read"])
    assert [e.action for e in entries("audience", shop.id)] == ["create"]
    assert entries("audience", shop.id)[0].actor_id == officer.id


def test_import_of_channels_reads_numbers_lists_and_yes_no(session: Session, officer: User,
                                                           now: datetime) -> None:
    text = (CHANNEL_HEADER + "\n" + channel_row("SMS", accessibility_features="BSL; Plain English")
            + channel_row("Leaflets", length_limit="", limit_type="none", urgent_capable="no", reach=""))
    assert import_kind(session, CHANNELS, text, officer, now).created == 2
    sms = session.scalar(select(Channel).where(Channel.name == "SMS"))
    leaflets = session.scalar(select(Channel).where(Channel.name == "Leaflets"))
    assert sms is not None and leaflets is not None
    assert (sms.length_limit, sms.limit_type, sms.lead_time_days, sms.reach) == (160, LimitType.HARD, 1, 5000)
    assert sms.urgent_capable is True and sms.accessibility_features == ["BSL", "Plain English"]
    assert (leaflets.length_limit, leaflets.reach, leaflets.urgent_capable) == (None, None, False)


def test_a_file_with_some_columns_changes_only_those(session: Session, officer: User, now: datetime) -> None:
    audience = make_audience(session, now=now, name="Parents", size_estimate=300, languages=["en", "so"],
                             insight_notes="Keep me")
    session.commit()
    result = import_kind(session, AUDIENCES, "name,geography\nParents,Brent\n", officer, now)
    assert result.updated == 1
    session.expire_all()
    stored = session.get(Audience, audience.id)
    assert stored is not None
    assert (stored.geography, stored.size_estimate, stored.languages, stored.insight_notes) == (
        "Brent", 300, ["en", "so"], "Keep me")


def test_a_header_only_file_imports_nothing(session: Session, officer: User, now: datetime) -> None:
    result = import_kind(session, AUDIENCES, AUDIENCE_HEADER + "\n", officer, now)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)


def test_old_mac_line_endings_are_read(session: Session, officer: User, now: datetime) -> None:
    text = (AUDIENCE_HEADER + "\n" + audience_row("Pupils") + audience_row("Parents")).replace("\n", "\r")
    assert import_kind(session, AUDIENCES, text, officer, now).created == 2


def test_a_byte_order_mark_before_the_header_is_ignored(session: Session, officer: User,
                                                        now: datetime) -> None:
    text = "\ufeff" + AUDIENCE_HEADER + "\n" + audience_row("Pupils")
    assert import_kind(session, AUDIENCES, text, officer, now).created == 1


def test_windows_line_endings_and_a_quoted_multi_line_note_are_read(session: Session, officer: User,
                                                                    now: datetime) -> None:
    text = (AUDIENCE_HEADER + "\n" + audience_row("Pupils", insight_notes="One\nTwo")
            + audience_row("Parents")).replace("\n", "\r\n")
    assert import_kind(session, AUDIENCES, text, officer, now).created == 2
    pupils = session.scalar(select(Audience).where(Audience.name == "Pupils"))
    assert pupils is not None and pupils.insight_notes == "One\r\nTwo"


# --- one bad row among a thousand ----------------------------------------------------------------


@pytest.mark.parametrize(("bad", "field"), [
    ({"languages": "en; english"}, "languages"),
    ({"segment": "aliens"}, "segment"),
    ({"size_estimate": "about 500"}, "size_estimate"),
    ({"accessibility_needs": "Telepathy"}, "accessibility_needs"),
    ({"age_band": "x" * 41}, "age_band"),
])
def test_one_bad_row_in_a_thousand_writes_nothing_and_names_row_and_field(
        session: Session, officer: User, now: datetime, bad: dict[str, str], field: str) -> None:
    rows = [audience_row(f"Audience {n:04d}", **(bad if n == 500 else {})) for n in range(1, 1001)]
    text = AUDIENCE_HEADER + "\n" + "".join(rows)
    report = refused(lambda: import_kind(session, AUDIENCES, text, officer, now))
    # Row numbers are the spreadsheet's: the header is row 1, so the 500th audience is row 501.
    assert [(error.row, error.field) for error in report] == [(501, field)]
    assert count(Audience) == 0


def test_every_bad_row_is_reported_not_just_the_first(session: Session, officer: User, now: datetime) -> None:
    text = (AUDIENCE_HEADER + "\n" + audience_row("Good") + audience_row("", segment="nope")
            + audience_row("Bad size", size_estimate="-4") + audience_row("Fine too"))
    report = refused(lambda: import_kind(session, AUDIENCES, text, officer, now))
    assert {(error.row, error.field) for error in report} == {(3, "name"), (3, "segment"),
                                                              (4, "size_estimate")}
    assert all(error.message for error in report)


# --- bad files -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "row", "field", "words"), [
    ("name,segment,colour\nPupils,public,red\n", 1, "header", "colour"),
    ("segment,age_band\npublic,11–16\n", 1, "header", "name"),
    ("", 1, "header", "missing column “name”"),
    ("name,segment\nPupils,public,extra\n", 2, "row", "more values"),
    ("name,segment\nPupils,public\nparents,public\nPUPILS,young_people\n", 4, "name", "row 2"),
    ("name,segment,size_estimate\nPupils,public,lots\n", 2, "size_estimate", ""),
    ("name,segment,size_estimate\nPupils,public,12.5\n", 2, "size_estimate", ""),
    ("name,segment,size_estimate\nPupils,public,99999999999\n", 2, "size_estimate", "between"),
    ("name,segment,languages\nPupils,public,en; 12\n", 2, "languages", "“12”"),
    ("name,segment\nPupils,public\n\"" + "x" * 200_000 + "\",public\n", 3, "row", "cannot be read as CSV"),
])
def test_bad_audience_files_are_reported_and_nothing_is_written(
        session: Session, officer: User, now: datetime, text: str, row: int, field: str, words: str) -> None:
    report = refused(lambda: import_kind(session, AUDIENCES, text, officer, now))
    assert (report[0].row, report[0].field) == (row, field)
    assert words in report[0].message


@pytest.mark.parametrize(("values", "field"), [
    ({"urgent_capable": "maybe"}, "urgent_capable"),
    ({"lead_time_days": "-1"}, "lead_time_days"),
    ({"lead_time_days": "soon"}, "lead_time_days"),
    ({"lead_time_days": ""}, "lead_time_days"),
    ({"length_limit": "", "limit_type": "hard"}, "length_limit"),
    ({"limit_type": "none"}, "limit_type"),
    ({"kind": "carrier pigeon"}, "kind"),
    ({"cost_band": ""}, "cost_band"),
    ({"reach": "many"}, "reach"),
])
def test_bad_channel_rows_are_reported_and_nothing_is_written(
        session: Session, officer: User, now: datetime, values: dict[str, str], field: str) -> None:
    text = CHANNEL_HEADER + "\n" + channel_row("Fine") + channel_row("Broken", **values)
    report = refused(lambda: import_kind(session, CHANNELS, text, officer, now))
    assert [(error.row, error.field) for error in report] == [(3, field)]


def test_a_channel_named_twice_in_one_file_is_reported(session: Session, officer: User,
                                                       now: datetime) -> None:
    text = CHANNEL_HEADER + "\n" + channel_row("SMS") + channel_row("Radio") + channel_row("sms")
    report = refused(lambda: import_kind(session, CHANNELS, text, officer, now))
    assert [(e.row, e.field, e.message) for e in report] == [(4, "name", "Same name as row 2")]


def test_a_name_already_used_by_another_row_in_the_database_is_updated_not_duplicated(
        session: Session, officer: User, now: datetime) -> None:
    make_channel(session, now=now, name="SMS")
    session.commit()
    text = CHANNEL_HEADER + "\n" + channel_row("sms")
    assert import_kind(session, CHANNELS, text, officer, now).updated == 1
    assert count(Channel) == 1


# --- affinity import -------------------------------------------------------------------------------


@pytest.fixture
def named_pair(session: Session, now: datetime) -> tuple[Audience, Channel]:
    pair = make_audience(session, now=now, name="Pupils"), make_channel(session, now=now, name="SMS")
    session.commit()
    return pair


def test_affinity_import_sets_and_clears_scores(session: Session, officer: User, now: datetime,
                                                named_pair: tuple[Audience, Channel]) -> None:
    audience, channel = named_pair
    radio = make_channel(session, now=now, name="Radio")
    service.set_affinity(session, audience=audience, channel=radio, score=2, actor=officer, now=now)
    session.commit()
    text = "audience,channel,score,evidence\npupils,sms,3,Survey\nPupils,Radio,,\n"
    result = import_affinity(session, text, officer, now)
    assert result.updated == 2
    cells = service.affinities(session)
    assert set(cells) == {(audience.id, channel.id)}
    cell = cells[(audience.id, channel.id)]
    assert (cell.score, cell.evidence) == (3, "Survey")


def test_affinity_file_without_evidence_keeps_the_evidence(session: Session, officer: User, now: datetime,
                                                           named_pair: tuple[Audience, Channel]) -> None:
    audience, channel = named_pair
    service.set_affinity(session, audience=audience, channel=channel, score=1, evidence="Focus groups",
                         actor=officer, now=now)
    session.commit()
    assert import_affinity(session, "audience,channel,score\nPupils,SMS,2\n", officer, now).updated == 1
    cell = service.affinities_for(session, audience.id, channel.id)
    assert cell is not None and (cell.score, cell.evidence) == (2, "Focus groups")


@pytest.mark.parametrize(("line", "fields"), [
    ("Nobody,SMS,2,", ["audience"]),
    ("Pupils,Carrier pigeon,2,", ["channel"]),
    ("Nobody,Nothing,2,", ["audience", "channel"]),
    ("Pupils,SMS,4,", ["score"]),
    ("Pupils,SMS,-1,", ["score"]),
    ("Pupils,SMS,two,", ["score"]),
    ("Pupils,SMS,2.0,", ["score"]),
    ("Pupils,SMS,2," + "e" * 1001, ["evidence"]),
])
def test_bad_affinity_rows_are_reported_and_nothing_is_written(
        session: Session, officer: User, now: datetime, named_pair: tuple[Audience, Channel],
        line: str, fields: list[str]) -> None:
    make_channel(session, now=now, name="Radio")
    text = "audience,channel,score,evidence\nPupils,Radio,1,fine\n" + line + "\n"
    report = refused(lambda: import_affinity(session, text, officer, now))
    assert [(error.row, error.field) for error in report] == [(3, field) for field in fields]


def test_an_affinity_pair_listed_twice_is_reported_not_settled_by_the_last_row(
        session: Session, officer: User, now: datetime, named_pair: tuple[Audience, Channel]) -> None:
    text = "audience,channel,score,evidence\nPupils,SMS,1,first\nParents,SMS,2,\npupils,sms,3,last\n"
    make_audience(session, now=now, name="Parents")
    report = refused(lambda: import_affinity(session, text, officer, now))
    assert [(error.row, error.field, error.message) for error in report] == [
        (4, "channel", "This audience and channel pair is already on row 2")]
    assert service.affinities(session) == {}


@pytest.mark.parametrize("header", ["audience,channel,evidence", "audience,channel,score,colour", "who,what"])
def test_bad_affinity_headers_are_reported(session: Session, officer: User, now: datetime,
                                           named_pair: tuple[Audience, Channel], header: str) -> None:
    report = refused(lambda: import_affinity(session, header + "\nPupils,SMS,1\n", officer, now))
    assert (report[0].row, report[0].field) == (1, "header")


# --- the upload page -------------------------------------------------------------------------------


def upload(client: FlaskClient, what: str | None, data: bytes | None, filename: str = "file.csv") -> Any:
    """POST a multipart form with an uploaded file, encoded in memory (the test client would spool a
    large body to a temporary file it never closes)."""
    form: dict[str, Any] = {}
    if what is not None:
        form["what"] = what
    if data is not None:
        form["file"] = FileStorage(io.BytesIO(data), filename=filename, content_type="text/csv")
    boundary, body = encode_multipart(form)
    return client.post("/messaging/import", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_upload_page_imports_a_file(client: FlaskClient, signed_in: Callable[..., User]) -> None:
    signed_in(Role.COMMS_OFFICER)
    text = AUDIENCE_HEADER + "\n" + audience_row("Pupils") + audience_row("Parents")
    response = upload(client, "audiences", text.encode())
    assert response.status_code == 302 and response.headers["Location"].endswith("/messaging/import")
    assert "2 added, 0 changed, 0 unchanged" in client.get("/messaging/import").text
    assert count(Audience) == 2


def test_uploading_an_export_reports_everything_unchanged(client: FlaskClient, signed_in: Callable[..., User],
                                                          session: Session, now: datetime) -> None:
    signed_in(Role.COMMS_OFFICER)
    make_channel(session, now=now, name="SMS", length_limit=160, limit_type=LimitType.HARD)
    session.commit()
    exported = client.get("/messaging/export/channels.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    assert "attachment" in exported.headers["Content-Disposition"]
    before = written()
    response = upload(client, "channels", exported.data)
    assert response.status_code == 302
    assert "0 added, 0 changed, 1 unchanged" in client.get("/messaging/import").text
    assert written() == before
    assert client.get("/messaging/export/channels.csv").data == exported.data


def test_upload_with_a_bad_row_lists_the_problems_and_writes_nothing(
        client: FlaskClient, signed_in: Callable[..., User]) -> None:
    signed_in(Role.COMMS_OFFICER)
    rows = [audience_row(f"A{n}", **({"languages": "english"} if n == 7 else {})) for n in range(1, 11)]
    before = written()
    response = upload(client, "audiences", (AUDIENCE_HEADER + "\n" + "".join(rows)).encode())
    assert response.status_code == 200
    assert "Nothing was imported: 1 problem in the file" in response.text
    assert 'id="import-problems"' in response.text
    assert '<td class="govuk-table__cell">8</td>' in response.text
    assert "<code>languages</code>" in response.text
    assert str(escape("“english” is not a language code")) in response.text
    assert response.text.count("<title>") == 1 and "<title>Error:" in " ".join(response.text.split())
    assert written() == before


@pytest.mark.parametrize(("what", "data", "message"), [
    ("audiences", "name,segment\nCafé,public\n".encode("latin-1"), "Save the file as CSV UTF-8"),
    ("audiences", b"name,segment\n" + b"x" * (5 * 1024 * 1024), "The file must be 5 MB or smaller"),
    ("audiences", None, "Choose a CSV file"),
    (None, b"name,segment\nPupils,public\n", "Choose what the file contains"),
    ("pictures", b"name,segment\nPupils,public\n", "Choose what the file contains"),
    ("affinity", b"who,what\n", "Nothing was imported"),
    ("channels", b"\x00\x01\x02binary", "Nothing was imported"),
])
def test_bad_uploads_get_a_clear_error_and_write_nothing(
        client: FlaskClient, signed_in: Callable[..., User], what: str | None, data: bytes | None,
        message: str) -> None:
    signed_in(Role.COMMS_OFFICER)
    before = written()
    response = upload(client, what, data)
    assert response.status_code == 200
    assert message in response.text
    assert "<title>Error:" in " ".join(response.text.split())
    assert written() == before


def test_upload_of_affinity_through_the_page(client: FlaskClient, signed_in: Callable[..., User],
                                             session: Session, now: datetime) -> None:
    signed_in(Role.COMMS_OFFICER)
    audience = make_audience(session, now=now, name="Pupils")
    channel = make_channel(session, now=now, name="SMS")
    session.commit()
    response = upload(client, "affinity", b"audience,channel,score,evidence\nPupils,SMS,3,Survey\n")
    assert response.status_code == 302
    cell = service.affinities_for(session, audience.id, channel.id)
    assert cell is not None and cell.score == 3


@pytest.mark.parametrize("role", [Role.VIEWER, Role.APPROVER, Role.DUTY_OFFICER])
def test_only_writers_may_import(client: FlaskClient, signed_in: Callable[..., User], role: Role) -> None:
    signed_in(role)
    assert client.get("/messaging/import").status_code == 403
    response = upload(client, "audiences", (AUDIENCE_HEADER + "\n" + audience_row("Pupils")).encode())
    assert response.status_code == 403
    assert count(Audience) == 0


def test_anyone_signed_in_may_export_and_unknown_exports_are_404(client: FlaskClient,
                                                                 signed_in: Callable[..., User]) -> None:
    signed_in(Role.VIEWER)
    for what in ("audiences", "channels", "affinity"):
        response = client.get(f"/messaging/export/{what}.csv")
        assert response.status_code == 200
        assert f'filename="commsplan-{what}.csv"' in response.headers["Content-Disposition"]
    assert client.get("/messaging/export/users.csv").status_code == 404
