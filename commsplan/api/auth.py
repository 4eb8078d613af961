"""Bearer-token authentication for /api/v1; browser sessions are never accepted there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Response, g, request

from commsplan.auth import service
from commsplan.auth.models import User
from commsplan.db import unit_of_work
from commsplan.errors import json_error
from commsplan.timeutil import utcnow

F = TypeVar("F", bound=Callable[..., Any])


def authenticate_request() -> Response | None:
    """Load the token's user into g.api_user, or answer 401."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    user = None
    if scheme.lower() == "bearer" and secret.strip():
        with unit_of_work() as session:
            user = service.user_for_token(session, secret.strip(), now=utcnow())
    if user is None:
        response = json_error(401, "Send a valid API token as 'Authorization: Bearer <token>'")
        response.headers["WWW-Authenticate"] = 'Bearer realm="commsplan"'
        return response
    g.api_user = user
    return None


def api_user() -> User:
    return cast(User, g.api_user)
