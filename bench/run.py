"""`make bench`: every benchmark, one after another, each in its own process; results in one file.

    .venv/bin/python -m bench.run [--quick]

Runs the London-scale benchmark (every key page next to the framework's floor), then the page,
coverage, incident-launch, integrated-plan, reminders and CSV-import benchmarks (the last two on
SQLite and, when it answers, on PostgreSQL), gathers what each wrote to bench/results/ into
bench/results/latest.json with how long it took and whether its goals were met, and exits 1 when
any goal was missed. `--quick` runs the reminders benchmark at a tenth of its size and the import
one at a fifth.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import UTC, datetime

from bench.common import RESULTS

BENCHMARKS = ("london", "pages", "coverage", "incident_launch", "integrated", "reminders", "imports")
QUICK = {"reminders": ["--burst", "10000", "--emails", "1000", "--paced", "10000", "--window", "40"],
         "imports": ["--rows", "2000"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    summary: dict[str, dict[str, object]] = {}
    for name in BENCHMARKS:
        print(f"\n== {name} ==", flush=True)
        (RESULTS / f"{name}.json").unlink(missing_ok=True)
        started = time.perf_counter()
        extra = QUICK.get(name, []) if args.quick else []
        code = subprocess.call([sys.executable, "-m", f"bench.{name}", *extra])
        path = RESULTS / f"{name}.json"
        summary[name] = {"goals_met": code == 0, "seconds": round(time.perf_counter() - started, 1),
                         "results": json.loads(path.read_text()) if path.exists() else None}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(
        {"ran_at": datetime.now(UTC).isoformat(timespec="seconds"), "quick": args.quick,
         "benchmarks": summary}, indent=2, default=str))
    print("\n== summary ==")
    for name, outcome in summary.items():
        print(f"{'ok  ' if outcome['goals_met'] else 'MISS'} {name:<16} {outcome['seconds']:7.1f} s")
    print(f"Written to {RESULTS / 'latest.json'}")
    return 0 if all(outcome["goals_met"] for outcome in summary.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
