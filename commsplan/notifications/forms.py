"""Inbox snooze, notification preferences, scheduling a reminder, and webhook targets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, Field, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.validators import ValidationError as WTFormsValidationError

from commsplan.auth.models import Role
from commsplan.forms import (
    AppForm,
    ChoiceField,
    GovDateField,
    RadioChoiceField,
    choices,
    optional_int,
    time_field,
)
from commsplan.notifications.kinds import KINDS, ChannelChoice
from commsplan.timeutil import london_moment

SNOOZE_CHOICES = choices([("30m", "30 minutes"), ("2h", "2 hours"), ("tomorrow", "Tomorrow morning"),
                          ("custom", "Until a time I choose")])


class SnoozeForm(AppForm):
    period = RadioChoiceField("Snooze for", choices=SNOOZE_CHOICES,
                              message="Choose how long to snooze for")
    until_date = GovDateField("Date")
    until_time = time_field("Time", required=False)
    submit = SubmitField("Snooze", widget=GovSubmitInput())

    def validate_until_date(self, field: Field) -> None:
        if self.period.data == "custom" and field.data is None and not field.errors:
            raise WTFormsValidationError("Enter the date to snooze until")

    def validate(self, extra_validators: Any = None) -> bool:
        # Not a validate_until_time method: Optional() ends the field's checks on a blank time
        # before inline validators run, so a custom snooze without a time would get through.
        valid: bool = super().validate(extra_validators)
        if self.period.data == "custom" and not (self.until_time.data or "").strip():
            self.until_time.errors = [*self.until_time.errors, "Enter the time to snooze until, like 14:30"]
            return False
        return valid

    def custom_moment(self) -> datetime:
        """The chosen date and time as UTC; call after the form has validated."""
        assert self.until_date.data is not None
        return london_moment(self.until_date.data, self.until_time.data or "")


def preference_form(kinds: list[str]) -> type[AppForm]:
    """A form with one radio group per kind of reminder a person can choose for."""

    class PreferencesForm(AppForm):
        daily_digest = BooleanField(
            "Send me one daily email instead of an email for each non-urgent reminder",
            widget=GovCheckboxInput())
        submit = SubmitField("Save settings", widget=GovSubmitInput())

    for code in kinds:
        kind = KINDS[code]
        setattr(PreferencesForm, code, RadioField(
            kind.label, description=kind.description, widget=GovRadioInput(),
            choices=choices((choice.value, choice.label) for choice in ChannelChoice),
            validators=[InputRequired(message=f"Choose how to get '{kind.label}' reminders")]))
    return PreferencesForm


class DueFields:
    """Due date and time fields shared by the schedule and move forms."""

    due_date = GovDateField("Date")
    due_time = time_field("Time")

    def validate_due_date(self, field: Field) -> None:
        if field.data is None and not field.errors:
            raise WTFormsValidationError("Enter the date the reminder is due")

    def due_moment(self) -> datetime:
        """The due date and time as UTC; call after the form has validated."""
        assert self.due_date.data is not None
        return london_moment(self.due_date.data, self.due_time.data or "")


class ReminderForm(DueFields, AppForm):
    recipient_type = RadioChoiceField("Who should get it", choices=choices([
        ("person", "One person"), ("role", "Everyone with a role")]),
        message="Choose who should get the reminder")
    user_id = ChoiceField("Person", coerce=optional_int, blank_means_none=True,
                          message="Select a person from the list")
    role = ChoiceField("Role", coerce=lambda value: Role(value) if value else None,
                       blank_means_none=True, message="Select a role from the list",
                       choices=choices(((r.value, r.label) for r in Role), blank="Select a role"))
    unit_id = ChoiceField("In business unit", coerce=optional_int, blank_means_none=True,
                          message="Select a business unit from the list",
                          description="Leave blank for everyone with the role")
    title = StringField("What is it about", widget=GovTextInput(), validators=[
        InputRequired(message="Enter what the reminder is about"),
        Length(max=200, message="What it is about must be 200 characters or fewer")])
    link = StringField("Link to a page in Commsplan", widget=GovTextInput(),
                       description="Optional. A path such as /reference/business-units",
                       validators=[Optional(), Length(max=500, message="The link must be 500 "
                                                                       "characters or fewer")])
    body = TextAreaField("Note", widget=GovTextArea(), validators=[
        Length(max=2000, message="The note must be 2000 characters or fewer")])
    urgent = BooleanField("Urgent: send at once, even outside working hours",
                          widget=GovCheckboxInput())
    submit = SubmitField("Schedule reminder", widget=GovSubmitInput())

    def validate_user_id(self, field: Field) -> None:
        if self.recipient_type.data == "person" and field.data is None:
            raise WTFormsValidationError("Select a person from the list")

    def validate_role(self, field: Field) -> None:
        if self.recipient_type.data == "role" and field.data is None:
            raise WTFormsValidationError("Select a role from the list")


class RescheduleForm(DueFields, AppForm):
    submit = SubmitField("Move reminder", widget=GovSubmitInput())


class WebhookForm(AppForm):
    name = StringField("Name", widget=GovTextInput(), description="For example 'Hackney comms team chat'",
                       validators=[InputRequired(message="Enter a name for the webhook"),
                                   Length(max=80, message="Name must be 80 characters or fewer")])
    url = StringField("Web address", widget=GovTextInput(),
                      description="The incoming-webhook address your chat tool gave you",
                      validators=[InputRequired(message="Enter the web address"),
                                  Length(max=500, message="The web address must be 500 characters "
                                                          "or fewer")])
    business_unit_id = ChoiceField("Business unit", coerce=optional_int, blank_means_none=True,
                                   message="Select a business unit from the list",
                                   description="Reminders for this unit and its people. Leave blank "
                                               "for every reminder.")
    urgent_only = BooleanField("Only urgent reminders (incident tasks and updates)",
                               widget=GovCheckboxInput())
    is_active = BooleanField("Active", widget=GovCheckboxInput(), default=True)
    submit = SubmitField("Save webhook", widget=GovSubmitInput())


class BankHolidayForm(AppForm):
    day = GovDateField("Date")
    name = StringField("Name", widget=GovTextInput(), validators=[Length(max=100)],
                       description="As the government announces it, like Christmas Day (substitute day)")
    submit = SubmitField("Add the bank holiday", widget=GovSubmitInput())
