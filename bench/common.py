"""What every benchmark shares: a scratch database, timing through the test client, results files."""

from __future__ import annotations

import json
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text

RESULTS = Path(__file__).parent / "results"
POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REPEATS = 30


def postgres_answers(url: str = POSTGRES_URL) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


def answering_databases(names: str) -> Iterator[str]:
    """Each of the comma-separated database kinds ("sqlite", "postgresql") that can be used now;
    a PostgreSQL server that does not answer is said so and left out."""
    for kind in names.split(","):
        if kind == "postgresql" and not postgres_answers():
            print("PostgreSQL does not answer: its runs are left out")
            continue
        yield kind


@contextmanager
def throwaway_database(base_url: str, directory: str | Path, name: str) -> Iterator[str]:
    """A database URL to use and lose: a new SQLite file in `directory` when `base_url` is SQLite,
    else a new schema in the PostgreSQL database at `base_url`, dropped afterwards."""
    if base_url.startswith("sqlite"):
        yield f"sqlite:///{Path(directory) / f'{name}.sqlite3'}"
        return
    schema = f"{name}_{uuid.uuid4().hex[:10]}"
    engine = create_engine(base_url)
    with engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


@contextmanager
def scratch_database(kind: str) -> Iterator[str]:
    """A throwaway database of `kind` ("sqlite" or "postgresql", in POSTGRES_URL) and instance folder."""
    workdir = tempfile.mkdtemp(prefix="commsplan-bench-")
    os.environ["COMMSPLAN_INSTANCE_PATH"] = workdir
    with throwaway_database("sqlite" if kind == "sqlite" else POSTGRES_URL, workdir, "bench") as url:
        yield url


def timed(client: FlaskClient, url: str, headers: dict[str, str] | None = None) -> list[float]:
    """Milliseconds per request, after one request to warm caches; every answer must be 200."""
    client.get(url, headers=headers)
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def record(name: str, results: dict[str, Any] | list[dict[str, Any]]) -> Path:
    """Write one benchmark's results to bench/results/<name>.json; `bench.run` gathers them."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    return path
