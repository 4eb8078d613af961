"""Audience, channel and affinity pages: lists, forms, roles, bad input, sanitised Markdown and
query counts."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy.orm import Session

from commsplan.audiences import service
from commsplan.audiences.models import Audience, Channel, ChannelKind, LimitType, Segment
from commsplan.auth.models import Role, User
from commsplan.extensions import db
from tests.audiences.helpers import entries, make_audience, make_channel, written
from tests.conftest import count_queries

AUDIENCE_FORM: dict[str, Any] = {
    "name": "Pupils in Hackney", "segment": "young_people", "age_band": "11–16", "geography": "Hackney",
    "size_estimate": "12000", "size_source": "School census", "languages": "en, so ,tr",
    "accessibility_needs": ["Easy Read", "BSL"], "insight_notes": "Fear of *retaliation*",
    "sensitivity_notes": "Do not name schools"}
CHANNEL_FORM: dict[str, Any] = {
    "name": "Borough SMS", "kind": "owned", "length_limit": "160", "limit_type": "hard",
    "lead_time_days": "1", "reach": "9000", "reach_unit": "subscribers", "cost_band": "low",
    "languages": "en", "accessibility_features": ["Plain English"], "urgent_capable": "y",
    "operating_hours": "24/7"}
FORMS = {"audiences": AUDIENCE_FORM, "channels": CHANNEL_FORM}
MAKERS: dict[str, Callable[..., Any]] = {"audiences": make_audience, "channels": make_channel}
MODELS: dict[str, Any] = {"audiences": Audience, "channels": Channel}
BOTH = pytest.mark.parametrize("slug", ["audiences", "channels"])


def page_title(html: str) -> str:
    match = re.search(r"<title[^>]*>(.*?)</title>", html, re.S)
    assert match, "page has no title"
    return " ".join(match.group(1).split())


def shows(html: str, message: str) -> bool:
    return str(escape(message)) in html


def committed(value: Any) -> Any:
    db.session.commit()
    return value


def fresh(model: Any, item_id: Any) -> Any:
    db.session.expire_all()
    return db.session.get(model, item_id)


@pytest.fixture
def officer_client(client: FlaskClient, signed_in: Callable[..., User]) -> FlaskClient:
    signed_in(Role.COMMS_OFFICER)
    return client


# --- index and lists -----------------------------------------------------------------------------


def test_index_links_to_lists_affinity_and_csv(officer_client: FlaskClient) -> None:
    html = officer_client.get("/messaging/").text
    for href in ("/messaging/audiences", "/messaging/channels", "/messaging/affinity",
                 "/messaging/export/audiences.csv", "/messaging/import"):
        assert f'href="{href}"' in html


def test_viewers_are_not_offered_the_import(client: FlaskClient, signed_in: Callable[..., User]) -> None:
    signed_in(Role.VIEWER)
    assert 'href="/messaging/import"' not in client.get("/messaging/").text


def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient) -> None:
    for url in ("/messaging/", "/messaging/audiences", "/messaging/affinity", "/messaging/import",
                "/messaging/export/audiences.csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_unknown_list_is_404(officer_client: FlaskClient) -> None:
    assert officer_client.get("/messaging/colours").status_code == 404
    assert officer_client.get("/messaging/colours/new").status_code == 404
    assert officer_client.get("/messaging/audiences/999").status_code == 404


@BOTH
def test_list_shows_items_with_links(client: FlaskClient, signed_in: Callable[..., User],
                                     session: Session, now: datetime, slug: str) -> None:
    signed_in(Role.VIEWER)
    item = committed(MAKERS[slug](session, now=now, name="Shown <b>item</b>"))
    response = client.get(f"/messaging/{slug}")
    assert response.status_code == 200
    assert "Shown &lt;b&gt;item&lt;/b&gt;" in response.text
    assert f'href="/messaging/{slug}/{item.id}"' in response.text
    assert f"/messaging/{slug}/new" not in response.text  # no add button for viewers


@pytest.mark.parametrize(("query", "shown", "hidden"), [
    ("hack", ["Parents"], ["Pupils", "Shop staff"]),       # geography
    ("PUP", ["Pupils"], ["Parents", "Shop staff"]),        # name, any case
    ("18+", ["Shop staff"], ["Pupils", "Parents"]),         # age band
    ("nothing like it", [], ["Pupils", "Parents", "Shop staff"]),
])
def test_audience_search(officer_client: FlaskClient, session: Session, now: datetime, query: str,
                         shown: list[str], hidden: list[str]) -> None:
    make_audience(session, now=now, name="Pupils", geography="Brent", age_band="11–16")
    make_audience(session, now=now, name="Parents", geography="Hackney", age_band="30–55")
    committed(make_audience(session, now=now, name="Shop staff", geography="Croydon", age_band="18+"))
    html = officer_client.get("/messaging/audiences", query_string={"q": query}).text
    assert all(f">{name}</a>" in html for name in shown)
    assert not any(f">{name}</a>" in html for name in hidden)


def test_audiences_filter_by_segment_and_channels_by_kind(officer_client: FlaskClient, session: Session,
                                                          now: datetime) -> None:
    make_audience(session, now=now, name="Pupils", segment=Segment.YOUNG_PEOPLE)
    make_audience(session, now=now, name="Parents", segment=Segment.PARENTS_CARERS)
    make_channel(session, now=now, name="Radio interview", kind=ChannelKind.EARNED)
    committed(make_channel(session, now=now, name="Website", kind=ChannelKind.OWNED))
    html = officer_client.get("/messaging/audiences?segment=young_people").text
    assert ">Pupils</a>" in html and ">Parents</a>" not in html
    assert '<option value="young_people" selected>' in html
    html = officer_client.get("/messaging/channels?kind=earned").text
    assert ">Radio interview</a>" in html and ">Website</a>" not in html
    # an unknown filter value is ignored rather than failing
    html = officer_client.get("/messaging/audiences?segment=martians").text
    assert ">Pupils</a>" in html and ">Parents</a>" in html


def test_retired_items_are_hidden_unless_asked_for(officer_client: FlaskClient, session: Session,
                                                   now: datetime, officer: User) -> None:
    from commsplan.audiences.kinds import AUDIENCES
    from commsplan.reference import service as catalogue

    make_audience(session, now=now, name="Active one")
    old = make_audience(session, now=now, name="Old one")
    committed(catalogue.retire_item(session, AUDIENCES, old, actor=officer, now=now))
    html = officer_client.get("/messaging/audiences").text
    assert ">Active one</a>" in html and ">Old one</a>" not in html
    html = officer_client.get("/messaging/audiences?retired=show").text
    assert ">Old one</a>" in html and "Retired" in html


def test_list_pages_and_keeps_the_filters_in_page_links(officer_client: FlaskClient, session: Session,
                                                        now: datetime) -> None:
    for number in range(30):
        make_audience(session, now=now, name=f"Youth {number:02d}", segment=Segment.YOUNG_PEOPLE)
    committed(make_audience(session, now=now, name="Youth parents", segment=Segment.PARENTS_CARERS))
    first = officer_client.get("/messaging/audiences?q=youth&segment=young_people").text
    assert "30 audiences" in first
    assert len(re.findall(r'href="/messaging/audiences/[0-9]+"', first)) == 25
    assert ">Youth 00</a>" in first and ">Youth 29</a>" not in first
    next_link = re.search(r'href="(/messaging/audiences\?[^"]*page=2[^"]*)"', first)
    assert next_link
    link = next_link.group(1).replace("&amp;", "&")
    assert "q=youth" in link and "segment=young_people" in link
    second = officer_client.get(link).text
    assert len(re.findall(r'href="/messaging/audiences/[0-9]+"', second)) == 5
    assert ">Youth 29</a>" in second and ">Youth parents</a>" not in second


@pytest.mark.parametrize("number", ["0", "-3", "abc", "99999999999"])
def test_odd_page_numbers_do_not_fail(officer_client: FlaskClient, session: Session, now: datetime,
                                      number: str) -> None:
    committed(make_audience(session, now=now))
    assert officer_client.get(f"/messaging/audiences?page={number}").status_code == 200


# --- create, edit, retire, restore -----------------------------------------------------------------


def test_comms_officer_adds_an_audience(client: FlaskClient, signed_in: Callable[..., User]) -> None:
    user = signed_in(Role.COMMS_OFFICER)
    assert client.get("/messaging/audiences/new").status_code == 200
    response = client.post("/messaging/audiences/new", data=AUDIENCE_FORM)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/messaging/audiences")
    item = db.session.query(Audience).one()
    assert (item.name, item.segment, item.size_estimate) == ("Pupils in Hackney", Segment.YOUNG_PEOPLE,
                                                             12000)
    assert item.languages == ["en", "so", "tr"]
    assert item.accessibility_needs == ["Easy Read", "BSL"]
    [entry] = entries("audience", item.id)
    assert entry.action == "create" and entry.actor_id == user.id
    assert "Audience Pupils in Hackney added" in client.get("/messaging/audiences").text


def test_comms_officer_adds_a_channel(officer_client: FlaskClient) -> None:
    response = officer_client.post("/messaging/channels/new", data=CHANNEL_FORM)
    assert response.status_code == 302
    item = db.session.query(Channel).one()
    assert (item.length_limit, item.limit_type, item.lead_time_days) == (160, LimitType.HARD, 1)
    assert item.urgent_capable is True and item.accessibility_features == ["Plain English"]


def test_optional_numbers_may_be_left_blank(officer_client: FlaskClient) -> None:
    data = {**CHANNEL_FORM, "length_limit": "", "limit_type": "none", "reach": ""}
    data.pop("urgent_capable")
    assert officer_client.post("/messaging/channels/new", data=data).status_code == 302
    item = db.session.query(Channel).one()
    assert (item.length_limit, item.reach, item.urgent_capable) == (None, None, False)
    assert officer_client.post("/messaging/audiences/new",
                               data={**AUDIENCE_FORM, "size_estimate": ""}).status_code == 302
    assert db.session.query(Audience).one().size_estimate is None


def test_admins_may_write_too(client: FlaskClient, signed_in: Callable[..., User]) -> None:
    signed_in(Role.ADMIN)
    assert client.post("/messaging/audiences/new", data=AUDIENCE_FORM).status_code == 302


def test_edit_form_shows_current_values_and_saves_changes(officer_client: FlaskClient, session: Session,
                                                          now: datetime) -> None:
    audience = committed(make_audience(session, now=now, name="Parents", languages=["en", "bn"],
                                       accessibility_needs=["Audio"]))
    html = officer_client.get(f"/messaging/audiences/{audience.id}/edit").text
    assert 'value="en, bn"' in html
    assert re.search(r'value="Audio"[^>]*checked|checked[^>]*value="Audio"', html)
    response = officer_client.post(f"/messaging/audiences/{audience.id}/edit", data={
        **AUDIENCE_FORM, "name": "Parents and carers", "languages": "en", "accessibility_needs": []})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/messaging/audiences/{audience.id}")
    stored = fresh(Audience, audience.id)
    assert (stored.name, stored.languages, stored.accessibility_needs) == ("Parents and carers", ["en"], [])
    assert entries("audience", audience.id)[-1].action == "update"


def test_edit_channel_to_drop_its_limit(officer_client: FlaskClient, session: Session, now: datetime) -> None:
    channel = committed(make_channel(session, now=now, length_limit=280, limit_type=LimitType.SOFT))
    data = {**CHANNEL_FORM, "name": channel.name, "length_limit": "", "limit_type": "none"}
    assert officer_client.post(f"/messaging/channels/{channel.id}/edit", data=data).status_code == 302
    stored = fresh(Channel, channel.id)
    assert (stored.length_limit, stored.limit_type) == (None, LimitType.NONE)


@BOTH
def test_retire_and_restore(officer_client: FlaskClient, session: Session, now: datetime, slug: str) -> None:
    item = committed(MAKERS[slug](session, now=now))
    response = officer_client.post(f"/messaging/{slug}/{item.id}/retire")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/messaging/{slug}/{item.id}")
    assert fresh(MODELS[slug], item.id).is_retired
    html = officer_client.get(f"/messaging/{slug}/{item.id}").text
    assert f"{item.name} retired" in html and f"/messaging/{slug}/{item.id}/restore" in html
    assert officer_client.post(f"/messaging/{slug}/{item.id}/restore").status_code == 302
    assert not fresh(MODELS[slug], item.id).is_retired
    # retiring twice is explained, not a failure
    officer_client.post(f"/messaging/{slug}/{item.id}/retire")
    response = officer_client.post(f"/messaging/{slug}/{item.id}/retire", follow_redirects=True)
    assert response.status_code == 200 and "already retired" in response.text


@pytest.mark.parametrize("role", [Role.VIEWER, Role.APPROVER, Role.DUTY_OFFICER])
@BOTH
def test_only_writers_may_change_audiences_and_channels(client: FlaskClient, signed_in: Callable[..., User],
                                                        session: Session, now: datetime, slug: str,
                                                        role: Role) -> None:
    signed_in(role)
    item = committed(MAKERS[slug](session, now=now, name="Untouched"))
    before = written()
    assert client.get(f"/messaging/{slug}/new").status_code == 403
    assert client.post(f"/messaging/{slug}/new", data=FORMS[slug]).status_code == 403
    assert client.get(f"/messaging/{slug}/{item.id}/edit").status_code == 403
    assert client.post(f"/messaging/{slug}/{item.id}/edit", data=FORMS[slug]).status_code == 403
    assert client.post(f"/messaging/{slug}/{item.id}/retire").status_code == 403
    assert client.post(f"/messaging/{slug}/{item.id}/restore").status_code == 403
    assert written() == before
    assert fresh(MODELS[slug], item.id).name == "Untouched"
    html = client.get(f"/messaging/{slug}/{item.id}").text  # reading is fine
    assert f"/messaging/{slug}/{item.id}/edit" not in html and "/retire" not in html


# --- bad input -------------------------------------------------------------------------------------


AUDIENCE_ERRORS = [
    ({"name": ""}, "Enter a name"),
    ({"name": "x" * 121}, "Name must be 120 characters or fewer"),
    ({"name": "Existing AUDIENCE"}, "Another audience already has this name"),
    ({"segment": ""}, "Select the segment from the list"),
    ({"segment": "aliens"}, "Select the segment from the list"),
    ({"age_band": "x" * 41}, "Age band must be 40 characters or fewer"),
    ({"geography": "x" * 201}, "Geography must be 200 characters or fewer"),
    ({"size_estimate": "lots"}, "Enter the size estimate as a whole number, like 12000"),
    ({"size_estimate": "1.5"}, "Enter the size estimate as a whole number, like 12000"),
    ({"size_estimate": "-5"}, "Size estimate must be between 0 and 20,000,000"),
    ({"size_source": "x" * 301}, "Source of the size estimate must be 300 characters or fewer"),
    ({"languages": "en, english"}, "“english” is not a language code: use codes like en, so, bn, pt-BR"),
    ({"languages": "EN"}, "“EN” is not a language code: use codes like en, so, bn, pt-BR"),
    ({"languages": ", ".join(["en"] * 21)}, "List 20 languages at most"),
    ({"accessibility_needs": ["BSL", "Telepathy"]}, "“Telepathy” is not one of the options"),
    ({"insight_notes": "x" * 4001}, "Insight must be 4000 characters or fewer"),
    ({"sensitivity_notes": "x" * 2001}, "Sensitivities must be 2000 characters or fewer"),
]
CHANNEL_ERRORS = [
    ({"name": ""}, "Enter a name"),
    ({"name": "x" * 121}, "Name must be 120 characters or fewer"),
    ({"name": "existing channel"}, "Another channel already has this name"),
    ({"kind": "pigeon"}, "Select the kind of channel from the list"),
    ({"length_limit": "", "limit_type": "hard"}, "Enter the length limit, or choose 'No length limit'"),
    ({"length_limit": "", "limit_type": "soft"}, "Enter the length limit, or choose 'No length limit'"),
    ({"length_limit": "160", "limit_type": "none"}, "Choose whether the length limit is hard or soft"),
    ({"length_limit": "0"}, "Length limit (characters) must be between 1 and 100,000"),
    ({"length_limit": "short"}, "Enter the length limit as a number of characters"),
    ({"limit_type": ""}, "Select how the limit applies"),
    ({"lead_time_days": "-1"}, "Lead time (days) must be between 0 and 365"),
    ({"lead_time_days": "366"}, "Lead time (days) must be between 0 and 365"),
    ({"lead_time_days": ""}, "Enter the lead time in whole days, 0 for the same day"),
    ({"lead_time_days": "a week"}, "Enter the lead time in whole days, 0 for the same day"),
    ({"reach": "many"}, "Enter the reach as a whole number, like 45000"),
    ({"reach_unit": "x" * 61}, "Reach is counted in must be 60 characters or fewer"),
    ({"cost_band": "free"}, "Select the cost band from the list"),
    ({"languages": "english"}, "“english” is not a language code: use codes like en, so, bn, pt-BR"),
    ({"accessibility_features": ["Smell-o-vision"]}, "“Smell-o-vision” is not one of the options"),
    ({"operating_hours": "x" * 121}, "Operating hours must be 120 characters or fewer"),
]


def assert_refused(response: Any, message: str, before: tuple[int, int, int, int]) -> None:
    assert response.status_code == 200
    assert page_title(response.text).startswith("Error:")
    assert 'class="govuk-error-summary' in response.text
    # once in the summary and once beside the field
    assert response.text.count(str(escape(message))) == 2, message
    assert written() == before


@pytest.mark.parametrize(("change", "message"), AUDIENCE_ERRORS)
def test_bad_audience_input_is_refused(officer_client: FlaskClient, session: Session, now: datetime,
                                       change: dict[str, Any], message: str) -> None:
    committed(make_audience(session, now=now, name="Existing audience"))
    before = written()
    response = officer_client.post("/messaging/audiences/new", data={**AUDIENCE_FORM, **change})
    assert_refused(response, message, before)


@pytest.mark.parametrize(("change", "message"), CHANNEL_ERRORS)
def test_bad_channel_input_is_refused(officer_client: FlaskClient, session: Session, now: datetime,
                                      change: dict[str, Any], message: str) -> None:
    committed(make_channel(session, now=now, name="Existing channel"))
    before = written()
    response = officer_client.post("/messaging/channels/new", data={**CHANNEL_FORM, **change})
    assert_refused(response, message, before)


@pytest.mark.parametrize(("slug", "change", "message"), [
    ("audiences", {"name": "Other"}, "Another audience already has this name"),
    ("audiences", {"languages": "xx-"}, "“xx-” is not a language code: use codes like en, so, bn, pt-BR"),
    ("channels", {"name": "OTHER"}, "Another channel already has this name"),
    ("channels", {"length_limit": "", "limit_type": "hard"},
     "Enter the length limit, or choose 'No length limit'"),
])
def test_bad_edits_are_refused_and_change_nothing(officer_client: FlaskClient, session: Session,
                                                  now: datetime, slug: str, change: dict[str, Any],
                                                  message: str) -> None:
    MAKERS[slug](session, now=now, name="Other")
    item = committed(MAKERS[slug](session, now=now, name="Mine"))
    before = written()
    response = officer_client.post(f"/messaging/{slug}/{item.id}/edit",
                                   data={**FORMS[slug], "name": "Mine", **change})
    assert_refused(response, message, before)
    assert fresh(MODELS[slug], item.id).name == "Mine"


# --- the audience page and sanitised Markdown ------------------------------------------------------


def test_audience_page_shows_fields_and_reaching_channels(officer_client: FlaskClient, session: Session,
                                                          now: datetime, officer: User) -> None:
    audience = make_audience(session, now=now, name="Pupils", size_estimate=12000, languages=["en", "so"],
                             insight_notes="**Fear** of retaliation")
    sms = make_channel(session, now=now, name="SMS")
    make_channel(session, now=now, name="Unscored")
    service.set_affinity(session, audience=audience, channel=sms, score=3, evidence="Survey", actor=officer,
                         now=now)
    html = committed(officer_client).get(f"/messaging/audiences/{audience.id}").text
    assert "12,000" in html and "en, so" in html
    assert "<strong>Fear</strong> of retaliation" in html
    assert "3 – Reaches most" in html and "Survey" in html
    assert "Unscored" not in html


@pytest.mark.parametrize(("notes", "forbidden"), [
    ("<script>alert('x')</script>", ["<script"]),
    ("[click me](javascript:alert(1))", ['href="javascript:', "href='javascript:"]),
    ("[click me](JaVaScRiPt:alert(1))", ['href="JaVaScRiPt:', 'href="javascript:']),
    ('<a href="javascript:alert(1)">x</a>', ['href="javascript:']),
    ('<img src="x" onerror="alert(1)">', ["<img", "onerror="]),
    ('<p onclick="alert(1)">hi</p>', ["onclick="]),
    ("<iframe src='https://evil.example'></iframe>", ["<iframe"]),
    ("<svg onload=alert(1)>", ["<svg", "onload="]),
    ('[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)', ['href="data:']),
    ("<style>body{display:none}</style>", ["<style"]),
])
def test_insight_markdown_renders_inert(officer_client: FlaskClient, session: Session, now: datetime,
                                        notes: str, forbidden: list[str]) -> None:
    audience = committed(make_audience(session, now=now, insight_notes=f"Before\n\n{notes}\n\nAfter",
                                       sensitivity_notes=notes))
    html = officer_client.get(f"/messaging/audiences/{audience.id}").text
    # the two notes as rendered, up to the end of the summary list (the history table below shows
    # the raw text, escaped)
    notes_html = html[html.index(">Insight</dt>"):html.index("</dl>")]
    lowered = notes_html.lower()
    for bad in forbidden:
        assert bad.lower() not in lowered, bad
    assert "<p>Before</p>" in notes_html and "<p>After</p>" in notes_html


# --- affinity grid ---------------------------------------------------------------------------------


@pytest.fixture
def grid(session: Session, now: datetime) -> tuple[list[Audience], list[Channel]]:
    audiences = [make_audience(session, now=now, name=name) for name in ("Pupils", "Parents")]
    channels = [make_channel(session, now=now, name=name) for name in ("SMS", "Radio")]
    db.session.commit()
    return audiences, channels


def cell(audience: Audience, channel: Channel) -> str:
    return f"cell-{audience.id}-{channel.id}"


def test_grid_saves_scores(officer_client: FlaskClient, session: Session,
                           grid: tuple[list[Audience], list[Channel]]) -> None:
    (pupils, parents), (sms, radio) = grid
    html = officer_client.get("/messaging/affinity").text
    assert f'name="{cell(pupils, sms)}"' in html and f'name="{cell(parents, radio)}"' in html
    response = officer_client.post("/messaging/affinity", data={
        cell(pupils, sms): "3", cell(pupils, radio): "0", cell(parents, sms): "", cell(parents, radio): ""})
    assert response.status_code == 302 and response.headers["Location"].endswith("/messaging/affinity")
    assert "Affinity saved: 2 cells changed" in officer_client.get("/messaging/affinity").text
    scores = {key: row.score for key, row in service.affinities(session).items()}
    assert scores == {(pupils.id, sms.id): 3, (pupils.id, radio.id): 0}
    officer_client.post("/messaging/affinity", data={cell(pupils, sms): ""})
    assert set(service.affinities(session)) == {(pupils.id, radio.id)}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("good", "7", "Choose a score from 0 to 3"),
    ("good", "-1", "Choose a score from 0 to 3"),
    ("good", "two", "Choose a score from 0 to 3"),
    ("cell-abc-1", "1", "Unknown cell"),
    ("cell-1", "1", "Unknown cell"),
    ("cell-999999-999999", "1", "No such audience or channel"),
])
def test_grid_refuses_bad_values(officer_client: FlaskClient, session: Session,
                                 grid: tuple[list[Audience], list[Channel]], field: str, value: str,
                                 message: str) -> None:
    (pupils, _), (sms, radio) = grid
    name = cell(pupils, sms) if field == "good" else field
    before = written()
    response = officer_client.post("/messaging/affinity", data={cell(pupils, radio): "2", name: value})
    assert response.status_code == 200
    assert message in response.text
    assert page_title(response.text).startswith("Error:")
    assert written() == before


def test_viewers_see_the_grid_but_cannot_save(client: FlaskClient, signed_in: Callable[..., User],
                                              session: Session, now: datetime, officer: User,
                                              grid: tuple[list[Audience], list[Channel]]) -> None:
    (pupils, _), (sms, _) = grid
    service.set_affinity(session, audience=pupils, channel=sms, score=2, actor=officer, now=now)
    db.session.commit()
    signed_in(Role.VIEWER)
    html = client.get("/messaging/affinity").text
    assert "<select" not in html and "Save scores" not in html
    before = written()
    assert client.post("/messaging/affinity", data={cell(pupils, sms): "3"}).status_code == 403
    assert client.post(f"/messaging/affinity/{pupils.id}/{sms.id}", data={"score": "3"}).status_code == 403
    assert written() == before


def test_cell_page_saves_score_and_evidence(officer_client: FlaskClient, session: Session,
                                            grid: tuple[list[Audience], list[Channel]]) -> None:
    (pupils, _), (sms, _) = grid
    html = officer_client.get(f"/messaging/affinity/{pupils.id}/{sms.id}").text
    assert 'name="score"' in html and 'name="evidence"' in html
    response = officer_client.post(f"/messaging/affinity/{pupils.id}/{sms.id}",
                                   data={"score": "2", "evidence": "School survey, 2025"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/messaging/affinity")
    row = service.affinities_for(session, pupils.id, sms.id)
    assert row is not None and (row.score, row.evidence) == (2, "School survey, 2025")
    assert "Saved: SMS for Pupils" in officer_client.get("/messaging/affinity").text
    html = officer_client.get(f"/messaging/affinity/{pupils.id}/{sms.id}").text
    assert "School survey, 2025" in html and re.search(r'value="2"[^>]*checked|checked[^>]*value="2"', html)
    # "Not assessed" clears the cell
    officer_client.post(f"/messaging/affinity/{pupils.id}/{sms.id}", data={"score": "", "evidence": ""})
    db.session.expire_all()
    assert service.affinities_for(session, pupils.id, sms.id) is None


@pytest.mark.parametrize(("data", "message"), [
    ({"score": "2", "evidence": "x" * 1001}, "Evidence must be 1000 characters or fewer"),
    ({"score": "9", "evidence": ""}, "Not a valid choice"),
    ({"score": "high", "evidence": ""}, "Not a valid choice"),
])
def test_cell_page_refuses_bad_input(officer_client: FlaskClient, grid: tuple[list[Audience], list[Channel]],
                                     data: dict[str, str], message: str) -> None:
    (pupils, _), (sms, _) = grid
    before = written()
    response = officer_client.post(f"/messaging/affinity/{pupils.id}/{sms.id}", data=data)
    assert response.status_code == 200
    assert message in response.text
    assert page_title(response.text).startswith("Error:")
    assert written() == before


def test_cell_page_for_unknown_audience_or_channel_is_404(officer_client: FlaskClient,
                                                          grid: tuple[list[Audience], list[Channel]]) -> None:
    (pupils, _), (sms, _) = grid
    assert officer_client.get(f"/messaging/affinity/{pupils.id}/999999").status_code == 404
    assert officer_client.get(f"/messaging/affinity/999999/{sms.id}").status_code == 404
    assert officer_client.post(f"/messaging/affinity/999999/{sms.id}", data={"score": "1"}).status_code == 404


def test_viewers_see_the_cell_read_only(client: FlaskClient, signed_in: Callable[..., User],
                                        grid: tuple[list[Audience], list[Channel]]) -> None:
    (pupils, _), (sms, _) = grid
    signed_in(Role.VIEWER)
    response = client.get(f"/messaging/affinity/{pupils.id}/{sms.id}")
    assert response.status_code == 200
    assert "Not assessed" in response.text and 'name="score"' not in response.text


# --- query counts ----------------------------------------------------------------------------------


def build(session: Session, now: datetime, officer_id: int, size: int) -> Audience:
    """`size` audiences and channels with a score on every third cell; returns the first audience."""
    officer = db.session.get(User, officer_id)
    audiences = [make_audience(session, now=now, languages=["en"]) for _ in range(size)]
    channels = [make_channel(session, now=now) for _ in range(size)]
    for i, audience in enumerate(audiences):
        for j, channel in enumerate(channels):
            if (i + j) % 3 == 0:
                service.set_affinity(session, audience=audience, channel=channel, score=(i + j) % 4,
                                     evidence="e", actor=officer, now=now)
    db.session.commit()
    return audiences[0]


def queries(client: FlaskClient, url: str) -> int:
    db.session.remove()
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize("where", ["/messaging/audiences", "/messaging/channels", "/messaging/affinity",
                                   "/messaging/audiences?q=audience&segment=public", "audience page",
                                   "channel page"])
def test_pages_issue_the_same_queries_whatever_the_data_size(
        officer_client: FlaskClient, session: Session, now: datetime, officer: User, where: str) -> None:
    officer_id = officer.id
    db.session.commit()

    def url(first: Audience) -> str:
        if where == "audience page":
            return f"/messaging/audiences/{first.id}"
        if where == "channel page":
            channel = db.session.query(Channel).order_by(Channel.id).first()
            assert channel is not None
            return f"/messaging/channels/{channel.id}"
        return where

    small = queries(officer_client, url(build(session, now, officer_id, 3)))
    large = queries(officer_client, url(build(session, now, officer_id, 37)))  # 40 of each in all
    assert db.session.query(Audience).count() == 40
    assert large == small
