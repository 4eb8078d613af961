"""Launch time and SQL query count for a playbook with 40 tasks and 10 statements (and a small one).

    .venv/bin/python -m bench.incident_launch
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, select

from bench.common import record
from commsplan import create_app
from commsplan.auth.models import Role, User
from commsplan.auth.service import create_user
from commsplan.extensions import db
from commsplan.incidents import service
from commsplan.notifications.jobs import current_settings
from commsplan.notifications.settings import DeliverySettings
from commsplan.playbooks.loader import load_text
from commsplan.playbooks.model import Playbook
from commsplan.reference.models import BusinessUnit
from commsplan.reference.seed import seed_reference

LAUNCHES = 30
GOAL_MS = 500
SIZES = ((8, 2), (40, 10))


def synthetic_playbook(tasks: int, statements: int) -> Playbook:
    """A valid playbook with `tasks` steps over four clocks, `statements` of which draft a statement."""
    anchors = ["notified", "declared", "family_informed", "arrest"]
    steps = "".join(
        f"  - {{id: step-{n}, title: Do task {n}, at: \"{anchors[n % 4]}+{5 * n}m\", owner: "
        f"{'duty_press_officer' if n % 2 else 'sio'}"
        + (f", statement: s{n}, approval: sio, channels: [X, Force website]" if n < statements else "")
        + "}\n" for n in range(tasks))
    templates = "".join(
        f"  s{n}:\n    title: Statement {n}\n    kind: update\n    body: "
        f"Officers were called to {{{{ place }}}}. Next update by {{{{ next_update }}}}.\n"
        for n in range(statements))
    text = (f"---\nid: bench-{tasks}\ntitle: Bench {tasks}\nversion: 1\nowner: Bench\n"
            "review_date: 2027-01-01\ncategory: homicide\nsummary: Bench.\nelements: [MSV]\n"
            "default_severity: high\n"
            "triggers: [Bench]\nroles: {sio: , duty_press_officer: }\n"
            "anchors: {declared: , family_informed: , arrest: }\n"
            "inputs:\n  - {id: place, label: Place, type: text}\n"
            "  - {id: next_update, label: Next update, type: text, required: false}\n"
            f"steps:\n{steps}statements:\n{templates}---\nBench.\n")
    result = load_text(text, f"bench-{tasks}.md", elements={"MSV"}, qualifiers=set())
    if result.playbook is None:
        raise ValueError([str(p) for p in result.problems])
    return result.playbook


def launch_once(playbook: Playbook, duty: User, now: datetime) -> None:
    request = service.LaunchRequest("Bench incident", "live", "2026-11-20 09:00", {"place": "Acre Lane"})
    service.launch(db.session(), playbook, request, actor=duty, now=now, settings=settings())


def settings() -> DeliverySettings:
    return current_settings()


def measure(tasks: int, statements: int, duty: User, now: datetime) -> tuple[int, list[float]]:
    playbook = synthetic_playbook(tasks, statements)
    launch_once(playbook, duty, now)  # the revision is stored once
    db.session.commit()
    queries: list[str] = []
    engine = db.engine

    def listener(*args: object) -> None:
        queries.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", listener)
    launch_once(playbook, duty, now)
    db.session.commit()
    event.remove(engine, "before_cursor_execute", listener)
    times = []
    for _ in range(LAUNCHES):
        start = time.perf_counter()
        launch_once(playbook, duty, now)
        db.session.commit()
        times.append((time.perf_counter() - start) * 1000)
    return len(queries), times


def main() -> int:
    workdir = tempfile.mkdtemp(prefix="commsplan-bench-")
    os.environ["COMMSPLAN_INSTANCE_PATH"] = workdir
    url = os.environ.get("COMMSPLAN_BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    app = create_app({"ENV": "testing", "TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "SECRET_KEY": "benchmark-secret-key-0123456789"})
    now = datetime.now(UTC) - timedelta(minutes=1)
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_reference(db.session(), actor=None, now=now)
        duty = create_user(db.session(), email="duty@bench.test", name="Bench Duty",
                           roles={Role.DUTY_OFFICER}, password="bench-password-123", actor=None, now=now)
        db.session.commit()
        assert db.session.scalar(select(BusinessUnit.id)) is not None
        rows = []
        for tasks, statements in SIZES:
            count, times = measure(tasks, statements, duty, now)
            p95 = statistics.quantiles(times, n=20)[18]
            print(f"launch {tasks:3d} tasks, {statements:2d} statements: {count:3d} queries  "
                  f"median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  (goal {GOAL_MS} ms)"
                  f"{'' if p95 <= GOAL_MS else '  MISSED'}")
            rows.append({"tasks": tasks, "statements": statements, "queries": count,
                         "median_ms": round(statistics.median(times), 1), "p95_ms": round(p95, 1),
                         "goal_ms": GOAL_MS, "met": p95 <= GOAL_MS})
    bounded = len({row["queries"] for row in rows}) == 1
    record("incident_launch", {"launches": rows, "queries_bounded": bounded})
    return 0 if bounded and all(row["met"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
