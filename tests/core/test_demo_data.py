"""The demo data files: they parse, every name in them resolves, and loading them twice adds nothing."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from commsplan.audiences.csv_io import AFFINITY_COLUMNS
from commsplan.audiences.kinds import AUDIENCES, CHANNELS
from commsplan.auth.models import Role
from commsplan.confidence import csv_io as confidence_csv
from commsplan.demo.files import DATA, demo_accounts, demo_password, duration, read_text, read_yaml
from commsplan.playbooks.library import library
from commsplan.reference.seed import reference_rows
from commsplan.risk import profile_csv

# What a fresh demo load holds, table by table (the load that issue 14 moved to data files; the
# six pinned risk-profile ranks are each an update after the import, hence 1,406 audit entries).
# Deliveries, their attempts and inbox items depend on the delivery settings, so are only required.
DELIVERY_TABLES = ("deliveries", "delivery_attempts", "inbox_items")
EXPECTED_ROWS = {
    "activity_audiences": 102, "affinities": 35, "audiences": 15,
    # the base demo, the press desk and its rebuttal's draft and approval, confidence measures and results,
    # actuals, sensitivity windows, lessons raised from the closed incident's debrief
    "audit_entries": 1406 + 37 + 3 + 4 + 792 + 4 + 3 + 4,
    "business_units": 46, "channels": 15, "confidence_measures": 4, "confidence_results": 792,
    "comm_plan_versions": 6, "comm_plans": 7, "incident_anchors": 9,
    "incident_assessments": 3,
    "incident_debriefs": 1, "incident_decisions": 2, "incident_role_assignments": 6,
    "incident_statements": 15,
    "incident_tasks": 52, "incident_timeline": 91, "incidents": 2, "message_map_qualifiers": 13,
    "media_enquiries": 5, "message_maps": 38, "message_variants": 61, "message_versions": 38,
    "plan_activities": 98, "plan_actuals": 4, "plan_metrics": 30, "plan_milestones": 8, "plan_objectives": 22,
    "playbook_lessons": 2, "playbook_revisions": 2,
    "press_claim_responses": 4, "press_claims": 2, "press_drafts": 1,
    "qualifiers": 4, "reminders": 240, "risk_profile_entries": 462, "risk_profiles": 66, "unit_members": 6,
    "sensitivity_windows": 3, "sensitivity_window_units": 2, "sensitivity_window_elements": 1,
    "user_roles": 6, "users": 6, "violence_elements": 7,
}


def csv_rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(read_text(name))))


def names(name: str, column: str = "name") -> set[str]:
    return {row[column] for row in csv_rows(name)}


def test_every_data_file_parses() -> None:
    files = sorted(path.name for path in DATA.iterdir())
    assert files == ["affinity.csv", "audiences.csv", "channels.csv", "confidence.yaml",
                     "confidence_results.csv", "incidents.yaml", "message_maps.yaml", "people.yaml",
                     "plans.yaml", "press.yaml", "risk_entries.csv", "risk_profiles.yaml", "sensitivity.yaml"]
    headers = {"audiences.csv": AUDIENCES.fields, "channels.csv": CHANNELS.fields,
               "affinity.csv": AFFINITY_COLUMNS, "risk_entries.csv": profile_csv.COLUMNS,
               "confidence_results.csv": confidence_csv.COLUMNS}
    for name, columns in headers.items():
        rows = csv_rows(name)
        assert rows and all(tuple(row) == tuple(columns) and None not in row.values() for row in rows), name
    for name in files:
        if name.endswith(".yaml"):
            assert isinstance(read_yaml(name), dict), name


def test_durations_read_as_written() -> None:
    assert duration("1d4h10m").total_seconds() == (28 * 60 + 10) * 60
    assert duration("-2d").days == -2 and duration("45m").seconds == 45 * 60
    for wrong in ("", "soon", "4x", "1h-2m"):
        with pytest.raises(ValueError):
            duration(wrong)


def test_accounts_cover_every_role_and_the_people_the_files_name() -> None:
    accounts = demo_accounts()
    assert {role for account in accounts for role in account.roles} == set(Role)
    emails = {account.email for account in accounts}
    people = read_yaml("people.yaml")
    assert set(people["people"].values()) <= emails
    assert {row["email"] for row in people["memberships"]} <= emails
    assert {row["person"] for row in people["reminders"] if "person" in row} <= emails
    assert len(demo_password()) >= 12


def test_every_name_in_the_catalogues_and_maps_resolves() -> None:
    units = {row["code"] for kind, row in reference_rows() if kind.slug == "business-units"}
    elements = {row["code"] for kind, row in reference_rows() if kind.slug == "violence-elements"}
    qualifiers = {row["code"] for kind, row in reference_rows() if kind.slug == "qualifiers"}
    audiences, channels = names("audiences.csv"), names("channels.csv")
    assert names("affinity.csv", "audience") <= audiences and names("affinity.csv", "channel") <= channels
    assert {row["unit"] for row in read_yaml("people.yaml")["memberships"]} <= units
    for row in read_yaml("message_maps.yaml")["maps"]:
        assert row["element"] in elements and set(row["qualifiers"]) <= qualifiers, row["concern"]
        assert row["audience"] in audiences and (row["unit"] is None or row["unit"] in units)
        assert {variant["channel"] for variant in row["variants"]} <= channels


def test_every_name_in_the_plans_and_risk_profiles_resolves() -> None:
    units = {row["code"] for kind, row in reference_rows() if kind.slug == "business-units"}
    elements = {row["code"] for kind, row in reference_rows() if kind.slug == "violence-elements"}
    corporate = read_yaml("plans.yaml")["corporate"]
    for activity in corporate["activities"]:
        assert activity["element"] in elements and activity["channel"] in names("channels.csv")
        assert set(activity["audiences"]) <= names("audiences.csv"), activity["title"]
    assert {row["unit"] for row in read_yaml("plans.yaml")["boroughs"]} <= units
    risk: dict[str, Any] = read_yaml("risk_profiles.yaml")
    entries = csv_rows("risk_entries.csv")
    assert set(risk["units"]) <= units and set(risk["drafts_this_year"]) <= set(risk["units"])
    assert Counter((row["unit"], row["year"]) for row in entries) == {
        (unit, str(year)): len(elements) for unit in risk["units"]
        for year in (risk["written_for"] - 1, risk["written_for"])}
    pinned = {(pin["unit"], pin["element"]) for pin in risk["pinned"]}
    assert {unit for unit, _ in pinned} <= set(risk["units"]) and {e for _, e in pinned} <= elements


def test_every_incident_step_names_a_task_or_statement_of_its_playbook(app: Flask) -> None:
    playbooks = library().playbooks
    for incident in read_yaml("incidents.yaml")["incidents"]:
        playbook = playbooks[incident["playbook"]]
        steps = {step.id for step in playbook.steps}
        statements = set(playbook.statements)
        for step in incident["steps"]:
            duration(step["at"])
            named = step.get("done") or step.get("skip")
            assert named is None or named in steps, named
            released = step.get("approve") or step.get("release")
            assert released is None or released in statements, released


def table_counts(session: Session) -> dict[str, int]:
    tables = [name for name in inspect(session.get_bind()).get_table_names() if name != "alembic_version"]
    counts = {name: session.scalar(select(func.count()).select_from(text(f'"{name}"'))) or 0
              for name in tables}
    assert all(counts[name] for name in DELIVERY_TABLES)
    return {name: count for name, count in counts.items() if count and name not in DELIVERY_TABLES}


def test_the_demo_loads_every_table_as_expected_and_a_second_load_adds_nothing(
        runner: FlaskCliRunner, session: Session) -> None:
    first = runner.invoke(args=["demo", "load", "--commit"])
    assert first.exit_code == 0, first.output
    assert table_counts(session) == EXPECTED_ROWS
    again = runner.invoke(args=["demo", "load", "--commit"])
    assert again.exit_code == 0 and "Demo data: up to date." in again.output, again.output
    assert table_counts(session) == EXPECTED_ROWS
    refused = runner.invoke(args=["demo", "load", "--if-empty", "--commit"])
    assert "already has data" in refused.output
