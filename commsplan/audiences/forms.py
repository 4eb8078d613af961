"""Audience and channel forms; the API validates JSON through the same forms."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
)
from wtforms import BooleanField, RadioField, SubmitField

from commsplan.audiences.kinds import AUDIENCES, CHANNELS
from commsplan.audiences.models import (
    ACCESSIBILITY_OPTIONS,
    SCORE_LABELS,
    ChannelKind,
    CostBand,
    LimitType,
    Segment,
)
from commsplan.forms import (
    AppForm,
    ChoiceField,
    checkboxes,
    choices,
    languages_field,
    long_text_field,
    optional_number,
    text_field,
    whole_number,
)
from commsplan.reference.kinds import ReferenceKind


def enum_choice(label: str, enum: type[StrEnum], message: str, blank: str) -> ChoiceField:
    def coerce(value: Any) -> StrEnum | None:
        # An unknown value becomes None, which the field reports once as not in the list; raising
        # here as well would report the same message twice.
        try:
            return enum(value) if value else None
        except ValueError:
            return None

    return ChoiceField(label, message=message, coerce=coerce,
                       choices=choices(((m, getattr(m, "label", m.value)) for m in enum), blank=blank))


class AudienceForm(AppForm):
    name = text_field("Name", 120, hint="For example 'Pupils aged 11–16 in Hackney secondary schools'")
    segment = enum_choice("Segment", Segment, "Select the segment from the list", "Select a segment")
    age_band = text_field("Age band", 40, required=False, hint="For example 11–16, or 'all ages'")
    geography = text_field("Geography", 200, required=False,
                           hint="Where they are: London-wide, a borough, wards, a route to school")
    size_estimate = optional_number("Size estimate", minimum=0, maximum=20_000_000,
                                    message="Enter the size estimate as a whole number, like 12000")
    size_source = text_field("Source of the size estimate", 300, required=False)
    languages = languages_field("Languages", "Language codes separated by commas, like en, so, bn")
    accessibility_needs = checkboxes("Accessibility needs", ACCESSIBILITY_OPTIONS)
    insight_notes = long_text_field("Insight", 4000,
                                    hint="What stops them doing what we ask: capability, opportunity, "
                                         "motivation")
    sensitivity_notes = long_text_field("Sensitivities", 2000,
                                        hint="What to avoid, for example targeting victims by identity")
    submit = SubmitField("Save audience", widget=GovSubmitInput())


class ChannelForm(AppForm):
    name = text_field("Name", 120, hint="For example 'Borough X (Twitter) account'")
    kind = enum_choice("Kind of channel", ChannelKind, "Select the kind of channel from the list",
                       "Select a kind")
    length_limit = optional_number("Length limit (characters)", minimum=1, maximum=100_000,
                                   message="Enter the length limit as a number of characters")
    limit_type = enum_choice("Limit", LimitType, "Select how the limit applies", "Select one")
    lead_time_days = whole_number("Lead time (days)", minimum=0, maximum=365,
                                  message="Enter the lead time in whole days, 0 for the same day",
                                  hint="How far ahead a message must be ready")
    lead_time_strict = BooleanField("Refuse activities booked inside the lead time",
                                    widget=GovCheckboxInput(),
                                    description="Otherwise they are saved with a warning")
    reach = optional_number("Reach", minimum=0, maximum=100_000_000,
                            message="Enter the reach as a whole number, like 45000")
    reach_unit = text_field("Reach is counted in", 60, required=False,
                            hint="For example followers, pupils, households")
    cost_band = enum_choice("Cost band", CostBand, "Select the cost band from the list", "Select one")
    languages = languages_field("Languages", "Language codes separated by commas, like en, so")
    accessibility_features = checkboxes("Accessibility features", ACCESSIBILITY_OPTIONS)
    urgent_capable = BooleanField("Can carry urgent messages within the hour", widget=GovCheckboxInput())
    operating_hours = text_field("Operating hours", 120, required=False,
                                 hint="For example 24/7, or Mon–Fri 09:00–17:00")
    submit = SubmitField("Save channel", widget=GovSubmitInput())


class AffinityCellForm(AppForm):
    score = RadioField("How well does this channel reach this audience?", widget=GovRadioInput(),
                       choices=choices([("", "Not assessed")] + [(str(k), f"{k} – {label}")
                                                                  for k, label in SCORE_LABELS.items()]))
    evidence = long_text_field("Evidence", 1000,
                               hint="Where the score comes from: research, campaign results, partners")
    submit = SubmitField("Save", widget=GovSubmitInput())


FORMS: dict[ReferenceKind, type[AppForm]] = {AUDIENCES: AudienceForm, CHANNELS: ChannelForm}
