"""Benchmark: response times of the busiest pages on a database the size of several years' use.

    .venv/bin/python -m bench.pages

It builds a throwaway SQLite database (or uses COMMSPLAN_BENCH_DATABASE_URL), fills it, requests
each page repeatedly through the test client and compares the 95th percentile with the goal. It
exits non-zero when a goal is missed and writes bench/results/pages.json.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from bench.common import REPEATS, record, timed
from commsplan import create_app
from commsplan.audit.models import AuditEntry
from commsplan.auth import service as accounts
from commsplan.auth.models import Role
from commsplan.extensions import db
from commsplan.reference.seed import seed_reference

UNITS = 2_000
AUDIT_ENTRIES = 100_000
# 95th-percentile goals in milliseconds, for a 2-core machine.
GOALS_MS = {
    "home": 150,
    "audit log, first page": 150,
    "audit log, filtered by type and dates": 150,
    "business units, page 40": 150,
    "business units, search": 150,
    "API: business units, page 10": 150,
}
PAGES = {
    "home": "/",
    "audit log, first page": "/admin/audit/",
    "audit log, filtered by type and dates":
        "/admin/audit/?object_type=business_unit&since=1&since=1&since=2025&until=31&until=12&until=2026",
    "business units, page 40": "/reference/business-units?page=40",
    "business units, search": "/reference/business-units?q=unit+19",
}
PASSWORD = "benchmark password 2026"


def fill(now: datetime) -> None:
    admin = accounts.create_user(db.session(), email="bench@example.test", name="Bench Admin",
                                 roles={Role.ADMIN}, password=PASSWORD, actor=None, now=now)
    seed_reference(db.session(), actor=admin, now=now)
    db.session.commit()
    tp = db.session.execute(db.text("SELECT id FROM business_units WHERE code = 'TP'")).scalar()
    db.session.execute(insert(db.metadata.tables["business_units"]), [
        {"code": f"B{n}", "name": f"Bench unit {n}", "kind": "borough_command", "parent_id": tp,
         "description": "", "created_at": now, "updated_at": now} for n in range(UNITS)])
    db.session.execute(insert(AuditEntry), [
        {"at": now - timedelta(minutes=n), "actor_id": admin.id, "actor_name": admin.name,
         "action": "update", "object_type": "business_unit" if n % 2 else "violence_element",
         "object_id": str(n % 500), "object_label": f"Record {n}",
         "changes": {"name": [f"Old {n}", f"New {n}"]}} for n in range(AUDIT_ENTRIES)])
    db.session.commit()


def main() -> int:
    workdir = tempfile.mkdtemp(prefix="commsplan-bench-")
    url = os.environ.get("COMMSPLAN_BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ["COMMSPLAN_INSTANCE_PATH"] = workdir
    app = create_app({"ENV": "testing", "TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "WTF_CSRF_ENABLED": False, "SECRET_KEY": "benchmark-secret-key-0123456789"})
    now = datetime.now(UTC)
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        fill(now)
        print(f"Filled {UNITS} units and {AUDIT_ENTRIES} audit entries in "
              f"{time.perf_counter() - started:.1f} s")
        admin = accounts.find_by_email(db.session(), "bench@example.test")
        assert admin is not None
        _, secret = accounts.create_api_token(db.session(), user=admin, name="bench", actor=admin, now=now)
        db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": "bench@example.test", "password": PASSWORD})
    results = {name: timed(client, page) for name, page in PAGES.items()}
    results["API: business units, page 10"] = timed(
        client, "/api/v1/business-units?page=10", {"Authorization": f"Bearer {secret}"})
    return report(results)


def report(results: dict[str, list[float]]) -> int:
    rows, failed = [], 0
    for name, times in results.items():
        p95 = statistics.quantiles(times, n=20)[18]
        goal = GOALS_MS[name]
        ok = p95 <= goal
        failed += not ok
        rows.append({"page": name, "median_ms": round(statistics.median(times), 1),
                     "p95_ms": round(p95, 1), "goal_ms": goal, "met": ok})
        print(f"{'ok ' if ok else 'MISS'} {name:<42} median {statistics.median(times):6.1f} ms"
              f"  p95 {p95:6.1f} ms  (goal {goal} ms)")
    record("pages", {"repeats": REPEATS, "units": UNITS, "audit_entries": AUDIT_ENTRIES, "pages": rows})
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
