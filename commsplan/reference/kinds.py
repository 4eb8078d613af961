"""The three kinds of reference data, described once for the service, views and API alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from commsplan.reference.models import BusinessUnit, Qualifier, ViolenceElement

ReferenceModel = Any  # one of the three model classes below
ReferenceItem = ViolenceElement | Qualifier | BusinessUnit


@dataclass(frozen=True)
class ReferenceKind:
    slug: str
    model: ReferenceModel
    singular: str
    plural: str
    fields: tuple[str, ...]
    summary: str
    has_parent: bool = False

    @property
    def audit_type(self) -> str:
        return self.model.__audit_type__


ELEMENTS = ReferenceKind(
    slug="violence-elements",
    model=ViolenceElement,
    singular="violence element",
    plural="violence elements",
    fields=("code", "name", "description", "parent_id", "position"),
    summary="The kinds of violence in the strategy's definition. Plans, messages, risk profiles "
    "and playbooks are organised by them.",
    has_parent=True,
)
QUALIFIERS = ReferenceKind(
    slug="qualifiers",
    model=Qualifier,
    singular="qualifier",
    plural="qualifiers",
    fields=("code", "name", "description", "position"),
    summary="Features that bring lower-level offences into scope because they can escalate: "
    "a repeat victim, a weapon, group offending, anti-social behaviour.",
)
UNITS = ReferenceKind(
    slug="business-units",
    model=BusinessUnit,
    singular="business unit",
    plural="business units",
    fields=("code", "name", "kind", "parent_id", "description"),
    summary="Corporate, business groups, borough commands and specialist units. Each unit "
    "has its own risk profile and communication plan.",
    has_parent=True,
)
KINDS: dict[str, ReferenceKind] = {kind.slug: kind for kind in (ELEMENTS, QUALIFIERS, UNITS)}
