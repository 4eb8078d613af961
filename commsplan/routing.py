"""URL routing: ids that fit the database, and URL builders made when first used."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import IntegerConverter, Rule

from commsplan.numbers import LARGEST_ID


class BoundedIntConverter(IntegerConverter):
    """Ids in URLs fit a database integer; a larger number is a 404, not an overflow."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


class LazilyBuiltRule(Rule):
    """A rule whose URL builders are compiled the first time a URL is built from it.

    Werkzeug compiles two Python functions per rule as the rule is added; with some two hundred
    routes that was nine tenths of the time it took to build the app (each gunicorn worker, each
    CLI command and each test builds one), while a request builds URLs from a handful of rules.
    Matching incoming URLs is unchanged: it uses the rule's parts, which are still parsed at once.
    """

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        attribute = "_build_unknown" if append_unknown else "_build"
        compile_builder = super()._compile_builder

        def build_first_url(rule: Rule, **values: Any) -> tuple[str, str]:
            builder = compile_builder(append_unknown).__get__(rule, None)
            setattr(rule, attribute, builder)  # later builds call the compiled function directly
            return builder(**values)

        return build_first_url
