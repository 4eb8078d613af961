"""The coverage matrix: each cell's best state, the channels in force, unit and qualifier filters,
retired rows and columns, the order of gaps, and a fixed number of SQL queries however many maps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.audiences.kinds import AUDIENCES
from commsplan.audiences.models import Audience, Channel
from commsplan.auth.models import Role, User
from commsplan.extensions import db
from commsplan.messages import checks, maps, review
from commsplan.messages.coverage import CellState, channels_in_force, matrix
from commsplan.messages.maps import MapFilter
from commsplan.messages.models import MessageMap
from commsplan.notifications.settings import DeliverySettings
from commsplan.reference import service as catalogue
from commsplan.reference.kinds import ELEMENTS
from commsplan.reference.models import BusinessUnit, Qualifier, ViolenceElement
from tests.audiences.helpers import make_audience, make_channel
from tests.conftest import count_queries
from tests.factories import make_element, make_user
from tests.messages.conftest import Channels, MapMaker, People, Reference
from tests.messages.helpers import content, insert_maps, variant


@pytest.fixture
def to_state(session: Session, now: datetime, people: People,
             delivery: DeliverySettings) -> Callable[[MessageMap, str], MessageMap]:
    """Move a fresh draft map on to `state`: draft, in_review, approved, or retired."""

    def move(item: MessageMap, state: str) -> MessageMap:
        if state in ("in_review", "approved", "retired"):
            review.submit(session, item, actor=people.author, now=now, delivery=delivery)
        if state in ("approved", "retired"):
            review.approve(session, item, number=item.latest_number, actor=people.approver,
                         now=now + timedelta(minutes=1), delivery=delivery)
        if state == "retired":
            review.retire(session, item, actor=people.author, now=now + timedelta(minutes=2))
        return item

    return move


@pytest.fixture
def accessible(channels: Channels) -> checks.VariantContent:
    """Website words with the Easy Read and BSL versions the needy audience asks for."""
    return variant(channels.website, easy_read=True, bsl=True)


# --- states ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("states", "expected"), [
    ([], CellState.NONE),
    (["draft"], CellState.DRAFT),
    (["draft", "in_review"], CellState.IN_REVIEW),
    (["in_review", "draft"], CellState.IN_REVIEW),
    (["draft", "in_review", "approved"], CellState.APPROVED),
    (["approved", "in_review", "draft"], CellState.APPROVED),
    (["retired"], CellState.NONE),
    (["retired", "draft"], CellState.DRAFT),
])
def test_a_cell_shows_the_best_state_among_its_maps(
        session: Session, make_map: MapMaker, to_state: Callable[[MessageMap, str], MessageMap],
        reference: Reference, plain_audience: Audience, states: list[str], expected: CellState) -> None:
    for state in states:
        to_state(make_map(), state)
    cell = matrix(session).cell(reference.elements["ROB"], plain_audience)
    assert cell.state is expected
    assert cell.maps == len([state for state in states if state != "retired"])
    neighbour = matrix(session).cell(reference.elements["AWI"], plain_audience)
    assert (neighbour.state, neighbour.maps) == (CellState.NONE, 0)


def test_an_approved_map_with_a_newer_draft_or_review_stays_approved(
        session: Session, now: datetime, make_map: MapMaker,
        to_state: Callable[[MessageMap, str], MessageMap], people: People, reference: Reference,
        plain_audience: Audience, delivery: DeliverySettings) -> None:
    item = to_state(make_map(), "approved")
    maps.edit_content(session, item, content(concern="New words"), actor=people.author,
                      now=now + timedelta(hours=1))
    assert matrix(session).cell(reference.elements["ROB"], plain_audience).state is CellState.APPROVED
    review.submit(session, item, actor=people.author, now=now + timedelta(hours=2), delivery=delivery)
    assert matrix(session).cell(reference.elements["ROB"], plain_audience).state is CellState.APPROVED


def test_labels_and_symbols_tell_states_apart_without_colour() -> None:
    assert [state.label for state in CellState] == ["Approved", "In review", "Draft only", "No message"]
    assert len({state.symbol for state in CellState}) == 4


# --- channels ----------------------------------------------------------------------------------


def channels_of(session: Session, element: ViolenceElement, audience: Audience,
                qualifier_id: int | None = None) -> list[str]:
    """A cell's channels in force, by name (its detail); the matrix counts as many."""
    names = channels_in_force(session, MapFilter(element_id=element.id, audience_id=audience.id,
                                                 qualifier_id=qualifier_id))
    assert matrix(session, qualifier_id=qualifier_id).cell(element, audience).channels == len(names)
    return names


