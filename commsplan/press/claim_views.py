"""The rumour and claim register's pages: the register, one claim with its decisions, the
screenshot (to staff only) and the CSV download. Routes join the press blueprint."""

from __future__ import annotations

from typing import Any

from flask import Response as FlaskResponse
from flask import current_app, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from commsplan.audit import service as audit
from commsplan.db import current_session, unit_of_work
from commsplan.errors import NotFound, ValidationError
from commsplan.extensions import db
from commsplan.incidents.models import Incident
from commsplan.messages.models import MessageMap
from commsplan.press import claims, corrections, exports, rebuttals, screenshots
from commsplan.press.enquiries import approved_maps
from commsplan.press.forms import (
    ClaimForm,
    ClaimStatusForm,
    GiveRebuttalForm,
    ReachForm,
    RebuttalForm,
    ResponseForm,
)
from commsplan.press.models import Claim, Harm, Platform, ResponseChoice
from commsplan.press.views import about_incident, act_on, bp, enquiry_choices, london_time, posted_choice
from commsplan.timeutil import utcnow
from commsplan.web import (
    csv_download,
    id_arg,
    page_number,
    pagination_params,
    role_required,
    signed_in_user,
)


@bp.get("/claims")
def list_claims() -> str:
    incident_id = id_arg("incident")
    pagination = db.paginate(claims.register_query(incident_id), page=page_number(),
                             per_page=current_app.config["PAGE_SIZE"], error_out=False)
    args: dict[str, Any] = {"incident": incident_id} if incident_id else {}
    pages = pagination_params(pagination, lambda n: url_for("press.list_claims", page=n, **args))
    return render_template("press/list_claims.html", pagination=pagination, pages=pages, now=utcnow(),
                           incident=db.session.get(Incident, incident_id) if incident_id else None,
                           can_write=signed_in_user().has_role(*claims.WRITERS))


def claim_choices(incident_id: int | None) -> dict[str, Any]:
    return {**enquiry_choices(incident_id), "platforms": list(Platform), "harms": list(Harm),
            "map_options": [(item.id, item.title) for item in approved_maps(current_session())]}


@bp.route("/claims/new", methods=["GET", "POST"])
@role_required(*claims.WRITERS)
def new_claim() -> str | Response | tuple[str, int]:
    form = ClaimForm()
    if not form.is_submitted():
        incident_id = id_arg("incident_id")
        return render_template("press/new_claim.html", form=form, errors={},
                               values=about_incident(incident_id), **claim_choices(incident_id))
    incident_id = posted_choice(form.incident_id.data)
    try:
        if not form.validate_on_submit():
            raise ValidationError.single("form", "The form had expired: try again")
        upload = screenshots.read_upload(form.screenshot.data)
        with unit_of_work() as session:
            claim, shot = claims.record_claim(session, claim_input(form), upload, actor=signed_in_user(),
                                              now=utcnow())
    except ValidationError as error:
        values = {name: field.data for name, field in form._fields.items() if name != "screenshot"}
        return render_template("press/new_claim.html", form=form, errors=error.field_errors, values=values,
                               **claim_choices(incident_id)), 422
    if shot is not None:
        screenshots.save(current_app.instance_path, shot)
    flash("Claim added to the register.", "success")
    return redirect(url_for("press.show_claim", claim_id=claim.id))


def claim_input(form: ClaimForm) -> claims.ClaimInput:
    return claims.ClaimInput(
        summary=form.summary.data, platform=form.platform.data, harm=form.harm.data,
        unit_id=posted_choice(form.unit_id.data), link=form.link.data, reach=form.reach.data,
        first_seen_at=london_time("first_seen_at", form.first_seen_at.data),
        names_private_person=bool(form.names_private_person.data), private_names=form.private_names.data,
        incident_id=posted_choice(form.incident_id.data), map_id=posted_choice(form.map_id.data))


