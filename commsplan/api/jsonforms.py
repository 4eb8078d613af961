"""Reading the JSON body of an API request."""

from __future__ import annotations

from typing import Any

from flask import request

from commsplan.errors import ValidationError


def request_object() -> dict[str, Any]:
    """The request body as a JSON object, or a 422 naming what is wrong with it."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ValidationError.single("body", "Send a JSON object with Content-Type "
                                             "application/json")
    return payload
