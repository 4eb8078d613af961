"""Rules for reference data: uniqueness, parents, retire/restore, audit, and the seed."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role, User
from commsplan.errors import Conflict, NotFound, ValidationError
from commsplan.reference import service
from commsplan.reference.kinds import ELEMENTS, KINDS, QUALIFIERS, UNITS, ReferenceKind
from commsplan.reference.models import BusinessUnit, Qualifier, UnitKind, ViolenceElement
from commsplan.reference.seed import BOROUGHS, BUSINESS_GROUPS, SPECIALIST_UNITS, seed_reference
from tests.factories import make_element, make_qualifier, make_unit, make_user

MAKERS = {ELEMENTS: make_element, QUALIFIERS: make_qualifier, UNITS: make_unit}


@pytest.fixture
def admin(session: Session, now: datetime) -> User:
    return make_user(session, roles=(Role.ADMIN,), name="Ada Admin", now=now)


def entries_for(session: Session, obj: Any) -> list[AuditEntry]:
    query = select(AuditEntry).where(
        AuditEntry.object_type == obj.__audit_type__, AuditEntry.object_id == str(obj.id)
    ).order_by(AuditEntry.id)
    return list(session.scalars(query))


def count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def make(session: Session, ref_kind: ReferenceKind, now: datetime, /, **values: Any) -> Any:
    return MAKERS[ref_kind](session, now=now, **values)


# --- create and update -------------------------------------------------------------------------


def test_create_element_stores_cleaned_values_and_times(session: Session, admin: User,
                                                        now: datetime) -> None:
    item = service.create_item(session, ELEMENTS, actor=admin, now=now, values={
        "code": "  knife_x ", "name": "  Knife crime  ", "description": " Blades ",
        "parent_id": None, "position": 7})
    assert isinstance(item, ViolenceElement)
    assert item.id is not None
    assert (item.code, item.name, item.description, item.position) == (
        "KNIFE_X", "Knife crime", "Blades", 7)
    assert item.created_at == now and item.updated_at == now
    assert item.retired_at is None and not item.is_retired


def test_create_ignores_values_that_are_not_fields_of_the_kind(session: Session, admin: User,
                                                               now: datetime) -> None:
    item = service.create_item(session, QUALIFIERS, actor=admin, now=now, values={
        "code": "night", "name": "At night", "description": "", "position": 3,
        "parent_id": 99, "retired_at": now})
    assert isinstance(item, Qualifier)
    assert item.code == "NIGHT"
    assert item.retired_at is None


def test_create_writes_an_audit_entry_with_every_set_field(session: Session, admin: User,
                                                           now: datetime) -> None:
    corporate = make_unit(session, now=now, code="CORP", name="Corporate")
    unit = service.create_item(session, UNITS, actor=admin, now=now, values={
        "code": "hack", "name": "Hackney", "kind": UnitKind.BOROUGH_COMMAND,
        "parent_id": corporate.id, "description": "East"})
    [entry] = entries_for(session, unit)
    assert entry.action == "create"
    assert entry.at == now
    assert entry.actor_id == admin.id and entry.actor_name == "Ada Admin"
    assert entry.object_label == "HACK – Hackney"
    assert entry.changes == {
        "code": [None, "HACK"], "name": [None, "Hackney"], "kind": [None, "borough_command"],
        "parent_id": [None, corporate.id], "description": [None, "East"]}


def test_create_without_actor_is_audited_as_the_system(session: Session, now: datetime) -> None:
    item = make_qualifier(session, now=now)
    [entry] = entries_for(session, item)
    assert entry.actor_id is None
    assert entry.actor_name == "System"


def test_update_changes_fields_and_records_before_and_after(session: Session, admin: User,
                                                            now: datetime) -> None:
    item = make_element(session, now=now, code="ROB", name="Robbery", position=10)
    later = now + timedelta(hours=2)
    changes = service.update_item(session, ELEMENTS, item, actor=admin, now=later,
                                  values={"name": "Personal robbery", "position": 20, "code": "rob"})
    assert changes == {"name": ["Robbery", "Personal robbery"], "position": [10, 20]}
    assert item.name == "Personal robbery" and item.position == 20 and item.code == "ROB"
    assert item.created_at == now and item.updated_at == later
    create, update = entries_for(session, item)
    assert create.action == "create"
    assert update.action == "update"
    assert update.at == later and update.actor_id == admin.id
    assert update.changes == {"name": ["Robbery", "Personal robbery"], "position": [10, 20]}


def test_update_that_changes_nothing_writes_no_entry(session: Session, admin: User,
                                                     now: datetime) -> None:
    item = make_qualifier(session, now=now, code="WEAPON", name="Weapon-enabled")
    later = now + timedelta(hours=1)
    changes = service.update_item(session, QUALIFIERS, item, actor=admin, now=later,
                                  values={"code": " weapon ", "name": "Weapon-enabled "})
    assert changes == {}
    assert item.updated_at == now
    assert [e.action for e in entries_for(session, item)] == ["create"]


def test_update_may_keep_the_items_own_code_and_name(session: Session, admin: User,
                                                     now: datetime) -> None:
    item = make_unit(session, now=now, code="CORP", name="Corporate")
    changes = service.update_item(session, UNITS, item, actor=admin, now=now,
                                  values={"code": "corp", "name": "CORPORATE", "description": "All"})
    assert changes == {"name": ["Corporate", "CORPORATE"], "description": ["", "All"]}


def test_get_item_raises_not_found_for_unknown_id(session: Session) -> None:
    with pytest.raises(NotFound):
        service.get_item(session, QUALIFIERS, 424242)


# --- uniqueness --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS.values()), ids=list(KINDS))
@pytest.mark.parametrize(("field", "existing", "clash"), [
    ("code", "ABC", "abc"),
    ("code", "ABC", " Abc "),
    ("name", "Knife crime", "KNIFE CRIME"),
    ("name", "Knife crime", "  knife crime "),
])
def test_code_and_name_are_unique_ignoring_case(session: Session, admin: User, now: datetime,
                                                kind: ReferenceKind, field: str, existing: str,
                                                clash: str) -> None:
    make(session, kind, now, **{field: existing})
    before = (count(session, kind.model), count(session, AuditEntry))
    with pytest.raises(ValidationError) as caught:
        make(session, kind, now, **{field: clash})
    assert list(caught.value.errors) == [field]
    assert caught.value.errors[field] == [f"Another {kind.singular} already has this {field}"]
    assert (count(session, kind.model), count(session, AuditEntry)) == before


@pytest.mark.parametrize("kind", list(KINDS.values()), ids=list(KINDS))
@pytest.mark.parametrize("field", ["code", "name"])
@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_code_and_name_must_not_be_blank(session: Session, now: datetime, kind: ReferenceKind,
                                         field: str, blank: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make(session, kind, now, **{field: blank})
    assert caught.value.errors == {field: [f"Enter a {field}"]}
    assert count(session, kind.model) == 0


def test_update_refuses_a_blank_name(session: Session, admin: User, now: datetime) -> None:
    item = make_qualifier(session, now=now, name="Kept")
    with pytest.raises(ValidationError) as caught:
        service.update_item(session, QUALIFIERS, item, actor=admin, now=now, values={"name": "  "})
    assert caught.value.errors == {"name": ["Enter a name"]}
    assert item.name == "Kept"


def test_duplicate_code_and_name_are_both_reported(session: Session, now: datetime) -> None:
    make_qualifier(session, now=now, code="GROUP", name="Group offending")
    with pytest.raises(ValidationError) as caught:
        make_qualifier(session, now=now, code="group", name="group offending")
    assert set(caught.value.errors) == {"code", "name"}


def test_update_refuses_another_items_code(session: Session, admin: User, now: datetime) -> None:
    make_element(session, now=now, code="HATE", name="Hate crime")
    other = make_element(session, now=now, code="HAR", name="Harassment")
    with pytest.raises(ValidationError) as caught:
        service.update_item(session, ELEMENTS, other, actor=admin, now=now, values={"code": "hate"})
    assert caught.value.errors == {"code": ["Another violence element already has this code"]}
    session.refresh(other)
    assert other.code == "HAR"
    assert [e.action for e in entries_for(session, other)] == ["create"]


def test_the_same_code_may_be_used_by_different_kinds(session: Session, now: datetime) -> None:
    make_element(session, now=now, code="SAME", name="Same")
    make_qualifier(session, now=now, code="SAME", name="Same")
    make_unit(session, now=now, code="SAME", name="Same")
    assert count(session, ViolenceElement) == count(session, Qualifier) == 1
    assert count(session, BusinessUnit) == 1


def test_retired_items_still_hold_their_code(session: Session, admin: User, now: datetime) -> None:
    old = make_qualifier(session, now=now, code="OLD")
    service.retire_item(session, QUALIFIERS, old, actor=admin, now=now)
    with pytest.raises(ValidationError) as caught:
        make_qualifier(session, now=now, code="old")
    assert "code" in caught.value.errors


# --- parents -----------------------------------------------------------------------------------


@pytest.mark.parametrize("unit_kind", [UnitKind.BUSINESS_GROUP, UnitKind.BOROUGH_COMMAND,
                                       UnitKind.SPECIALIST_UNIT, "borough_command"])
def test_a_non_corporate_unit_needs_a_parent(session: Session, now: datetime,
                                             unit_kind: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        make_unit(session, now=now, kind=unit_kind, parent_id=None)
    assert caught.value.errors == {"parent_id": ["Select the unit this one reports to"]}
    assert count(session, BusinessUnit) == 0


def test_a_corporate_unit_needs_no_parent(session: Session, now: datetime) -> None:
    unit = make_unit(session, now=now, kind=UnitKind.CORPORATE)
    assert unit.parent_id is None


def test_removing_the_parent_of_a_borough_command_is_refused(session: Session, admin: User,
                                                             now: datetime) -> None:
    corporate = make_unit(session, now=now)
    borough = make_unit(session, now=now, parent=corporate)
    with pytest.raises(ValidationError) as caught:
        service.update_item(session, UNITS, borough, actor=admin, now=now, values={"parent_id": None})
    assert "parent_id" in caught.value.errors


def test_an_element_needs_no_parent(session: Session, now: datetime) -> None:
    assert make_element(session, now=now, parent_id=None).parent_id is None


@pytest.mark.parametrize("kind", [ELEMENTS, UNITS], ids=["elements", "units"])
def test_parent_must_exist(session: Session, now: datetime, kind: ReferenceKind) -> None:
    extra = {"kind": UnitKind.BOROUGH_COMMAND} if kind is UNITS else {}
    with pytest.raises(ValidationError) as caught:
        make(session, kind, now, parent_id=987654, **extra)
    assert caught.value.errors == {"parent_id": [f"Select a {kind.singular} from the list"]}
    assert count(session, kind.model) == 0


@pytest.mark.parametrize("kind", [ELEMENTS, UNITS], ids=["elements", "units"])
def test_parent_must_be_active(session: Session, admin: User, now: datetime,
                               kind: ReferenceKind) -> None:
    parent = make(session, kind, now, name="Old parent")
    service.retire_item(session, kind, parent, actor=admin, now=now)
    extra = {"kind": UnitKind.BOROUGH_COMMAND} if kind is UNITS else {}
    with pytest.raises(ValidationError) as caught:
        make(session, kind, now, parent_id=parent.id, **extra)
    assert caught.value.errors == {
        "parent_id": [f"Old parent is retired; select an active {kind.singular}"]}
    assert count(session, kind.model) == 1


def test_a_retired_current_parent_may_be_kept_when_editing(session: Session, admin: User,
                                                           now: datetime) -> None:
    parent = make_element(session, now=now)
    child = make_element(session, now=now, name="Child", parent_id=parent.id)
    service.retire_item(session, ELEMENTS, child, actor=admin, now=now)
    service.retire_item(session, ELEMENTS, parent, actor=admin, now=now)
    changes = service.update_item(session, ELEMENTS, child, actor=admin, now=now,
                                  values={"name": "Renamed", "parent_id": parent.id})
    assert changes == {"name": ["Child", "Renamed"]}
    assert child.parent_id == parent.id


def test_an_element_cannot_be_its_own_parent(session: Session, admin: User, now: datetime) -> None:
    item = make_element(session, now=now, name="Loop")
    with pytest.raises(ValidationError) as caught:
        service.update_item(session, ELEMENTS, item, actor=admin, now=now,
                            values={"parent_id": item.id})
    assert caught.value.errors == {"parent_id": ["Loop is inside Loop; choose a parent above it"]}
    assert item.parent_id is None


def test_an_item_cannot_move_under_its_own_descendant(session: Session, admin: User,
                                                      now: datetime) -> None:
    top = make_unit(session, now=now, name="Top")
    middle = make_unit(session, now=now, parent=top, kind=UnitKind.BUSINESS_GROUP, name="Middle")
    bottom = make_unit(session, now=now, parent=middle, name="Bottom")
    for descendant in (middle, bottom):
        with pytest.raises(ValidationError) as caught:
            service.update_item(session, UNITS, top, actor=admin, now=now,
                                values={"kind": UnitKind.BUSINESS_GROUP, "parent_id": descendant.id})
        assert caught.value.errors == {
            "parent_id": [f"{descendant.name} is inside Top; choose a parent above it"]}
    assert top.parent_id is None and top.kind is UnitKind.CORPORATE
    assert [e.action for e in entries_for(session, top)] == ["create"]


def test_an_item_may_move_to_a_sibling_branch(session: Session, admin: User, now: datetime) -> None:
    top = make_unit(session, now=now)
    left = make_unit(session, now=now, parent=top, kind=UnitKind.BUSINESS_GROUP)
    right = make_unit(session, now=now, parent=top, kind=UnitKind.BUSINESS_GROUP)
    leaf = make_unit(session, now=now, parent=left)
    service.update_item(session, UNITS, leaf, actor=admin, now=now, values={"parent_id": right.id})
    assert leaf.parent_id == right.id
    assert entries_for(session, leaf)[-1].changes == {"parent_id": [left.id, right.id]}


# --- retire and restore ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS.values()), ids=list(KINDS))
def test_retire_then_restore_is_audited(session: Session, admin: User, now: datetime,
                                        kind: ReferenceKind) -> None:
    item = make(session, kind, now)
    retired_at, restored_at = now + timedelta(days=1), now + timedelta(days=2)
    service.retire_item(session, kind, item, actor=admin, now=retired_at)
    assert item.retired_at == retired_at and item.is_retired
    assert item.updated_at == retired_at
    service.restore_item(session, kind, item, actor=admin, now=restored_at)
    assert item.retired_at is None and not item.is_retired
    assert item.updated_at == restored_at
    _, retire, restore = entries_for(session, item)
    assert (retire.action, retire.at, retire.actor_id) == ("retire", retired_at, admin.id)
    assert retire.changes == {"retired_at": [None, retired_at.isoformat()]}
    assert (restore.action, restore.at) == ("restore", restored_at)
    assert restore.changes == {"retired_at": [retired_at.isoformat(), None]}


def test_retiring_twice_is_a_conflict(session: Session, admin: User, now: datetime) -> None:
    item = make_qualifier(session, now=now)
    service.retire_item(session, QUALIFIERS, item, actor=admin, now=now)
    with pytest.raises(Conflict, match="already retired"):
        service.retire_item(session, QUALIFIERS, item, actor=admin, now=now + timedelta(hours=1))
    assert item.retired_at == now


def test_restoring_an_active_item_is_a_conflict(session: Session, admin: User,
                                                now: datetime) -> None:
    item = make_qualifier(session, now=now)
    with pytest.raises(Conflict, match="not retired"):
        service.restore_item(session, QUALIFIERS, item, actor=admin, now=now)
    assert [e.action for e in entries_for(session, item)] == ["create"]


@pytest.mark.parametrize("kind", [ELEMENTS, UNITS], ids=["elements", "units"])
def test_retire_is_refused_while_active_children_exist(session: Session, admin: User, now: datetime,
                                                       kind: ReferenceKind) -> None:
    parent = make(session, kind, now, name="Parent")
    extra = {"kind": UnitKind.BOROUGH_COMMAND} if kind is UNITS else {}
    first = make(session, kind, now, parent_id=parent.id, **extra)
    make(session, kind, now, parent_id=parent.id, **extra)
    with pytest.raises(Conflict) as caught:
        service.retire_item(session, kind, parent, actor=admin, now=now)
    assert caught.value.message.startswith(f"Parent has 2 active {kind.plural} under it")
    assert parent.retired_at is None
    service.retire_item(session, kind, first, actor=admin, now=now)
    with pytest.raises(Conflict, match=f"1 active {kind.plural}"):
        service.retire_item(session, kind, parent, actor=admin, now=now)


def test_retire_is_allowed_once_every_child_is_retired(session: Session, admin: User,
                                                       now: datetime) -> None:
    parent = make_element(session, now=now)
    child = make_element(session, now=now, parent_id=parent.id)
    service.retire_item(session, ELEMENTS, child, actor=admin, now=now)
    service.retire_item(session, ELEMENTS, parent, actor=admin, now=now)
    assert parent.is_retired


def test_restore_is_refused_while_the_parent_is_retired(session: Session, admin: User,
                                                        now: datetime) -> None:
    parent = make_element(session, now=now, name="Hate crime")
    child = make_element(session, now=now, name="Domestic violence", parent_id=parent.id)
    service.retire_item(session, ELEMENTS, child, actor=admin, now=now)
    service.retire_item(session, ELEMENTS, parent, actor=admin, now=now)
    with pytest.raises(Conflict) as caught:
        service.restore_item(session, ELEMENTS, child, actor=admin, now=now)
    assert caught.value.message == "Restore Hate crime first: Domestic violence sits under it"
    assert child.is_retired
    service.restore_item(session, ELEMENTS, parent, actor=admin, now=now)
    service.restore_item(session, ELEMENTS, child, actor=admin, now=now)
    assert not child.is_retired


# --- choices and queries -----------------------------------------------------------------------


def test_active_items_leave_out_retired_ones_in_order(session: Session, admin: User,
                                                      now: datetime) -> None:
    second = make_element(session, now=now, name="B second", position=20)
    first = make_element(session, now=now, name="Z first", position=10)
    tie = make_element(session, now=now, name="A tie", position=20)
    gone = make_element(session, now=now, position=5)
    service.retire_item(session, ELEMENTS, gone, actor=admin, now=now)
    assert service.active_items(session, ELEMENTS) == [first, tie, second]


def test_items_query_lists_retired_last_and_searches_name_and_code(session: Session, admin: User,
                                                                   now: datetime) -> None:
    gone = make_qualifier(session, now=now, code="ALPHA", name="Retired one", position=1)
    kept = make_qualifier(session, now=now, code="BETA", name="Alpha male", position=2)
    other = make_qualifier(session, now=now, code="GAMMA", name="Other", position=3)
    service.retire_item(session, QUALIFIERS, gone, actor=admin, now=now)
    every = list(session.scalars(service.items_query(QUALIFIERS)))
    assert every == [kept, other, gone]
    found = list(session.scalars(service.items_query(QUALIFIERS, search="  alpha ")))
    assert found == [kept, gone]
    active = list(session.scalars(service.items_query(QUALIFIERS, include_retired=False,
                                                      search="ALPHA")))
    assert active == [kept]


def test_parent_choices_offer_active_items_but_not_the_item_itself(session: Session, admin: User,
                                                                   now: datetime) -> None:
    corporate = make_unit(session, now=now, name="A corporate")
    group = make_unit(session, now=now, parent=corporate, kind=UnitKind.BUSINESS_GROUP,
                      name="B group")
    old = make_unit(session, now=now, parent=corporate, name="C old")
    service.retire_item(session, UNITS, old, actor=admin, now=now)
    assert service.parent_choices(session, UNITS) == [corporate, group]
    assert service.parent_choices(session, UNITS, group) == [corporate]
    assert old not in service.parent_choices(session, UNITS, corporate)


def test_a_retired_current_parent_stays_offered_for_that_item_only(session: Session, admin: User,
                                                                   now: datetime) -> None:
    parent = make_element(session, now=now, name="Old parent", position=1)
    child = make_element(session, now=now, name="Child", parent_id=parent.id, position=2)
    other = make_element(session, now=now, name="Other", position=3)
    service.retire_item(session, ELEMENTS, child, actor=admin, now=now)
    service.retire_item(session, ELEMENTS, parent, actor=admin, now=now)
    assert service.parent_choices(session, ELEMENTS, child) == [other, parent]
    assert parent not in service.parent_choices(session, ELEMENTS, other)
    assert parent not in service.parent_choices(session, ELEMENTS)


def test_qualifiers_have_no_parent_rules(session: Session, admin: User, now: datetime) -> None:
    item = make_qualifier(session, now=now)
    service.retire_item(session, QUALIFIERS, item, actor=admin, now=now)
    service.restore_item(session, QUALIFIERS, item, actor=admin, now=now)
    assert not item.is_retired


# --- seed --------------------------------------------------------------------------------------


def by_code(session: Session, model: Any) -> dict[str, Any]:
    return {item.code: item for item in session.scalars(select(model))}


def test_seed_adds_the_strategys_elements_and_qualifiers(session: Session, now: datetime) -> None:
    seed_reference(session, actor=None, now=now)
    elements = by_code(session, ViolenceElement)
    assert set(elements) == {"MSV", "AWI", "SSO", "ROB", "HATE", "DV", "HAR"}
    assert elements["DV"].parent_id == elements["HATE"].id
    assert all(e.parent_id is None for code, e in elements.items() if code != "DV")
    assert [e.code for e in service.active_items(session, ELEMENTS)] == [
        "MSV", "AWI", "SSO", "ROB", "HATE", "DV", "HAR"]
    assert set(by_code(session, Qualifier)) == {"REPEAT_VICTIM", "WEAPON", "GROUP", "ASB_ESCALATION"}


def test_seed_adds_the_forces_business_units(session: Session, now: datetime) -> None:
    seed_reference(session, actor=None, now=now)
    units = by_code(session, BusinessUnit)
    kinds = [unit.kind for unit in units.values()]
    assert len(units) == 1 + 6 + 32 + len(SPECIALIST_UNITS)
    assert kinds.count(UnitKind.CORPORATE) == 1
    assert kinds.count(UnitKind.BUSINESS_GROUP) == 6 == len(BUSINESS_GROUPS)
    assert kinds.count(UnitKind.BOROUGH_COMMAND) == 32 == len(BOROUGHS)
    assert kinds.count(UnitKind.SPECIALIST_UNIT) == len(SPECIALIST_UNITS) > 0
    corporate = units["CORP"]
    assert corporate.kind is UnitKind.CORPORATE and corporate.parent_id is None
    for code, _, _ in BUSINESS_GROUPS:
        assert units[code].parent_id == corporate.id
    boroughs = [u for u in units.values() if u.kind is UnitKind.BOROUGH_COMMAND]
    assert {u.parent_id for u in boroughs} == {units["TP"].id}
    assert units["GD"].name == "Hackney borough command"
    for code, _, parent, _ in SPECIALIST_UNITS:
        assert units[code].parent_id == units[parent].id


def test_seed_records_what_it_added_and_audits_it(session: Session, now: datetime) -> None:
    added = seed_reference(session, actor=None, now=now)
    total = count(session, ViolenceElement) + count(session, Qualifier) + count(session, BusinessUnit)
    assert len(added) == total == 7 + 4 + 46
    assert "violence element DV" in added and "business unit CORP" in added
    assert count(session, AuditEntry) == total
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action != "create")) == 0


def test_seed_is_idempotent(session: Session, now: datetime) -> None:
    seed_reference(session, actor=None, now=now)
    before = (count(session, ViolenceElement), count(session, Qualifier),
              count(session, BusinessUnit), count(session, AuditEntry))
    assert seed_reference(session, actor=None, now=now + timedelta(days=1)) == []
    after = (count(session, ViolenceElement), count(session, Qualifier),
             count(session, BusinessUnit), count(session, AuditEntry))
    assert after == before


def test_seed_fills_gaps_without_changing_existing_rows(session: Session, admin: User,
                                                        now: datetime) -> None:
    seed_reference(session, actor=None, now=now)
    units = by_code(session, BusinessUnit)
    service.update_item(session, UNITS, units["GD"], actor=admin, now=now,
                        values={"name": "Hackney (renamed)"})
    dv = by_code(session, ViolenceElement)["DV"]
    session.delete(dv)
    session.flush()
    added = seed_reference(session, actor=None, now=now)
    assert added == ["violence element DV"]
    assert by_code(session, BusinessUnit)["GD"].name == "Hackney (renamed)"
    elements = by_code(session, ViolenceElement)
    assert elements["DV"].parent_id == elements["HATE"].id
