"""Forms for risk profiles: filters, a new profile, one entry's form, and the CSV import."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length
from wtforms.validators import ValidationError as WTFormsValidationError

from commsplan.forms import AppForm, ChoiceField, RadioChoiceField, WholeNumberField, choices, optional_int
from commsplan.reference.models import UnitKind
from commsplan.risk.models import Likelihood, ProfileStatus
from commsplan.risk.profiles import NOTES_LIMIT, EntryValues

YEAR_HINT = "The year it starts: 2026 is April 2026 to March 2027"


class DecimalField(StringField):
    """A number that may have decimals; blank is None, other text an error naming the field."""

    def __init__(self, label: str, *, message: str, **kwargs: Any) -> None:
        kwargs.setdefault("widget", GovTextInput())
        super().__init__(label, **kwargs)
        self.message = message

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = str(valuelist[0]).strip() if valuelist and valuelist[0] is not None else ""
        try:
            self.data = float(text) if text else None
        except ValueError:
            self.data = None
            raise WTFormsValidationError(self.message) from None

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else f"{self.data:g}"


def volt_field(label: str, hint: str) -> TextAreaField:
    return TextAreaField(label, description=hint, widget=GovTextArea())


class ProfileFilterForm(AppForm):
    class Meta:
        csrf = False

    year = ChoiceField("Year", coerce=optional_int, blank_means_none=True)
    unit = ChoiceField("Business unit", coerce=optional_int, blank_means_none=True)
    status = ChoiceField("Status", blank_means_none=True, coerce=lambda v: v or None,
                         choices=choices([(s.value, s.label) for s in ProfileStatus], blank="Any"))


class HeatMapFilterForm(AppForm):
    class Meta:
        csrf = False

    year = ChoiceField("Year", coerce=optional_int, blank_means_none=True,
                       message="Select a year from the list")
    kind = ChoiceField("Kind of unit", blank_means_none=True, coerce=lambda v: v or None,
                       message="Select a kind of unit from the list",
                       choices=choices([(kind.value, kind.label) for kind in UnitKind], blank="All kinds"))


class NewProfileForm(AppForm):
    unit = ChoiceField("Business unit", coerce=optional_int, message="Select a business unit")
    year = WholeNumberField("Financial year", message="Enter the year as a whole number, like 2026",
                            widget=GovTextInput(), validators=[InputRequired("Enter the financial year")],
                            description=YEAR_HINT)
    notes = TextAreaField("Notes", widget=GovTextArea(), description="Optional: sources, scope or caveats",
                          validators=[Length(max=NOTES_LIMIT,
                                             message=f"Use {NOTES_LIMIT:,} characters or fewer")])
    submit = SubmitField("Create profile", widget=GovSubmitInput())


# Made before EntryForm's fields so that, in NewEntryForm, it comes first in the error summary too.
ELEMENT_FIELD = RadioChoiceField("Violence element", message="Select the violence element to add")


class EntryForm(AppForm):
    volume = WholeNumberField("Volume", message="Enter the volume as a whole number",
                              widget=GovTextInput(), description="Recorded offences in the year")
    harm_score = DecimalField("Harm score", message="Enter the harm score as a number")
    harm_method = StringField("Harm method", widget=GovTextInput(),
                              description="For example Cambridge Crime Harm Index")
    likelihood = RadioChoiceField("Likelihood", message="Choose low, medium or high",
                                  choices=choices([(item.value, item.label) for item in Likelihood]))
    priority_override = WholeNumberField(
        "Priority rank override", message="Enter the rank as a whole number", widget=GovTextInput(),
        description="Leave blank to rank by harm (1 is the highest priority)")
    override_reason = TextAreaField("Reason for the override", widget=GovTextArea())
    victims = volt_field("Victims", "Who is harmed")
    offenders = volt_field("Offenders", "Who offends")
    locations = volt_field("Locations", "Where it happens")
    times = volt_field("Times", "When it happens")
    confidence = DecimalField("Unit confidence (%)", message="Enter a percentage from 0 to 100")
    force_confidence = DecimalField("Force confidence (%)", message="Enter a percentage from 0 to 100")
    submit = SubmitField("Save", widget=GovSubmitInput())

    def values(self) -> EntryValues:
        return EntryValues(
            volume=self.volume.data, harm_score=self.harm_score.data,
            harm_method=self.harm_method.data or "", likelihood=self.likelihood.data or "",
            victims=self.victims.data or "", offenders=self.offenders.data or "",
            locations=self.locations.data or "", times=self.times.data or "",
            confidence=self.confidence.data, force_confidence=self.force_confidence.data,
            priority_override=self.priority_override.data,
            override_reason=self.override_reason.data or "")


class NewEntryForm(EntryForm):
    element = ELEMENT_FIELD
    submit = SubmitField("Add element", widget=GovSubmitInput())


class ProfileImportForm(AppForm):
    year = WholeNumberField("Financial year", message="Enter the year as a whole number, like 2026",
                            widget=GovTextInput(),
                            validators=[InputRequired("Enter the financial year")],
                            description=YEAR_HINT)
    file = FileField("CSV file", widget=GovFileInput(),
                     validators=[FileRequired(message="Choose a CSV file")])
    submit = SubmitField("Import", widget=GovSubmitInput())
