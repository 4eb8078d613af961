"""The incident pages' forms. Each carries one action's answers as text; the incident services check
them (the JSON API sends the same answers to the same services), so a form's own validation is only
the CSRF token and the shape of what was posted."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from flask import request
from wtforms import Form, SelectMultipleField, StringField

from commsplan.errors import ValidationError
from commsplan.forms import AppForm
from commsplan.incidents import assessments, closing, decisions, lessons
from commsplan.numbers import record_id
from commsplan.playbooks.model import Playbook

INPUT_PREFIX = "in_"  # the launch and details forms name a playbook input `in_<id>`


def text() -> StringField:
    """A text answer; missing means empty, so services see "" rather than None."""
    return StringField(default="", filters=[lambda value: value or ""])


def many() -> SelectMultipleField:
    """Several ticked values under one name; which values are allowed is the service's rule."""
    return SelectMultipleField(choices=[], validate_choice=False, filters=[lambda values: values or []])


def posted_id(value: str) -> int | None:
    """A record id as posted: digits that fit a database integer, or None."""
    return record_id(value) if value.strip().isdigit() else None


class InputsForm(AppForm):
    """A playbook's inputs, one `in_<id>` field each (see `inputs_form`)."""

    input_ids: tuple[str, ...] = ()

    def input_values(self) -> dict[str, str]:
        return {input_id: self[INPUT_PREFIX + input_id].data for input_id in self.input_ids}


class LaunchForm(InputsForm):
    title = text()
    mode = text()
    notified_at = text()


def inputs_form(playbook: Playbook, base: type[InputsForm] = InputsForm) -> InputsForm:
    """`base` with a text field for each of the playbook's inputs, read from the posted form."""
    fields_by_name: dict[str, Any] = {INPUT_PREFIX + spec.id: text() for spec in playbook.inputs}
    form_class = type(f"Playbook{base.__name__}", (base,),
                      {**fields_by_name, "input_ids": tuple(spec.id for spec in playbook.inputs)})
    return form_class()


class AssessmentForm(AppForm):
    """A community impact assessment: a rating and its evidence for each of the playbook's prompts
    (see `assessment_form`), the overall rating, summary, owner and next review."""

    prompt_ids: tuple[str, ...] = ()
    overall = text()
    summary = text()
    owner_id = text()
    next_review_at = text()

    def assessment_input(self) -> assessments.AssessmentInput:
        return assessments.AssessmentInput(
            ratings={pid: self[assessments.rag_field(pid)].data for pid in self.prompt_ids},
            evidence={pid: self[assessments.evidence_field(pid)].data for pid in self.prompt_ids},
            overall=self.overall.data, summary=self.summary.data, owner_id=self.owner_id.data,
            next_review_at=self.next_review_at.data)


def assessment_form(playbook: Playbook) -> AssessmentForm:
    ids = tuple(prompt.id for prompt in playbook.community_impact)
    fields_by_name: dict[str, Any] = {name: text() for pid in ids for name in (
        assessments.rag_field(pid), assessments.evidence_field(pid))}
    return type("PlaybookAssessmentForm", (AssessmentForm,), {**fields_by_name, "prompt_ids": ids})()


class AnchorForm(AppForm):
    anchor = text()
    occurred_at = text()
    note = text()


class SkipTaskForm(AppForm):
    reason = text()


class RoleForm(AppForm):
    role = text()
    user_id = text()
    handover_note = text()

    def person_id(self) -> int | None:
        return posted_id(self.user_id.data.strip())


class NoteForm(AppForm):
    text = text()


class StatusUpdateForm(AppForm):
    update = text()


class StatementForm(AppForm):
    body = text()


class ReleaseForm(AppForm):
    channels = many()
    other_channels = text()

    def channel_names(self) -> list[str]:
        """Ticked channels and any typed after them (comma-separated); the service drops blanks."""
        return [*self.channels.data, *self.other_channels.data.split(",")]


class StandDownForm(AppForm):
    reason = text()


class DebriefForm(AppForm):
    """The debrief's answers, one field for each part of `closing.DebriefInput`."""

    def answers(self) -> closing.DebriefInput:
        return closing.DebriefInput(**{item.name: self[item.name].data
                                       for item in fields(closing.DebriefInput)})


for _part in fields(closing.DebriefInput):
    setattr(DebriefForm, _part.name, text())


class DecisionAnswers(Form):
    """A decision as the log records it. Without CSRF of its own: it is posted inside a form that has
    one (the decision form, or an approval with an override under the `override_` prefix)."""

    ethics = many()

    def decision_input(self) -> decisions.DecisionInput:
        """The answers for the service; a "who made it" that names nobody is a field error."""
        maker = self["on_behalf_of_id"].data.strip()
        maker_id = posted_id(maker)
        if maker and maker_id is None:
            raise ValidationError.single("on_behalf_of_id", "Choose who made the decision")
        texts = {name: self[name].data for name in ("decision_role", *decisions.TEXT_FIELDS)}
        return decisions.DecisionInput(**texts, ethics=tuple(self.ethics.data), on_behalf_of_id=maker_id)


for _name in ("decision_role", *decisions.TEXT_FIELDS, "on_behalf_of_id"):
    setattr(DecisionAnswers, _name, text())


class DecisionForm(DecisionAnswers, AppForm):
    supersedes_id = text()


class ApproveForm(AppForm):
    """Approval; an approver overriding a guardrail also writes the decision to override it."""

    def override(self) -> decisions.DecisionInput | None:
        answers = DecisionAnswers(request.form, prefix="override_")
        return answers.decision_input() if answers["decision"].data.strip() else None


class LessonForm(AppForm):
    """A lesson from the debrief: what should change in the playbook, who owns it, and by when."""

    proposed_change = text()
    owner = text()
    due_on = text()

    def answers(self) -> lessons.LessonInput:
        return lessons.LessonInput(proposed_change=self.proposed_change.data,
                                   owner_id=posted_id(self.owner.data), due_on=self.due_on.data)


class AddressedForm(AppForm):
    """Which open lessons a new version of the playbook addressed, and how."""

    lessons = many()
    note = text()

    def lesson_ids(self) -> list[int]:
        return [number for number in (posted_id(value) for value in self.lessons.data) if number is not None]
