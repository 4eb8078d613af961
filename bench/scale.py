"""A London-scale database for the benchmarks, built with bulk inserts on top of the demo data.

At scale 1.0: 46 business units, 40 audiences, 25 channels, 5,000 message maps, 20,000 plan
activities over an approved plan per borough command (and the corporate plan) for the financial
year, 2,000 incidents with 40,000 tasks (a few active, most closed), 100,000 reminders each with
its in-app delivery and inbox item. Reference data (units, audiences, channels) stays the same
size at every scale; everything else is scaled.

The demo data comes first (through the services, so every kind of record exists in a valid
state); the bulk rows copy its shapes. Incidents are copies of the two demo incidents, moved in
time, with their tasks, clocks, role holders, timeline, assessments and debriefs (not their
decision logs, whose entries are signed in a chain). On SQLite the result is cached in
bench/.cache/ by Alembic head revision and scale; on PostgreSQL it is built each run.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import Table, func, insert, select, text

from commsplan import create_app
from commsplan.audiences.models import Affinity, Audience, Channel
from commsplan.auth.models import User
from commsplan.demo.service import load_demo
from commsplan.extensions import db
from commsplan.incidents.models import (
    Debrief,
    ImpactAssessment,
    Incident,
    IncidentAnchor,
    IncidentMode,
    IncidentStatus,
    IncidentTask,
    RoleAssignment,
    TimelineEvent,
)
from commsplan.messages.models import MessageMap, MessageVariant, MessageVersion, Tone, message_map_qualifiers
from commsplan.notifications.models import Delivery, InboxItem, Reminder
from commsplan.plans.models import Activity, CommPlan, activity_audiences
from commsplan.reference.models import BusinessUnit, Qualifier, UnitKind, ViolenceElement
from commsplan.risk.models import RiskProfile, RiskProfileEntry
from commsplan.risk.profiles import financial_year
from commsplan.timeutil import london_moment

CACHE = Path(__file__).parent / ".cache"
MIGRATIONS = Path(__file__).parent.parent / "commsplan" / "migrations"
SECRET_KEY = "london-benchmark-secret-key-0123456789"
UNITS, AUDIENCES, CHANNELS = 46, 40, 25
MAPS, ACTIVITIES, INCIDENTS, TASKS_PER_INCIDENT, REMINDERS = 5_000, 20_000, 2_000, 20, 100_000
ACTIVE_EVERY = 100  # one incident in a hundred is still active
BATCH = 10_000
MAP_STATES = (("approved", 1), ("in_review", None), ("draft", None), ("approved", 1))
ACTIVITY_STATUSES = ("planned", "in_production", "scheduled", "live", "done", "cancelled")
CHANNEL_KINDS = ("owned", "earned", "paid", "shared", "face_to_face", "partner")
SEGMENTS = ("public", "young_people", "parents_carers", "education", "victims_families", "at_risk",
            "faith_community", "business", "partner", "governance", "media", "internal")


@dataclass(frozen=True)
class Sizes:
    maps: int
    activities: int
    incidents: int
    reminders: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        return cls(maps=round(MAPS * scale), activities=round(ACTIVITIES * scale),
                   incidents=round(INCIDENTS * scale), reminders=round(REMINDERS * scale))


def alembic_head() -> str:
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None
    return head


def bench_app(url: str, instance: str | Path) -> Flask:
    """The app in-process on `url`, CSRF off so the test client can sign in."""
    os.environ["COMMSPLAN_INSTANCE_PATH"] = str(instance)
    return create_app({"ENV": "testing", "TESTING": True, "WTF_CSRF_ENABLED": False,
                       "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY})


def cached_sqlite(scale: float) -> Path:
    """The SQLite file for `scale` at the current schema, built first when it is not cached yet."""
    head = alembic_head()
    path = CACHE / f"london-{head}-{scale:g}.sqlite3"
    if not path.exists():
        build_sqlite(path, scale, demo=CACHE / f"demo-{head}.sqlite3",
                     instance=tempfile.mkdtemp(prefix="commsplan-london-build-"))
    return path


def build_sqlite(path: Path, scale: float, *, demo: Path, instance: str | Path) -> None:
    """Copy the demo database (built first when missing) to `path` and fill it to `scale`."""
    if not demo.exists():
        demo.parent.mkdir(parents=True, exist_ok=True)
        building = demo.with_suffix(".building")
        building.unlink(missing_ok=True)
        with bench_app_context(f"sqlite:///{building}", instance):
            db.create_all()
            load_demo(db.session(), now=datetime.now(UTC))
            db.session.commit()
        shutil.move(building, demo)
    building = path.with_suffix(".building")
    shutil.copyfile(demo, building)
    with bench_app_context(f"sqlite:///{building}", instance):
        db.session.execute(text("PRAGMA synchronous=OFF"))
        fill(Sizes.at(scale), datetime.now(UTC))
        db.session.commit()
    shutil.move(building, path)


def build_postgresql(url: str, scale: float, *, instance: str | Path) -> None:
    """The demo data and then `scale`'s bulk rows, into the (empty) database or schema at `url`."""
    with bench_app_context(url, instance):
        db.create_all()
        now = datetime.now(UTC)
        load_demo(db.session(), now=now)
        db.session.commit()
        fill(Sizes.at(scale), now)
        db.session.commit()


