"""A playbook as the app holds it once its file has been read and checked."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from commsplan.playbooks.conditions import Condition

HEADING = re.compile(r"^(#{1,6})[ \t]+", re.MULTILINE)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a playbook file, where to find it and what to do."""

    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass(frozen=True)
class Input:
    id: str
    label: str
    type: str
    required: bool = True
    help: str = ""
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    identifies: str | None = None
    under_18_if: Condition | None = None  # a suspect or person detained who is a child: never named


@dataclass(frozen=True)
class Offset:
    """When a step is due: an anchor's time plus (or minus) a span."""

    anchor: str
    delta: timedelta

    def label(self) -> str:
        return f"{self.anchor}{format_span(self.delta, signed=True)}" if self.delta else self.anchor


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    at: Offset
    owner: str
    instructions: str = ""
    checklist: tuple[str, ...] = ()
    statement: str | None = None
    approval: str | None = None
    channels: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    when: Condition | None = None
    repeat: timedelta | None = None
    each: bool = False  # on a repeatable clock: one task for each time it is recorded


@dataclass(frozen=True)
class StatementTemplate:
    id: str
    title: str
    kind: str
    body: str
    placeholders: tuple[str, ...] = ()


@dataclass(frozen=True)
class DoNotSay:
    """A word or pattern statements must not use, and why.

    `shown_as` is what staff read for the rule: the entry's label, or else its phrase. It is never
    the regular expression, which only the check itself uses. An entry may be in force only before
    or after a clock is recorded (`before`, `after`) and only for some kinds of statement (`kinds`);
    with none of these it always is.
    """

    pattern: re.Pattern[str]
    shown_as: str
    reason: str
    before: str | None = None
    after: str | None = None
    kinds: tuple[str, ...] = ()

    def in_force(self, recorded: Collection[str], kind: str | None) -> bool:
        """Whether the entry applies to a statement of `kind`, given the clocks recorded so far.

        With no kind (a check of words alone) only the stage decides."""
        if self.before is not None and self.before in recorded:
            return False
        if self.after is not None and self.after not in recorded:
            return False
        return not self.kinds or kind is None or kind in self.kinds

    def scope(self, anchors: Mapping[str, str], kinds: Mapping[str, str]) -> str:
        """When the entry applies, in words ("" when always).

        For example: until “First charge” is recorded; only in: appeal."""
        parts = []
        if self.after is not None:
            parts.append(f"once “{anchors.get(self.after, self.after)}” is recorded")
        if self.before is not None:
            parts.append(f"until “{anchors.get(self.before, self.before)}” is recorded")
        if self.kinds:
            parts.append("only in: " + ", ".join(kinds.get(k, k).lower() for k in self.kinds))
        return "; ".join(parts)


@dataclass(frozen=True)
class ImpactPrompt:
    id: str
    prompt: str
    guidance: str = ""


@dataclass(frozen=True)
class StatusUpdates:
    every: timedelta
    owner: str


@dataclass(frozen=True)
class Playbook:
    id: str
    title: str
    version: int
    owner: str
    review_date: date
    category: str
    summary: str
    elements: tuple[str, ...]
    qualifiers: tuple[str, ...]
    default_severity: str
    triggers: tuple[str, ...]
    roles: dict[str, str]
    anchors: dict[str, str]
    inputs: tuple[Input, ...]
    steps: tuple[Step, ...]
    statements: dict[str, StatementTemplate] = field(default_factory=dict)
    status_updates: StatusUpdates | None = None
    do_not_say: tuple[DoNotSay, ...] = ()
    community_impact: tuple[ImpactPrompt, ...] = ()
    briefing: str = ""
    source_path: str = ""
    source_text: str = ""
    repeatable: frozenset[str] = frozenset()  # clocks that may be recorded again (a further arrest)

    def briefing_markdown(self) -> str:
        """The briefing with its headings moved down so its top level sits under the page's h2."""
        levels = [len(m) for m in HEADING.findall(self.briefing)]
        shift = 3 - min(levels) if levels else 0
        return HEADING.sub(lambda m: "#" * min(len(m[1]) + shift, 4) + " ", self.briefing)

    def input(self, input_id: str) -> Input:
        return next(item for item in self.inputs if item.id == input_id)

    def timeline(self) -> list[tuple[str, list[Step]]]:
        """Steps grouped by anchor (in the file's anchor order), each group in due order."""
        groups = [(anchor, sorted((s for s in self.steps if s.at.anchor == anchor),
                                  key=lambda s: s.at.delta)) for anchor in self.anchors]
        return [(anchor, steps) for anchor, steps in groups if steps]


def format_span(span: timedelta, *, signed: bool = False) -> str:
    """A span in the files' own notation: 1d2h, 45m, -30m."""
    minutes = int(span.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    days, rest = divmod(abs(minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    text = "".join(f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (mins, "m")) if n) or "0m"
    return f"{sign}{text}" if signed else text
