"""The 2C coverage matrix: for each element and audience, is there an approved message, and on how
many channels?

Four queries whatever the number of maps: elements, audiences, each cell's best state and count of
maps, and each cell's count of channels in force, all grouped in SQL. Which channels they are is a
cell's detail, shown on the message list filtered to that cell (`channels_in_force`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.orm import Session

from commsplan.audiences.kinds import AUDIENCES
from commsplan.audiences.models import Audience, Channel
from commsplan.auth.models import User
from commsplan.messages.maps import MapFilter, SelectOf, narrowed
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
    channels: int = 0


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


RANKED = (CellState.NONE, CellState.DRAFT, CellState.IN_REVIEW, CellState.APPROVED)


def in_force(query: SelectOf) -> SelectOf:
    """`query` joined to the channels of each map's approved (in force) version."""
    return (query.join(MessageVersion, and_(MessageVersion.map_id == MessageMap.id,
                                            MessageVersion.number == MessageMap.approved_number))
            .join(MessageVariant, MessageVariant.version_id == MessageVersion.id)
            .join(Channel, Channel.id == MessageVariant.channel_id))


def matrix(session: Session, *, unit_id: int | None = None, qualifier_id: int | None = None) -> Matrix:
    """Active elements (in priority order) against active audiences, for the chosen unit and qualifier.

    Elements are in the strategy's order, which stands for priority until risk profiles weight it.
    """
    elements = active_items(session, ELEMENTS)
    audiences = active_items(session, AUDIENCES)
    cells = {(e.id, a.id): Cell(e, a) for e in elements for a in audiences}
    criteria = MapFilter(unit_id=unit_id, qualifier_id=qualifier_id)
    rank = case((MessageMap.approved_number.is_not(None), RANKED.index(CellState.APPROVED)),
                (MessageMap.status == MessageStatus.IN_REVIEW, RANKED.index(CellState.IN_REVIEW)),
                else_=RANKED.index(CellState.DRAFT))
    pair = (MessageMap.element_id, MessageMap.audience_id)
    states = narrowed(select(*pair, func.count(), func.max(rank)), criteria).group_by(*pair)
    for element_id, audience_id, maps, best in session.execute(states):
        if cell := cells.get((element_id, audience_id)):
            cell.maps, cell.state = maps, RANKED[best]
    channels = in_force(narrowed(select(*pair, func.count(distinct(Channel.id))), criteria))
    for element_id, audience_id, count in session.execute(channels.group_by(*pair)):
        if cell := cells.get((element_id, audience_id)):
            cell.channels = count
    return Matrix(elements, audiences, cells)


def channels_in_force(session: Session, criteria: MapFilter) -> list[str]:
    """The channels approved messages reach through, for the maps a filter selects."""
    query = in_force(narrowed(select(Channel.name).select_from(MessageMap), criteria))
    return list(session.scalars(query.distinct().order_by(Channel.name)))


# A room above notes something per element: element id → a sentence, for the unit chosen (or all)
# and what the viewer may see. The press desk notes claims whose map has no approved answer.
ElementNotes = Callable[[Session, int | None, User], dict[int, str]]
_note_builders: list[ElementNotes] = []


def add_element_notes(builder: ElementNotes) -> None:
    """Called by create_app (register_listeners)."""
    if builder not in _note_builders:
        _note_builders.append(builder)


def element_notes(session: Session, unit_id: int | None, viewer: User) -> dict[int, list[str]]:
    notes: dict[int, list[str]] = {}
    for build in _note_builders:
        for element_id, note in build(session, unit_id, viewer).items():
            notes.setdefault(element_id, []).append(note)
    return notes
