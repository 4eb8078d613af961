"""Reading the JSON body of an API request."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
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


class Reader:
    """Typed access to a JSON object that gathers every field's error before failing."""

    def __init__(self, payload: dict[str, Any], prefix: str = "") -> None:
        self.payload, self.prefix = payload, prefix
        self.errors: dict[str, list[str]] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(f"{self.prefix}{name}", []).append(message)

    def get(self, name: str, check: Callable[[Any], bool], wanted: str, default: Any = None) -> Any:
        value = self.payload.get(name, default)
        if value is None or check(value):
            return value
        self.fail(name, f"Send {wanted}")
        return default

    def text(self, name: str, default: str = "") -> str:
        return str(self.get(name, lambda v: isinstance(v, str), "text", default) or "")

    def integer(self, name: str) -> int | None:
        value: int | None = self.get(name, lambda v: isinstance(v, int) and not isinstance(v, bool),
                                     "a whole number")
        return value

    def flag(self, name: str) -> bool:
        return bool(self.get(name, lambda v: isinstance(v, bool), "true or false", False))

    def choice(self, name: str, enum: type[StrEnum]) -> Any:
        value = self.text(name)
        if value and value not in {member.value for member in enum}:
            self.fail(name, f"Choose one of: {', '.join(member.value for member in enum)}")
            return None
        return enum(value) if value else None

    def list_of(self, name: str, check: Callable[[Any], bool], wanted: str) -> list[Any]:
        value = self.get(name, lambda v: isinstance(v, list) and all(check(i) for i in v),
                         f"a list of {wanted}", [])
        return list(value or [])

    def day(self, name: str) -> date | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.fail(name, "Send a date as YYYY-MM-DD")
            return None

    def unknown(self, known: tuple[str, ...]) -> None:
        for name in self.payload:
            if name not in known:
                self.fail(name, "Unknown field")

    def done(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
