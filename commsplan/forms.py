"""Form building blocks shared by every domain: GOV.UK widgets and choice helpers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.csrf.core import CSRF, CSRFTokenField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.validators import ValidationError as WTFormsValidationError
from wtforms.widgets import HiddenInput

CODE_PATTERN = r"^[A-Za-z0-9_]+$"


class HiddenInputWithoutId(HiddenInput):
    """A hidden input with no `id`: nothing points at it, and a page with several forms would
    otherwise hold the same id once per form."""

    def __call__(self, field: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("id", False)
        return super().__call__(field, **kwargs)


class CSRFTokenWithoutId(CSRFTokenField):
    widget = HiddenInputWithoutId()


class AppForm(FlaskForm):
    """The base of every form in Commsplan: a FlaskForm whose CSRF field renders without an id."""

    class Meta(FlaskForm.Meta):
        def build_csrf(self, form: Any) -> CSRF:
            csrf: CSRF = super().build_csrf(form)
            csrf.field_class = CSRFTokenWithoutId
            return csrf


def choices(pairs: Iterable[tuple[Any, str]], *, blank: str | None = None) -> list[SelectChoice]:
    """SelectChoice objects (tuples are deprecated in WTForms 3.3), with an optional blank first."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(value, label) for value, label in pairs]


def optional_int(value: Any) -> int | None:
    """Coerce a select's posted value: blank means none; anything else must be a whole number."""
    if value in (None, "", "None"):
        return None
    return int(value)


def code_field(label: str, max_length: int, hint: str) -> StringField:
    return StringField(
        label,
        description=hint,
        widget=GovTextInput(),
        validators=[
            InputRequired(message=f"Enter a {label.lower()}"),
            Length(max=max_length, message=f"{label} must be {max_length} characters or fewer"),
            Regexp(CODE_PATTERN, message=f"{label} must use only letters, numbers and underscores"),
        ],
    )


def text_field(label: str, max_length: int, *, required: bool = True, hint: str = "") -> StringField:
    checks: list[Any] = [Length(max=max_length,
                                message=f"{label} must be {max_length} characters or fewer")]
    first = InputRequired(message=f"Enter a {label.lower()}") if required else Optional()
    return StringField(label, description=hint, widget=GovTextInput(), validators=[first, *checks])


def long_text_field(label: str, max_length: int, *, hint: str = "", id: str | None = None) -> TextAreaField:
    """A text area; `id` tells it apart from a field of the same name in another form on the page."""
    return TextAreaField(
        label,
        id=id,
        description=hint,
        widget=GovTextArea(),
        validators=[Length(max=max_length,
                           message=f"{label} must be {max_length} characters or fewer")],
    )


