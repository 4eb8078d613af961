"""Messaging fixtures: a comms officer who writes behind the scenes."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from commsplan.auth.models import Role, User
from tests.factories import make_user


@pytest.fixture
def officer(session: Session, now: datetime) -> User:
    """A comms officer who writes behind the scenes (no sign-in)."""
    return make_user(session, roles=(Role.COMMS_OFFICER,), name="Olu Officer", now=now)


