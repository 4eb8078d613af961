"""Form building blocks shared by every domain: GOV.UK widgets and choice helpers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSelect, GovTextArea, GovTextInput
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.validators import ValidationError as WTFormsValidationError

CODE_PATTERN = r"^[A-Za-z0-9_]+$"


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


def long_text_field(label: str, max_length: int, *, hint: str = "") -> TextAreaField:
    return TextAreaField(
        label,
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


TIME_PATTERN = r"^([01]?\d|2[0-3]):[0-5]\d$"


def time_field(label: str, *, required: bool = True) -> StringField:
    """A 24-hour London time typed as HH:MM."""
    message = f"Enter {label.lower()} as a 24-hour time, like 14:30"
    first = InputRequired(message=message) if required else Optional()
    return StringField(label, description="24-hour clock, for example 14:30", widget=GovTextInput(),
                       validators=[first, Regexp(TIME_PATTERN, message=message)])


def london_moment(day: Any, clock: str) -> datetime:
    """A London calendar day and HH:MM wall-clock time, as an aware UTC datetime."""
    from datetime import UTC, time

    from commsplan.timeutil import LONDON

    hour, minute = (int(part) for part in clock.strip().split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)