@contextmanager
def bench_app_context(url: str, instance: str | Path) -> Iterator[None]:
    """An app context on `url` whose connections are closed afterwards (so SQLite's WAL is folded in)."""
    with bench_app(url, instance).app_context():
        yield
        db.session.remove()
        db.engine.dispose()


EXPLICIT_IDS: tuple[Any, ...] = (MessageMap, MessageVersion, Activity, Incident, Reminder)


def fill(sizes: Sizes, now: datetime) -> None:
    add_units(now)
    add_audiences_and_channels(now)
    add_maps(sizes.maps, now)
    add_plans(sizes.activities, now)
    add_incidents(sizes.incidents, now)
    add_reminders(sizes.reminders, now)
    if db.session.get_bind().dialect.name == "postgresql":
        for model in EXPLICIT_IDS:  # rows went in with their ids: move the sequences past them
            table = model.__tablename__
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT max(id) FROM {table}))"))


def ids(model: Any, *where: Any) -> list[int]:
    return list(db.session.scalars(select(model.id).where(*where).order_by(model.id)))


def next_id(model: Any) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def bulk(target: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(target), rows[start:start + BATCH])


def add_units(now: datetime) -> None:
    """Specialist units under the corporate unit until there are UNITS."""
    have = len(ids(BusinessUnit))
    corporate = ids(BusinessUnit, BusinessUnit.kind == UnitKind.CORPORATE)[0]
    bulk(BusinessUnit, [{"code": f"SU{n}", "name": f"Specialist unit {n}", "kind": UnitKind.SPECIALIST_UNIT,
                         "parent_id": corporate, "description": "Added for the London benchmark",
                         "created_at": now, "updated_at": now} for n in range(have, UNITS)])


def add_audiences_and_channels(now: datetime) -> None:
    """Audiences and channels until there are AUDIENCES and CHANNELS, each new pair scored."""
    old_audiences, old_channels = set(ids(Audience)), set(ids(Channel))
    bulk(Audience, [{"name": f"Local audience {n}", "segment": SEGMENTS[n % len(SEGMENTS)],
                     "age_band": "16–24" if n % 2 else "All ages", "geography": f"Borough {n}",
                     "size_estimate": 1000 * n, "size_source": "Census 2021", "languages": ["en"],
                     "accessibility_needs": ["Plain English"], "insight_notes": "Benchmark audience",
                     "sensitivity_notes": "", "created_at": now, "updated_at": now}
                    for n in range(len(old_audiences), AUDIENCES)])
    bulk(Channel, [{"name": f"Local channel {n}", "kind": CHANNEL_KINDS[n % len(CHANNEL_KINDS)],
                    "length_limit": 280 if n % 2 else None, "limit_type": "soft" if n % 2 else "none",
                    "lead_time_days": n % 5, "reach": 500 * n, "reach_unit": "people",
                    "cost_band": "low", "languages": ["en"], "accessibility_features": ["Alt text on images"],
                    "urgent_capable": n % 3 == 0, "operating_hours": "", "created_at": now,
                    "updated_at": now} for n in range(len(old_channels), CHANNELS)])
    pairs = itertools.product(ids(Audience), ids(Channel))
    bulk(Affinity, [{"audience_id": a, "channel_id": c, "score": (a + c) % 4, "evidence": "",
                     "updated_at": now}
                    for a, c in pairs if a not in old_audiences or c not in old_channels])


