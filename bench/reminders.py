"""Benchmark: how fast and how punctually the reminders engine delivers, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.reminders [--databases sqlite,postgresql] [--burst 100000]
                                        [--emails 5000] [--paced 100000] [--window 150]

Each database is a scratch one (a new SQLite file, or a new schema in POSTGRES_URL). Three runs:

- **burst**: `--burst` in-app reminders all due at once, drained by one dispatcher: deliveries
  per second, and lateness (due → in the inbox) at p50 and p99;
- **email**: `--emails` urgent reminders, each to its own person (so none are grouped), sent by
  one dispatcher to a local SMTP sink (aiosmtpd in its own process): emails per second;
- **paced**: `--paced` reminders pending over the next hour, with twelve bursts of 2,000 due in
  the same second and the rest spread at random, while one scheduler runs on the real clock for
  `--window` seconds (taking in two of the bursts): the lateness of every reminder due then.

Goals: in-app ≥ 2,000/s and email ≥ 200/s on each database; paced lateness p99 ≤ 2 s. Lateness is
measured to the moment the dispatcher claimed the batch; each batch commits within milliseconds
of that (the batch time is reported too). Writes bench/results/reminders.json; exits 1 when a
goal is missed.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from flask import Flask
from sqlalchemy import Table, func, insert, select, update

from bench.common import answering_databases, record, scratch_database
from commsplan import create_app
from commsplan.auth.models import User
from commsplan.extensions import db
from commsplan.notifications.dispatcher import Dispatcher
from commsplan.notifications.kinds import ChannelChoice
from commsplan.notifications.models import Delivery, InboxItem, NotificationPreference, Reminder
from commsplan.notifications.settings import DeliverySettings, MailSettings

GOALS = {"in_app_per_second": 2000, "email_per_second": 200, "paced_p99_seconds": 2.0}
PEOPLE = 50
BURSTS, BURST_SIZE = 12, 2000
REMINDERS = cast(Table, Reminder.__table__)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_sink() -> Iterator[int]:
    """aiosmtpd's Sink in its own process (so it does not compete for this one's GIL); its port."""
    port = free_port()
    sink = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
                             "-l", f"127.0.0.1:{port}"])
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    try:
        yield port
    finally:
        sink.terminate()
        sink.wait(timeout=10)


def add_people(count: int, now: datetime, *, email_only: bool = False) -> list[int]:
    """Accounts inserted in bulk; `email_only` people take reminders of kind "general" by email only."""
    start = db.session.scalar(select(func.count()).select_from(User)) or 0
    db.session.execute(insert(User), [
        {"email": f"bench{n}@example.test", "name": f"Bench Person {n}", "is_active": True,
         "created_at": now, "updated_at": now} for n in range(start, start + count)])
    ids = list(db.session.scalars(select(User.id).where(User.id > start).order_by(User.id)))
    if email_only:
        db.session.execute(insert(NotificationPreference), [
            {"user_id": user_id, "kind": "general", "channels": ChannelChoice.EMAIL} for user_id in ids])
    db.session.commit()
    return ids


def add_reminders(label: str, due_times: list[datetime], user_ids: list[int]) -> None:
    created = min(due_times) - timedelta(minutes=1)
    rows = [{"idempotency_key": f"bench:{label}:{n}", "kind": "general", "urgency": "urgent",
             "recipient_user_id": user_ids[n % len(user_ids)], "recipient_role": None,
             "recipient_unit_id": None, "subject_type": "bench", "subject_id": str(n),
             "subject_title": f"Benchmark reminder {n}", "subject_link": "/", "body": "", "due_at": due,
             "deliver_at": due, "status": "pending", "round": 1, "late": False, "in_app_only": False,
             "supersedes_key": None, "created_by_id": None, "created_at": created, "updated_at": created}
            for n, due in enumerate(due_times)]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(REMINDERS), rows[start:start + 5000])
    db.session.commit()


def all_due_now(label: str) -> None:
    """Make every reminder of `label` due this moment (after the slow part, inserting them)."""
    now = datetime.now(UTC)
    db.session.execute(update(REMINDERS).where(REMINDERS.c.idempotency_key.startswith(f"bench:{label}:"))
                       .values(due_at=now, deliver_at=now))
    db.session.commit()


def percentiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        return {"p50_s": values[0] if values else 0.0, "p99_s": values[0] if values else 0.0}
    cuts = statistics.quantiles(values, n=100)
    return {"p50_s": round(cuts[49], 3), "p99_s": round(cuts[98], 3), "max_s": round(max(values), 3)}


def inbox_lateness(label: str, since: datetime | None = None, until: datetime | None = None) -> list[float]:
    query = (select(InboxItem.delivered_at, InboxItem.due_at).join(Reminder)
             .where(Reminder.idempotency_key.startswith(f"bench:{label}:")))
    if since is not None and until is not None:
        query = query.where(InboxItem.due_at >= since, InboxItem.due_at < until)
    return [(delivered - due).total_seconds() for delivered, due in db.session.execute(query)]


def burst(app: Flask, settings: DeliverySettings, count: int) -> dict[str, Any]:
    people = add_people(PEOPLE, datetime.now(UTC))
    add_reminders("burst", [datetime.now(UTC)] * count, people)
    all_due_now("burst")
    started = time.perf_counter()
    report = Dispatcher(app, settings=settings, worker="bench").drain()
    seconds = time.perf_counter() - started
    assert report.reminders == count, report
    return {"reminders": count, "seconds": round(seconds, 2), "per_second": round(count / seconds),
            "lateness": percentiles(inbox_lateness("burst"))}


def emails(app: Flask, settings: DeliverySettings, count: int) -> dict[str, Any]:
    people = add_people(count, datetime.now(UTC), email_only=True)
    with smtp_sink() as port:
        settings = replace(settings, mail=MailSettings(port=port))
        add_reminders("email", [datetime.now(UTC)] * count, people)
        all_due_now("email")
        started = time.perf_counter()
        report = Dispatcher(app, settings=settings, worker="bench").drain()
        seconds = time.perf_counter() - started
    assert report.sent == count and report.failed == 0, report
    sent = db.session.execute(select(Delivery.sent_at, Reminder.due_at).join(Reminder).where(
        Delivery.channel == "email", Reminder.idempotency_key.startswith("bench:email:"))).all()
    return {"emails": count, "senders": settings.email_senders, "seconds": round(seconds, 2),
            "per_second": round(count / seconds),
            "lateness": percentiles([(s - d).total_seconds() for s, d in sent])}


def paced_schedule(total: int, base: datetime) -> list[datetime]:
    """`total` due times over the hour from `base`: bursts of 2,000 at 0:30 and 1:30 into it and then
    every five minutes, the rest uniformly at random (seeded, so every run is the same)."""
    chance = random.Random(2026)
    burst_at = [30, 90] + [300 * n for n in range(1, BURSTS - 1)]
    times = [base + timedelta(seconds=second) for second in burst_at for _ in range(BURST_SIZE)]
    times += [base + timedelta(seconds=chance.uniform(0, 3600)) for _ in range(total - len(times))]
    return sorted(times)


def paced(app: Flask, settings: DeliverySettings, total: int, window: float) -> dict[str, Any]:
    people = add_people(PEOPLE, datetime.now(UTC))
    base = datetime.now(UTC) + timedelta(seconds=30)  # time enough to insert them all
    add_reminders("paced", paced_schedule(total, base), people)
    dispatcher = Dispatcher(app, settings=settings, worker="bench")

    def serve() -> None:
        with app.app_context():
            dispatcher.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    time.sleep(max((base - datetime.now(UTC)).total_seconds(), 0) + window)
    dispatcher.shutdown()
    thread.join(timeout=60)
    until = base + timedelta(seconds=window - 2)  # leave out the last seconds' stragglers
    due = db.session.scalar(select(func.count()).select_from(Reminder).where(
        Reminder.idempotency_key.startswith("bench:paced:"), Reminder.due_at < until)) or 0
    lateness = inbox_lateness("paced", base, until)
    return {"pending": total, "window_seconds": window, "due_in_window": due,
            "delivered_in_window": len(lateness), "lateness": percentiles(lateness)}


def run_on(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name, work in (("in_app_burst", lambda app, s: burst(app, s, args.burst)),
                       ("email", lambda app, s: emails(app, s, args.emails)),
                       ("paced", lambda app, s: paced(app, s, args.paced, args.window))):
        with scratch_database(kind) as url:
            app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url,
                              "SECRET_KEY": "benchmark-secret-key-0123456789"})
            with app.app_context():
                db.create_all()
                settings = DeliverySettings()
                results[name] = work(app, settings)
                db.session.remove()
                db.engine.dispose()
        print(f"{kind:>10} {name:<13} {results[name]}", flush=True)
    return results


def verdicts(results: dict[str, Any]) -> dict[str, bool]:
    met = {}
    for kind, runs in results.items():
        met[f"{kind}: in-app ≥ {GOALS['in_app_per_second']}/s"] = \
            runs["in_app_burst"]["per_second"] >= GOALS["in_app_per_second"]
        met[f"{kind}: email ≥ {GOALS['email_per_second']}/s"] = \
            runs["email"]["per_second"] >= GOALS["email_per_second"]
        met[f"{kind}: paced lateness p99 ≤ {GOALS['paced_p99_seconds']} s"] = \
            runs["paced"]["lateness"]["p99_s"] <= GOALS["paced_p99_seconds"] \
            and runs["paced"]["delivered_in_window"] == runs["paced"]["due_in_window"]
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--burst", type=int, default=100_000)
    parser.add_argument("--emails", type=int, default=5_000)
    parser.add_argument("--paced", type=int, default=100_000)
    parser.add_argument("--window", type=float, default=150.0)
    args = parser.parse_args()
    results: dict[str, Any] = {}
    for kind in answering_databases(args.databases):
        results[kind] = run_on(kind, args)
    met = verdicts(results)
    for goal, ok in met.items():
        print(f"{'ok  ' if ok else 'MISS'} {goal}")
    record("reminders", {"goals": GOALS, "met": met, "results": results,
                         "arguments": vars(args)})
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