def test_the_channels_listed_are_those_of_the_approved_version_only(
        session: Session, now: datetime, make_map: MapMaker,
        to_state: Callable[[MessageMap, str], MessageMap], people: People, channels: Channels,
        reference: Reference, plain_audience: Audience, delivery: DeliverySettings) -> None:
    item = to_state(make_map(), "approved")
    rob = reference.elements["ROB"]
    later = now + timedelta(hours=1)
    maps.save_variant(session, item, variant(channels.sms), actor=people.author, now=later)
    [website] = [v for v in maps.latest_version(session, item).variants
                 if v.channel_id == channels.website.id]
    maps.remove_variant(session, item, website, actor=people.author, now=later)
    assert channels_of(session, rob, plain_audience) == ["Force website"]

    review.submit(session, item, actor=people.author, now=later, delivery=delivery)
    assert channels_of(session, rob, plain_audience) == ["Force website"]
    review.approve(session, item, number=item.latest_number, actor=people.approver, now=later,
                 delivery=delivery)
    assert channels_of(session, rob, plain_audience) == ["Borough SMS"]


def test_maps_not_yet_approved_list_no_channels(session: Session, make_map: MapMaker,
                                                to_state: Callable[[MessageMap, str], MessageMap],
                                                channels: Channels, reference: Reference,
                                                plain_audience: Audience) -> None:
    to_state(make_map(variants=(variant(channels.sms), variant(channels.social))), "in_review")
    make_map(variants=(variant(channels.website),))
    cell = matrix(session).cell(reference.elements["ROB"], plain_audience)
    assert (cell.state, cell.maps, cell.channels) == (CellState.IN_REVIEW, 2, 0)
    assert channels_of(session, reference.elements["ROB"], plain_audience) == []


def test_the_channels_of_several_approved_maps_are_merged_and_sorted(
        session: Session, make_map: MapMaker, to_state: Callable[[MessageMap, str], MessageMap],
        channels: Channels, reference: Reference, plain_audience: Audience) -> None:
    to_state(make_map(variants=(variant(channels.social), variant(channels.website))), "approved")
    to_state(make_map(variants=(variant(channels.website), variant(channels.sms))), "approved")
    to_state(make_map(variants=(variant(channels.sms),)), "retired")
    cell = matrix(session).cell(reference.elements["ROB"], plain_audience)
    assert channels_of(session, reference.elements["ROB"], plain_audience) == [
        "Borough SMS", "Force website", "Neighbourhood social"]
    assert cell.maps == 2


def test_a_cells_maps_list_names_the_channels_in_force(
        client: FlaskClient, signed_in: Callable[..., User], session: Session, make_map: MapMaker,
        to_state: Callable[[MessageMap, str], MessageMap], channels: Channels, reference: Reference,
        plain_audience: Audience) -> None:
    to_state(make_map(variants=(variant(channels.social), variant(channels.website))), "approved")
    rob = reference.elements["ROB"]
    db.session.commit()
    signed_in(Role.VIEWER)
    matrix_page = client.get("/messages/coverage").text
    assert "2 channels" in matrix_page and "Neighbourhood social" not in matrix_page
    cell = client.get(f"/messages/?element={rob.id}&audience={plain_audience.id}").text
    assert "reach people through 2 channels: Force website, Neighbourhood social." in cell
    other = client.get(f"/messages/?element={reference.elements['HAR'].id}&audience={plain_audience.id}")
    assert "No approved message for this element and audience is in force" in other.text
    assert 'id="cell-channels"' not in client.get("/messages/").text


# --- filters -----------------------------------------------------------------------------------


