"""The press desk's forms. Each carries its answers as text; the press services check them, so a
form's own validation is only the CSRF token and the shape of what was posted."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField

from commsplan.forms import AppForm
from commsplan.incidents.forms import text


class EnquiryForm(AppForm):
    outlet = text()
    journalist = text()
    channel = text()
    question = text()
    deadline_at = text()
    unit_id = text()
    incident_id = text()
    plan_id = text()
    handler_id = text()


class AnswerForm(AppForm):
    kind = text()
    statement_id = text()
    map_id = text()
    draft_id = text()
    text = text()
    background = BooleanField(default=False)


class DraftAnswerForm(AppForm):
    draft_id = text()
    draft_text = text()


class CorrectionForm(AppForm):
    question = text()
    deadline_at = text()


class ReachForm(AppForm):
    reach = text()


class HandoverForm(AppForm):
    handler_id = text()


class DeclineForm(AppForm):
    decline_reason = text()


class ClaimForm(AppForm):
    summary = text()
    platform = text()
    link = text()
    first_seen_at = text()
    reach = text()
    harm = text()
    names_private_person = BooleanField(default=False)
    private_names = text()
    unit_id = text()
    incident_id = text()
    map_id = text()
    screenshot = FileField()


class ResponseForm(AppForm):
    choice = text()
    reasons = text()


class RebuttalForm(AppForm):
    rebuttal = text()


class GiveRebuttalForm(AppForm):
    draft_id = text()
    given_reach = text()


class ClaimStatusForm(AppForm):
    status = text()
    response_reach = text()
