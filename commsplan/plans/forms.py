"""Forms for communication plans: details, OASIS sections, objectives, metrics, milestones, activities.

Forms do no queries: views pass the choices in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional

from commsplan.forms import (
    AppForm,
    ChoiceField,
    GovDateField,
    MultiChoiceField,
    RadioChoiceField,
    WholeNumberField,
    choices,
    optional_int,
    optional_select,
    time_field,
)
from commsplan.messages.models import RipeStrand
from commsplan.plans import activities, items, service
from commsplan.plans.models import OASIS_SECTIONS, ActivityStatus, MetricLevel, PlanStatus, Rag
from commsplan.risk.forms import DecimalField
from commsplan.timeutil import london_moment, to_london


def enum_choices(enum_class: Any) -> list[Any]:
    return choices((member.value, member.label) for member in enum_class)


class PlanFilterForm(AppForm):
    class Meta:
        csrf = False

    year = ChoiceField("Year", coerce=optional_int, blank_means_none=True)
    unit = ChoiceField("Business unit", coerce=optional_int, blank_means_none=True)
    status = ChoiceField("Status", blank_means_none=True, coerce=lambda v: v or None,
                         choices=choices([(s.value, s.label) for s in PlanStatus], blank="Any"))
    mine = BooleanField("Only plans I own", widget=GovCheckboxInput())


class PlanDetailsForm(AppForm):
    unit_id = ChoiceField("Business unit", coerce=optional_int, message="Select the business unit",
                          description="Choose Corporate for the force-wide plan")
    year = WholeNumberField("Financial year", message="Enter the year as a whole number, like 2026",
                            widget=GovTextInput(),
                            description="The year it starts: 2026 is April 2026 to March 2027")
    title = StringField("Title", widget=GovTextInput())
    owner_id = ChoiceField("Owner", coerce=optional_int, message="Select the plan's owner",
                           description="Gets the review and approval reminders")
    review_date = GovDateField("Review date", validators=[Optional()],
                               description="When the plan is next reviewed, for example 30 9 2026")
    submit = SubmitField("Save", widget=GovSubmitInput())

    def details(self) -> service.PlanDetails:
        return service.PlanDetails(unit_id=self.unit_id.data, year=self.year.data,
                                   title=self.title.data or "", owner_id=self.owner_id.data,
                                   review_date=self.review_date.data)


def section_field(heading: str, hint: str) -> TextAreaField:
    return TextAreaField(heading, widget=GovTextArea(), description=f"{hint}. Markdown is allowed.")


class SectionsForm(AppForm):
    objectives = section_field(*OASIS_SECTIONS[0][1:])
    audience_insight = section_field(*OASIS_SECTIONS[1][1:])
    strategy = section_field(*OASIS_SECTIONS[2][1:])
    implementation = section_field(*OASIS_SECTIONS[3][1:])
    scoring = section_field(*OASIS_SECTIONS[4][1:])
    submit = SubmitField("Save sections", widget=GovSubmitInput())

    def sections(self) -> service.Sections:
        return service.Sections(**{name: self[name].data or "" for name, _, _ in OASIS_SECTIONS})


class ObjectiveForm(AppForm):
    statement = StringField("Objective", widget=GovTextInput(),
                            description="Specific: for example 'Reduce robbery of under-18s on routes "
                                        "home from school'")
    element_id = optional_select("Violence element", message="Select a violence element from the list",
                                 hint="Optional")
    metric = StringField("Measured by", widget=GovTextInput(),
                         description="The figure that shows progress, for example 'Robbery of under-18s'")
    unit_of_measure = StringField("Unit", widget=GovTextInput(), description="For example %, offences")
    baseline = DecimalField("Baseline", message="Enter the baseline as a number")
    target = DecimalField("Target", message="Enter the target as a number")
    deadline = GovDateField("Deadline", description="For example 31 3 2027")
    submit = SubmitField("Save objective", widget=GovSubmitInput())

    def values(self) -> items.ObjectiveValues:
        return items.ObjectiveValues(
            statement=self.statement.data or "", metric=self.metric.data or "",
            unit_of_measure=self.unit_of_measure.data or "", baseline=self.baseline.data,
            target=self.target.data, deadline=self.deadline.data, element_id=self.element_id.data)


class MetricForm(AppForm):
    level = RadioChoiceField("Level", message="Choose the level", choices=enum_choices(MetricLevel),
                             description="Inputs (what we put in), outputs (what we produce), out-takes "
                                         "(what people took from it), outcomes (what they did or now "
                                         "think), impact (the change in harm)")
    name = StringField("What is measured", widget=GovTextInput())
    data_source = StringField("Data source", widget=GovTextInput(),
                              description="For example 'Public attitude survey, quarterly'")
    unit_of_measure = StringField("Unit", widget=GovTextInput())
    baseline = DecimalField("Baseline", message="Enter the baseline as a number", description="Optional")
    target = DecimalField("Target", message="Enter the target as a number", description="Optional")
    is_confidence = BooleanField("This is the confidence measure", widget=GovCheckboxInput(),
                                 description="'The police and council are dealing with the crime and "
                                             "anti-social behaviour issues that matter in this area'")
    submit = SubmitField("Save metric", widget=GovSubmitInput())

    def values(self) -> items.MetricValues:
        return items.MetricValues(
            level=self.level.data or "", name=self.name.data or "", data_source=self.data_source.data or "",
            unit_of_measure=self.unit_of_measure.data or "", baseline=self.baseline.data,
            target=self.target.data, is_confidence=bool(self.is_confidence.data))


class MilestoneForm(AppForm):
    title = StringField("Milestone", widget=GovTextInput())
    target_date = GovDateField("Target date", description="For example 1 9 2026")
    lead_name = StringField("Lead", widget=GovTextInput(), default="TBD",
                            description="A name or team; TBD until one is nominated")
    lead_id = optional_select("Lead's account", message="Select a person from the list, or none",
                              hint="Choose one to send them the reminders; otherwise the plan's owner "
                                   "gets them")
    rag = RadioChoiceField("Status", message="Choose red, amber or green", choices=enum_choices(Rag),
                           default=Rag.GREEN.value)
    completed_on = GovDateField("Completed on", validators=[Optional()],
                                description="Leave blank until it is done")
    notes = TextAreaField("Notes", widget=GovTextArea())
    submit = SubmitField("Save milestone", widget=GovSubmitInput())

    def values(self) -> items.MilestoneValues:
        return items.MilestoneValues(
            title=self.title.data or "", target_date=self.target_date.data,
            lead_name=self.lead_name.data or "", lead_id=self.lead_id.data, rag=self.rag.data or "",
            completed_on=self.completed_on.data, notes=self.notes.data or "")


def london_datetime(day: Any, clock: str | None) -> datetime | None:
    """A date field and an HH:MM text field as one aware UTC moment; None if either is missing."""
    if day is None or not clock:
        return None
    try:
        return london_moment(day, clock)
    except ValueError:
        return None


class ActivityForm(AppForm):
    title = StringField("Title", widget=GovTextInput())
    element_id = ChoiceField("Violence element", coerce=optional_int,
                             message="Select the violence element it addresses")
    audience_ids = MultiChoiceField("Audiences", coerce=int, widget=GovCheckboxesInput(), default=list)
    channel_id = ChoiceField("Channel", coerce=optional_int, message="Select the channel it uses")
    message_map_id = optional_select("Message map", message="Select a message map from the list, or none",
                                     hint="Maps not yet approved are marked; the activity is flagged "
                                          "until they are")
    start_date = GovDateField("Start date")
    start_time = time_field("Start time")
    end_date = GovDateField("End date")
    end_time = time_field("End time")
    owner_id = ChoiceField("Owner", coerce=optional_int, message="Select the activity's owner")
    status = ChoiceField("Status", choices=enum_choices(ActivityStatus), default=ActivityStatus.PLANNED.value,
                         message="Choose the activity's status")
    ripe_strand = RadioChoiceField("RIPE strand", message="Choose the RIPE strand",
                                   choices=enum_choices(RipeStrand))
    cost_pounds = WholeNumberField("Cost (£)", message="Enter the cost in whole pounds, like 1200",
                                   widget=GovTextInput(), description="Optional; whole pounds")
    reminder_days = WholeNumberField("Remind the owner this many days before", widget=GovTextInput(),
                                     message="Enter the number of days as a whole number",
                                     description="Leave blank for the default; never fewer than the "
                                                 "channel's lead time")
    notes = TextAreaField("Notes", widget=GovTextArea())
    window_reason = TextAreaField("Why it must go ahead in a sensitivity window", widget=GovTextArea(),
                                  description="It falls in a window marked avoid. The reason is kept with "
                                              "the activity and in the audit log.")
    submit = SubmitField("Save activity", widget=GovSubmitInput())

    def values(self) -> activities.ActivityValues:
        return activities.ActivityValues(
            title=self.title.data or "", element_id=self.element_id.data,
            audience_ids=tuple(self.audience_ids.data or ()), channel_id=self.channel_id.data,
            starts_at=london_datetime(self.start_date.data, self.start_time.data),
            ends_at=london_datetime(self.end_date.data, self.end_time.data),
            owner_id=self.owner_id.data, status=self.status.data or "",
            ripe_strand=self.ripe_strand.data or "",
            message_map_id=self.message_map_id.data, cost_pounds=self.cost_pounds.data,
            reminder_days=self.reminder_days.data, notes=self.notes.data or "",
            window_reason=self.window_reason.data or "")

    def fill_times(self, starts_at: datetime, ends_at: datetime) -> None:
        start, end = to_london(starts_at), to_london(ends_at)
        self.start_date.data, self.start_time.data = start.date(), f"{start:%H:%M}"
        self.end_date.data, self.end_time.data = end.date(), f"{end:%H:%M}"


class CommentForm(AppForm):
    comment = TextAreaField("Comment", widget=GovTextArea())
    submit = SubmitField("Send back for changes", widget=GovSubmitInput())


class ProposedActivityForm(Form):
    """One proposed activity on the review page; what it is about travels in hidden fields."""

    include = BooleanField("Keep", widget=GovCheckboxInput(), default=True)
    title = StringField("Title", widget=GovTextInput())
    element_id = HiddenField()
    audience_id = HiddenField()
    channel_id = HiddenField()
    message_map_id = HiddenField()
    ripe_strand = HiddenField()
    start_date = GovDateField("Starts")
    end_date = GovDateField("Ends")

    def validate(self, extra_validators: Any = None) -> bool:
        """An unticked row is not kept, so what is typed in it does not matter."""
        if not self.include.data:
            return True
        return super().validate(extra_validators)

    def values(self, owner_id: int | None) -> activities.ActivityValues:
        return activities.ActivityValues(
            title=self.title.data or "", element_id=hidden_int(self.element_id.data),
            audience_ids=tuple(i for i in (hidden_int(self.audience_id.data),) if i is not None),
            channel_id=hidden_int(self.channel_id.data), owner_id=owner_id,
            starts_at=london_datetime(self.start_date.data, PROPOSED_START),
            ends_at=london_datetime(self.end_date.data, PROPOSED_END),
            message_map_id=hidden_int(self.message_map_id.data), ripe_strand=self.ripe_strand.data or "")


PROPOSED_START, PROPOSED_END = "10:00", "17:00"


def hidden_int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


class ProposalForm(SectionsForm):
    title = StringField("Plan title", widget=GovTextInput())
    owner_id = ChoiceField("Owner", coerce=optional_int, message="Select the plan's owner")
    activity_rows = FieldList(FormField(ProposedActivityForm), min_entries=0)
    submit = SubmitField("Create the plan", widget=GovSubmitInput())


class ActualForm(AppForm):
    measured_on = GovDateField("Day it was measured", description="For example, 30 6 2026")
    value = DecimalField("Figure", message="Enter the figure as a number")
    source = StringField("Source", widget=GovTextInput(),
                         description="Where the figure comes from, for example the Public Attitude Survey")
    submit = SubmitField("Record actual", widget=GovSubmitInput())
