"""The parts of a playbook that follow an incident's stage: do-not-say entries scoped to a clock or a
statement kind, clocks that may be recorded again, and the steps that follow each recording.

The playbook reader builds on this; each problem is reported with its line and field.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from commsplan.playbooks import vocab
from commsplan.playbooks.fields import FieldReader, Where
from commsplan.playbooks.model import DoNotSay, Input, Step

LABEL_LENGTH = (3, 80)
# Characters that only a regular expression needs; a label is read by people, not matched.
REGEX_SYNTAX = re.compile(r"[\\\[\](){}|*+?^$]")


class StageReader(FieldReader):
    """Reads do-not-say entries, repeatable clocks and `each` steps."""

    def reference(self, item: dict[str, Any], key: str, where: Where, declared: Collection[str],
                  kind: str, *, required: bool) -> str:
        name = self.text(item, key, where, required=required)
        if name and name not in declared:
            listing = ", ".join(declared) or "none"
            self.problem((*where, key), f'unknown {kind} "{name}" (declared: {listing})')
            return ""
        return name

    def listed(self, data: dict[str, Any], key: str) -> list[tuple[Where, dict[str, Any]]]:
        """The mappings of a list read once already (its faults reported then), with where each is."""
        value = data.get(key)
        return [((key, number), item) for number, item in enumerate(value if isinstance(value, list) else [])
                if isinstance(item, dict)]

    def naming_clocks(self, data: dict[str, Any], inputs: dict[str, Input], anchors: dict[str, str]) -> None:
        """A victim's identifier is kept out until the family agree: without that clock it never could be."""
        for where, item in self.listed(data, "inputs"):
            spec = inputs.get(item.get("id"))  # type: ignore[arg-type]
            if spec is not None and spec.identifies == "victim" and "consent_to_name" not in anchors:
                self.problem((*where, "identifies"), "a victim identifier needs the consent_to_name clock "
                                                     "under anchors, or the victim could never be named")

    # --- Clocks that come round again ---------------------------------------------------------

    def repeatable_anchors(self, data: dict[str, Any]) -> frozenset[str]:
        """Anchors written `name: {label: ..., repeatable: true}` (the label may be left out of a
        standard one)."""
        found = set()
        anchors = data.get("anchors")
        for name, item in (anchors.items() if isinstance(anchors, dict) else ()):
            if not isinstance(item, dict):
                continue
            where: Where = ("anchors", name)
            self.unknown_keys(item, {"label", "repeatable"}, where)
            repeatable = item.get("repeatable", False)
            if not isinstance(repeatable, bool):
                self.problem((*where, "repeatable"), "should be true or false")
            elif repeatable and name == vocab.START_ANCHOR:
                self.problem((*where, "repeatable"), "police are notified once: this clock cannot repeat")
            elif repeatable:
                found.add(name)
        return frozenset(found)

    def each_steps(self, data: dict[str, Any], steps: tuple[Step, ...], repeatable: frozenset[str]) -> None:
        """A step done for each recording of its clock needs a clock that can be recorded again."""
        places = {item.get("id"): where for where, item in self.listed(data, "steps")}
        for step in steps:
            where = places.get(step.id, ("steps",))
            if step.each and step.at.anchor not in repeatable:
                self.problem((*where, "each"), f'"{step.at.anchor}" is recorded once: mark it '
                                               "repeatable: true under anchors, or leave out each")
            elif step.each and step.repeat is not None:
                self.problem((*where, "each"), "a step is done for each recording or repeated, not both")

    # --- Do not say ---------------------------------------------------------------------------
    def do_not_say(self, data: dict[str, Any], anchors: dict[str, str]) -> tuple[DoNotSay, ...]:
        found = []
        for where, item in self.items(data, "do_not_say", (), required=False):
            self.unknown_keys(item, {"phrase", "pattern", "label", "reason", "before", "after", "kinds"},
                              where)
            reason = self.text(item, "reason", where)
            phrase = self.text(item, "phrase", where, required=False)
            pattern = self.text(item, "pattern", where, required=False)
            if bool(phrase) == bool(pattern):
                self.problem(where, "give either a phrase or a pattern")
                continue
            label = self.do_not_say_label(item, where, needed=bool(pattern))
            source = pattern or r"\b" + r"\s+".join(map(re.escape, phrase.split())) + r"\b"
            before, after, kinds = self.do_not_say_scope(item, where, anchors)
            try:
                found.append(DoNotSay(re.compile(source, re.IGNORECASE), label or phrase, reason,
                                      before, after, kinds))
            except re.error as error:
                self.problem((*where, "pattern"), f"is not a regular expression: {error}")
        return tuple(found)

    def do_not_say_scope(self, item: dict[str, Any], where: Where, anchors: dict[str, str]
                         ) -> tuple[str | None, str | None, tuple[str, ...]]:
        """The stage (`before`/`after` a clock) and the statement kinds an entry applies to."""
        stages = [self.reference(item, key, where, anchors, "anchor", required=False) or None
                  for key in ("before", "after")]
        if stages[0] and stages[0] == stages[1]:
            self.problem((*where, "after"), "an entry cannot be in force both before and after one clock")
        kinds = self.texts(item, "kinds", where)
        for number, kind in enumerate(kinds):
            if kind not in vocab.STATEMENT_KINDS:
                self.problem((*where, "kinds", number), f'unknown statement kind "{kind}" '
                                                        f'(kinds: {", ".join(vocab.STATEMENT_KINDS)})')
        return stages[0], stages[1], kinds

    def do_not_say_label(self, item: dict[str, Any], where: Where, *, needed: bool) -> str:
        """The plain words staff read instead of a pattern; a phrase may go without and show itself."""
        label = self.text(item, "label", where, required=False)
        shortest, longest = LABEL_LENGTH
        if not label:
            if needed:
                self.problem((*where, "label"), "is required for a pattern: a few plain words saying "
                                                "what it keeps out, shown to staff instead of the pattern")
        elif not shortest <= len(label) <= longest:
            self.problem((*where, "label"), f"should be {shortest} to {longest} characters "
                                            f"(it is {len(label)})")
        elif REGEX_SYNTAX.search(label):
            marks = " ".join(sorted(set(REGEX_SYNTAX.findall(label))))
            self.problem((*where, "label"), f"should be plain words, not a regular expression: "
                                            f"take out {marks}")
        return label

