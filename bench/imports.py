"""How long a large audiences CSV takes to check and to import, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.imports [--rows 10000] [--databases sqlite,postgresql]

Three runs on an empty audiences table, each through the same service the upload page calls:
- **check**: `--rows` rows of which one (in the middle) has three faults: it repeats an earlier
  row's name, its segment is not in the list and its size estimate is not a number. Nothing may be
  written; the run reports how long the refusal took and how many of the row's faults it named.
- **import**: the same rows without the faults, all added.
- **update**: the same file again with every row's geography changed, all updated.
Each run reports wall-clock seconds and this process's CPU seconds (the database server's are not
counted; on a busy machine the wall clock grows, the CPU time much less). Writes
bench/results/imports.json; exits 1 when a run takes longer than its goal (a third of the README's
60-second worker timeout) or the bad row's faults are not all named.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from bench.common import answering_databases, record, scratch_database
from commsplan import create_app
from commsplan.audiences import csv_io
from commsplan.audiences.forms import AudienceForm
from commsplan.audiences.kinds import AUDIENCES
from commsplan.audiences.models import Audience
from commsplan.audit.models import AuditEntry
from commsplan.auth.models import Role, User
from commsplan.auth.service import create_user
from commsplan.db import unit_of_work
from commsplan.extensions import db

GOAL_SECONDS = 20.0  # wall clock, on a shared machine: a third of the 60-second worker timeout
FAULTS = {"name": "Audience 00001", "segment": "aliens", "size_estimate": "about 500"}


def audiences_csv(rows: int, *, bad_row: int | None = None, geography: str = "Hackney") -> str:
    """`rows` audiences; data row `bad_row` (1-based) carries the three FAULTS."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(AUDIENCES.fields)
    for number in range(1, rows + 1):
        values = {"name": f"Audience {number:05d}", "segment": "young_people", "age_band": "11–16",
                  "geography": geography, "size_estimate": str(100 + number), "size_source": "Census",
                  "languages": "en; so", "accessibility_needs": "Easy Read", "insight_notes": "",
                  "sensitivity_notes": ""}
        if number == bad_row:
            values.update(FAULTS)
        writer.writerow([values[name] for name in AUDIENCES.fields])
    return out.getvalue()


def timed_import(text: str, actor: User) -> tuple[float, float, Any]:
    """Wall-clock and this process's CPU seconds, and the result (or the refusal)."""
    started, cpu = time.perf_counter(), time.process_time()
    try:
        with unit_of_work() as session:
            outcome: Any = csv_io.import_kind(session, AUDIENCES, AudienceForm, text, actor=actor,
                                              now=datetime.now(UTC))
    except csv_io.ImportFailed as failure:
        outcome = failure
    return time.perf_counter() - started, time.process_time() - cpu, outcome


def counts() -> dict[str, int]:
    db.session.expire_all()
    return {"audiences": db.session.scalar(select(func.count()).select_from(Audience)) or 0,
            "audit_entries": db.session.scalar(select(func.count()).select_from(AuditEntry)) or 0}


def runs(rows: int, actor: User, chosen: set[str]) -> dict[str, Any]:
    bad_row = rows // 2
    seconds, cpu, outcome = timed_import(audiences_csv(rows, bad_row=bad_row), actor)
    assert isinstance(outcome, csv_io.ImportFailed), "the file with a bad row was accepted"
    named = sorted({error.field for error in outcome.rows if error.row == bad_row + 1})
    check = {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "problems": len(outcome.rows),
             "bad_row_fields": named,
             "all_faults_named": named == sorted(FAULTS), "written": counts()}
    results: dict[str, Any] = {"check": check}
    for name, text in (("import", audiences_csv(rows)), ("update", audiences_csv(rows, geography="Brent"))):
        if name not in chosen:
            continue
        seconds, cpu, outcome = timed_import(text, actor)
        assert isinstance(outcome, csv_io.ImportResult), outcome.rows[:3]
        results[name] = {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
                         "created": outcome.created,
                         "updated": outcome.updated, "written": counts()}
    return results


def run_on(kind: str, rows: int, chosen: set[str]) -> dict[str, Any]:
    with scratch_database(kind) as url:
        app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url,
                          "SECRET_KEY": "benchmark-secret-key-0123456789"})
        with app.test_request_context():
            db.create_all()
            actor = create_user(db.session(), email="officer@bench.test", name="Bench Officer",
                                roles={Role.COMMS_OFFICER}, password="bench-password-0123",
                                actor=None, now=datetime.now(UTC))
            db.session.commit()
            results = runs(rows, actor, chosen)
            db.session.remove()
            db.engine.dispose()
    for name, run in results.items():
        print(f"{kind:>10} {name:<7} {run['seconds']:8.2f} s  {run}", flush=True)
    return results


def met(results: dict[str, Any]) -> dict[str, bool]:
    verdicts = {}
    for kind, runs_of_kind in results.items():
        for name, run in runs_of_kind.items():
            verdicts[f"{kind}: {name} ≤ {GOAL_SECONDS:g} s"] = run["seconds"] <= GOAL_SECONDS
        verdicts[f"{kind}: every fault of the bad row named"] = runs_of_kind["check"]["all_faults_named"]
    return verdicts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--runs", default="check,import,update",
                        help="which runs after the check: import, update (which needs import)")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    for kind in answering_databases(args.databases):
        results[kind] = run_on(kind, args.rows, set(args.runs.split(",")))
    verdicts = met(results)
    for goal, ok in verdicts.items():
        print(f"{'ok  ' if ok else 'MISS'} {goal}")
    record("imports", {"rows": args.rows, "runs": args.runs, "goal_seconds": GOAL_SECONDS, "met": verdicts,
                       "results": results})
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
