"""The small languages inside a playbook: spans, offsets, conditions and statement templates."""

from __future__ import annotations

from datetime import timedelta

import pytest

from commsplan.playbooks import statements
from commsplan.playbooks.conditions import ConditionError, parse_condition
from commsplan.playbooks.model import format_span
from commsplan.playbooks.timing import TimingError, parse_offset, parse_span


@pytest.mark.parametrize(("text", "minutes"), [("45m", 45), ("2h", 120), ("1d2h30m", 1590),
                                               ("1h 30m", 90), ("0m", 0)])
def test_spans(text: str, minutes: int) -> None:
    assert parse_span(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["", "45", "m", "2 hours", "1.5h", "-2h", "2w"])
def test_bad_spans(text: str) -> None:
    with pytest.raises(TimingError, match="not a span of time"):
        parse_span(text)


@pytest.mark.parametrize(("text", "anchor", "minutes"), [
    ("+30m", "notified", 30), ("declared+1h", "declared", 60), ("charge", "charge", 0),
    ("arrest-15m", "arrest", -15), ("family_informed + 1d", "family_informed", 1440)])
def test_offsets(text: str, anchor: str, minutes: int) -> None:
    assert parse_offset(text, "notified") == (anchor, timedelta(minutes=minutes))


@pytest.mark.parametrize("text", ["", "+", "Declared+1h", "declared+", "declared*2h", "+1x", "30m"])
def test_bad_offsets(text: str) -> None:
    with pytest.raises(TimingError):
        parse_offset(text, "notified")


@pytest.mark.parametrize(("minutes", "plain", "signed"), [(45, "45m", "+45m"), (1590, "1d2h30m", "+1d2h30m"),
                                                          (-15, "15m", "-15m"), (0, "0m", "+0m")])
def test_spans_are_written_back_in_the_same_notation(minutes: int, plain: str, signed: str) -> None:
    assert format_span(timedelta(minutes=minutes)) == plain
    assert format_span(timedelta(minutes=minutes), signed=True) == signed


def test_and_binds_tighter_than_or() -> None:
    condition = parse_condition('a == yes or b > 2 and c == "x"')
    assert condition.holds({"a": True})
    assert condition.holds({"a": False, "b": 3.0, "c": "x"})
    assert not condition.holds({"a": False, "b": 3.0, "c": "y"})
    assert not condition.holds({"b": "three", "c": "x"})  # a value of the wrong type never matches


@pytest.mark.parametrize("text", ["", "a", "a ==", "== 3", "a == 3 and", "a == 3 b == 4", "a = 3"])
def test_unreadable_conditions(text: str) -> None:
    with pytest.raises(ConditionError):
        parse_condition(text)


LABELS = {"general_location": "General location", "next_update_time": "Next update"}


def test_a_statement_is_filled_from_the_inputs() -> None:
    body = "Officers were called to {{ general_location }}. Next update by {{ next_update_time }}."
    text = statements.render(body, {"general_location": "Brixton Road", "next_update_time": "6pm"}, LABELS)
    assert text == "Officers were called to Brixton Road. Next update by 6pm."


@pytest.mark.parametrize("missing", [None, "", "   "])
def test_a_missing_value_shows_as_a_visible_gap(missing: str | None) -> None:
    body = "Officers were called to {{ general_location }}."
    text = statements.render(body, {"general_location": missing}, LABELS)
    assert text == "Officers were called to [missing: General location]."
    assert statements.gaps(text) == ["[missing: General location]"]


def test_values_are_shown_as_people_write_them() -> None:
    body = "{{ age }} {{ armed }} {{ armed_b }}"
    assert statements.render(body, {"age": 16.0, "armed": True, "armed_b": False}, {}) == "16 yes no"


def test_an_undeclared_name_still_shows_as_a_gap() -> None:
    assert statements.render("{{ nobody }}", {}, {}) == "[missing: nobody]"


@pytest.mark.parametrize("body", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{% for c in ''.__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
])
def test_templates_cannot_reach_python_internals(body: str) -> None:
    from jinja2.exceptions import SecurityError
    with pytest.raises(SecurityError):
        statements.render(body, {}, {})


def test_inputs_are_text_not_template_code() -> None:
    text = statements.render("At {{ place }}.", {"place": "{{ 7 * 7 }}"}, {})
    assert text == "At {{ 7 * 7 }}."


def test_gaps_are_marked_and_the_rest_escaped() -> None:
    html = str(statements.mark_gaps("<b>At</b> [missing: Place] & more"))
    assert html == '&lt;b&gt;At&lt;/b&gt; <mark class="app-gap">[missing: Place]</mark> &amp; more'


def test_placeholders_are_found_and_bad_syntax_raises() -> None:
    assert statements.placeholders("{{ a }} and {{ b | upper }} {% if c %}x{% endif %}") == {"a", "b", "c"}
    with pytest.raises(statements.TemplateSyntaxError):
        statements.placeholders("{{ a }")
