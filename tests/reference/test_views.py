"""Reference data pages: lists, forms, retire and restore, roles, bad input and query counts."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role, User
from commsplan.extensions import db
from commsplan.reference import service
from commsplan.reference.kinds import ELEMENTS, KINDS, QUALIFIERS, UNITS
from commsplan.reference.models import BusinessUnit, Qualifier, UnitKind, ViolenceElement
from tests.conftest import count_queries, csrf_token
from tests.factories import PASSWORD, make_element, make_qualifier, make_unit, make_user
from tests.helpers import committed, count, fresh, rows

VALID_FORMS: dict[str, dict[str, str]] = {
    ELEMENTS.slug: {"code": "knife", "name": "Knife crime", "description": "Blades",
                    "parent_id": "", "position": "15"},
    QUALIFIERS.slug: {"code": "night", "name": "At night", "description": "After dark",
                      "position": "5"},
    UNITS.slug: {"code": "corp", "name": "Corporate", "kind": "corporate", "parent_id": "",
                 "description": "Force-wide"},
}
CODE_LIMITS = {ELEMENTS.slug: 12, QUALIFIERS.slug: 24, UNITS.slug: 12}
NAME_LIMITS = {ELEMENTS.slug: 80, QUALIFIERS.slug: 80, UNITS.slug: 120}
MAKERS: dict[str, Callable[..., Any]] = {
    ELEMENTS.slug: make_element, QUALIFIERS.slug: make_qualifier, UNITS.slug: make_unit}


def page_title(html: str) -> str:
    match = re.search(r"<title[^>]*>(.*?)</title>", html, re.S)
    assert match, "page has no title"
    return " ".join(match.group(1).split())


@pytest.fixture
def keeper(session: Session, now: datetime) -> User:
    """An admin who retires things behind the scenes, so tests can set up retired items."""
    return make_user(session, roles=(Role.ADMIN,), name="Kim Keeper", now=now)






# --- index and list pages ----------------------------------------------------------------------


def test_index_links_to_each_kind(admin_client: FlaskClient) -> None:
    html = admin_client.get("/reference/").text
    for kind in KINDS.values():
        assert f'href="/reference/{kind.slug}"' in html


def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/reference/qualifiers")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_unknown_kind_is_404(admin_client: FlaskClient) -> None:
    assert admin_client.get("/reference/colours").status_code == 404
    assert admin_client.get("/reference/colours/new").status_code == 404


@pytest.mark.parametrize("slug", list(KINDS))
def test_list_page_shows_items_of_the_kind(client: FlaskClient, signed_in: Callable[..., User],
                                           session: Session, now: datetime, slug: str) -> None:
    signed_in(Role.VIEWER)
    item = MAKERS[slug](session, now=now, code="SHOWN", name="Shown item")
    committed(item)
    response = client.get(f"/reference/{slug}")
    assert response.status_code == 200
    assert "Shown item" in response.text and "SHOWN" in response.text
    assert f'href="/reference/{slug}/{item.id}"' in response.text
    assert "1 " + KINDS[slug].singular in response.text
    assert f"/reference/{slug}/new" not in response.text  # viewers get no add button


def test_admins_see_the_add_button(admin_client: FlaskClient) -> None:
    assert 'href="/reference/qualifiers/new"' in admin_client.get("/reference/qualifiers").text


def test_list_page_shows_parent_and_kind_of_units(admin_client: FlaskClient, session: Session,
                                                  now: datetime) -> None:
    corporate = make_unit(session, now=now, name="Corporate centre")
    committed(make_unit(session, now=now, parent=corporate, name="Hackney"))
    html = admin_client.get("/reference/business-units").text
    assert "Borough command" in html and "Corporate centre" in html
    assert "Reports to" in html


@pytest.mark.parametrize(("query", "expected", "hidden"), [
    ("knife", ["Knife crime"], ["Robbery"]),
    ("KNI", ["Knife crime"], ["Robbery"]),
    ("rob", ["Robbery"], ["Knife crime"]),
    ("zzz", [], ["Knife crime", "Robbery"]),
])
def test_list_page_searches_name_and_code(admin_client: FlaskClient, session: Session, now: datetime,
                                          query: str, expected: list[str], hidden: list[str]) -> None:
    make_element(session, now=now, code="KNI", name="Knife crime")
    committed(make_element(session, now=now, code="ROBX", name="Robbery"))
    html = admin_client.get("/reference/violence-elements", query_string={"q": query}).text
    for name in expected:
        assert name in html
    for name in hidden:
        assert name not in html
    assert f"matching “{query}”" in html
    assert f'value="{query}"' in html
    if not expected:
        assert "No violence elements found." in html


def test_list_page_hides_retired_items_unless_asked(admin_client: FlaskClient, session: Session,
                                                    now: datetime, keeper: User) -> None:
    make_qualifier(session, now=now, name="Still here")
    gone = make_qualifier(session, now=now, name="Long gone")
    service.retire_item(session, QUALIFIERS, gone, actor=keeper, now=now)
    db.session.commit()
    default = admin_client.get("/reference/qualifiers").text
    assert "Still here" in default and "Long gone" not in default
    shown = admin_client.get("/reference/qualifiers?retired=show").text
    assert "Still here" in shown and "Long gone" in shown
    assert "Retired" in shown
    assert re.search(r'id="retired"[^>]*checked', shown)
    assert not re.search(r'id="retired"[^>]*checked', default)


def test_list_page_paginates_at_page_size(admin_client: FlaskClient, session: Session,
                                          now: datetime, app: Flask) -> None:
    assert app.config["PAGE_SIZE"] == 25
    for number in range(1, 28):
        make_qualifier(session, now=now, code=f"Q{number:02d}", name=f"Qualifier {number:02d}",
                       position=number)
    db.session.commit()
    first = admin_client.get("/reference/qualifiers").text
    assert "Qualifier 01" in first and "Qualifier 25" in first
    assert "Qualifier 26" not in first
    assert "27 qualifiers" in first
    assert "page=2" in first
    second = admin_client.get("/reference/qualifiers?page=2").text
    assert "Qualifier 26" in second and "Qualifier 27" in second
    assert "Qualifier 25" not in second
    beyond = admin_client.get("/reference/qualifiers?page=9")
    assert beyond.status_code == 200
    assert "No qualifiers found." in beyond.text and "Qualifier 01" not in beyond.text


def test_pagination_links_keep_search_and_retired_choice(admin_client: FlaskClient, session: Session,
                                                         now: datetime) -> None:
    for number in range(30):
        make_qualifier(session, now=now, name=f"Match {number:02d}")
    db.session.commit()
    html = admin_client.get("/reference/qualifiers?q=match&retired=show").text
    assert re.search(r'href="/reference/qualifiers\?[^"]*page=2[^"]*"', html)
    link = re.search(r'href="(/reference/qualifiers\?[^"]*page=2[^"]*)"', html)
    assert link is not None
    assert "q=match" in link.group(1) and "retired=show" in link.group(1)


def test_bad_page_numbers_do_not_fail(admin_client: FlaskClient) -> None:
    for page in ("abc", "-3", "0"):
        assert admin_client.get(f"/reference/qualifiers?page={page}").status_code == 200


# --- show page ---------------------------------------------------------------------------------


def test_show_page_shows_details_and_history(admin_client: FlaskClient, session: Session,
                                             now: datetime) -> None:
    parent = make_element(session, now=now, name="Hate crime")
    item = committed(make_element(session, now=now, code="DV", name="Domestic violence",
                                  description="Between partners", parent_id=parent.id))
    html = admin_client.get(f"/reference/violence-elements/{item.id}").text
    assert "Domestic violence" in html and "Between partners" in html
    assert f'href="/reference/violence-elements/{parent.id}"' in html
    assert "History" in html and "create" in html
    assert f'action="/reference/violence-elements/{item.id}/retire"' in html


def test_show_page_404s_for_unknown_id(admin_client: FlaskClient) -> None:
    assert admin_client.get("/reference/qualifiers/999999").status_code == 404


def test_viewers_see_no_edit_or_retire_buttons(client: FlaskClient, signed_in: Callable[..., User],
                                               session: Session, now: datetime) -> None:
    signed_in(Role.VIEWER)
    item = committed(make_qualifier(session, now=now))
    html = client.get(f"/reference/qualifiers/{item.id}").text
    assert "/edit" not in html and "/retire" not in html


# --- create, edit, retire, restore -------------------------------------------------------------


@pytest.mark.parametrize("slug", list(KINDS))
def test_admin_adds_an_item(admin_client: FlaskClient, slug: str) -> None:
    kind = KINDS[slug]
    form_page = admin_client.get(f"/reference/{slug}/new")
    assert form_page.status_code == 200
    assert not page_title(form_page.text).startswith("Error:")
    before = rows(kind)
    response = admin_client.post(f"/reference/{slug}/new", data=VALID_FORMS[slug])
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reference/{slug}")
    assert rows(kind) == (before[0] + 1, before[1] + 1)
    item = db.session.scalar(select(kind.model))
    assert item.code == VALID_FORMS[slug]["code"].upper()
    assert item.name == VALID_FORMS[slug]["name"]
    html = admin_client.get(response.headers["Location"]).text
    assert f"{kind.singular.capitalize()} {item.name} added" in html
    assert "govuk-notification-banner--success" in html


def test_admin_adds_a_unit_under_a_parent(admin_client: FlaskClient, session: Session,
                                          now: datetime) -> None:
    corporate = committed(make_unit(session, now=now, name="Corporate"))
    form = admin_client.get("/reference/business-units/new").text
    assert f'value="{corporate.id}"' in form
    response = admin_client.post("/reference/business-units/new", data={
        "code": "gd", "name": "Hackney", "kind": "borough_command", "parent_id": str(corporate.id),
        "description": ""})
    assert response.status_code == 302
    unit = db.session.scalar(select(BusinessUnit).where(BusinessUnit.code == "GD"))
    assert unit is not None and unit.parent_id == corporate.id
    assert unit.kind is UnitKind.BOROUGH_COMMAND


def test_admin_edits_an_item(admin_client: FlaskClient, session: Session, now: datetime) -> None:
    item = committed(make_element(session, now=now, code="ROB", name="Robbery", position=3))
    form = admin_client.get(f"/reference/violence-elements/{item.id}/edit")
    assert form.status_code == 200
    assert 'value="Robbery"' in form.text
    response = admin_client.post(f"/reference/violence-elements/{item.id}/edit", data={
        "code": "ROB", "name": "Personal robbery", "description": "", "parent_id": "",
        "position": "3"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reference/violence-elements/{item.id}")
    assert fresh(ViolenceElement, item.id).name == "Personal robbery"
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None and entry.action == "update"
    assert entry.changes == {"name": ["Robbery", "Personal robbery"]}
    html = admin_client.get(response.headers["Location"]).text
    assert "Changes to Personal robbery saved" in html


def test_saving_without_changes_says_so(admin_client: FlaskClient, session: Session,
                                        now: datetime) -> None:
    item = committed(make_qualifier(session, now=now, code="WEAPON", name="Weapon", position=1))
    before = count(AuditEntry)
    response = admin_client.post(f"/reference/qualifiers/{item.id}/edit", data={
        "code": "WEAPON", "name": "Weapon", "description": "", "position": "1"},
        follow_redirects=True)
    assert "Nothing changed" in response.text
    assert count(AuditEntry) == before


def test_edit_form_does_not_offer_the_item_as_its_own_parent(admin_client: FlaskClient,
                                                             session: Session, now: datetime) -> None:
    item = make_element(session, now=now)
    other = committed(make_element(session, now=now))
    html = admin_client.get(f"/reference/violence-elements/{item.id}/edit").text
    assert f'<option value="{other.id}"' in html
    assert f'<option value="{item.id}"' not in html


def test_edit_refuses_to_move_an_item_under_its_child(admin_client: FlaskClient, session: Session,
                                                      now: datetime) -> None:
    parent = make_element(session, now=now, name="Parent", code="PAR", position=1)
    child = committed(make_element(session, now=now, name="Child", parent_id=parent.id))
    before = rows(ELEMENTS)
    response = admin_client.post(f"/reference/violence-elements/{parent.id}/edit", data={
        "code": "PAR", "name": "Parent", "description": "", "parent_id": str(child.id),
        "position": "1"})
    assert response.status_code == 200
    assert page_title(response.text).startswith("Error:")
    assert "Child is inside Parent; choose a parent above it" in response.text
    assert rows(ELEMENTS) == before
    assert fresh(ViolenceElement, parent.id).parent_id is None


def test_edit_refuses_another_items_name(admin_client: FlaskClient, session: Session,
                                         now: datetime) -> None:
    make_qualifier(session, now=now, code="A", name="Taken")
    item = committed(make_qualifier(session, now=now, code="B", name="Mine", position=2))
    response = admin_client.post(f"/reference/qualifiers/{item.id}/edit", data={
        "code": "B", "name": "taken", "description": "", "position": "2"})
    assert response.status_code == 200
    assert "Another qualifier already has this name" in response.text
    assert page_title(response.text) == "Error: Edit Mine – Commsplan"
    assert fresh(Qualifier, item.id).name == "Mine"


@pytest.mark.parametrize("slug", list(KINDS))
def test_admin_retires_and_restores(admin_client: FlaskClient, session: Session, now: datetime,
                                    slug: str) -> None:
    item = committed(MAKERS[slug](session, now=now, name="Going and back"))
    url = f"/reference/{slug}/{item.id}"
    response = admin_client.post(f"{url}/retire")
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    assert fresh(KINDS[slug].model, item.id).is_retired
    html = admin_client.get(url).text
    assert "Going and back retired" in html
    assert f'action="{url}/restore"' in html
    response = admin_client.post(f"{url}/restore", follow_redirects=True)
    assert "Going and back restored" in response.text
    assert not fresh(KINDS[slug].model, item.id).is_retired
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_id == str(item.id), AuditEntry.object_type == KINDS[slug].audit_type)
        .order_by(AuditEntry.id)).all()
    assert actions == ["create", "retire", "restore"]


def test_retire_refusal_is_shown_as_an_error_banner(admin_client: FlaskClient, session: Session,
                                                    now: datetime) -> None:
    parent = make_unit(session, now=now, name="Territorial Policing")
    committed(make_unit(session, now=now, parent=parent))
    response = admin_client.post(f"/reference/business-units/{parent.id}/retire",
                                 follow_redirects=True)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Territorial Policing has 1 active business units under it" in response.text
    assert not fresh(BusinessUnit, parent.id).is_retired


def test_restore_refusal_is_shown_as_an_error_banner(admin_client: FlaskClient, session: Session,
                                                     now: datetime, keeper: User) -> None:
    parent = make_element(session, now=now, name="Hate crime")
    child = make_element(session, now=now, name="Domestic violence", parent_id=parent.id)
    service.retire_item(session, ELEMENTS, child, actor=keeper, now=now)
    service.retire_item(session, ELEMENTS, parent, actor=keeper, now=now)
    db.session.commit()
    response = admin_client.post(f"/reference/violence-elements/{child.id}/restore",
                                 follow_redirects=True)
    assert "Restore Hate crime first: Domestic violence sits under it" in response.text
    assert fresh(ViolenceElement, child.id).is_retired


def test_status_change_of_unknown_item_is_404(admin_client: FlaskClient) -> None:
    assert admin_client.post("/reference/qualifiers/999999/retire").status_code == 404
    assert admin_client.post("/reference/qualifiers/999999/restore").status_code == 404
    assert admin_client.get("/reference/qualifiers/999999/edit").status_code == 404


# --- roles -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.VIEWER, Role.COMMS_OFFICER, Role.APPROVER, Role.DUTY_OFFICER])
@pytest.mark.parametrize("slug", list(KINDS))
def test_only_admins_may_change_reference_data(client: FlaskClient, signed_in: Callable[..., User],
                                               session: Session, now: datetime, role: Role,
                                               slug: str, keeper: User) -> None:
    signed_in(role)
    item = committed(MAKERS[slug](session, now=now))
    kind = KINDS[slug]
    before = rows(kind)
    base = f"/reference/{slug}"
    assert client.get(f"{base}/new").status_code == 403
    assert client.post(f"{base}/new", data=VALID_FORMS[slug]).status_code == 403
    assert client.get(f"{base}/{item.id}/edit").status_code == 403
    assert client.post(f"{base}/{item.id}/edit", data=VALID_FORMS[slug]).status_code == 403
    assert client.post(f"{base}/{item.id}/retire").status_code == 403
    assert rows(kind) == before
    assert not fresh(kind.model, item.id).is_retired
    service.retire_item(db.session, kind, fresh(kind.model, item.id), actor=keeper, now=now)
    db.session.commit()
    assert client.post(f"{base}/{item.id}/restore").status_code == 403
    assert fresh(kind.model, item.id).is_retired
    assert client.get(f"{base}/{item.id}").status_code == 200


def test_writes_need_the_forms_csrf_token(make_app: Callable[..., Flask], now: datetime) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        admin = make_user(db.session, roles=(Role.ADMIN,), now=now)
        item = committed(make_qualifier(db.session, now=now, name="Guarded", position=1))
        client = app.test_client()
        token = csrf_token(client.get("/login").text)
        client.post("/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": token})
        url = f"/reference/qualifiers/{item.id}"
        assert client.post(f"{url}/retire").status_code == 400
        assert client.post("/reference/qualifiers/new", data=VALID_FORMS[QUALIFIERS.slug]).status_code == 400
        assert not fresh(Qualifier, item.id).is_retired
        assert count(Qualifier) == 1
        response = client.post(f"{url}/retire", data={"csrf_token": csrf_token(client.get(url).text)})
        assert response.status_code == 302
        assert fresh(Qualifier, item.id).is_retired


def test_anonymous_posts_are_sent_to_sign_in(client: FlaskClient, session: Session,
                                             now: datetime) -> None:
    item = committed(make_qualifier(session, now=now))
    response = client.post(f"/reference/qualifiers/{item.id}/retire")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not fresh(Qualifier, item.id).is_retired


# --- bad input ---------------------------------------------------------------------------------


def bad_input_cases() -> list[Any]:
    cases: list[Any] = []
    for slug, kind in KINDS.items():
        code_max, name_max = CODE_LIMITS[slug], NAME_LIMITS[slug]
        table: list[tuple[str, dict[str, str], str, str]] = [
            ("missing-code", {"code": ""}, "code", "Enter a code"),
            ("blank-code", {"code": "   "}, "code", "Code must use only letters, numbers and underscores"),
            ("missing-name", {"name": ""}, "name", "Enter a name"),
            ("blank-name", {"name": "   "}, "name", "Enter a name"),
            ("long-code", {"code": "C" * (code_max + 1)}, "code",
             f"Code must be {code_max} characters or fewer"),
            ("long-name", {"name": "N" * (name_max + 1)}, "name",
             f"Name must be {name_max} characters or fewer"),
            ("long-description", {"description": "D" * 2001}, "description",
             "Description must be 2000 characters or fewer"),
            ("bad-code-characters", {"code": "AB-1"}, "code",
             "Code must use only letters, numbers and underscores"),
            ("code-with-space", {"code": "AB 1"}, "code",
             "Code must use only letters, numbers and underscores"),
            ("duplicate-code", {"code": "dupe"}, "code", f"Another {kind.singular} already has this code"),
            ("duplicate-name", {"name": "DUPLICATE NAME"}, "name",
             f"Another {kind.singular} already has this name"),
        ]
        if slug != UNITS.slug:
            table += [
                ("non-numeric-position", {"position": "first"}, "position", ""),
                ("missing-position", {"position": ""}, "position", "order in lists as a whole number"),
                ("position-too-big", {"position": "1000"}, "position",
                 "Order in lists must be between 0 and 999"),
                ("negative-position", {"position": "-1"}, "position",
                 "Order in lists must be between 0 and 999"),
            ]
        if kind.has_parent:
            table += [
                ("unknown-parent", {"parent_id": "999999"}, "parent_id", "from the list"),
                ("non-numeric-parent", {"parent_id": "abc"}, "parent_id", "from the list"),
            ]
        if slug == UNITS.slug:
            table += [
                ("unknown-kind", {"kind": "galaxy"}, "kind", "Select the kind of unit from the list"),
                ("missing-kind", {"kind": ""}, "kind", "Select the kind of unit from the list"),
                ("borough-without-parent", {"kind": "borough_command"}, "parent_id",
                 "Select the unit this one reports to"),
            ]
        cases += [pytest.param(slug, changes, field, message, id=f"{slug}-{name}")
                  for name, changes, field, message in table]
    return cases


@pytest.mark.parametrize(("slug", "changes", "field", "message"), bad_input_cases())
def test_new_item_form_rejects_bad_input(admin_client: FlaskClient, session: Session, now: datetime,
                                         slug: str, changes: dict[str, str], field: str,
                                         message: str) -> None:
    kind = KINDS[slug]
    committed(MAKERS[slug](session, now=now, code="DUPE", name="Duplicate name"))
    before = rows(kind)
    response = admin_client.post(f"/reference/{slug}/new", data={**VALID_FORMS[slug], **changes})
    assert response.status_code == 200
    html = response.text
    assert page_title(html).startswith("Error: ")
    assert "govuk-error-summary" in html and "There is a problem" in html
    assert message in html
    assert re.search(rf'href="#{field}"[^>]*>[^<]*{re.escape(message)}', html), \
        "the error summary links the message to its field"  # message "" only checks the link
    assert re.search(rf'id="{field}-error"', html), "the field shows its own error message"
    assert rows(kind) == before


@pytest.mark.parametrize(("slug", "changes", "field", "message"), [
    case for case in bad_input_cases() if "duplicate" in case.id or "long-name" in case.id])
def test_edit_item_form_rejects_bad_input(admin_client: FlaskClient, session: Session, now: datetime,
                                          slug: str, changes: dict[str, str], field: str,
                                          message: str) -> None:
    kind = KINDS[slug]
    MAKERS[slug](session, now=now, code="DUPE", name="Duplicate name")
    item = committed(MAKERS[slug](session, now=now, **{
        k: v for k, v in VALID_FORMS[slug].items() if k in ("code", "name", "description")}))
    before = rows(kind)
    response = admin_client.post(f"/reference/{slug}/{item.id}/edit",
                                 data={**VALID_FORMS[slug], **changes})
    assert response.status_code == 200
    assert page_title(response.text).startswith("Error: ")
    assert message in response.text
    assert rows(kind) == before
    assert fresh(kind.model, item.id).name == VALID_FORMS[slug]["name"]


def test_a_retired_parent_is_not_offered_for_new_items(admin_client: FlaskClient, session: Session,
                                                       now: datetime, keeper: User) -> None:
    old = make_element(session, now=now, name="Old parent")
    service.retire_item(session, ELEMENTS, old, actor=keeper, now=now)
    db.session.commit()
    assert f'<option value="{old.id}"' not in admin_client.get("/reference/violence-elements/new").text
    before = rows(ELEMENTS)
    response = admin_client.post("/reference/violence-elements/new", data={
        **VALID_FORMS[ELEMENTS.slug], "parent_id": str(old.id)})
    assert response.status_code == 200
    assert re.search(r'href="#parent_id"[^>]*>[^<]*from the list', response.text)
    assert rows(ELEMENTS) == before


def test_a_retired_current_parent_is_offered_when_editing(admin_client: FlaskClient, session: Session,
                                                          now: datetime, keeper: User) -> None:
    parent = make_element(session, now=now, name="Old parent")
    child = make_element(session, now=now, name="Child", code="CHILD", position=4, parent_id=parent.id)
    service.retire_item(session, ELEMENTS, child, actor=keeper, now=now)
    service.retire_item(session, ELEMENTS, parent, actor=keeper, now=now)
    db.session.commit()
    html = admin_client.get(f"/reference/violence-elements/{child.id}/edit").text
    assert re.search(rf'<option value="{parent.id}"\s+selected', html)
    response = admin_client.post(f"/reference/violence-elements/{child.id}/edit", data={
        "code": "CHILD", "name": "Child renamed", "description": "", "parent_id": str(parent.id),
        "position": "4"})
    assert response.status_code == 302
    assert fresh(ViolenceElement, child.id).name == "Child renamed"


# --- query counts ------------------------------------------------------------------------------


def list_queries(client: FlaskClient, url: str) -> int:
    client.get(url)  # warm up: templates and the signed-in user
    db.session.expire_all()  # nothing cached: every row the page needs must be fetched
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


def make_family(session: Session, now: datetime, slug: str, start: int, stop: int) -> None:
    """Pairs of items: for elements and units each child has its own parent, and children sort first,
    so a page of children refers to parents that are not on the page."""
    for number in range(start, stop):
        if slug == UNITS.slug:
            parent = make_unit(session, now=now, name=f"Z parent {number:02d}")
            make_unit(session, now=now, parent=parent, name=f"A child {number:02d}")
        elif slug == ELEMENTS.slug:
            parent = make_element(session, now=now, name=f"Z parent {number:02d}", position=500 + number)
            make_element(session, now=now, name=f"A child {number:02d}", parent_id=parent.id,
                         position=number)
        else:
            make_qualifier(session, now=now, name=f"A {number:02d}", position=number)
            make_qualifier(session, now=now, name=f"Z {number:02d}", position=500 + number)
    db.session.commit()


@pytest.mark.parametrize("retired", ["", "show"])
@pytest.mark.parametrize("slug", list(KINDS))
def test_list_page_queries_do_not_grow_with_items(admin_client: FlaskClient, session: Session,
                                                  now: datetime, slug: str, retired: str) -> None:
    url = f"/reference/{slug}?retired={retired}"
    make_family(session, now, slug, 0, 3)  # 6 items
    few = list_queries(admin_client, url)
    make_family(session, now, slug, 3, 20)  # 40 items, more than a page
    many = list_queries(admin_client, url)
    assert few == many, f"6 items: {few} queries, 40 items: {many}"
    if KINDS[slug].has_parent:
        assert "Z parent 19" in admin_client.get(url).text  # a parent from beyond the page is shown


@pytest.mark.parametrize("slug", [ELEMENTS.slug, UNITS.slug])
def test_show_page_queries_do_not_grow_with_history(admin_client: FlaskClient, session: Session,
                                                    now: datetime, slug: str) -> None:
    kind = KINDS[slug]
    actors = [make_user(session, roles=(Role.ADMIN,), now=now) for _ in range(5)]
    grandparent = MAKERS[slug](session, now=now)
    parent = MAKERS[slug](session, now=now, parent_id=grandparent.id,
                          **({"kind": UnitKind.BUSINESS_GROUP} if slug == UNITS.slug else {}))
    quiet = MAKERS[slug](session, now=now, parent_id=parent.id,
                         **({"kind": UnitKind.BOROUGH_COMMAND} if slug == UNITS.slug else {}))
    busy = MAKERS[slug](session, now=now, parent_id=parent.id,
                        **({"kind": UnitKind.BOROUGH_COMMAND} if slug == UNITS.slug else {}))
    service.update_item(session, kind, quiet, actor=actors[0], now=now, values={"description": "once"})
    for number in range(40):
        service.update_item(session, kind, busy, actor=actors[number % 5],
                            now=now + timedelta(minutes=number), values={"description": f"v{number}"})
    db.session.commit()
    few = list_queries(admin_client, f"/reference/{slug}/{quiet.id}")
    many = list_queries(admin_client, f"/reference/{slug}/{busy.id}")
    assert few == many, f"2 history entries: {few} queries, 41 entries: {many}"
    assert "v39" in admin_client.get(f"/reference/{slug}/{busy.id}").text