def render_claim(claim_id: int, errors: dict[str, list[str]] | None = None) -> str:
    session = current_session()
    claim = claims.get_claim(session, claim_id)
    viewer = signed_in_user()
    drafts = rebuttals.history(session, claim)
    pending = drafts[0] if drafts and drafts[0].given_at is None else None
    return render_template(
        "press/show_claim.html", claim=claim, errors=errors or {}, form=RebuttalForm(),
        responses=claims.responses_of(session, claim), choices=list(ResponseChoice), now=utcnow(),
        drafts=drafts, pending=pending,
        history=audit.history(session, Claim.__audit_type__, [str(claim.id)], limit=30),
        approval_refusal=rebuttals.refusal(pending, viewer) if pending else None,
        circulated=claims.circulated(claim, utcnow()),
        incident=session.get(Incident, claim.incident_id) if claim.incident_id else None,
        message_map=session.get(MessageMap, claim.map_id) if claim.map_id else None,
        may_write=viewer.has_role(*claims.WRITERS), may_rebut=viewer.has_role(*claims.WORDSMITHS),
        next_status=claims.NEXT_STATUS[claim.status])


@bp.get("/claims/<int:claim_id>")
def show_claim(claim_id: int) -> str:
    return render_claim(claim_id)


def act(claim_id: int, form: Any, change: Any, done: str) -> Response | tuple[str, int]:
    return act_on(claim_id, form, change, done, get=claims.get_claim, render=render_claim,
                  page=lambda number: url_for("press.show_claim", claim_id=number))


@bp.post("/claims/<int:claim_id>/responses")
@role_required(*claims.WRITERS)
def decide_response(claim_id: int) -> Response | tuple[str, int]:
    form = ResponseForm()
    return act(claim_id, form, lambda session, claim: claims.decide(
        session, claim, form.choice.data, form.reasons.data, actor=signed_in_user(), now=utcnow()),
        "Response decision recorded.")


@bp.post("/claims/<int:claim_id>/rebuttal")
@role_required(*claims.WRITERS)
def draft_rebuttal(claim_id: int) -> Response | tuple[str, int]:
    form = RebuttalForm()
    return act(claim_id, form, lambda session, claim: rebuttals.draft(
        session, claim, form.rebuttal.data, actor=signed_in_user(), now=utcnow()),
        "Rebuttal drafted: it waits for an approver.")


@bp.post("/claims/<int:claim_id>/rebuttal/approval")
@role_required(*claims.WRITERS)
def approve_rebuttal(claim_id: int) -> Response | tuple[str, int]:
    form = GiveRebuttalForm()
    return act(claim_id, form, lambda session, claim: rebuttals.approve(
        session, claim, posted_choice(form.draft_id.data), actor=signed_in_user(), now=utcnow()),
        "Rebuttal approved.")


@bp.post("/claims/<int:claim_id>/rebuttal/given")
@role_required(*claims.WORDSMITHS)
def give_rebuttal(claim_id: int) -> Response | tuple[str, int]:
    form = GiveRebuttalForm()
    return act(claim_id, form, lambda session, claim: rebuttals.give(
        session, claim, posted_choice(form.draft_id.data), actor=signed_in_user(), now=utcnow(),
        reach=form.given_reach.data), "Rebuttal given.")


@bp.post("/claims/<int:claim_id>/reach")
@role_required(*claims.WRITERS)
def correct_reach(claim_id: int) -> Response | tuple[str, int]:
    form = ReachForm()
    return act(claim_id, form, lambda session, claim: corrections.correct_reach(
        session, claim, form.reach.data, actor=signed_in_user(), now=utcnow()), "Estimated reach corrected.")


@bp.post("/claims/<int:claim_id>/faded")
@role_required(*claims.WRITERS)
def fade_claim(claim_id: int) -> Response | tuple[str, int]:
    form = ClaimStatusForm()
    return act(claim_id, form, lambda session, claim: claims.fade(
        session, claim, actor=signed_in_user(), now=utcnow(), response_reach=form.response_reach.data),
        "Marked as faded.")


@bp.get("/claims/<int:claim_id>/screenshot")
def claim_screenshot(claim_id: int) -> Response:
    """Staff only (the blueprint refuses partner viewers), never cached by a shared cache."""
    claim = claims.get_claim(current_session(), claim_id)
    if not claim.screenshot_name:
        raise NotFound("This claim has no screenshot")
    data = screenshots.load(current_app.instance_path, claim.screenshot_name)
    if data is None:
        raise NotFound("The screenshot file is missing")
    return FlaskResponse(data, mimetype=claim.screenshot_type, headers={"Cache-Control": "private, no-store"})


@bp.get("/claims.csv")
def export_claims() -> Response:
    return csv_download(exports.claims_csv(current_session(), utcnow()), "claims.csv")

