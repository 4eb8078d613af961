"""Audiences and channels as catalogues: listed, edited, retired and served by the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from commsplan.audiences.models import Audience, Channel, LimitType
from commsplan.auth.models import Role
from commsplan.reference.kinds import ReferenceKind

WRITERS = (Role.COMMS_OFFICER, Role.ADMIN)


def check_channel(session: Session, kind: ReferenceKind, values: Mapping[str, Any],
                  item: object) -> dict[str, list[str]]:
    """A soft or hard limit needs a length; a length needs to say how it applies."""
    limit, limit_type = values.get("length_limit"), values.get("limit_type")
    if limit_type in (LimitType.SOFT, LimitType.HARD) and limit is None:
        return {"length_limit": ["Enter the length limit, or choose 'No length limit'"]}
    if limit is not None and limit_type in (None, LimitType.NONE):
        return {"limit_type": ["Choose whether the length limit is hard or soft"]}
    return {}


AUDIENCES = ReferenceKind(
    slug="audiences",
    model=Audience,
    singular="audience",
    plural="audiences",
    fields=("name", "segment", "age_band", "geography", "size_estimate", "size_source", "languages",
            "accessibility_needs", "insight_notes", "sensitivity_notes"),
    summary="Who we speak to: segment, age, place, languages, accessibility needs and what stops "
            "them acting on our messages.",
    unique_fields=("name",),
    search_fields=("name", "geography", "age_band"),
    write_roles=WRITERS,
)
CHANNELS = ReferenceKind(
    slug="channels",
    model=Channel,
    singular="channel",
    plural="channels",
    fields=("name", "kind", "length_limit", "limit_type", "lead_time_days", "lead_time_strict",
            "reach", "reach_unit", "cost_band", "languages", "accessibility_features", "urgent_capable",
            "operating_hours"),
    summary="How we reach people, with the limits a message must fit: length, lead time, cost, "
            "languages, accessibility and whether it suits urgent messages.",
    unique_fields=("name",),
    search_fields=("name", "reach_unit"),
    write_roles=WRITERS,
    extra_checks=check_channel,
)
KINDS = {kind.slug: kind for kind in (AUDIENCES, CHANNELS)}
