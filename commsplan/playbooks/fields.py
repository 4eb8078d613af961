"""Reading typed values out of parsed YAML, each problem reported with the file's line and the
field's name as people count it ("steps[4].owner"). The playbook reader builds on this."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from typing import Any

import yaml

from commsplan.playbooks.model import Problem
from commsplan.playbooks.timing import TimingError, parse_span

Where = tuple[str | int, ...]
SHORTEST_REPEAT = timedelta(minutes=5)


def field_name(where: Where) -> str:
    """("steps", 3, "owner") → "steps[4].owner": items are counted from 1, as people count."""
    name = ""
    for part in where:
        name += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


class FieldReader:
    """Typed values from a YAML node tree, remembering each value's line for its problems."""

    def __init__(self, path: str, node: yaml.Node | None) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.lines: dict[Where, int] = {}
        if node is not None:
            self.map_lines(node, ())

    # --- Where things are ---------------------------------------------------------------------

    def map_lines(self, node: yaml.Node, where: Where) -> None:
        self.lines.setdefault(where, node.start_mark.line + 2)
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, value_node in node.value:
                key = key_node.value
                self.lines[(*where, key)] = key_node.start_mark.line + 2
                if key in seen:
                    self.problem((*where, key), "appears twice; only one is allowed")
                seen.add(key)
                self.map_lines(value_node, (*where, key))
        elif isinstance(node, yaml.SequenceNode):
            for number, item in enumerate(node.value):
                self.map_lines(item, (*where, number))

    def problem(self, where: Where, message: str) -> None:
        place = where
        while place and place not in self.lines:
            place = place[:-1]
        self.problems.append(Problem(self.path, self.lines.get(place), field_name(where), message))

    # --- Typed values -------------------------------------------------------------------------

    def text(self, data: dict[str, Any], key: str, where: Where, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem((*where, key), "is required")
            return ""
        if not isinstance(value, str):
            self.problem((*where, key), "should be text")
            return ""
        return value.strip()

    def texts(self, data: dict[str, Any], key: str, where: Where, *, required: bool = False
              ) -> tuple[str, ...]:
        value = data.get(key)
        if value is None or value == []:
            if required:
                self.problem((*where, key), "is required: give at least one")
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem((*where, key), "should be a list of text items")
            return ()
        return tuple(v.strip() for v in value)

    def choice(self, data: dict[str, Any], key: str, where: Where, options: Collection[str]) -> str:
        value = self.text(data, key, where)
        if value and value not in options:
            self.problem((*where, key), f'"{value}" is not one of: {", ".join(options)}')
        return value

    def mapping(self, value: Any, where: Where) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(where, "should be a mapping of keys to values")
            return {}
        return value

    def items(self, data: dict[str, Any], key: str, where: Where, *, required: bool
              ) -> list[tuple[Where, dict[str, Any]]]:
        """A list of mappings, each with where it is; a missing or malformed list is reported."""
        value = data.get(key)
        if value is None or value == []:
            if required:
                self.problem((*where, key), "is required: give at least one")
            return []
        if not isinstance(value, list):
            self.problem((*where, key), "should be a list")
            return []
        found = []
        for number, item in enumerate(value):
            if isinstance(item, dict):
                found.append(((*where, key, number), item))
            else:
                self.problem((*where, key, number), "should be a mapping of keys to values")
        return found

    def unknown_keys(self, data: dict[str, Any], allowed: Collection[str], where: Where) -> None:
        for key in data:
            if key not in allowed:
                self.problem((*where, key), f'is not a key this part may have (allowed: '
                                            f'{", ".join(sorted(allowed))})')

    def span(self, value: Any, where: Where) -> timedelta | None:
        try:
            span = parse_span(str(value))
        except TimingError as error:
            self.problem(where, str(error))
            return None
        if span < SHORTEST_REPEAT:
            self.problem(where, f"should be at least {int(SHORTEST_REPEAT.total_seconds() // 60)}m")
            return None
        return span
