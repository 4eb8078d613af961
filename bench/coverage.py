"""Server time and SQL query count of the coverage matrix and message list, demo data vs 1,000 maps.

    .venv/bin/python -m bench.coverage
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import event, insert, select

from bench.common import record, timed
from commsplan import create_app
from commsplan.audiences.models import Audience, Channel
from commsplan.auth.models import User
from commsplan.demo.files import demo_password
from commsplan.demo.service import load_demo
from commsplan.extensions import db
from commsplan.messages.models import MessageMap, MessageVariant, MessageVersion
from commsplan.reference.models import ViolenceElement

MAPS = 1_000
GOAL_MS = 150
PAGES = {"coverage matrix": "/messages/coverage", "message list": "/messages/"}


def add_maps(total: int, now: datetime, owner_id: int) -> None:
    """Approved maps with two variants each, spread over every element and audience (tests use it too)."""
    session = db.session()
    elements = list(session.scalars(select(ViolenceElement.id)))
    audiences = list(session.scalars(select(Audience.id)))
    channels = list(session.scalars(select(Channel.id)))
    start = session.scalar(select(db.func.count(MessageMap.id))) or 0
    for n in range(start, total):
        item = MessageMap(element_id=elements[n % len(elements)], audience_id=audiences[n % len(audiences)],
                          owner_id=owner_id, status="approved", latest_number=1, approved_number=1,
                          created_at=now, updated_at=now)
        session.add(item)
        session.flush()
        version = MessageVersion(map_id=item.id, number=1, concern="Bench", key_messages=[
            {"text": "Bench message", "facts": []}], call_to_action="101", ripe_strands=["prevention"],
            tone="informative", created_at=now)
        session.add(version)
        session.flush()
        session.execute(insert(MessageVariant), [
            {"version_id": version.id, "channel_id": channels[(n + k) % len(channels)], "language": "en",
             "body": "Bench words", "translation_status": "original"} for k in range(2)])
    session.commit()


def measure(app: Flask, label: str) -> list[dict[str, object]]:
    """Each request in its own app context and session, as in production."""
    rows: list[dict[str, object]] = []
    client = app.test_client()
    client.post("/login", data={"email": "officer@commsplan.test", "password": demo_password()})
    for name, url in PAGES.items():
        client.get(url)
        queries: list[str] = []

        def listener(*args: object, seen: list[str] = queries) -> None:
            seen.append(str(args[2]))

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", listener)
        client.get(url)
        event.remove(engine, "before_cursor_execute", listener)
        if os.environ.get("SHOW_QUERIES"):
            print("\n".join(q.split("\n")[0][:100] for q in queries))
        times = timed(client, url)
        p95 = statistics.quantiles(times, n=20)[18]
        print(f"{label:<22} {name:<16} {len(queries):3d} queries  median {statistics.median(times):6.1f} ms"
              f"  p95 {p95:6.1f} ms  (goal {GOAL_MS} ms){'' if p95 <= GOAL_MS else '  MISSED'}")
        rows.append({"data": label, "page": name, "queries": len(queries),
                     "median_ms": round(statistics.median(times), 1), "p95_ms": round(p95, 1),
                     "goal_ms": GOAL_MS, "met": p95 <= GOAL_MS})
    return rows


def main() -> int:
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
        demo_maps = db.session.scalar(select(db.func.count(MessageMap.id)))
    rows = measure(app, f"demo ({demo_maps} maps)")
    with app.app_context():
        owner = db.session.scalar(select(User.id).where(User.email == "officer@commsplan.test"))
        assert owner is not None
        add_maps(MAPS, now, owner)
    rows += measure(app, f"{MAPS:,} maps")
    same_queries = len({(row["page"], row["queries"]) for row in rows}) == len(PAGES)
    record("coverage", {"pages": rows, "queries_bounded": same_queries})
    return 0 if same_queries and all(row["met"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
