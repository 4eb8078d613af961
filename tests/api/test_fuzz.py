"""The API fuzzed from its own OpenAPI document (schemathesis): valid and invalid requests to every
operation never get a server error, and every response matches what the document says."""

from __future__ import annotations

import os
from collections import Counter
from datetime import datetime
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
from sqlalchemy.orm import Session

from commsplan.auth.models import Role
from commsplan.auth.service import create_api_token
from commsplan.extensions import db
from commsplan.reference.seed import seed_reference
from tests.factories import make_user

EXAMPLES = int(os.environ.get("COMMSPLAN_FUZZ_EXAMPLES", "25"))  # per operation and mode
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def admin_headers(session: Session, now: datetime) -> dict[str, str]:
    seed_reference(session, actor=None, now=now)
    user = make_user(session, roles=(Role.ADMIN, Role.COMMS_OFFICER, Role.DUTY_OFFICER), now=now)
    _, secret = create_api_token(session, user=user, name="Fuzzing", actor=user, now=now)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_breaks_the_api_or_its_document(app: Flask, admin_headers: dict[str, str],
                                                   mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, headers=admin_headers)
    sent: Counter[str] = Counter()
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def call(case: Any) -> None:
            sent[case.operation.label] += 1
            case.call_and_validate(headers=admin_headers, checks=CHECKS)

        call()
    assert sum(sent.values()) >= len(sent) > 40
