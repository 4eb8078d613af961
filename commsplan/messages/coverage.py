"""The 2C coverage matrix: for each element and audience, is there an approved message, and where?

Four queries whatever the number of maps: elements, audiences, the maps' states, and the
channels of the variants in force.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from commsplan.audiences.kinds import AUDIENCES
from commsplan.audiences.models import Audience, Channel
from commsplan.messages.maps import MapFilter, narrowed
from commsplan.messages.models import MessageMap, MessageStatus, MessageVariant, MessageVersion
from commsplan.reference.kinds import ELEMENTS
from commsplan.reference.models import ViolenceElement
from commsplan.reference.service import active_items


class CellState(StrEnum):
    """Best state among a cell's maps; the symbol and pattern make it readable without colour."""

    APPROVED = "approved"
    IN_REVIEW = "in_review"
    DRAFT = "draft"
    NONE = "none"

    @property
    def label(self) -> str:
        return {"approved": "Approved", "in_review": "In review", "draft": "Draft only",
                "none": "No message"}[self.value]

    @property
    def symbol(self) -> str:
        return {"approved": "✓", "in_review": "◐", "draft": "✎", "none": "✗"}[self.value]


@dataclass
class Cell:
    element: ViolenceElement
    audience: Audience
    state: CellState = CellState.NONE
    maps: int = 0
    channels: list[str] = field(default_factory=list)


@dataclass
class Matrix:
    elements: list[ViolenceElement]
    audiences: list[Audience]
    cells: dict[tuple[int, int], Cell]

    def cell(self, element: ViolenceElement, audience: Audience) -> Cell:
        return self.cells[(element.id, audience.id)]

    @property
    def gaps(self) -> list[Cell]:
        """Cells without an approved message, highest-priority element first."""
        return [self.cells[(element.id, audience.id)] for element in self.elements
                for audience in self.audiences
                if self.cells[(element.id, audience.id)].state is not CellState.APPROVED]

    def totals(self) -> dict[CellState, int]:
        counts = dict.fromkeys(CellState, 0)
        for cell in self.cells.values():
            counts[cell.state] += 1
        return counts


def _state(status: MessageStatus, approved_number: int | None) -> CellState:
    if approved_number is not None:
        return CellState.APPROVED
    return CellState.IN_REVIEW if status is MessageStatus.IN_REVIEW else CellState.DRAFT


RANK = {CellState.APPROVED: 3, CellState.IN_REVIEW: 2, CellState.DRAFT: 1, CellState.NONE: 0}


def matrix(session: Session, *, unit_id: int | None = None, qualifier_id: int | None = None) -> Matrix:
    """Active elements (in priority order) against active audiences, for the chosen unit and qualifier.

    Elements are in the strategy's order, which stands for priority until risk profiles weight it.
    """
    elements = active_items(session, ELEMENTS)
    audiences = active_items(session, AUDIENCES)
    cells = {(e.id, a.id): Cell(e, a) for e in elements for a in audiences}
    criteria = MapFilter(unit_id=unit_id, qualifier_id=qualifier_id)
    rows = session.execute(narrowed(select(MessageMap.element_id, MessageMap.audience_id,
                                           MessageMap.status, MessageMap.approved_number), criteria))
    for element_id, audience_id, status, approved_number in rows:
        cell = cells.get((element_id, audience_id))
        if cell is None:
            continue
        cell.maps += 1
        state = _state(status, approved_number)
        if RANK[state] > RANK[cell.state]:
            cell.state = state
    channels: dict[tuple[int, int], set[str]] = defaultdict(set)
    in_force = narrowed(
        select(MessageMap.element_id, MessageMap.audience_id, Channel.name)
        .join(MessageVersion, and_(MessageVersion.map_id == MessageMap.id,
                                   MessageVersion.number == MessageMap.approved_number))
        .join(MessageVariant, MessageVariant.version_id == MessageVersion.id)
        .join(Channel, Channel.id == MessageVariant.channel_id), criteria).distinct()
    for element_id, audience_id, name in session.execute(in_force):
        channels[(element_id, audience_id)].add(name)
    for key, names in channels.items():
        if key in cells:
            cells[key].channels = sorted(names)
    return Matrix(elements, audiences, cells)
