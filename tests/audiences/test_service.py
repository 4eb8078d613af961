"""Rules for audiences, channels and affinity: uniqueness, channel limits, scores, audit."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from commsplan.audiences import service
from commsplan.audiences.kinds import AUDIENCES, CHANNELS, check_channel
from commsplan.audiences.models import (
    Affinity,
    Audience,
    Channel,
    ChannelKind,
    CostBand,
    LimitType,
    Segment,
)
from commsplan.auth.models import User
from commsplan.errors import Conflict, ValidationError
from commsplan.reference import service as catalogue
from commsplan.reference.kinds import ReferenceKind
from tests.audiences.helpers import count, entries, make_audience, make_channel, written

AUDIENCE_VALUES: dict[str, Any] = {
    "name": "  Parents of pupils in Hackney  ", "segment": Segment.PARENTS_CARERS, "age_band": " 30–55 ",
    "geography": "Hackney", "size_estimate": 42_000, "size_source": "School census 2025",
    "languages": ["en", "tr"], "accessibility_needs": ["Easy Read"],
    "insight_notes": "Worried about routes to school", "sensitivity_notes": "Avoid naming schools"}
CHANNEL_VALUES: dict[str, Any] = {
    "name": "Borough SMS alerts", "kind": ChannelKind.OWNED, "length_limit": 160,
    "limit_type": LimitType.HARD, "lead_time_days": 1, "reach": 9_000, "reach_unit": "subscribers",
    "cost_band": CostBand.LOW, "languages": ["en"], "accessibility_features": ["Plain English"],
    "urgent_capable": True, "operating_hours": "24/7"}
KIND_VALUES = {AUDIENCES.slug: AUDIENCE_VALUES, CHANNELS.slug: CHANNEL_VALUES}
MAKERS = {AUDIENCES.slug: make_audience, CHANNELS.slug: make_channel}
BOTH = pytest.mark.parametrize("kind", [AUDIENCES, CHANNELS], ids=lambda kind: kind.slug)


def make(session: Session, kind: ReferenceKind, now: datetime, **values: Any) -> Any:
    return MAKERS[kind.slug](session, now=now, **values)


# --- create, update, retire, restore ------------------------------------------------------------


def test_create_audience_stores_cleaned_values(session: Session, officer: User, now: datetime) -> None:
    item = catalogue.create_item(session, AUDIENCES, values=AUDIENCE_VALUES, actor=officer, now=now)
    session.commit()
    session.expire_all()
    stored = session.get(Audience, item.id)
    assert stored is not None
    assert (stored.name, stored.age_band) == ("Parents of pupils in Hackney", "30–55")
    assert stored.segment is Segment.PARENTS_CARERS
    assert stored.languages == ["en", "tr"] and stored.accessibility_needs == ["Easy Read"]
    assert stored.size_estimate == 42_000
    assert stored.created_at == now and stored.updated_at == now
    assert not stored.is_retired


def test_create_channel_stores_limits_and_flags(session: Session, officer: User, now: datetime) -> None:
    item = catalogue.create_item(session, CHANNELS, values=CHANNEL_VALUES, actor=officer, now=now)
    session.commit()
    session.expire_all()
    stored = session.get(Channel, item.id)
    assert stored is not None
    assert (stored.length_limit, stored.limit_type, stored.lead_time_days) == (160, LimitType.HARD, 1)
    assert stored.urgent_capable is True
    assert stored.accessibility_features == ["Plain English"]
    assert stored.cost_band is CostBand.LOW


@BOTH
def test_create_writes_an_audit_entry_naming_the_actor(session: Session, officer: User, now: datetime,
                                                       kind: ReferenceKind) -> None:
    item = catalogue.create_item(session, kind, values=KIND_VALUES[kind.slug], actor=officer, now=now)
    [entry] = entries(kind.audit_type, item.id)
    assert entry.action == "create"
    assert entry.actor_id == officer.id and entry.actor_name == "Olu Officer"
    assert entry.object_label == item.name
    assert entry.changes["languages"] == [None, KIND_VALUES[kind.slug]["languages"]]


@BOTH
@pytest.mark.parametrize("clash", ["Taken name", "TAKEN NAME", "taken name", "  Taken Name  "])
def test_names_are_unique_ignoring_case(session: Session, officer: User, now: datetime,
                                        kind: ReferenceKind, clash: str) -> None:
    make(session, kind, now, name="Taken name")
    before = written()
    with pytest.raises(ValidationError) as caught:
        catalogue.create_item(session, kind, values={**KIND_VALUES[kind.slug], "name": clash},
                              actor=officer, now=now)
    assert caught.value.errors == {"name": [f"Another {kind.singular} already has this name"]}
    assert written() == before


@BOTH
def test_renaming_onto_another_name_is_refused_but_own_name_in_new_case_is_fine(
        session: Session, officer: User, now: datetime, kind: ReferenceKind) -> None:
    make(session, kind, now, name="First")
    second = make(session, kind, now, name="Second")
    with pytest.raises(ValidationError) as caught:
        catalogue.update_item(session, kind, second, values={"name": "FIRST"}, actor=officer, now=now)
    assert "name" in caught.value.errors
    changes = catalogue.update_item(session, kind, second, values={"name": "SECOND"}, actor=officer,
                                    now=now)
    assert changes == {"name": ["Second", "SECOND"]}


@BOTH
def test_blank_name_is_refused(session: Session, officer: User, now: datetime, kind: ReferenceKind) -> None:
    with pytest.raises(ValidationError) as caught:
        catalogue.create_item(session, kind, values={**KIND_VALUES[kind.slug], "name": "   "},
                              actor=officer, now=now)
    assert caught.value.errors["name"] == ["Enter a name"]
    assert count(kind.model) == 0


def test_update_records_only_what_changed(session: Session, officer: User, now: datetime) -> None:
    audience = make_audience(session, now=now, languages=["en"], geography="Brent")
    later = now + timedelta(hours=2)
    changes = catalogue.update_item(session, AUDIENCES, audience, actor=officer, now=later,
                                    values={"languages": ["en", "so"], "geography": "Brent"})
    assert changes == {"languages": [["en"], ["en", "so"]]}
    assert audience.updated_at == later
    [_, update] = entries("audience", audience.id)
    assert update.action == "update" and update.changes == changes and update.at == later


def test_update_with_nothing_new_writes_no_audit_entry(session: Session, officer: User,
                                                       now: datetime) -> None:
    channel = make_channel(session, now=now, name="Radio")
    before = len(entries("channel", channel.id))
    assert catalogue.update_item(session, CHANNELS, channel, values={"name": " Radio "}, actor=officer,
                                 now=now) == {}
    assert len(entries("channel", channel.id)) == before


@BOTH
def test_retire_and_restore_are_audited_and_refused_twice(session: Session, officer: User,
                                                          now: datetime, kind: ReferenceKind) -> None:
    item = make(session, kind, now)
    catalogue.retire_item(session, kind, item, actor=officer, now=now)
    assert item.is_retired and item.retired_at == now
    assert item not in catalogue.active_items(session, kind)
    with pytest.raises(Conflict):
        catalogue.retire_item(session, kind, item, actor=officer, now=now)
    catalogue.restore_item(session, kind, item, actor=officer, now=now)
    assert not item.is_retired
    with pytest.raises(Conflict):
        catalogue.restore_item(session, kind, item, actor=officer, now=now)
    actions = [entry.action for entry in entries(kind.audit_type, item.id)]
    assert actions == ["create", "retire", "restore"]


def test_write_roles_are_comms_officer_or_admin() -> None:
    assert {role.value for role in AUDIENCES.write_roles} == {"comms_officer", "admin"}
    assert CHANNELS.write_roles == AUDIENCES.write_roles


# --- channel length rules ----------------------------------------------------------------------


@pytest.mark.parametrize(("length_limit", "limit_type", "expected"), [
    (None, LimitType.NONE, {}),
    (160, LimitType.HARD, {}),
    (280, LimitType.SOFT, {}),
    (None, LimitType.HARD, {"length_limit": ["Enter the length limit, or choose 'No length limit'"]}),
    (None, LimitType.SOFT, {"length_limit": ["Enter the length limit, or choose 'No length limit'"]}),
    (160, LimitType.NONE, {"limit_type": ["Choose whether the length limit is hard or soft"]}),
    (160, None, {"limit_type": ["Choose whether the length limit is hard or soft"]}),
    (None, "hard", {"length_limit": ["Enter the length limit, or choose 'No length limit'"]}),
])
def test_check_channel(session: Session, length_limit: int | None, limit_type: Any,
                       expected: dict[str, list[str]]) -> None:
    values = {"length_limit": length_limit, "limit_type": limit_type}
    assert check_channel(session, CHANNELS, values, None) == expected


@pytest.mark.parametrize(("length_limit", "limit_type", "field"), [
    (None, LimitType.HARD, "length_limit"),
    (140, LimitType.NONE, "limit_type"),
])
def test_create_channel_applies_the_length_rule(session: Session, officer: User, now: datetime,
                                                length_limit: int | None, limit_type: LimitType,
                                                field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        catalogue.create_item(session, CHANNELS, actor=officer, now=now, values={
            **CHANNEL_VALUES, "length_limit": length_limit, "limit_type": limit_type})
    assert list(caught.value.errors) == [field]
    assert count(Channel) == 0


def test_update_checks_the_rule_against_the_stored_values(session: Session, officer: User,
                                                          now: datetime) -> None:
    channel = make_channel(session, now=now, length_limit=160, limit_type=LimitType.HARD)
    with pytest.raises(ValidationError) as caught:
        catalogue.update_item(session, CHANNELS, channel, values={"length_limit": None}, actor=officer,
                              now=now)
    assert "length_limit" in caught.value.errors
    assert catalogue.update_item(session, CHANNELS, channel, actor=officer, now=now,
                                 values={"length_limit": None, "limit_type": LimitType.NONE})
    assert (channel.length_limit, channel.limit_type) == (None, LimitType.NONE)


# --- affinity ----------------------------------------------------------------------------------


@pytest.fixture
def pair(session: Session, now: datetime) -> tuple[Audience, Channel]:
    return make_audience(session, now=now, name="Pupils"), make_channel(session, now=now, name="Assemblies")


def test_set_affinity_creates_a_cell_and_audits_it(session: Session, officer: User, now: datetime,
                                                   pair: tuple[Audience, Channel]) -> None:
    audience, channel = pair
    assert service.set_affinity(session, audience=audience, channel=channel, score=3,
                                evidence="  Survey 2025 ", actor=officer, now=now) is True
    cell = service.affinities_for(session, audience.id, channel.id)
    assert cell is not None
    assert (cell.score, cell.evidence, cell.updated_at) == (3, "Survey 2025", now)
    [entry] = entries("affinity", f"{audience.id}:{channel.id}")
    assert entry.action == "create" and entry.actor_id == officer.id
    assert entry.object_label == "Assemblies → Pupils"
    assert entry.changes == {"score": [None, 3], "evidence": [None, "Survey 2025"]}


def test_set_affinity_updates_and_keeps_evidence_when_none_given(
        session: Session, officer: User, now: datetime, pair: tuple[Audience, Channel]) -> None:
    audience, channel = pair
    service.set_affinity(session, audience=audience, channel=channel, score=1, evidence="Focus group",
                         actor=officer, now=now)
    assert service.set_affinity(session, audience=audience, channel=channel, score=2, actor=officer,
                                now=now) is True
    cell = service.affinities_for(session, audience.id, channel.id)
    assert cell is not None and (cell.score, cell.evidence) == (2, "Focus group")
    update = entries("affinity", cell.id)[-1]
    assert update.action == "update" and update.changes == {"score": [1, 2]}


def test_set_affinity_with_the_same_values_changes_nothing(
        session: Session, officer: User, now: datetime, pair: tuple[Audience, Channel]) -> None:
    audience, channel = pair
    service.set_affinity(session, audience=audience, channel=channel, score=2, evidence="x", actor=officer,
                         now=now)
    before = written()
    assert service.set_affinity(session, audience=audience, channel=channel, score=2, evidence="x",
                                actor=officer, now=now) is False
    assert written() == before


def test_clearing_a_cell_deletes_it_with_an_audit_entry(
        session: Session, officer: User, now: datetime, pair: tuple[Audience, Channel]) -> None:
    audience, channel = pair
    service.set_affinity(session, audience=audience, channel=channel, score=2, actor=officer, now=now)
    assert service.set_affinity(session, audience=audience, channel=channel, score=None, actor=officer,
                                now=now) is True
    assert service.affinities_for(session, audience.id, channel.id) is None
    assert entries("affinity", f"{audience.id}:{channel.id}")[-1].action == "delete"
    assert service.set_affinity(session, audience=audience, channel=channel, score=None, actor=officer,
                                now=now) is False


@pytest.mark.parametrize(("score", "evidence", "field"), [
    (4, "", "score"),
    (-1, "", "score"),
    (99, "", "score"),
    (2, "e" * 1001, "evidence"),
    (None, "e" * 1001, "evidence"),
])
def test_set_affinity_refuses_bad_scores_and_long_evidence(
        session: Session, officer: User, now: datetime, pair: tuple[Audience, Channel],
        score: int | None, evidence: str, field: str) -> None:
    audience, channel = pair
    before = written()
    with pytest.raises(ValidationError) as caught:
        service.set_affinity(session, audience=audience, channel=channel, score=score, evidence=evidence,
                             actor=officer, now=now)
    assert list(caught.value.errors) == [field]
    assert written() == before


@pytest.mark.parametrize("score", [0, 1, 2, 3])
def test_every_score_from_0_to_3_is_accepted(session: Session, officer: User, now: datetime,
                                             pair: tuple[Audience, Channel], score: int) -> None:
    audience, channel = pair
    assert service.set_affinity(session, audience=audience, channel=channel, score=score,
                                evidence="e" * 1000, actor=officer, now=now)
    session.commit()
    assert count(Affinity) == 1


def test_set_scores_saves_a_grid_and_counts_the_changes(session: Session, officer: User,
                                                        now: datetime) -> None:
    pupils, parents = make_audience(session, now=now), make_audience(session, now=now)
    sms, radio = make_channel(session, now=now), make_channel(session, now=now)
    service.set_affinity(session, audience=pupils, channel=sms, score=1, evidence="Kept", actor=officer,
                         now=now)
    service.set_affinity(session, audience=parents, channel=radio, score=2, actor=officer, now=now)
    changed = service.set_scores(session, actor=officer, now=now, scores={
        (pupils.id, sms.id): 3,       # changed
        (pupils.id, radio.id): 0,     # new
        (parents.id, sms.id): None,   # blank and still blank
        (parents.id, radio.id): None,  # cleared
    })
    assert changed == 3
    cells = service.affinities(session)
    assert {cell: row.score for cell, row in cells.items()} == {
        (pupils.id, sms.id): 3, (pupils.id, radio.id): 0}
    assert cells[(pupils.id, sms.id)].evidence == "Kept"


def test_set_scores_with_the_same_grid_changes_nothing(session: Session, officer: User,
                                                       now: datetime, pair: tuple[Audience, Channel]) -> None:
    audience, channel = pair
    service.set_scores(session, scores={(audience.id, channel.id): 2}, actor=officer, now=now)
    before = written()
    assert service.set_scores(session, scores={(audience.id, channel.id): 2}, actor=officer, now=now) == 0
    assert written() == before


@pytest.mark.parametrize("score", [4, -1])
def test_set_scores_refuses_a_score_out_of_range(session: Session, officer: User, now: datetime,
                                                 pair: tuple[Audience, Channel], score: int) -> None:
    audience, channel = pair
    with pytest.raises(ValidationError) as caught:
        service.set_scores(session, scores={(audience.id, channel.id): score}, actor=officer, now=now)
    assert "score" in caught.value.errors


def test_set_scores_refuses_unknown_audiences_and_channels(session: Session, officer: User, now: datetime,
                                                           pair: tuple[Audience, Channel]) -> None:
    audience, channel = pair
    with pytest.raises(ValidationError) as caught:
        service.set_scores(session, scores={(audience.id, channel.id + 999): 2}, actor=officer, now=now)
    assert caught.value.errors == {f"cell-{audience.id}-{channel.id + 999}": ["No such audience or channel"]}


def test_grid_has_active_audiences_and_channels_by_name(session: Session, officer: User,
                                                        now: datetime) -> None:
    zoe, amy = make_audience(session, now=now, name="Zoe"), make_audience(session, now=now, name="Amy")
    gone = make_audience(session, now=now, name="Gone")
    catalogue.retire_item(session, AUDIENCES, gone, actor=officer, now=now)
    channel = make_channel(session, now=now)
    service.set_affinity(session, audience=zoe, channel=channel, score=1, actor=officer, now=now)
    audiences, channels, cells = service.grid(session)
    assert [a.name for a in audiences] == ["Amy", "Zoe"]
    assert channels == [channel]
    assert set(cells) == {(zoe.id, channel.id)}
    assert amy.id not in {a for a, _ in cells}
