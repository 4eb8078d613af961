"""Markdown is rendered sanitised: common XSS vectors come out inert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commsplan.rendering import format_datetime, machine_time, render_markdown

XSS_VECTORS = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<img src=x onerror="alert(1)">',
    '<a href="#" onclick="alert(1)">x</a>',
    "<iframe src='https://evil.example'></iframe>",
    "<svg onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<object data='javascript:alert(1)'></object>",
    '<form action="javascript:alert(1)"><button>go</button></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_markdown_renders_xss_vectors_inert(vector: str) -> None:
    html = str(render_markdown(vector)).lower()
    for dangerous in ("<script", "javascript:", "onerror", "onclick", "onload", "<iframe", "<svg",
                      "<object", "<form", "style=", "data:text/html", "<img"):
        assert dangerous not in html, f"{dangerous!r} survived in {html!r}"


def test_markdown_keeps_ordinary_formatting() -> None:
    html = str(render_markdown("**Call 999** in an emergency.\n\n- one\n- two\n\n[Crimestoppers](https://crimestoppers-uk.org)"))
    assert "<strong>Call 999</strong>" in html
    assert "<li>one</li>" in html
    assert 'href="https://crimestoppers-uk.org"' in html
    assert 'rel="noopener noreferrer"' in html


@given(st.text())
def test_markdown_never_emits_a_script_tag(text: str) -> None:
    assert "<script" not in str(render_markdown(text)).lower()


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 1, 15, 9, 30, tzinfo=UTC), "15 Jan 2026, 09:30"),  # GMT
        (datetime(2026, 7, 15, 9, 30, tzinfo=UTC), "15 Jul 2026, 10:30"),  # BST
        (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "29 Mar 2026, 00:59"),  # just before the clocks go forward
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "29 Mar 2026, 02:00"),  # just after
    ],
)
def test_times_are_shown_in_london_time(moment: datetime, expected: str) -> None:
    assert format_datetime(moment) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 20, 9, 45, 0, 123456, tzinfo=UTC), "2026-11-20T09:45:00Z"),
        (datetime(2026, 7, 15, 10, 30, 5, tzinfo=timezone(timedelta(hours=1))), "2026-07-15T09:30:05Z"),
        (None, ""),
    ],
)
def test_machine_times_are_utc_to_the_second(moment: datetime | None, expected: str) -> None:
    """What `<time datetime>` accepts: no six-digit fraction of a second, no offset but Z."""
    assert machine_time(moment) == expected
