"""Statement templates: `{{ placeholders }}` filled from an incident's inputs in a sandbox.

A value nobody has given yet renders as a visible gap, `[missing: Label]`, never as blank text;
guardrails refuse to approve a statement that still has one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jinja2 import TemplateSyntaxError, Undefined, meta
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

GAP = re.compile(r"\[missing: [^\]]+\]")


class VisibleGap(Undefined):
    """Anything the template asks for that was not supplied shows as a gap."""

    def __str__(self) -> str:
        return gap(self._undefined_name or "value")


def gap(label: str) -> str:
    return f"[missing: {label}]"


ENVIRONMENT = SandboxedEnvironment(undefined=VisibleGap, autoescape=False, keep_trailing_newline=False)


def placeholders(body: str) -> set[str]:
    """The names a template uses; raises TemplateSyntaxError when it cannot be read."""
    return set(meta.find_undeclared_variables(ENVIRONMENT.parse(body)))


def render(body: str, values: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """Fill the template; each empty value becomes a gap named by its input's label."""
    context = {name: shown(value) for name, value in values.items() if shown(value) != ""}
    context.update({name: gap(label) for name, label in labels.items() if name not in context})
    return ENVIRONMENT.from_string(body).render(context).strip()


def shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def gaps(text: str) -> list[str]:
    return GAP.findall(text)


__all__ = ["TemplateSyntaxError", "gap", "gaps", "mark_gaps", "placeholders", "render"]


def mark_gaps(text: str) -> Markup:
    """The statement as HTML, its gaps marked so nobody can miss them (and not by colour alone)."""
    pieces, position = [], 0
    for match in GAP.finditer(text):
        pieces += [escape(text[position:match.start()]),
                   Markup('<mark class="app-gap">{}</mark>').format(match.group())]
        position = match.end()
    pieces.append(escape(text[position:]))
    return Markup("").join(pieces)
