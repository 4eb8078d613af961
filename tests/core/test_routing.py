"""URL builders compiled on first use build exactly the URLs Werkzeug's own rules build."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Map, Rule

from commsplan.routing import BoundedIntConverter, LazilyBuiltRule

RULES = [
    ("/", "home", {}),
    ("/plans/<int:plan_id>/activities/<int:activity_id>", "activity", {"plan_id": 7, "activity_id": 12}),
    ("/feeds/<token>.ics", "feed", {"token": "a b/c"}),
    ("/figures/", "figures", {"year": 2026, "page": 3, "q": "knife crime"}),  # extras become the query
    ("/units/<slug>/<path:rest>", "unit_page", {"slug": "tower-hamlets", "rest": "plans/2027"}),
]


def url_map(rule_class: type[Rule]) -> Map:
    rules = [rule_class(path, endpoint=endpoint) for path, endpoint, _values in RULES]
    rules.append(rule_class("/calendar/", endpoint="calendar", defaults={"year": 2026}))
    rules.append(rule_class("/calendar/<int:year>", endpoint="calendar"))
    return Map(rules, converters={"int": BoundedIntConverter})


@pytest.mark.parametrize(("path", "endpoint", "values"), RULES)
def test_lazily_built_rules_build_the_same_urls_twice_over(
    path: str, endpoint: str, values: dict[str, Any],
) -> None:
    plain = url_map(Rule).bind("commsplan.example", "/")
    lazy = url_map(LazilyBuiltRule).bind("commsplan.example", "/")
    for append_unknown in (True, False):
        expected = plain.build(endpoint, values, append_unknown=append_unknown)
        assert lazy.build(endpoint, values, append_unknown=append_unknown) == expected
        assert lazy.build(endpoint, values, append_unknown=append_unknown) == expected  # compiled now


def test_defaults_still_choose_between_rules_for_one_endpoint() -> None:
    lazy = url_map(LazilyBuiltRule).bind("commsplan.example", "/")
    assert lazy.build("calendar", {"year": 2026}) == "/calendar/"
    assert lazy.build("calendar", {"year": 2027}) == "/calendar/2027"
    assert lazy.match("/calendar/2027") == ("calendar", {"year": 2027})


def test_the_app_adds_every_route_as_a_lazily_built_rule(app: Flask) -> None:
    # Flask adds its static route itself, before create_app can choose the rule class
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    assert len(rules) > 100 and all(isinstance(rule, LazilyBuiltRule) for rule in rules)
    built = app.url_map.bind("localhost").build("plans.show_plan", {"plan_id": 2**31 - 1})
    assert built == "/plans/2147483647"