def test_a_units_view_includes_force_wide_maps_but_not_other_units(
        session: Session, make_map: MapMaker, to_state: Callable[[MessageMap, str], MessageMap],
        reference: Reference, plain_audience: Audience) -> None:
    to_state(make_map(element="ROB", unit=reference.hackney), "approved")
    to_state(make_map(element="AWI", unit=reference.brent), "approved")
    to_state(make_map(element="HAR"), "in_review")
    elements = reference.elements

    def states(unit: BusinessUnit | None) -> list[CellState]:
        result = matrix(session, unit_id=unit.id if unit else None)
        return [result.cell(elements[code], plain_audience).state for code in ("ROB", "AWI", "HAR")]

    assert states(None) == [CellState.APPROVED, CellState.APPROVED, CellState.IN_REVIEW]
    assert states(reference.hackney) == [CellState.APPROVED, CellState.NONE, CellState.IN_REVIEW]
    assert states(reference.brent) == [CellState.NONE, CellState.APPROVED, CellState.IN_REVIEW]


def test_the_qualifier_filter_keeps_maps_with_that_qualifier(
        session: Session, make_map: MapMaker, to_state: Callable[[MessageMap, str], MessageMap],
        reference: Reference, plain_audience: Audience, channels: Channels) -> None:
    to_state(make_map(qualifiers=("WEAPON", "GROUP"), variants=(variant(channels.sms),)), "approved")
    to_state(make_map(variants=(variant(channels.website),)), "approved")
    make_map(qualifiers=("REPEAT_VICTIM",))
    rob, qualifiers = reference.elements["ROB"], reference.qualifiers

    def cell(code: str | None) -> tuple[CellState, int, list[str]]:
        qualifier_id = qualifiers[code].id if code else None
        found = matrix(session, qualifier_id=qualifier_id).cell(rob, plain_audience)
        return found.state, found.maps, channels_of(session, rob, plain_audience, qualifier_id)

    assert cell(None) == (CellState.APPROVED, 3, ["Borough SMS", "Force website"])
    assert cell("WEAPON") == (CellState.APPROVED, 1, ["Borough SMS"])
    assert cell("GROUP") == (CellState.APPROVED, 1, ["Borough SMS"])
    assert cell("REPEAT_VICTIM") == (CellState.DRAFT, 1, [])
    assert cell("ASB_ESCALATION") == (CellState.NONE, 0, [])


def test_unit_and_qualifier_filters_combine(session: Session, make_map: MapMaker,
                                            to_state: Callable[[MessageMap, str], MessageMap],
                                            reference: Reference, plain_audience: Audience) -> None:
    to_state(make_map(qualifiers=("WEAPON",), unit=reference.brent), "approved")
    to_state(make_map(qualifiers=("WEAPON",)), "in_review")
    weapon = reference.qualifiers["WEAPON"].id
    result = matrix(session, unit_id=reference.hackney.id, qualifier_id=weapon)
    assert result.cell(reference.elements["ROB"], plain_audience).state is CellState.IN_REVIEW
    result = matrix(session, unit_id=reference.brent.id, qualifier_id=weapon)
    assert result.cell(reference.elements["ROB"], plain_audience).state is CellState.APPROVED


# --- rows, columns and gaps --------------------------------------------------------------------


def test_retired_elements_and_audiences_are_left_out(
        session: Session, now: datetime, make_map: MapMaker,
        to_state: Callable[[MessageMap, str], MessageMap], people: People, reference: Reference,
        plain_audience: Audience, needy_audience: Audience, accessible: checks.VariantContent) -> None:
    to_state(make_map(element="HAR"), "approved")
    to_state(make_map(element="ROB", audience=needy_audience, variants=(accessible,)), "approved")
    catalogue.retire_item(session, ELEMENTS, reference.elements["HAR"], actor=people.author, now=now)
    catalogue.retire_item(session, AUDIENCES, cast(Any, needy_audience), actor=people.author, now=now)
    result = matrix(session)
    assert [e.code for e in result.elements] == ["MSV", "AWI", "SSO", "ROB", "HATE", "DV"]
    assert result.audiences == [plain_audience]
    assert len(result.cells) == 6
    with pytest.raises(KeyError):
        result.cell(reference.elements["HAR"], plain_audience)
    assert result.totals() == {CellState.APPROVED: 0, CellState.IN_REVIEW: 0, CellState.DRAFT: 0,
                               CellState.NONE: 6}