class ChoiceField(SelectField):
    """A select with GOV.UK-style messages for a missing, unknown or malformed choice."""

    def __init__(
        self, label: str, *, blank_means_none: bool = False, message: str | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("widget", GovSelect())
        super().__init__(label, **kwargs)
        self.blank_means_none = blank_means_none
        self.message = message

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        try:
            self.data = self.coerce(valuelist[0])
        except (ValueError, TypeError):
            self.data = None
            raise WTFormsValidationError(self.unknown_message) from None

    def pre_validate(self, form: Any) -> None:
        if self.data is None and self.blank_means_none:
            return
        if self.data is None or self.data not in self.choice_values():
            raise WTFormsValidationError(self.unknown_message)

    def choice_values(self) -> set[Any]:
        return {c.value if isinstance(c, SelectChoice) else c[0] for c in self.choices or []}

    @property
    def unknown_message(self) -> str:
        return self.message or f"Select {self.label.text.lower()} from the list"


def optional_select(label: str, *, message: str, hint: str = "") -> ChoiceField:
    """A select of ids that the view supplies; blank stands for none."""
    return ChoiceField(label, description=hint, coerce=optional_int, blank_means_none=True,
                       message=message)


class WholeNumberField(IntegerField):
    """An integer field whose message for text that is not a number names the field."""

    def __init__(self, label: str, *, message: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.message = message

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or valuelist[0] in ("", None):
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError:
            self.data = None
            raise WTFormsValidationError(self.message) from None


def whole_number(label: str, *, minimum: int, maximum: int, message: str, hint: str = "") -> IntegerField:
    """A required whole number in a range; `message` asks for it, like "Enter the order as a number"."""
    return WholeNumberField(
        label,
        message=message,
        description=hint,
        widget=GovTextInput(),
        default=minimum,
        validators=[
            InputRequired(message=message),
            NumberRange(minimum, maximum,
                        message=f"{label} must be between {minimum} and {maximum}"),
        ],
    )


class DateInput(GovDateInput):
    """GOV.UK date input that survives a missing or malformed day/month/year trio."""

    def map_gov_params(self, field: Any, **kwargs: Any) -> dict[str, Any]:
        if field.raw_data is not None:
            field.raw_data = ([*field.raw_data, "", "", ""])[:3]
        params: dict[str, Any] = super().map_gov_params(field, **kwargs)
        return params


class GovDateField(DateField):
    """A day, month and year entered in three boxes, with GOV.UK error messages."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("widget", DateInput())
        kwargs.setdefault("format", "%d %m %Y")
        super().__init__(label, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        parts = [str(value).strip() for value in valuelist]
        if not any(parts):
            self.data = None
            return
        try:
            self.data = datetime.strptime(" ".join(parts), "%d %m %Y").date()
        except ValueError:
            self.data = None
            raise WTFormsValidationError(
                f"{self.label.text} must be a real date, like 27 3 2026") from None
        if not MIN_YEAR <= self.data.year <= MAX_YEAR:
            self.data = None
            raise WTFormsValidationError(
                f"{self.label.text} must be a year between {MIN_YEAR} and {MAX_YEAR}")


MIN_YEAR, MAX_YEAR = 1900, 2100
TIME_PATTERN = r"^([01]?\d|2[0-3]):[0-5]\d$"


def time_field(label: str, *, required: bool = True) -> StringField:
    """A 24-hour London time typed as HH:MM."""
    message = f"Enter {label.lower()} as a 24-hour time, like 14:30"
    first = InputRequired(message=message) if required else Optional()
    return StringField(label, description="24-hour clock, for example 14:30", widget=GovTextInput(),
                       validators=[first, Regexp(TIME_PATTERN, message=message)])



LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class LanguagesField(StringField):
    """Language codes typed as "en, so, bn" (or sent as a JSON list); data is a list of codes."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = ",".join(str(value) for value in valuelist)
        self.raw_text = text
        self.data = [part.strip() for part in text.split(",") if part.strip()]

    def _value(self) -> str:
        return ", ".join(self.data or [])

    def pre_validate(self, form: Any) -> None:
        bad = [code for code in self.data or [] if not LANGUAGE_PATTERN.match(code)]
        if bad:
            raise WTFormsValidationError(
                f"“{bad[0]}” is not a language code: use codes like en, so, bn, pt-BR")
        if len(self.data or []) > 20:
            raise WTFormsValidationError("List 20 languages at most")


def languages_field(label: str, hint: str) -> LanguagesField:
    return LanguagesField(label, description=hint, widget=GovTextInput(), default=list)


class MultiChoiceField(SelectMultipleField):
    """Checkboxes from a fixed list; an unknown value is a clear error."""

    def pre_validate(self, form: Any) -> None:
        known = {c.value if isinstance(c, SelectChoice) else c[0] for c in self.choices or []}
        unknown = [value for value in self.data or [] if value not in known]
        if unknown:
            raise WTFormsValidationError(f"“{unknown[0]}” is not one of the options")


def checkboxes(label: str, options: list[str], hint: str = "") -> MultiChoiceField:
    return MultiChoiceField(label, description=hint, widget=GovCheckboxesInput(),
                            choices=choices((option, option) for option in options), default=list)


def optional_number(
    label: str, *, minimum: int, maximum: int, message: str, hint: str = ""
) -> WholeNumberField:
    return WholeNumberField(label, message=message, description=hint, widget=GovTextInput(),
                            validators=[Optional(), NumberRange(minimum, maximum, message=(
                                f"{label} must be between {minimum:,} and {maximum:,}"))])


class RadioChoiceField(RadioField):
    """Radios whose unknown-choice error says which question to answer."""

    def __init__(self, label: str, *, message: str, **kwargs: Any) -> None:
        kwargs.setdefault("widget", GovRadioInput())
        kwargs.setdefault("validators", [InputRequired(message=message)])
        super().__init__(label, **kwargs)
        self.message = message

    def pre_validate(self, form: Any) -> None:
        known = {c.value if isinstance(c, SelectChoice) else c[0] for c in self.choices or []}
        if self.data not in known:
            raise WTFormsValidationError(self.message)
