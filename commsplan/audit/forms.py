"""The audit log's filter form (a GET form, so it carries no CSRF token)."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import Field, SubmitField
from wtforms.validators import ValidationError as WTFormsValidationError

from commsplan.forms import AppForm, ChoiceField, GovDateField, optional_int


def _optional_text(value: Any) -> str | None:
    return value or None


class AuditFilterForm(AppForm):
    class Meta:
        csrf = False

    actor_id = ChoiceField("Who", coerce=optional_int, blank_means_none=True)
    object_type = ChoiceField("What kind of record", coerce=_optional_text, blank_means_none=True)
    since = GovDateField("From", description="For example, 27 3 2026")
    until = GovDateField("To (inclusive)")
    submit = SubmitField("Filter", widget=GovSubmitInput())

    def validate_until(self, field: Field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise WTFormsValidationError("The 'to' date must be the same as or after the 'from' date")
