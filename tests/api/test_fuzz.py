"""The API fuzzed from its own OpenAPI document (schemathesis): valid and invalid requests to every
operation never get a server error, and every response matches what the document says."""

from __future__ import annotations

import os
import time
from collections import Counter
from datetime import date, datetime
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.auth.models import Role, User
from commsplan.auth.service import create_api_token
from commsplan.extensions import db
from commsplan.notifications.settings import DeliverySettings
from commsplan.plans import activities, items, service
from commsplan.plans.rules import PlanRules
from commsplan.reference.models import BusinessUnit, ViolenceElement
from commsplan.reference.seed import seed_reference
from commsplan.risk import profiles
from commsplan.timeutil import london_moment
from tests.audiences.helpers import make_audience, make_channel
from tests.factories import make_user

EXAMPLES = int(os.environ.get("COMMSPLAN_FUZZ_EXAMPLES", "25"))  # per operation and mode
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def admin_headers(session: Session, now: datetime) -> dict[str, str]:
    seed_reference(session, actor=None, now=now)
    user = make_user(session, roles=(Role.ADMIN, Role.COMMS_OFFICER, Role.DUTY_OFFICER, Role.APPROVER),
                     now=now)
    make_planning(session, user, now)
    _, secret = create_api_token(session, user=user, name="Fuzzing", actor=user, now=now)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def make_planning(session: Session, user: User, now: datetime) -> None:
    """A risk profile with an entry and a draft plan holding one item of each kind, each with id 1: the
    fuzzer tries the smallest ids, so it changes, submits and removes real records as well as missing ones."""
    unit = session.scalars(select(BusinessUnit).order_by(BusinessUnit.id)).first()
    element = session.scalars(select(ViolenceElement).order_by(ViolenceElement.id)).first()
    assert unit is not None and element is not None
    profile = profiles.create_profile(session, unit=unit, year=2026, actor=user, now=now)
    profiles.save_entry(session, profile, element=element, actor=user, now=now, values=profiles.EntryValues(
        volume=10, harm_score=5.0, harm_method="Cambridge Crime Harm Index"))
    delivery, rules = DeliverySettings(), PlanRules()
    plan = service.create_plan(session, details=service.PlanDetails(
        unit_id=unit.id, year=2026, title="Fuzzed plan", owner_id=user.id), actor=user, now=now,
        delivery=delivery)
    items.save_objective(session, plan, items.ObjectiveValues(
        statement="Fewer robberies", metric="Robberies", baseline=10, target=8, deadline=date(2027, 3, 31)),
        actor=user, now=now)
    items.save_metric(session, plan, items.MetricValues(level="outcomes", name="Confidence",
                                                        is_confidence=True), actor=user, now=now)
    items.save_milestone(session, plan, items.MilestoneValues(title="Launch", target_date=date(2026, 12, 1)),
                         actor=user, now=now, delivery=delivery, rules=rules)
    audience, channel = make_audience(session, now=now), make_channel(session, now=now)
    activities.save_activity(session, plan, activities.ActivityValues(
        title="Assemblies", element_id=element.id, audience_ids=(audience.id,), channel_id=channel.id,
        starts_at=london_moment(date(2027, 1, 11), "10:00"),
        ends_at=london_moment(date(2027, 1, 12), "10:00"),
        owner_id=user.id, ripe_strand="prevention"), actor=user, now=now, delivery=delivery, rules=rules)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_breaks_the_api_or_its_document(app: Flask, admin_headers: dict[str, str],
                                                   mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, headers=admin_headers)
    sent: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    succeeded: set[str] = set()  # operations that answered 2xx at least once, not only errors
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def call(case: Any) -> None:
            sent[case.operation.label] += 1
            if case.path_parameters and sent[case.operation.label] % 2 == 0:
                # Every other request goes to the records make_planning seeded, so bodies and queries
                # are tried against real ones, not only against ids that are not there.
                case.path_parameters = dict.fromkeys(case.path_parameters, 1)
            response = case.call_and_validate(headers=admin_headers, checks=CHECKS)
            statuses[f"{response.status_code // 100}xx"] += 1
            if response.status_code < 300:
                succeeded.add(case.operation.label)

        call()
    print(f"\n{mode.value}: {sum(sent.values())} requests to {len(sent)} operations in "
          f"{time.monotonic() - started:.0f} s, none a server error; {dict(sorted(statuses.items()))}; "
          f"{len(succeeded)} operations answered 2xx at least once")
    assert sum(sent.values()) >= len(sent) > 80
