"""Benchmark: every key page at London scale, next to the framework's floor, in one run.

    .venv/bin/python -m bench.london [--scale 1.0] [--small 0.1] [--repeats 30] [--seconds 5]

Builds (or takes from bench/.cache/) a London-scale SQLite database and one at a tenth of it (see
bench/scale.py); with COMMSPLAN_BENCH_DATABASE_URL set it builds both into PostgreSQL schemas instead.
For every key page it counts the SQL queries in-process at both sizes, then serves the app at full
size and the bare Flask floor app (bench/floor.py) under gunicorn (2 sync workers each) and asks
them in turn, request by request: the page, then a floor page of the same size. It reports p50 and
p95 (time to the last byte at the client), the ratio of the page's p50 to its floor's p50, and the
home page's throughput next to the floor's with 4 concurrent clients. Writes
bench/results/london.json (one entry per figure: name, value, unit, goal, ok), prints a table and
exits 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event, func, select

from bench.common import RESULTS, record, throwaway_database
from bench.scale import SECRET_KEY, bench_app, build_postgresql, cached_sqlite, counts
from bench.serving import Client, gunicorn, throughput
from commsplan.auth import service as accounts
from commsplan.demo.files import demo_password
from commsplan.extensions import db
from commsplan.incidents.models import Incident, IncidentMode, IncidentStatus
from commsplan.plans.models import Activity, CommPlan

ADMIN = "admin@commsplan.test"
FLOOR_THREADS = 4
P95_GOAL_MS, INTEGRATED_P95_GOAL_MS = 50.0, 300.0
PAGE_RATIO_GOAL, LEAN_RATIO_GOAL = 10.0, 5.0  # home and the API lists are held to the lean ratio
THROUGHPUT_GOAL_PERCENT = 30.0


@dataclass(frozen=True)
class Page:
    name: str
    path: Callable[[dict[str, Any]], str]
    api: bool = False
    lean: bool = False  # held to LEAN_RATIO_GOAL
    p95_goal_ms: float = P95_GOAL_MS


PAGES = (
    Page("home", lambda t: "/", lean=True),
    Page("coverage matrix", lambda t: "/messages/coverage"),
    Page("message list", lambda t: "/messages/"),
    Page("plan page", lambda t: f"/plans/{t['plan']}"),
    Page("plan list", lambda t: "/plans/"),
    Page("integrated plan", lambda t: f"/plans/integrated?year={t['year']}",
         p95_goal_ms=INTEGRATED_P95_GOAL_MS),
    Page("incident board", lambda t: "/incidents/"),
    Page("incident figures", lambda t: "/incidents/figures"),
    Page("an incident", lambda t: f"/incidents/{t['incident']}"),
    Page("a playbook", lambda t: f"/playbooks/{t['playbook']}"),
    Page("inbox", lambda t: "/inbox"),
    Page("API: messages", lambda t: "/api/v1/messages", api=True, lean=True),
    Page("API: incidents", lambda t: "/api/v1/incidents", api=True, lean=True),
    Page("API: business units", lambda t: "/api/v1/business-units", api=True, lean=True),
)


def entry(name: str, value: float, unit: str, goal: str | None = None, ok: bool | None = None
          ) -> dict[str, Any]:
    return {"name": name, "value": round(value, 2), "unit": unit, "goal": goal, "ok": ok}


@contextmanager
def databases(scales: list[float], workdir: Path) -> Iterator[dict[float, str]]:
    """A database URL per scale: copies of the cached SQLite files, or PostgreSQL schemas built now."""
    base = os.environ.get("COMMSPLAN_BENCH_DATABASE_URL", "")
    with ExitStack() as stack:
        urls = {}
        for scale in scales:
            started = time.perf_counter()
            if base.startswith("postgresql"):
                url = stack.enter_context(throwaway_database(base, workdir, f"london{int(scale * 1000)}"))
                build_postgresql(url, scale, instance=workdir)
            else:
                copy = workdir / f"london-{scale:g}.sqlite3"
                shutil.copyfile(cached_sqlite(scale), copy)  # requests sign in and write: never the cache
                url = f"sqlite:///{copy}"
            print(f"database at scale {scale:g} ready in {time.perf_counter() - started:.1f} s", flush=True)
            urls[scale] = url
        yield urls


def targets(app: Flask) -> dict[str, Any]:
    """What the pages are about: the year's busiest plan, the first live active incident and its
    playbook; and an API token for the admin."""
    with app.app_context():
        session = db.session()
        plan, year = session.execute(
            select(CommPlan.id, CommPlan.year).join(Activity).group_by(CommPlan.id, CommPlan.year)
            .order_by(CommPlan.year.desc(), func.count(Activity.id).desc()).limit(1)).one()
        incident, playbook = session.execute(
            select(Incident.id, Incident.playbook_id).where(Incident.status == IncidentStatus.ACTIVE,
                                                            Incident.mode == IncidentMode.LIVE)
            .order_by(Incident.id).limit(1)).one()
        admin = accounts.find_by_email(session, ADMIN)
        assert admin is not None
        _, secret = accounts.create_api_token(session, user=admin, name=f"london {time.time_ns()}",
                                              actor=admin, now=datetime.now(UTC))
        session.commit()
        rows = dict(counts())
    return {"plan": plan, "year": year, "incident": incident, "playbook": playbook, "token": secret,
            "rows": rows}


def query_counts(app: Flask, found: dict[str, Any]) -> dict[str, int]:
    """SQL statements each page sends on its second request (the first warms caches); each must be 200."""
    browser, api = app.test_client(), app.test_client()  # API clients send a token, never a session
    assert browser.post("/login", data={"email": ADMIN, "password": demo_password()}).status_code == 302
    bearer = {"Authorization": f"Bearer {found['token']}"}
    result = {}
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def counted(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    for page in PAGES:
        client, headers = (api, bearer) if page.api else (browser, None)
        path = page.path(found)
        assert client.get(path, headers=headers).status_code == 200, path
        statements.clear()
        event.listen(engine, "before_cursor_execute", counted)
        try:
            assert client.get(path, headers=headers).status_code == 200, path
        finally:
            event.remove(engine, "before_cursor_execute", counted)
        result[page.name] = len(statements)
    return result


def app_environment(url: str, workdir: Path) -> dict[str, str]:
    """The real app in production mode, on `url`, signing decisions with the key the build used."""
    derived = hmac.new(SECRET_KEY.encode(), b"commsplan decision log", hashlib.sha256).hexdigest()
    return {**os.environ, "COMMSPLAN_ENV": "production", "COMMSPLAN_SECRET_KEY": SECRET_KEY,
            "COMMSPLAN_DATABASE_URL": url, "COMMSPLAN_INSTANCE_PATH": str(workdir),
            "COMMSPLAN_DECISION_LOG_KEYS": json.dumps({"local": derived})}


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[18] if len(times) > 1 else times[0]


def timed_pages(real: Client, api: Client, floor: Client, found: dict[str, Any], repeats: int
                ) -> dict[str, dict[str, float]]:
    """Each page and its same-sized floor page asked in turn, `repeats` times each, after one warm-up."""
    results = {}
    for page in PAGES:
        client, path = (api if page.api else real), page.path(found)
        first = client.get(path)
        assert first.status == 200, (path, first.status)
        floor_path = f"/{'json' if page.api else 'page'}/{len(first.body)}"
        floor.get(floor_path)
        times: list[float] = []
        floor_times: list[float] = []
        for _ in range(repeats):
            answer = client.get(path)
            assert answer.status == 200, (path, answer.status)
            times.append(answer.seconds * 1000)
            floor_times.append(floor.get(floor_path).seconds * 1000)
        results[page.name] = {"p50": statistics.median(times), "p95": p95(times),
                              "floor_p50": statistics.median(floor_times), "bytes": len(first.body)}
        print(f"  {page.name:<22} p50 {results[page.name]['p50']:8.1f} ms", flush=True)
    return results


def page_entries(page: Page, timing: dict[str, float], small: int, large: int, scales: tuple[float, float]
                 ) -> list[dict[str, Any]]:
    ratio_goal = LEAN_RATIO_GOAL if page.lean else PAGE_RATIO_GOAL
    ratio = timing["p50"] / timing["floor_p50"]
    return [
        entry(f"{page.name}: p50", timing["p50"], "ms"),
        entry(f"{page.name}: p95", timing["p95"], "ms", f"≤ {page.p95_goal_ms:g}",
              timing["p95"] <= page.p95_goal_ms),
        entry(f"{page.name}: floor p50", timing["floor_p50"], "ms"),
        entry(f"{page.name}: p50 × floor", ratio, "×", f"≤ {ratio_goal:g}", ratio <= ratio_goal),
        entry(f"{page.name}: queries at {scales[0]:g}", small, "queries"),
        entry(f"{page.name}: queries at {scales[1]:g}", large, "queries", f"= {small} (at {scales[0]:g})",
              small == large),
        entry(f"{page.name}: size", timing["bytes"] / 1024, "KB"),
    ]


def print_table(entries: list[dict[str, Any]], scales: tuple[float, float]) -> None:
    values = {item["name"]: item for item in entries}
    print(f"\n{'page':<22} {'p50 ms':>8} {'p95 ms':>8} {'floor':>7} {'× floor':>8} "
          f"{'q@' + format(scales[0], 'g'):>6} {'q@' + format(scales[1], 'g'):>6} {'KB':>6}  goals")
    for page in PAGES:
        mine = [item for item in entries if item["name"].startswith(f"{page.name}: ")]
        missed = [item["name"][len(page.name) + 2:] for item in mine if item["ok"] is False]

        def value(suffix: str, mine: str = page.name) -> float:
            return float(values[f"{mine}: {suffix}"]["value"])

        print(f"{page.name:<22} {value('p50'):8.1f} {value('p95'):8.1f} {value('floor p50'):7.2f} "
              f"{value('p50 × floor'):8.1f} {value(f'queries at {scales[0]:g}'):6.0f} "
              f"{value(f'queries at {scales[1]:g}'):6.0f} {value('size'):6.0f}  "
              f"{'ok' if not missed else 'MISSED ' + ', '.join(missed)}")
    for item in entries:
        if item["name"].startswith(("throughput", "run:")):
            print(f"{item['name']:<40} {item['value']:10.1f} {item['unit']:<6} "
                  f"{'' if item['ok'] is None else ('ok' if item['ok'] else 'MISSED ' + str(item['goal']))}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--small", type=float, default=0.1)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    scales = (args.small, args.scale)
    workdir = Path(tempfile.mkdtemp(prefix="commsplan-london-"))
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    try:
        with databases(list(scales), workdir) as urls:
            entries = measure(urls, scales, workdir, args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    # Timings on a shared machine move with its load: keep the load next to them.
    entries += [entry("run: seconds", time.perf_counter() - started, "s"),
                entry("run: load average (1 min) at start", load_before, "processes"),
                entry("run: load average (1 min) at end", os.getloadavg()[0], "processes"),
                entry("run: cores", os.cpu_count() or 0, "cores")]
    RESULTS.mkdir(exist_ok=True)
    record("london", entries)
    print_table(entries, scales)
    missed = [item["name"] for item in entries if item["ok"] is False]
    print(f"\n{len(missed)} goal(s) missed" if missed else "\nevery goal met")
    return 1 if missed else 0


def measure(urls: dict[float, str], scales: tuple[float, float], workdir: Path, args: argparse.Namespace
            ) -> list[dict[str, Any]]:
    queries, found = {}, {}
    for scale in scales:
        app = bench_app(urls[scale], workdir)
        found[scale] = targets(app)
        queries[scale] = query_counts(app, found[scale])
        with app.app_context():
            db.engine.dispose()
    large = found[scales[1]]
    entries = [entry(f"rows at {scale:g}: {table}", number, "rows")
               for scale in scales for table, number in found[scale]["rows"].items()]
    env = app_environment(urls[scales[1]], workdir)
    with gunicorn("commsplan:create_app()", env, "/healthz") as port, \
            gunicorn("bench.floor:app", dict(os.environ), "/page/1") as floor_port:
        real, floor = Client(port), Client(floor_port)
        real.sign_in(ADMIN, demo_password())
        api = Client(port, {"Authorization": f"Bearer {large['token']}"})
        print(f"timing {len(PAGES)} pages at scale {scales[1]:g}, {args.repeats} requests each", flush=True)
        timings = timed_pages(real, api, floor, large, args.repeats)
        home_bytes = int(timings["home"]["bytes"])
        home_rate = throughput(real, "/", seconds=args.seconds, threads=FLOOR_THREADS)
        floor_rate = throughput(floor, f"/page/{home_bytes}", seconds=args.seconds, threads=FLOOR_THREADS)
    for page in PAGES:
        entries += page_entries(page, timings[page.name], queries[scales[0]][page.name],
                                queries[scales[1]][page.name], scales)
    share = 100 * home_rate / floor_rate
    entries += [entry("throughput: home, 2 workers, 4 clients", home_rate, "req/s"),
                entry("throughput: floor, 2 workers, 4 clients", floor_rate, "req/s"),
                entry("throughput: home as a share of the floor", share, "%",
                      f"≥ {THROUGHPUT_GOAL_PERCENT:g}", share >= THROUGHPUT_GOAL_PERCENT)]
    return entries


if __name__ == "__main__":
    sys.exit(main())
