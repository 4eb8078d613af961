"""The London benchmark's data builder and page list, at a tiny scale: every key page answers, and
the SQL query count of each does not change when the data doubles."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from bench.london import PAGES, query_counts, targets
from bench.scale import Sizes, bench_app, build_sqlite
from commsplan.extensions import db
from commsplan.incidents.models import Incident, IncidentStatus, IncidentTask
from commsplan.messages.models import MessageMap
from commsplan.notifications.models import InboxItem, Reminder
from commsplan.plans.models import Activity
from commsplan.reference.models import BusinessUnit

SMALL, LARGE = 0.005, 0.01


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[float, Flask]:
    """The demo database built once, then copied and filled to each scale."""
    folder = tmp_path_factory.mktemp("london")
    apps = {}
    for scale in (SMALL, LARGE):
        path = folder / f"london-{scale}.sqlite3"
        build_sqlite(path, scale, demo=folder / "demo.sqlite3", instance=folder)
        apps[scale] = bench_app(f"sqlite:///{path}", folder)
    return apps


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_the_builder_fills_each_table_to_its_scale(built: dict[float, Flask]) -> None:
    sizes = Sizes.at(LARGE)
    with built[LARGE].app_context():
        assert count(BusinessUnit) == 46
        assert count(MessageMap) == sizes.maps
        assert count(Incident) == sizes.incidents
        assert count(Reminder) == sizes.reminders
        assert count(Activity) >= sizes.activities
        assert count(IncidentTask) >= 20 * (sizes.incidents - 2)
        assert count(InboxItem) > sizes.reminders // 2
        statuses = set(db.session.scalars(select(Incident.status).distinct()))
        assert statuses >= {IncidentStatus.ACTIVE, IncidentStatus.CLOSED}


def test_every_key_page_answers_with_the_same_queries_at_twice_the_data(built: dict[float, Flask]) -> None:
    counts = {scale: query_counts(app, targets(app)) for scale, app in built.items()}  # asserts 200s
    assert set(counts[LARGE]) == {page.name for page in PAGES}
    grew = {name: (counts[SMALL][name], number) for name, number in counts[LARGE].items()
            if number != counts[SMALL][name]}
    assert not grew, grew


def test_the_cache_file_is_named_by_schema_and_scale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import scale

    monkeypatch.setattr(scale, "CACHE", tmp_path)
    (tmp_path / f"london-{scale.alembic_head()}-0.5.sqlite3").write_bytes(b"")
    assert scale.cached_sqlite(0.5) == tmp_path / f"london-{scale.alembic_head()}-0.5.sqlite3"
