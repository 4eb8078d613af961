"""Validate data from JSON bodies and CSV rows through the same WTForms forms the pages use."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, Field, IntegerField, SelectMultipleField
from wtforms.validators import InputRequired

from commsplan.errors import ValidationError
from commsplan.forms import AppForm, ChoiceField, LanguagesField, optional_int


def json_type(field: Field) -> str:
    """The JSON type a form field accepts, for type checks and the OpenAPI document."""
    if isinstance(field, BooleanField):
        return "boolean"
    if isinstance(field, IntegerField):
        return "integer"
    if isinstance(field, ChoiceField) and field.coerce is optional_int:
        return "integer"
    if isinstance(field, SelectMultipleField | LanguagesField):
        return "array"
    return "string"


def is_required(field: Field) -> bool:
    """Whether the form rejects a body without this field: input-required, or a select with no blank."""
    if isinstance(field, ChoiceField):
        return not field.blank_means_none
    return any(isinstance(v, InputRequired) for v in field.validators)


TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "array": lambda value: isinstance(value, list) and all(isinstance(v, str) for v in value),
}
TYPE_NAMES = {"integer": "a whole number", "string": "text", "array": "a list of text values",
              "boolean": "true or false"}


def as_form_value(value: Any) -> list[str]:
    if value is None or value is False:
        return [""] if value is None else []
    if value is True:
        return ["y"]
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, Enum):
        return [str(value.value)]
    return [str(value)]


def type_errors(form: AppForm, payload: Mapping[str, Any], nullable: set[str]) -> dict[str, list[str]]:
    """Fields that are unknown or of the wrong JSON type, with a message for each."""
    errors: dict[str, list[str]] = {}
    for key, value in payload.items():
        field = form._fields.get(key)
        if field is None or key in ("submit", "csrf_token"):
            errors[key] = ["Unknown field"]
        elif value is None and key in nullable:
            continue
        elif not TYPE_CHECKS[json_type(field)](value):
            errors[key] = [f"Must be {TYPE_NAMES[json_type(field)]}"]
    return errors


def check_types(form: AppForm, payload: Mapping[str, Any], nullable: set[str]) -> None:
    if errors := type_errors(form, payload, nullable):
        raise ValidationError(errors)


def validated_form(
    form_class: type[AppForm],
    payload: Mapping[str, Any],
    *,
    current: Mapping[str, Any] | None = None,
    nullable: set[str] | None = None,
    prepare: Callable[[AppForm], None] | None = None,
) -> AppForm:
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


def checked_form(
    form: AppForm,
    payload: Mapping[str, Any],
    *,
    current: Mapping[str, Any] | None = None,
    nullable: set[str] | None = None,
) -> dict[str, list[str]]:
    """Like `validated_form`, but fills and checks a form the caller made once (a CSV import
    checks thousands of rows with one) and returns every fault rather than raising.

    A field of the wrong type is reported once, as such; the form checks every other field, with
    the current value standing in for the wrong one. The form's fields hold the checked values.
    """
    errors = type_errors(form, payload, nullable or set())
    merged = {**(current or {}), **{key: value for key, value in payload.items() if key not in errors}}
    form.process(formdata=MultiDict([(key, item) for key, value in merged.items()
                                     for item in as_form_value(value)]))
    form.validate()
    for name, messages in form.errors.items():
        if name is not None and name not in errors:
            errors[name] = list(messages)
    return errors
