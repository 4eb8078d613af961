"""The press desk over the API: enquiries and claims, listed and read (logged in api/press_create.py).
Staff only: a partner viewer's token is refused, since both hold the names of journalists and private people.
The names a claim gives are never sent."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from commsplan.api.auth import api_user
from commsplan.api.jsonforms import iso, page_json, paginate
from commsplan.api.views import bp
from commsplan.auth.service import require_role
from commsplan.db import current_session
from commsplan.press import claims, enquiries
from commsplan.press.models import Claim, ClaimResponse, MediaEnquiry
from commsplan.timeutil import utcnow
from commsplan.web import id_arg

LONGEST_SEARCH = 100


def enquiry_json(enquiry: MediaEnquiry) -> dict[str, Any]:
    return {"id": enquiry.id, "outlet": enquiry.outlet, "journalist": enquiry.journalist,
            "channel": enquiry.channel.value, "question": enquiry.question,
            "received_at": iso(enquiry.received_at), "deadline_at": iso(enquiry.deadline_at),
            "deadline_given": enquiry.deadline_given, "unit_id": enquiry.unit_id,
            "incident_id": enquiry.incident_id, "plan_id": enquiry.plan_id, "handler_id": enquiry.handler_id,
            "handler": enquiry.handler.name, "status": enquiry.status.value,
            "answer_kind": enquiry.answer_kind.value if enquiry.answer_kind else None,
            "answer_text": enquiry.answer_text, "background": enquiry.background,
            "answered_at": iso(enquiry.answered_at), "answered_in_time": enquiry.answered_in_time(),
            "decline_reason": enquiry.decline_reason}


def response_json(response: ClaimResponse) -> dict[str, Any]:
    return {"choice": response.choice.value, "reasons": response.reasons,
            "decided_at": iso(response.decided_at), "decided_by": response.decided_by.name}


def claim_json(claim: Claim) -> dict[str, Any]:
    return {"id": claim.id, "summary": claim.summary, "platform": claim.platform.value, "link": claim.link,
            "first_seen_at": iso(claim.first_seen_at), "reach": claim.reach, "harm": claim.harm.value,
            "names_private_person": claim.names_private_person, "status": claim.status.value,
            "unit_id": claim.unit_id, "incident_id": claim.incident_id, "map_id": claim.map_id,
            "has_screenshot": bool(claim.screenshot_name), "rebuttal": claim.rebuttal,
            "rebutted_at": iso(claim.rebutted_at), "faded_at": iso(claim.faded_at),
            "response_reach": claim.response_reach,
            "hours_circulating": round(claims.circulated(claim, utcnow()).total_seconds() / 3600, 1)}


@bp.get("/press/enquiries")
def list_enquiries() -> Response:
    """Open enquiries by deadline; with ?q= or ?incident_id=, every match, newest first."""
    require_role(api_user(), enquiries.READERS, "read media enquiries")
    term, incident_id = request.args.get("q", "").strip()[:LONGEST_SEARCH], id_arg("incident_id")
    query = enquiries.due_next_query() if not term and incident_id is None else enquiries.search_query(term)
    if incident_id is not None:
        query = enquiries.of_incident(query, incident_id)
    page = paginate(query)
    return jsonify(page_json(page, [enquiry_json(enquiry) for enquiry in page.items]))


@bp.get("/press/enquiries/<int:item_id>")
def get_enquiry(item_id: int) -> Response:
    require_role(api_user(), enquiries.READERS, "read media enquiries")
    return jsonify(enquiry_json(enquiries.get_enquiry(current_session(), item_id)))


@bp.get("/press/claims")
def list_claims() -> Response:
    require_role(api_user(), claims.READERS, "read the claim register")
    page = paginate(claims.register_query(id_arg("incident_id")))
    return jsonify(page_json(page, [claim_json(claim) for claim in page.items]))


@bp.get("/press/claims/<int:item_id>")
def get_claim(item_id: int) -> Response:
    """The claim with its response decisions, in the order made."""
    require_role(api_user(), claims.READERS, "read the claim register")
    session = current_session()
    claim = claims.get_claim(session, item_id)
    return jsonify({**claim_json(claim),
                    "responses": [response_json(item) for item in claims.responses_of(session, claim)]})
