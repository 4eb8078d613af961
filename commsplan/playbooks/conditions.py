"""Conditions on a playbook's inputs, such as `victim_age < 18 and weapon == "knife"`.

A condition is a list of alternatives joined by `or`, each a list of comparisons joined by
`and` (so `and` binds tighter). Values are numbers, `yes`/`no` or strings in double quotes.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

TOKEN = re.compile(r'\s*(?:(?P<string>"[^"]*")|(?P<number>-?\d+(?:\.\d+)?)|(?P<op>==|!=|<=|>=|<|>)'
                   r'|(?P<word>[A-Za-z_][A-Za-z0-9_]*))')
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
    ">=": operator.ge}
YES_NO = {"yes": True, "no": False}


class ConditionError(ValueError):
    """The condition cannot be read; the message says where."""


@dataclass(frozen=True)
class Comparison:
    name: str
    op: str
    value: str | float | bool

    def holds(self, values: Mapping[str, Any]) -> bool:
        actual = values.get(self.name)
        if actual is None or actual == "":
            return False
        try:
            return OPERATORS[self.op](actual, self.value)
        except TypeError:
            return False


@dataclass(frozen=True)
class Condition:
    text: str
    alternatives: tuple[tuple[Comparison, ...], ...]

    def holds(self, values: Mapping[str, Any]) -> bool:
        return any(all(c.holds(values) for c in group) for group in self.alternatives)

    def comparisons(self) -> list[Comparison]:
        return [c for group in self.alternatives for c in group]


def tokens(text: str) -> list[tuple[str, str]]:
    found, position = [], 0
    while position < len(text.rstrip()):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ConditionError(f'cannot read "{text[position:].strip()}" in "{text}"')
        kind = match.lastgroup or ""
        found.append((kind, match[kind]))
        position = match.end()
    return found


def parse_condition(text: str) -> Condition:
    """Read a condition; the caller checks its names and values against the playbook's inputs."""
    words = tokens(text)
    alternatives: list[tuple[Comparison, ...]] = []
    group: list[Comparison] = []
    while True:
        if len(words) < 3 or words[0][0] != "word" or words[1][0] != "op":
            raise ConditionError(f'"{text}" should compare an input with a value, '
                                 'like victim_age < 18 or weapon == "knife"')
        (_, name), (_, op), value_token = words[:3]
        group.append(Comparison(name, op, literal(value_token, text)))
        words = words[3:]
        if not words:
            alternatives.append(tuple(group))
            return Condition(text, tuple(alternatives))
        joiner = words.pop(0)
        if joiner not in (("word", "and"), ("word", "or")):
            raise ConditionError(f'expected "and" or "or" after {name} {op} ... in "{text}"')
        if joiner[1] == "or":
            alternatives.append(tuple(group))
            group = []


def literal(token: tuple[str, str], text: str) -> str | float | bool:
    kind, raw = token
    if kind == "string":
        return raw[1:-1]
    if kind == "number":
        return float(raw)
    if kind == "word" and raw in YES_NO:
        return YES_NO[raw]
    raise ConditionError(f'"{raw}" in "{text}" is not a value: use a number, yes, no or "a string"')
