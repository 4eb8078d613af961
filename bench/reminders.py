"""Benchmark: dispatch throughput and lateness for a large backlog of due reminders.

    .venv/bin/python -m bench.reminders [--reminders 100000] [--emails 20000]

Creates the reminders in a throwaway SQLite database (or COMMSPLAN_BENCH_DATABASE_URL), all due
at the moment dispatching starts, then runs the dispatcher as the scheduler would:
first to the in-app notifier (inbox), then to a local SMTP sink (aiosmtpd on 127.0.0.1).
Lateness is the time from a reminder's due time to its delivery. Writes
bench/results/reminders.json.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from commsplan import create_app
from commsplan.auth import service as accounts
from commsplan.auth.models import Role
from commsplan.extensions import db
from commsplan.notifications import jobs
from commsplan.notifications.kinds import ChannelChoice
from commsplan.notifications.models import (
    Delivery,
    DeliveryStatus,
    InboxItem,
    NotificationPreference,
    Reminder,
    ReminderStatus,
)
from commsplan.notifications.settings import DeliverySettings, MailSettings

PEOPLE = 50


def wait_for_port(port: int) -> None:
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"SMTP sink did not start on port {port}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def add_reminders(count: int, label: str, due: datetime, user_ids: list[int]) -> None:
    rows = [{"idempotency_key": f"bench:{label}:{n}", "kind": "general", "urgency": "urgent",
             "recipient_user_id": user_ids[n % len(user_ids)], "subject_type": "bench",
             "subject_id": str(n), "subject_title": f"Benchmark reminder {n}", "subject_link": "/",
             "body": "", "due_at": due, "deliver_at": due, "status": "pending", "round": 1,
             "late": False, "created_at": due, "updated_at": due} for n in range(count)]
    for start in range(0, count, 5000):
        db.session.execute(insert(Reminder), rows[start:start + 5000])
    db.session.commit()


def percentiles(values: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(values, n=100)
    return {"p50_s": round(cuts[49], 3), "p99_s": round(cuts[98], 3), "max_s": round(max(values), 3)}


def run(label: str, settings: DeliverySettings) -> dict[str, Any]:
    started = time.perf_counter()
    report = jobs.run_dispatch(worker="bench", settings=settings)
    elapsed = time.perf_counter() - started
    print(f"{label}: {report.reminders} reminders, {report.sent} sent, {report.failed} failed "
          f"in {elapsed:.1f} s")
    return {"reminders": report.reminders, "sent": report.sent, "failed": report.failed,
            "seconds": round(elapsed, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reminders", type=int, default=100_000, help="in-app reminders")
    parser.add_argument("--emails", type=int, default=20_000, help="email reminders")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="commsplan-bench-")
    os.environ["COMMSPLAN_INSTANCE_PATH"] = workdir
    url = os.environ.get("COMMSPLAN_BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url,
                      "SECRET_KEY": "benchmark-secret-key-0123456789",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    port = free_port()
    # The SMTP sink runs in its own process so it does not compete with the dispatcher for the GIL.
    sink = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
                             "-l", f"127.0.0.1:{port}"])
    wait_for_port(port)
    settings = DeliverySettings(batch_size=200, mail=MailSettings(port=port))
    results: dict[str, Any] = {"database": url.split(":")[0]}
    with app.app_context():
        db.drop_all()
        db.create_all()
        now = datetime.now(UTC)
        ids = [accounts.create_user(db.session(), email=f"bench{n}@example.test", name=f"Bench {n}",
                                    roles={Role.DUTY_OFFICER}, password="benchmark password",
                                    actor=None, now=now).id for n in range(PEOPLE)]
        for user_id in ids:  # incident tasks reach everyone in app and by email by default
            db.session.add(NotificationPreference(user_id=user_id, kind="general",
                                                  channels=ChannelChoice.IN_APP))
        db.session.commit()

        add_reminders(args.reminders, "in_app", datetime.now(UTC), ids)
        results["in_app"] = run(f"In-app ({args.reminders:,})", settings)
        results["in_app"]["per_second"] = round(args.reminders / results["in_app"]["seconds"])
        lateness = [(i.delivered_at - i.due_at).total_seconds() for i in
                    db.session.scalars(select(InboxItem))]
        results["in_app"]["lateness"] = percentiles(lateness)

        db.session.execute(update(Reminder).where(Reminder.status == ReminderStatus.PENDING)
                           .values(status=ReminderStatus.CANCELLED))
        db.session.execute(update(NotificationPreference).values(channels=ChannelChoice.EMAIL))
        db.session.commit()
        add_reminders(args.emails, "email", datetime.now(UTC), ids)
        results["email"] = run(f"Email ({args.emails:,})", settings)
        results["email"]["per_second"] = round(args.emails / results["email"]["seconds"])
        sent = db.session.execute(select(Delivery.sent_at, Reminder.due_at).join(Reminder).where(
            Delivery.status == DeliveryStatus.SENT, Delivery.channel == "email")).all()
        results["email"]["lateness"] = percentiles([(s - d).total_seconds() for s, d in sent])
    sink.terminate()
    sink.wait(timeout=10)
    for channel in ("in_app", "email"):
        row = results[channel]
        print(f"{channel:>7}: {row['per_second']:,}/s; lateness p50 {row['lateness']['p50_s']} s, "
              f"p99 {row['lateness']['p99_s']} s")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "reminders.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
