"""Forms for confidence: a measure, a result typed in by hand, the CSV import and the page filters."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.validators import InputRequired
from wtforms.validators import ValidationError as WTFormsValidationError

from commsplan.confidence.results import LIMITS, ResultValues
from commsplan.forms import (
    AppForm,
    ChoiceField,
    GovDateField,
    MultiChoiceField,
    WholeNumberField,
    optional_int,
    text_field,
)
from commsplan.risk.forms import DecimalField


def required_date(field: GovDateField, message: str) -> None:
    """A date that must be given; checked here, as a `required` attribute is not allowed on the
    GOV.UK date input's wrapper."""
    if field.data is None and not field.errors:
        raise WTFormsValidationError(message)


class MeasureForm(AppForm):
    code = text_field("Code", LIMITS["code"], hint="Short, used in CSV files, for example DEALING")
    name = text_field("Name", LIMITS["name"], hint="How pages name it, for example Dealing with local issues")
    question = TextAreaField("Question", widget=GovTextArea(),
                             description="The survey question word for word, as respondents heard it",
                             validators=[InputRequired("Enter the question, word for word")])
    source = text_field("Source", LIMITS["source"], hint="The survey and who runs it")
    is_headline = BooleanField("This is the force's headline measure", widget=GovCheckboxInput())
    submit = SubmitField("Add measure", widget=GovSubmitInput())


class ResultForm(AppForm):
    measure = ChoiceField("Measure", coerce=optional_int, message="Select the measure")
    unit = ChoiceField("Business unit", coerce=optional_int, message="Select the business unit",
                       description="The corporate centre's result is the force figure")
    period = GovDateField("Last day of the survey wave",
                          description="For a quarter, its last day, for example 31 3 2026")
    value = DecimalField("Result (%)", message="Enter the result as a percentage from 0 to 100",
                         description="The percentage who agree")
    sample_size = WholeNumberField("Sample size", message="Enter the sample size as a whole number",
                                   widget=GovTextInput(), description="How many people answered")
    margin = DecimalField("Margin of error (percentage points)",
                          message="Enter the margin of error as a number, or leave it blank",
                          description="As published. Leave blank to work it out from the result "
                                      "and sample size (95%, simple random sample)")
    submit = SubmitField("Save result", widget=GovSubmitInput())

    def validate_period(self, field: GovDateField) -> None:
        required_date(field, "Enter the last day of the survey wave")

    def values(self) -> ResultValues:
        return ResultValues(self.value.data, self.sample_size.data, self.margin.data)


class ResultImportForm(AppForm):
    file = FileField("CSV file", widget=GovFileInput(),
                     validators=[FileRequired(message="Choose a CSV file")])
    submit = SubmitField("Import", widget=GovSubmitInput())


class MeasureFilterForm(AppForm):
    class Meta:
        csrf = False

    measure = ChoiceField("Measure", coerce=optional_int, blank_means_none=True,
                          message="Select a measure from the list")


class LeagueFilterForm(MeasureFilterForm):
    period = ChoiceField("Survey wave", blank_means_none=True, coerce=lambda v: v or None,
                         message="Select a survey wave from the list")


class EffectForm(AppForm):
    """Read from the query string: asking for an estimate changes nothing."""

    class Meta:
        csrf = False

    measure = ChoiceField("Measure", coerce=optional_int, message="Select the measure")
    campaign = MultiChoiceField("Units that ran the campaign", widget=GovCheckboxesInput(),
                                description="At least two", coerce=int, default=list)
    comparison = MultiChoiceField("Units to compare with", widget=GovCheckboxesInput(),
                                  description="Comparable units that did not run it. Choose none to "
                                              "compare with every other unit", coerce=int, default=list)
    start = GovDateField("When the campaign started")
    submit = SubmitField("Estimate the effect", widget=GovSubmitInput())

    def validate_start(self, field: GovDateField) -> None:
        required_date(field, "Enter when the campaign started")

    def validate_comparison(self, field: MultiChoiceField) -> None:
        if set(field.data or []) & set(self.campaign.data or []):
            raise WTFormsValidationError("A unit cannot be in both groups")
