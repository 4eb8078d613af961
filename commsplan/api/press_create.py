"""Logging media enquiries and claims over the API. A JSON body is type-checked field by field, then
passes through the same WTForms form as the pages and the same service, so the rules, the audit
entries and the roles are the desk's own. Screenshots are added on the claim's page only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response, jsonify

from commsplan.api.auth import api_user
from commsplan.api.jsonforms import Reader, request_object
from commsplan.api.press import claim_json, enquiry_json
from commsplan.api.views import bp
from commsplan.auth.service import require_role
from commsplan.db import unit_of_work
from commsplan.formdata import validated_form
from commsplan.forms import AppForm
from commsplan.notifications.jobs import current_settings
from commsplan.numbers import LARGEST_MEASURE
from commsplan.press import claims, enquiries
from commsplan.press.forms import ClaimForm, EnquiryForm
from commsplan.timeutil import utcnow

ENQUIRY_TEXTS = ("outlet", "journalist", "channel", "question")
ENQUIRY_IDS = ("unit_id", "incident_id", "plan_id", "handler_id")
CLAIM_TEXTS = ("summary", "platform", "link", "harm", "private_names")
CLAIM_IDS = ("unit_id", "incident_id", "map_id")
NO_SCREENSHOT = "Screenshots are not accepted over the API: add one on the claim's page"


def in_utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


class PressBody:
    """A press desk body read by JSON type: text, record ids, times, a count and a flag. Every wrong
    type, absurd number or unknown field is gathered and refused at once (422)."""

    def __init__(self, payload: dict[str, Any], texts: tuple[str, ...], ids: tuple[str, ...],
                 moments: tuple[str, ...], extra: tuple[str, ...] = ()) -> None:
        reader = Reader(payload)
        reader.unknown((*texts, *ids, *moments, *extra))
        if "screenshot" in payload:
            reader.errors["screenshot"] = [NO_SCREENSHOT]
        self.texts = {name: reader.text(name) for name in texts}
        self.ids = {name: reader.record_id(name) for name in ids}
        self.moments = {name: in_utc(reader.moment(name)) for name in moments}
        self.reach = reader.whole("reach", 0, LARGEST_MEASURE) if "reach" in extra else None
        self.flag = reader.flag("names_private_person") if "names_private_person" in extra else False
        reader.done()
        self.raw, self.extra = payload, extra

    def form(self, form_class: type[AppForm]) -> AppForm:
        """The page's form filled with these values, validated as the page validates it."""
        values: dict[str, Any] = {**self.texts, **{name: "" if value is None else str(value)
                                                    for name, value in self.ids.items()}}
        values |= {name: str(self.raw.get(name) or "") for name in self.moments}
        if self.reach is not None:
            values["reach"] = str(self.reach)
        if "names_private_person" in self.extra:
            values["names_private_person"] = self.flag
        return validated_form(form_class, values)


@bp.post("/press/enquiries")
def log_enquiry() -> tuple[Response, int]:
    """Log an enquiry; without a handler_id, the token's user handles it."""
    actor = api_user()
    require_role(actor, enquiries.WRITERS, "log media enquiries")
    body = PressBody(request_object(), ENQUIRY_TEXTS, ENQUIRY_IDS, ("deadline_at",))
    form = body.form(EnquiryForm)
    data = enquiries.EnquiryInput(
        outlet=form.outlet.data, journalist=form.journalist.data, channel=form.channel.data,
        question=form.question.data, unit_id=body.ids["unit_id"],
        handler_id=body.ids["handler_id"] or actor.id, deadline_at=body.moments["deadline_at"],
        incident_id=body.ids["incident_id"], plan_id=body.ids["plan_id"])
    with unit_of_work() as session:
        enquiry = enquiries.log_enquiry(session, data, actor=actor, now=utcnow(), settings=current_settings())
    return jsonify(enquiry_json(enquiry)), 201


@bp.post("/press/claims")
def record_claim() -> tuple[Response, int]:
    """Record a claim seen, without a screenshot."""
    actor = api_user()
    require_role(actor, claims.WRITERS, "record claims")
    body = PressBody(request_object(), CLAIM_TEXTS, CLAIM_IDS, ("first_seen_at",),
                     ("reach", "names_private_person"))
    form = body.form(ClaimForm)
    data = claims.ClaimInput(
        summary=form.summary.data, platform=form.platform.data, harm=form.harm.data,
        unit_id=body.ids["unit_id"], first_seen_at=body.moments["first_seen_at"], link=form.link.data,
        reach=form.reach.data, names_private_person=bool(form.names_private_person.data),
        private_names=form.private_names.data, incident_id=body.ids["incident_id"],
        map_id=body.ids["map_id"])
    with unit_of_work() as session:
        claim, _ = claims.record_claim(session, data, None, actor=actor, now=utcnow())
    return jsonify({**claim_json(claim), "responses": []}), 201
