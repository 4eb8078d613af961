"""The sensitivity window form. Forms do no queries: the view passes the choices in."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField

from commsplan.forms import AppForm, GovDateField, MultiChoiceField, RadioChoiceField, choices
from commsplan.sensitivity.models import Severity, WindowKind
from commsplan.sensitivity.service import WindowValues


def touched(label: str, hint: str) -> MultiChoiceField:
    return MultiChoiceField(label, coerce=int, widget=GovCheckboxesInput(), default=list, description=hint)


class WindowForm(AppForm):
    title = StringField("What is happening", widget=GovTextInput(),
                        description="For example 'Trial: R v Smith, Wood Green Crown Court' or "
                                    "'Funeral of a local teenager'")
    kind = RadioChoiceField("Kind of window", message="Choose what kind of window it is",
                            choices=choices((kind.value, kind.label) for kind in WindowKind))
    severity = RadioChoiceField("What campaign work should do", message="Choose avoid or take care",
                                choices=choices((s.value, f"{s.label}: {s.hint}") for s in Severity))
    first_day = GovDateField("First day", description="For example 8 2 2027")
    last_day = GovDateField("Last day", description="The same as the first day for one day")
    unit_ids = touched("Business units it touches", "Leave all unticked for every unit")
    element_ids = touched("Violence elements it touches", "Leave all unticked for every element")
    audience_ids = touched("Audiences it touches", "Leave all unticked for every audience")
    note = TextAreaField("Note", widget=GovTextArea(),
                         description="What to be careful of, who to ask, where the dates come from")
    submit = SubmitField("Save window", widget=GovSubmitInput())

    def values(self) -> WindowValues:
        return WindowValues(
            title=self.title.data or "", kind=self.kind.data or "", severity=self.severity.data or "",
            first_day=self.first_day.data, last_day=self.last_day.data,
            unit_ids=tuple(self.unit_ids.data or ()), element_ids=tuple(self.element_ids.data or ()),
            audience_ids=tuple(self.audience_ids.data or ()), note=self.note.data or "")