def test_gaps_list_cells_without_an_approved_message_highest_priority_first(
        session: Session, now: datetime, make_map: MapMaker,
        to_state: Callable[[MessageMap, str], MessageMap], people: People, reference: Reference,
        plain_audience: Audience, needy_audience: Audience, accessible: checks.VariantContent) -> None:
    for code in ("MSV", "AWI", "SSO", "DV", "HATE"):
        catalogue.retire_item(session, ELEMENTS, reference.elements[code], actor=people.author, now=now)
    urgent = make_element(session, now=now, code="ZZZ", name="Zebra crossing attacks", position=5)
    late = make_element(session, now=now, code="AAA", name="Affray", position=99)
    to_state(make_map(element="ROB", audience=plain_audience), "approved")
    to_state(make_map(element="HAR", audience=needy_audience, variants=(accessible,)), "in_review")
    result = matrix(session)
    assert [e.code for e in result.elements] == ["ZZZ", "ROB", "HAR", "AAA"]
    # Audiences by name: "Deaf and…" before "Residents…".
    assert result.audiences == [needy_audience, plain_audience]
    gaps = [(cell.element.code, cell.audience.name, cell.state) for cell in result.gaps]
    deaf, residents = needy_audience.name, plain_audience.name
    assert gaps == [("ZZZ", deaf, CellState.NONE), ("ZZZ", residents, CellState.NONE),
                    ("ROB", deaf, CellState.NONE),
                    ("HAR", deaf, CellState.IN_REVIEW), ("HAR", residents, CellState.NONE),
                    ("AAA", deaf, CellState.NONE), ("AAA", residents, CellState.NONE)]
    assert result.totals() == {CellState.APPROVED: 1, CellState.IN_REVIEW: 1, CellState.DRAFT: 0,
                               CellState.NONE: 6}
    assert urgent in result.elements and late in result.elements


# --- query counts ------------------------------------------------------------------------------


def queries(client: FlaskClient, url: str) -> tuple[int, str]:
    db.session.remove()
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count, response.text


PAGES = ["/messages/coverage", "/messages/", "/messages/coverage?unit={unit}&qualifier={qualifier}",
         "/messages/?unit={unit}&status=approved", "/messages/?qualifier={qualifier}",
         "/messages/?element={element}&audience={audience}"]


@pytest.mark.parametrize("page", PAGES)
def test_pages_send_the_same_queries_with_10_and_1000_maps(
        client: FlaskClient, session: Session, now: datetime, signed_in: Callable[..., User],
        reference: Reference, page: str) -> None:
    owners = [make_user(session, roles=(Role.COMMS_OFFICER,), now=now) for _ in range(3)]
    for number in range(4):
        make_audience(session, now=now, name=f"Audience {number}")
        make_channel(session, now=now, name=f"Channel {number}")
    session.commit()
    signed_in(Role.VIEWER)
    ids: dict[str, Any] = {
        "owner_ids": [user.id for user in owners],
        "element_ids": list(session.scalars(select(ViolenceElement.id))),
        "audience_ids": list(session.scalars(select(Audience.id))),
        "channel_ids": list(session.scalars(select(Channel.id))),
        "unit_ids": [None, reference.hackney.id, reference.brent.id],
        "qualifier_ids": list(session.scalars(select(Qualifier.id))),
    }
    url = page.format(unit=reference.hackney.id, qualifier=reference.qualifiers["WEAPON"].id,
                      element=ids["element_ids"][0], audience=ids["audience_ids"][0])
    insert_maps(10, now=now, **ids)
    few, few_html = queries(client, url)
    insert_maps(1_000, now=now, **ids)
    many, many_html = queries(client, url)
    assert few == many, f"{url}: {few} queries with 10 maps, {many} with 1,000"
    assert few <= 14
    if url == "/messages/":
        assert "10 message maps" in few_html and "1000 message maps" in many_html
    if url == "/messages/coverage":
        assert few_html != many_html