def add_maps(total: int, now: datetime) -> None:
    """Maps (each with one version in two channels) until there are `total`; a third carry a qualifier."""
    elements, audiences = ids(ViolenceElement), ids(Audience)
    channels, qualifiers = ids(Channel), ids(Qualifier)
    units: list[int | None] = [None, *ids(BusinessUnit)]
    owners = ids(User)
    start = len(ids(MessageMap))
    first_map, first_version = next_id(MessageMap), next_id(MessageVersion)
    maps, versions, variants, links = [], [], [], []
    for offset, n in enumerate(range(start, total)):
        map_id, version_id = first_map + offset, first_version + offset
        status, approved = MAP_STATES[n % len(MAP_STATES)]
        owner = owners[n % len(owners)]
        maps.append({"id": map_id, "element_id": elements[n % len(elements)],
                     "audience_id": audiences[n % len(audiences)], "unit_id": units[n % len(units)],
                     "owner_id": owner, "status": status, "latest_number": 1, "approved_number": approved,
                     "approved_at": now if approved else None, "approved_by_id": owner if approved else None,
                     "review_date": (now + timedelta(days=n % 365)).date(), "created_at": now,
                     "updated_at": now})
        versions.append({"id": version_id, "map_id": map_id, "number": 1, "concern": f"Worry number {n}",
                         "key_messages": [{"text": f"What we say, point {n}", "facts": []}],
                         "call_to_action": "Call 101 or 999 in an emergency", "ripe_strands": ["prevention"],
                         "tone": Tone.REASSURING, "change_note": "", "created_by_id": owner,
                         "created_at": now, "approved_at": now if approved else None,
                         "approved_by_id": owner if approved else None})
        variants += [{"version_id": version_id, "channel_id": channels[(n + k) % len(channels)],
                      "language": "en", "body": f"Words for channel {k} of map {n}", "has_media": False,
                      "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
                      "translation_status": "original"} for k in range(2)]
        if n % 3 == 0:
            links.append({"map_id": map_id, "qualifier_id": qualifiers[n % len(qualifiers)]})
    bulk(MessageMap, maps)
    bulk(MessageVersion, versions)
    bulk(MessageVariant, variants)
    bulk(message_map_qualifiers, links)


def plan_units() -> list[int]:
    kinds = (UnitKind.CORPORATE, UnitKind.BOROUGH_COMMAND)
    return ids(BusinessUnit, BusinessUnit.kind.in_(kinds))


def add_plans(total: int, now: datetime) -> None:
    """An approved plan and risk profile for the year for every borough and the corporate unit, then
    activities spread over the plans and the year until the year has `total`."""
    year = financial_year(now)
    elements, owners = ids(ViolenceElement, ViolenceElement.parent_id.is_(None)), ids(User)
    for unit in plan_units():
        ensure_profile(unit, year, elements, now)
        found = select(CommPlan.id).where(CommPlan.unit_id == unit, CommPlan.year == year)
        if db.session.scalar(found) is None:
            db.session.execute(insert(CommPlan).values(
                unit_id=unit, year=year, title=f"Violence communication plan {year} (unit {unit})",
                owner_id=owners[0], status="approved", version_number=1, approved_number=1,
                objectives="Reduce fear of violence", audience_insight="From the risk profile",
                strategy="Prevention first", implementation="Monthly waves", scoring="Survey",
                approved_at=now, approved_by_id=owners[0], created_at=now, updated_at=now))
    plans = ids(CommPlan, CommPlan.year == year)
    have = db.session.scalar(select(func.count(Activity.id)).join(CommPlan).where(CommPlan.year == year)) or 0
    add_activities(plans, total - have, owners, now, year)


