"""Server time and SQL query count of the integrated plan: 2 units against 33 units × 600 activities.

    .venv/bin/python -m bench.integrated [--activities 600]

Every borough command and the corporate unit get a risk profile and an approved plan for the
year; activities are spread over the year, the audiences and the channels, and inserted in bulk.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta

from flask import Flask
from sqlalchemy import delete, event, insert, select

from bench.common import record, timed
from commsplan import create_app
from commsplan.audiences.models import Audience, Channel
from commsplan.auth.models import User
from commsplan.demo.files import demo_password
from commsplan.demo.service import load_demo
from commsplan.extensions import db
from commsplan.plans.models import Activity, CommPlan, PlanStatus, activity_audiences
from commsplan.reference.models import BusinessUnit, UnitKind, ViolenceElement
from commsplan.risk.models import RiskProfile, RiskProfileEntry
from commsplan.timeutil import london_moment

YEAR = 2026
GOAL_MS = 1000


def plan_units(count: int) -> list[BusinessUnit]:
    """The corporate unit first, then borough commands by code."""
    kinds = [UnitKind.CORPORATE, UnitKind.BOROUGH_COMMAND]
    units = db.session.scalars(select(BusinessUnit).where(BusinessUnit.kind.in_(kinds))
                               .order_by(BusinessUnit.kind, BusinessUnit.code))
    return list(units)[:count]


def ensure_profile(unit: BusinessUnit, elements: list[int], now: datetime) -> None:
    session = db.session()
    found = select(RiskProfile.id).where(RiskProfile.unit_id == unit.id, RiskProfile.year == YEAR)
    if session.scalar(found):
        return
    profile = RiskProfile(unit_id=unit.id, year=YEAR, status="approved", notes="Bench", created_at=now,
                          updated_at=now)
    session.add(profile)
    session.flush()
    session.execute(insert(RiskProfileEntry), [
        {"profile_id": profile.id, "element_id": element, "volume": 100 + 37 * n,
         "harm_score": 1000.0 * (7 - n),
         "harm_method": "Bench", "likelihood": "medium", "override_reason": "", "victims": "aged 12–19",
         "offenders": "", "locations": "schools", "times": "", "confidence": 45.0, "force_confidence": 49.0}
        for n, element in enumerate(elements)])


def fill(units: list[BusinessUnit], per_plan: int, now: datetime) -> None:
    """Each unit an approved plan for the year with `per_plan` activities (demo plans are replaced)."""
    session = db.session()
    owner = session.scalar(select(User.id).where(User.email == "officer@commsplan.test"))
    elements = list(session.scalars(select(ViolenceElement.id).order_by(ViolenceElement.position)))
    audiences = list(session.scalars(select(Audience.id)))
    channels = list(session.scalars(select(Channel.id)))
    session.execute(delete(CommPlan).where(CommPlan.year == YEAR))
    start = london_moment(date(YEAR, 4, 1), "10:00")
    for unit in units:
        ensure_profile(unit, elements, now)
        plan = CommPlan(unit_id=unit.id, year=YEAR, title=f"{unit.name} bench plan", owner_id=owner,
                        status=PlanStatus.APPROVED, version_number=1, approved_number=1, created_at=now,
                        updated_at=now, objectives="x", audience_insight="x", strategy="x",
                        implementation="x", scoring="x")
        session.add(plan)
        session.flush()
        rows = [{"plan_id": plan.id, "title": f"Activity {n}", "element_id": elements[n % len(elements)],
                 "channel_id": channels[n % len(channels)], "starts_at": start + timedelta(hours=13 * n),
                 "ends_at": start + timedelta(hours=13 * n, days=6), "owner_id": owner,
                 "status": "scheduled", "ripe_strand": "prevention", "reminder_days": 7, "notes": "",
                 "created_at": now, "updated_at": now}
                for n in range(per_plan)]
        session.execute(insert(Activity), rows)
        ids = list(session.scalars(select(Activity.id).where(Activity.plan_id == plan.id)
                                   .order_by(Activity.id)))
        session.execute(insert(activity_audiences), [
            {"activity_id": activity_id, "audience_id": audiences[(n + k) % len(audiences)]}
            for n, activity_id in enumerate(ids) for k in range(1 + n % 2)])
    session.commit()


def measure(app: Flask, label: str) -> dict[str, object]:
    client = app.test_client()
    client.post("/login", data={"email": "officer@commsplan.test", "password": demo_password()})
    url = f"/plans/integrated?year={YEAR}"
    assert client.get(url).status_code == 200
    queries: list[str] = []

    def listener(*args: object) -> None:
        queries.append(str(args[2]))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    client.get(url)
    event.remove(engine, "before_cursor_execute", listener)
    times = timed(client, url)
    p95 = statistics.quantiles(times, n=20)[18]
    print(f"{label:<32} {len(queries):3d} queries  median {statistics.median(times):7.1f} ms"
          f"  p95 {p95:7.1f} ms  (goal {GOAL_MS} ms){'' if p95 <= GOAL_MS else '  MISSED'}")
    return {"data": label, "queries": len(queries), "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(p95, 1), "goal_ms": GOAL_MS, "met": p95 <= GOAL_MS}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--activities", type=int, default=600)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="commsplan-bench-")
    os.environ["COMMSPLAN_INSTANCE_PATH"] = workdir
    app = create_app({"ENV": "testing", "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/bench.sqlite3",
                      "SECRET_KEY": "benchmark-secret-key-0123456789"})
    now = datetime.now(UTC)
    with app.app_context():
        db.create_all()
        load_demo(db.session(), now=now)
        db.session.commit()
    rows = []
    for units in (2, 33):
        with app.app_context():
            fill(plan_units(units), args.activities, now)
        rows.append(measure(app, f"{units} units × {args.activities} activities"))
    counts = {row["queries"] for row in rows}
    print("same query count" if len(counts) == 1 else f"QUERY COUNT GREW: {counts}")
    record("integrated", {"runs": rows, "queries_bounded": len(counts) == 1})
    return 0 if len(counts) == 1 and all(row["met"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
