"""The three kinds of reference data, described once for the service, views and API alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from commsplan.auth.models import Role
from commsplan.reference.models import BusinessUnit, Qualifier, ViolenceElement

ReferenceModel = Any  # one of the three model classes below
ReferenceItem = ViolenceElement | Qualifier | BusinessUnit


@dataclass(frozen=True)
class ReferenceKind:
    """A list of named things kept up to date by hand, with retire and restore.

    Reference data uses it; so do other domains' catalogues (audiences, channels), which set
    their own unique and search fields, write roles and extra rule checks.
    """

    slug: str
    model: ReferenceModel
    singular: str
    plural: str
    fields: tuple[str, ...]
    summary: str
    has_parent: bool = False
    unique_fields: tuple[str, ...] = ("code", "name")
    search_fields: tuple[str, ...] = ("name", "code")
    write_roles: tuple[Role, ...] = (Role.ADMIN,)
    # (session, kind, cleaned values, item or None) -> {field: [messages]}
    extra_checks: Callable[..., dict[str, list[str]]] | None = None

    @property
    def a_singular(self) -> str:
        """"a business unit", "an audience"."""
        return f"{'an' if self.singular[0] in 'aeiou' else 'a'} {self.singular}"

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