def ensure_profile(unit: int, year: int, elements: list[int], now: datetime) -> None:
    if db.session.scalar(select(RiskProfile.id).where(RiskProfile.unit_id == unit, RiskProfile.year == year)):
        return
    profile = db.session.execute(insert(RiskProfile).values(
        unit_id=unit, year=year, status="approved", notes="", approved_at=now, created_at=now,
        updated_at=now).returning(RiskProfile.id)).scalar_one()
    bulk(RiskProfileEntry, [{"profile_id": profile, "element_id": element, "volume": 40 + 17 * n,
                             "harm_score": 900.0 - 50 * n, "harm_method": "CCHI", "likelihood": "medium",
                             "override_reason": "", "victims": "aged 12–19", "offenders": "",
                             "locations": "town centre", "times": "evenings"}
                            for n, element in enumerate(elements)])


def add_activities(plans: list[int], count: int, owners: list[int], now: datetime, year: int) -> None:
    elements, channels, audiences = ids(ViolenceElement), ids(Channel), ids(Audience)
    maps = ids(MessageMap, MessageMap.status == "approved")
    start = london_moment(date(year, 4, 1), "09:00")
    first = next_id(Activity)
    rows, links = [], []
    for n in range(max(count, 0)):
        begins = start + timedelta(hours=(37 * n) % (364 * 24))
        rows.append({"id": first + n, "plan_id": plans[n % len(plans)], "title": f"School talks, round {n}",
                     "element_id": elements[n % len(elements)], "channel_id": channels[n % len(channels)],
                     "message_map_id": maps[n % len(maps)] if n % 4 else None, "starts_at": begins,
                     "ends_at": begins + timedelta(days=1 + n % 10), "owner_id": owners[n % len(owners)],
                     "status": ACTIVITY_STATUSES[n % len(ACTIVITY_STATUSES)], "ripe_strand": "prevention",
                     "cost_pounds": n % 700, "reminder_days": 7, "notes": "", "created_at": now,
                     "updated_at": now})
        links += [{"activity_id": first + n, "audience_id": audiences[(n + k) % len(audiences)]}
                  for k in range(1 + n % 2)]
    bulk(Activity, rows)
    bulk(activity_audiences, links)


CLONED: tuple[Any, ...] = (IncidentAnchor, RoleAssignment, TimelineEvent, ImpactAssessment, Debrief)


def rows_of(model: Any, incident: int) -> list[dict[str, Any]]:
    table: Table = model.__table__
    found = db.session.execute(select(table).where(table.c.incident_id == incident).order_by(table.c.id))
    return [dict(row._mapping) for row in found]


def moved(row: dict[str, Any], by: timedelta, **changes: Any) -> dict[str, Any]:
    """A copy of `row` without its id, every time in it moved by `by`, with `changes`."""
    copy = {key: value + by if isinstance(value, datetime) else value
            for key, value in row.items() if key != "id"}
    return {**copy, **changes}


