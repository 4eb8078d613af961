"""Validate JSON bodies through the same WTForms forms the web pages use."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Field, IntegerField, SelectMultipleField

from commsplan.errors import ValidationError
from commsplan.forms import ChoiceField, optional_int


def json_type(field: Field) -> str:
    """The JSON type a form field accepts, for type checks and the OpenAPI document."""
    if isinstance(field, IntegerField):
        return "integer"
    if isinstance(field, ChoiceField) and field.coerce is optional_int:
        return "integer"
    if isinstance(field, SelectMultipleField):
        return "array"
    return "string"


TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "string": lambda value: isinstance(value, str),
    "array": lambda value: isinstance(value, list) and all(isinstance(v, str) for v in value),
}
TYPE_NAMES = {"integer": "a whole number", "string": "text", "array": "a list of text values"}


def request_object() -> dict[str, Any]:
    """The request body as a JSON object, or a 422 naming what is wrong with it."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ValidationError.single("body", "Send a JSON object with Content-Type "
                                             "application/json")
    return payload


def as_form_value(value: Any) -> list[str]:
    if value is None:
        return [""]
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, Enum):
        return [str(value.value)]
    return [str(value)]


def check_types(form: FlaskForm, payload: Mapping[str, Any], nullable: set[str]) -> None:
    errors: dict[str, list[str]] = {}
    for key, value in payload.items():
        field = form._fields.get(key)
        if field is None or key in ("submit", "csrf_token"):
            errors[key] = ["Unknown field"]
        elif value is None and key in nullable:
            continue
        elif not TYPE_CHECKS[json_type(field)](value):
            errors[key] = [f"Must be {TYPE_NAMES[json_type(field)]}"]
    if errors:
        raise ValidationError(errors)


def validated_form(
    form_class: type[FlaskForm],
    payload: Mapping[str, Any],
    *,
    current: Mapping[str, Any] | None = None,
    nullable: set[str] | None = None,
    prepare: Callable[[FlaskForm], None] | None = None,
) -> FlaskForm:
    """A validated form built from `current` values overlaid with the JSON `payload`.

    Raises ValidationError with field-level messages for unknown fields, wrong JSON types and
    every rule the form itself enforces.
    """
    probe = form_class(formdata=None, meta={"csrf": False})
    check_types(probe, payload, nullable or set())
    merged = {**(current or {}), **payload}
    formdata = MultiDict([(key, item) for key, value in merged.items()
                          for item in as_form_value(value)])
    form = form_class(formdata=formdata, meta={"csrf": False})
    if prepare is not None:
        prepare(form)
    if not form.validate():
        raise ValidationError({name: list(messages) for name, messages in form.errors.items()
                               if name is not None})
    return form
