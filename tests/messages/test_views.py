"""Message-map pages through the test client: who sees what, forms with errors, the hard length limit,
approving through the page, and the coverage matrix afterwards."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy.orm import Session

from commsplan.audiences.models import Audience
from commsplan.auth.models import User
from commsplan.extensions import db
from commsplan.messages import maps, review
from commsplan.messages.models import MessageComment, MessageMap, MessageStatus
from commsplan.notifications.expand import expand_due
from commsplan.notifications.settings import DeliverySettings
from tests.conftest import sign_in
from tests.messages.conftest import Channels, MapMaker, People, Reference
from tests.messages.helpers import content, written

Login = Callable[[User], FlaskClient]


def page_title(html: str) -> str:
    match = re.search(r"<title[^>]*>(.*?)</title>", html, re.S)
    assert match, "page has no title"
    return " ".join(match.group(1).split())


def shows(html: str, message: str) -> bool:
    return str(escape(message)) in html


def fresh_map(map_id: int) -> MessageMap:
    db.session.expire_all()
    found = db.session.get(MessageMap, map_id)
    assert found is not None
    return found


@pytest.fixture
def login(app: Flask, session: Session) -> Login:
    """A new client signed in as `user`, after committing what the test has built."""

    def as_user(user: User) -> FlaskClient:
        session.commit()
        client = app.test_client()
        sign_in(client, user)
        return client

    return as_user


@pytest.fixture
def item(session: Session, now: datetime, make_map: MapMaker, people: People) -> MessageMap:
    """A draft by the officer who also approves, in two versions so there is something to compare."""
    made = make_map(author=people.officer_approver)
    maps.edit_content(session, made, content(call_to_action="Call 999 in an emergency"),
                      note="Stronger call", actor=people.officer_approver, now=now + timedelta(minutes=1))
    session.commit()
    return made


def in_review(session: Session, item: MessageMap, people: People, delivery: DeliverySettings,
              now: datetime) -> MessageMap:
    review.submit(session, item, actor=people.officer_approver, now=now, delivery=delivery)
    session.commit()
    return item


def variant_id(session: Session, item: MessageMap) -> int:
    return maps.latest_version(session, item).variants[0].id


# --- pages render for the right people ---------------------------------------------------------

READ_PAGES = [
    ("/messages/", "Message maps"),
    ("/messages/coverage", "Coverage matrix"),
    ("/messages/{id}", "Personal robbery for Residents of Hackney"),
    ("/messages/{id}/versions/1", "Version 1 of Personal robbery"),
    ("/messages/{id}/compare", "Compare versions 1 and 2"),
    ("/messages/{id}/compare?from=2&to=1", "Compare versions 2 and 1"),
    ("/messages/{id}/compare?from=-5&to=99", "Compare versions 1 and 2"),
]
WRITE_PAGES = [
    ("/messages/new", "New message map"),
    ("/messages/{id}/edit", "Edit Personal robbery"),
    ("/messages/{id}/settings", "Change details of Personal robbery"),
    ("/messages/{id}/variants/new", "Add a channel variant"),
    ("/messages/{id}/variants/{variant}/edit", "Change a channel variant"),
]


@pytest.mark.parametrize("who", ["viewer", "approver", "author", "officer_approver"])
@pytest.mark.parametrize(("url", "title"), READ_PAGES)
def test_everyone_signed_in_reads_the_pages(session: Session, login: Login, people: People,
                                            item: MessageMap, who: str, url: str, title: str) -> None:
    client = login(getattr(people, who))
    response = client.get(url.format(id=item.id))
    assert response.status_code == 200
    assert page_title(response.text).startswith(title)


@pytest.mark.parametrize("who", ["author", "second_officer", "officer_approver"])
@pytest.mark.parametrize(("url", "title"), WRITE_PAGES)
def test_writers_open_the_write_pages(session: Session, login: Login, people: People, item: MessageMap,
                                      who: str, url: str, title: str) -> None:
    client = login(getattr(people, who))
    response = client.get(url.format(id=item.id, variant=variant_id(session, item)))
    assert response.status_code == 200
    assert page_title(response.text).startswith(title)
    assert "Error:" not in page_title(response.text)


def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient, item: MessageMap) -> None:
    for url in ("/messages/", "/messages/coverage", f"/messages/{item.id}", "/messages/new"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_the_compare_page_marks_changed_words(login: Login, people: People, item: MessageMap) -> None:
    html = login(people.viewer).get(f"/messages/{item.id}/compare?from=1&to=2").text
    assert '<del class="app-del">101,</del>' in html
    assert '<ins class="app-ins">999</ins>' in html
    assert "Call to action<span class=\"app-muted govuk-body-s\"> (changed)</span>" in html


def test_the_edit_form_is_filled_with_the_latest_words(login: Login, people: People,
                                                       item: MessageMap) -> None:
    html = login(people.author).get(f"/messages/{item.id}/edit").text
    assert 'value="Call 999 in an emergency"' in html
    assert "Is it safe for my child to walk home from school?" in html


# --- writing through the pages -----------------------------------------------------------------


def new_map_form(reference: Reference, audience: Audience, owner: User, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "element_id": str(reference.elements["AWI"].id), "audience_id": str(audience.id),
        "unit_id": "", "owner_id": str(owner.id), "review_date": ["", "", ""],
        "concern": "Are the pubs safe on Friday nights?",
        "key_message_1": "Officers are on patrol around the high street every Friday night.",
        "fact_1_1": "Twelve extra officers", "call_to_action": "Call 999 if someone is hurt",
        "ripe_strands": ["reassurance"], "tone": "reassuring"}
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


def test_a_writer_saves_a_new_map(session: Session, login: Login, people: People,
                                  reference: Reference, plain_audience: Audience) -> None:
    client = login(people.author)
    response = client.post("/messages/new", data=new_map_form(
        reference, plain_audience, people.author, qualifier_ids=[str(reference.qualifiers["WEAPON"].id)]))
    assert response.status_code == 302
    map_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    created = fresh_map(map_id)
    assert created.status is MessageStatus.DRAFT and created.element.code == "AWI"
    assert created.qualifier_codes == ["WEAPON"]
    version = maps.latest_version(session, created)
    assert version.key_messages == [{"text": "Officers are on patrol around the high street every "
                                             "Friday night.", "facts": ["Twelve extra officers"]}]
    page = client.get(f"/messages/{map_id}").text
    assert "Message map saved as a draft" in page


BAD_NEW_MAP: list[tuple[str, dict[str, Any], str]] = [
    ("nothing at all", {"element_id": "", "audience_id": "", "owner_id": "", "concern": "",
                        "key_message_1": "", "fact_1_1": "", "call_to_action": "", "ripe_strands": None,
                        "tone": ""}, "Choose the violence element"),
    ("no concern", {"concern": "  "}, "Enter the question or concern this map answers"),
    ("no key message", {"key_message_1": "", "fact_1_1": ""}, "Enter at least one key message"),
    ("a fact without its key message", {"key_message_1": ""}, "Enter the key message these facts support"),
    ("no RIPE strand", {"ripe_strands": None}, "Choose at least one RIPE strand"),
    ("unknown tone", {"tone": "jolly"}, "Choose the tone"),
    ("unknown element", {"element_id": "999999"}, "Choose the violence element"),
    ("element that is not a number", {"element_id": "abc"}, "Choose the violence element"),
    ("review date in the past", {"review_date": ["1", "1", "2020"]}, "The review date must be in the future"),
    ("impossible review date", {"review_date": ["31", "2", "2027"]},
     "Review date must be a real date, like 27 3 2026"),
    ("key message over 400 characters", {"key_message_1": "x" * 401},
     "A key message must be 400 characters or fewer"),
]


@pytest.mark.parametrize(("changes", "message"), [case[1:] for case in BAD_NEW_MAP],
                         ids=[case[0] for case in BAD_NEW_MAP])
def test_the_new_map_form_shows_errors_and_saves_nothing(
        login: Login, people: People, reference: Reference, plain_audience: Audience,
        changes: dict[str, Any], message: str) -> None:
    client = login(people.author)
    before = written()
    response = client.post("/messages/new", data=new_map_form(reference, plain_audience, people.author,
                                                               **changes))
    assert response.status_code == 200
    assert page_title(response.text).startswith("Error: New message map")
    assert 'class="govuk-error-summary"' in response.text and "There is a problem" in response.text
    assert shows(response.text, message)
    assert written() == before


def test_a_variant_over_the_hard_limit_is_refused_with_the_reason(
        session: Session, login: Login, people: People, channels: Channels, item: MessageMap) -> None:
    client = login(people.author)
    before = written()
    form = {"channel_id": str(channels.sms.id), "language": "en", "body": "x" * 161,
            "translation_status": "original"}
    response = client.post(f"/messages/{item.id}/variants/new", data=form)
    assert response.status_code == 200
    assert page_title(response.text).startswith("Error:")
    assert shows(response.text, "Borough SMS allows 160 characters at most and this is 161: shorten it by 1")
    assert written() == before
    assert fresh_map(item.id).latest_number == 2

    saved = client.post(f"/messages/{item.id}/variants/new", data={**form, "body": "x" * 160})
    assert saved.status_code == 302
    assert fresh_map(item.id).latest_number == 3


def test_a_variant_over_the_soft_limit_is_saved_and_flagged(session: Session, login: Login, people: People,
                                                            channels: Channels, item: MessageMap) -> None:
    client = login(people.author)
    response = client.post(f"/messages/{item.id}/variants/new", data={
        "channel_id": str(channels.social.id), "language": "en", "body": "y" * 91,
        "translation_status": "original"})
    assert response.status_code == 302
    html = client.get(f"/messages/{item.id}").text
    assert "91 of 90 characters: over the soft limit" in html


def test_variant_words_are_shown_as_sanitised_markdown(session: Session, login: Login, people: People,
                                                       channels: Channels, item: MessageMap) -> None:
    client = login(people.author)
    client.post(f"/messages/{item.id}/variants/new", data={
        "channel_id": str(channels.website.id), "language": "so", "translation_status": "original",
        "body": "**Soo wac** <script>alert(1)</script> [x](javascript:alert(1)) "
                "<img src=x onerror=alert(1)>"})
    html = client.get(f"/messages/{item.id}").text
    assert "<script>alert(1)" not in html
    [body] = [part for part in re.findall(r'<div class="app-variant__body">(.*?)</div>', html, re.S)
              if "Soo wac" in part]
    assert "<strong>Soo wac</strong>" in body
    assert "javascript:" not in body and "onerror" not in body and "<img" not in body


# --- review through the pages ------------------------------------------------------------------


def decision(item: MessageMap, **values: str) -> dict[str, str]:
    return {"number": str(item.latest_number), "comment": "", **values}


def test_the_author_who_approves_sees_no_approve_button_and_is_refused(
        session: Session, now: datetime, login: Login, people: People, delivery: DeliverySettings,
        item: MessageMap) -> None:
    in_review(session, item, people, delivery, now)
    client = login(people.officer_approver)
    html = client.get(f"/messages/{item.id}").text
    assert "Approve version" not in html
    assert f'action="/messages/{item.id}/decide"' not in html
    assert "You wrote part of this version, so another approver must approve it." in html
    before = written()
    response = client.post(f"/messages/{item.id}/decide", data=decision(item, approve="Approve"))
    assert response.status_code == 403
    response = client.post(f"/messages/{item.id}/decide",
                           data=decision(item, send_back="Send back", comment="Fine by me"))
    assert response.status_code == 403
    assert written() == before
    assert fresh_map(item.id).status is MessageStatus.IN_REVIEW


def test_another_approver_approves_and_the_matrix_shows_it(
        session: Session, now: datetime, login: Login, people: People, delivery: DeliverySettings,
        reference: Reference, plain_audience: Audience, item: MessageMap) -> None:
    in_review(session, item, people, delivery, now)
    cell = (f'<span class="govuk-visually-hidden">: {reference.elements["ROB"].name} for '
            f'{plain_audience.name}</span>')
    client = login(people.approver)
    coverage_before = client.get("/messages/coverage").text
    assert f"In review{cell}" in coverage_before and f"Approved{cell}" not in coverage_before

    html = client.get(f"/messages/{item.id}").text
    assert "Approve version 2" in html and f'action="/messages/{item.id}/decide"' in html
    response = client.post(f"/messages/{item.id}/decide",
                           data=decision(item, approve="Approve version 2", comment="Clear"))
    assert response.status_code == 302
    approved = fresh_map(item.id)
    assert approved.status is MessageStatus.APPROVED
    assert (approved.approved_number, approved.approved_by_id) == (2, people.approver.id)
    page = client.get(f"/messages/{item.id}").text
    assert "Version 2 approved: it is now in force" in page
    assert "Version 2 is in force, approved by Apu Approver" in page
    assert f"Approved{cell}" in client.get("/messages/coverage").text


def test_once_one_approver_decides_the_request_leaves_the_other_approvers_home_page(
        session: Session, now: datetime, login: Login, people: People, delivery: DeliverySettings,
        make_map: MapMaker) -> None:
    written_by_ada = make_map()
    review.submit(session, written_by_ada, actor=people.author, now=now, delivery=delivery)
    expand_due(session, now=now, worker="test", settings=delivery)
    request = f"Approve message: {written_by_ada.title}"
    assert shows(login(people.officer_approver).get("/").text, request)
    assert not shows(login(people.author).get("/").text, request)  # the author is never asked
    client = login(people.approver)
    assert shows(client.get("/").text, request)

    response = client.post(f"/messages/{written_by_ada.id}/decide",
                           data=decision(written_by_ada, approve="Approve version 1"))

    assert response.status_code == 302
    other = login(people.officer_approver)
    home = other.get("/").text
    assert not shows(home, request) and "Nothing is waiting for your approval." in home
    assert "Dealt with: approved by Apu Approver at " in other.get("/inbox?show=all").text
    assert not shows(client.get("/").text, request)


def test_a_stale_decision_is_refused_with_a_message(session: Session, now: datetime, login: Login,
                                                    people: People, delivery: DeliverySettings,
                                                    item: MessageMap) -> None:
    in_review(session, item, people, delivery, now)
    client = login(people.approver)
    response = client.post(f"/messages/{item.id}/decide", data=decision(item, number="1",
                                                                         approve="Approve"),
                           follow_redirects=True)
    assert shows(response.text, "Version 2 was saved after the one you reviewed; review the latest version")
    assert fresh_map(item.id).status is MessageStatus.IN_REVIEW


def test_an_approver_sends_it_back_with_a_comment(session: Session, now: datetime, login: Login,
                                                  people: People, delivery: DeliverySettings,
                                                  item: MessageMap) -> None:
    in_review(session, item, people, delivery, now)
    client = login(people.approver)
    blank = client.post(f"/messages/{item.id}/decide", data=decision(item, send_back="Send back"),
                        follow_redirects=True)
    assert "Say what needs to change" in blank.text
    assert fresh_map(item.id).status is MessageStatus.IN_REVIEW
    client.post(f"/messages/{item.id}/decide",
                data=decision(item, send_back="Send back", comment="Give the <b>times</b>"))
    assert fresh_map(item.id).status is MessageStatus.DRAFT
    assert [c.body for c in db.session.query(MessageComment)] == ["Give the <b>times</b>"]
    assert "Give the &lt;b&gt;times&lt;/b&gt;" in client.get(f"/messages/{item.id}").text


def test_the_author_submits_through_the_page(session: Session, login: Login, people: People,
                                             item: MessageMap) -> None:
    client = login(people.officer_approver)
    assert "Submit for approval" in client.get(f"/messages/{item.id}").text
    response = client.post(f"/messages/{item.id}/submit", follow_redirects=True)
    assert "Sent for approval: approvers have been told" in response.text
    assert fresh_map(item.id).status is MessageStatus.IN_REVIEW


# --- viewers -----------------------------------------------------------------------------------

VIEWER_REFUSED = [
    ("get", "/messages/new"), ("post", "/messages/new"),
    ("get", "/messages/{id}/edit"), ("post", "/messages/{id}/edit"),
    ("get", "/messages/{id}/settings"), ("post", "/messages/{id}/settings"),
    ("get", "/messages/{id}/variants/new"), ("post", "/messages/{id}/variants/new"),
    ("get", "/messages/{id}/variants/{variant}/edit"), ("post", "/messages/{id}/variants/{variant}/edit"),
    ("post", "/messages/{id}/variants/{variant}/remove"),
    ("post", "/messages/{id}/submit"), ("post", "/messages/{id}/decide"),
    ("post", "/messages/{id}/retire"), ("post", "/messages/{id}/comments"),
]


@pytest.mark.parametrize(("method", "url"), VIEWER_REFUSED)
def test_viewers_are_refused_every_write_page(session: Session, login: Login, people: People,
                                              item: MessageMap, method: str, url: str) -> None:
    client = login(people.viewer)
    before = written()
    target = url.format(id=item.id, variant=variant_id(session, item))
    data = {"comment": "Hello", "concern": "Changed", "body": "Changed", "number": "2",
            "approve": "Approve"}
    response = client.get(target) if method == "get" else client.post(target, data=data)
    assert response.status_code == 403
    assert written() == before


def test_viewers_see_no_edit_buttons(session: Session, login: Login, people: People,
                                     item: MessageMap) -> None:
    client = login(people.viewer)
    html = client.get(f"/messages/{item.id}").text
    for hidden in ("Edit messages", "Add a channel variant", "Submit for approval",
                   "Retire this message map", f"/messages/{item.id}/edit", f"/messages/{item.id}/settings",
                   "/remove", 'name="comment"'):
        assert hidden not in html, hidden
    assert "New message map" not in client.get("/messages/").text
    assert "Write a map" not in client.get("/messages/coverage").text

    writer = login(people.author).get(f"/messages/{item.id}").text
    for shown in ("Edit messages", "Add a channel variant", "Submit for approval", "Retire this message map"):
        assert shown in writer, shown
    assert "Write a map" in login(people.author).get("/messages/coverage").text


# --- odd addresses -----------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "url"), [
    ("get", "/messages/999999"), ("get", "/messages/999999/edit"), ("get", "/messages/999999/settings"),
    ("get", "/messages/999999/versions/1"), ("get", "/messages/999999/compare"),
    ("get", "/messages/999999/variants/new"), ("post", "/messages/999999/submit"),
    ("post", "/messages/999999/retire"), ("get", "/messages/{id}/versions/9"),
    ("get", "/messages/{id}/variants/999999/edit"),
])
def test_unknown_maps_versions_and_variants_are_404(login: Login, people: People, item: MessageMap,
                                                    method: str, url: str) -> None:
    client = login(people.author)
    target = url.format(id=item.id)
    response = client.get(target) if method == "get" else client.post(target)
    assert response.status_code == 404


def test_deciding_on_an_unknown_map_is_404(login: Login, people: People) -> None:
    assert login(people.approver).post("/messages/999999/decide").status_code == 404


def test_a_variant_of_an_older_version_cannot_be_opened_for_editing(session: Session, now: datetime,
                                                                    login: Login, people: People,
                                                                    item: MessageMap) -> None:
    old = variant_id(session, item)
    maps.edit_content(session, item, content(concern="Newer words"), actor=people.author,
                      now=now + timedelta(minutes=5))
    response = login(people.author).get(f"/messages/{item.id}/variants/{old}/edit")
    assert response.status_code == 404


@pytest.mark.parametrize("query", ["element=abc", "element=", "audience=-1&status=bogus", "qualifier=1.5",
                                   "unit=", "page=abc", "page=-3", "mine=maybe", "element=999999"])
def test_odd_list_filters_do_not_fail(login: Login, people: People, item: MessageMap, query: str) -> None:
    response = login(people.viewer).get(f"/messages/?{query}")
    assert response.status_code == 200
    assert f'href="/messages/{item.id}"' in response.text


def test_list_filters_narrow_the_list(session: Session, login: Login, people: People, make_map: MapMaker,
                                      reference: Reference, item: MessageMap) -> None:
    other = make_map(element="HAR")
    client = login(people.viewer)
    html = client.get(f"/messages/?element={reference.elements['HAR'].id}").text
    assert f'href="/messages/{other.id}"' in html and f'href="/messages/{item.id}"' not in html
    html = client.get("/messages/?element=abc").text
    assert f'href="/messages/{other.id}"' in html and f'href="/messages/{item.id}"' in html


@pytest.mark.parametrize("query", ["unit=abc", "qualifier=999999", "unit=-1&qualifier=x"])
def test_odd_coverage_filters_do_not_fail(login: Login, people: People, item: MessageMap,
                                          query: str) -> None:
    response = login(people.viewer).get(f"/messages/coverage?{query}")
    assert response.status_code == 200
    assert "Draft only" in response.text