def twenty_tasks(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """TASKS_PER_INCIDENT tasks from the demo incident's: the first ones, or all of them again as
    later occurrences of their steps when there are fewer."""
    chosen = []
    for n in range(TASKS_PER_INCIDENT):
        task = tasks[n % len(tasks)]
        chosen.append({**task, "occurrence": task["occurrence"] + n // len(tasks)})
    return chosen


def add_incidents(total: int, now: datetime) -> None:
    """Copies of the demo incidents until there are `total`: one in ACTIVE_EVERY copies the active one
    (every other one an exercise), the rest copy the closed one, spread back over the past year."""
    templates = {row.status: row for row in db.session.execute(select(Incident.__table__))}
    closed, active = templates[IncidentStatus.CLOSED], templates[IncidentStatus.ACTIVE]
    tasks = {status: rows_of(IncidentTask, template.id) for status, template in templates.items()}
    parts = {(status, model): rows_of(model, template.id)
             for status, template in templates.items() for model in CLONED}
    boroughs = ids(BusinessUnit, BusinessUnit.kind == UnitKind.BOROUGH_COMMAND)
    first = next_id(Incident)
    incidents: list[dict[str, Any]] = []
    children: dict[Any, list[dict[str, Any]]] = {model: [] for model in (IncidentTask, *CLONED)}
    for n in range(max(total - len(templates), 0)):
        is_active = n % ACTIVE_EVERY == 0
        template = active if is_active else closed
        # Active copies a few minutes apart; closed ones every four hours back over the past year.
        by = (-timedelta(minutes=7 * n) if is_active
              else now - template.created_at - timedelta(hours=4 * n + 48))
        incident = first + n
        mode = IncidentMode.EXERCISE if is_active and n % (2 * ACTIVE_EVERY) else IncidentMode.LIVE
        incidents.append(moved(dict(template._mapping), by, id=incident, reference=f"LDN-{n:05d}",
                               title=f"{template.title} ({n})", unit_id=boroughs[n % len(boroughs)],
                               mode=mode))
        children[IncidentTask] += [moved(task, by, incident_id=incident) for task in twenty_tasks(
            tasks[template.status])]
        for model in CLONED:
            children[model] += [moved(row, by, incident_id=incident)
                                for row in parts[(template.status, model)]]
    bulk(Incident, incidents)
    for model, rows in children.items():
        bulk(model, rows)


def add_reminders(total: int, now: datetime) -> None:
    """Reminders that went out over the past year, each with its in-app delivery and inbox item (most
    read), until there are `total`; one in fifty is still pending, due over the next month."""
    people = ids(User)
    start, first = len(ids(Reminder)), next_id(Reminder)
    reminders, deliveries, inbox = [], [], []
    for offset, n in enumerate(range(start, total)):
        reminder, person = first + offset, people[n % len(people)]
        pending = n % 50 == 0
        due = now + timedelta(minutes=37 * n % 43_200) if pending else now - timedelta(minutes=5 * n + 60)
        reminders.append({
            "id": reminder, "idempotency_key": f"london:{n}", "kind": "general", "urgency": "normal",
            "recipient_user_id": person, "recipient_role": None, "recipient_unit_id": None,
            "subject_type": "bench", "subject_id": str(n), "subject_title": f"Check the school talk plan {n}",
            "subject_link": "/plans/", "body": "Look at the bookings before Friday.", "due_at": due,
            "deliver_at": due, "status": "pending" if pending else "dispatched", "round": 1,
            "dispatched_at": None if pending else due, "late": False, "in_app_only": False,
            "supersedes_key": None, "created_by_id": people[0], "created_at": due - timedelta(days=3),
            "updated_at": due})
        if pending:
            continue
        deliveries.append({"reminder_id": reminder, "channel": "in_app", "user_id": person,
                           "idempotency_key": f"london:{n}:in_app:{person}", "status": "sent",
                           "priority": 1, "attempts": 1, "next_attempt_at": due, "sent_at": due,
                           "late": False, "created_at": due})
        inbox.append({"user_id": person, "reminder_id": reminder, "round": 1, "kind": "general",
                      "urgency": "normal", "title": f"Check the school talk plan {n}", "link": "/plans/",
                      "body": "Look at the bookings before Friday.", "due_at": due, "delivered_at": due,
                      "late": False, "read_at": due + timedelta(hours=1) if n % 10 else None})
    bulk(Reminder, reminders)
    bulk(Delivery, deliveries)
    bulk(InboxItem, inbox)


def counts() -> Iterator[tuple[str, int]]:
    """How many rows the main tables hold, for the report."""
    for model in (BusinessUnit, Audience, Channel, MessageMap, Activity, Incident, IncidentTask, Reminder,
                  InboxItem):
        yield model.__tablename__, db.session.scalar(select(func.count()).select_from(model)) or 0
