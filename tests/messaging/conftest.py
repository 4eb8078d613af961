"""Messaging fixtures: a comms officer who writes behind the scenes, and API tokens by role."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from commsplan.auth.models import Role, User
from commsplan.auth.service import create_api_token
from commsplan.extensions import db
from tests.factories import make_user

Headers = dict[str, str]
TokenFactory = Callable[..., tuple[User, Headers]]


@pytest.fixture
def officer(session: Session, now: datetime) -> User:
    """A comms officer who writes behind the scenes (no sign-in)."""
    return make_user(session, roles=(Role.COMMS_OFFICER,), name="Olu Officer", now=now)


@pytest.fixture
def token_for(session: Session, now: datetime) -> TokenFactory:
    """A person with the given roles and a live token; returns them and the auth header."""

    def make(*roles: Role) -> tuple[User, Headers]:
        user = make_user(session, roles=roles or (Role.VIEWER,), now=now)
        _, secret = create_api_token(session, user=user, name="Tests", actor=user, now=now)
        db.session.commit()
        return user, {"Authorization": f"Bearer {secret}"}

    return make


