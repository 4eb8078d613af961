"""The incident figures count each closed incident's tasks and statements from indexes alone, so the
totals over thousands of incidents never read the task or statement rows (SQLite's query plan)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from commsplan.incidents.figures import figure_columns


def test_the_figures_read_task_and_statement_indexes_alone(session: Session, now: datetime) -> None:
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("reads SQLite's query plans")
    figures = select(*figure_columns(now))
    compiled = figures.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    plan = " | ".join(row[3] for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "COVERING INDEX ix_incident_tasks_figures" in plan
    assert "COVERING INDEX ix_incident_statements_figures" in plan
