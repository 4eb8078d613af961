"""Markdown is rendered sanitised: common XSS vectors come out inert."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import markdown as markdown_lib
import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import Environment, FileSystemLoader

from commsplan.rendering import (
    escape_markdown,
    escape_markdown_line,
    format_datetime,
    machine_time,
    render_markdown,
)

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


# --- Escaping what people typed before it goes into a Markdown export ----------------------------

@pytest.mark.parametrize(("text", "escaped"), [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ('<img src=x onerror="alert(1)">', '&lt;img src=x onerror="alert(1)"&gt;'),
    ("&lt;script&gt;", "&amp;lt;script&amp;gt;"),  # an entity typed in stays text, not a tag
    ("Q&A with parents", "Q&amp;A with parents"),
    ("**Call 999** _now_", "\\*\\*Call 999\\*\\* \\_now\\_"),
    ("`code` and ~~struck~~", "\\`code\\` and \\~\\~struck\\~\\~"),
    ("[click](javascript:alert(1))", "\\[click\\](javascript:alert(1))"),
    ("Summer | holiday SMS", "Summer \\| holiday SMS"),
    ("back\\slash", "back\\\\slash"),
    ("# Not a heading", "\\# Not a heading"),
    ("- not a list\n+ nor this\n  1. nor this\n2) nor this",
     "\\- not a list\n\\+ nor this\n  1\\. nor this\n2\\) nor this"),
    ("> not a quote", "&gt; not a quote"),
    ("Version 2.5 for Tower-Hamlets, (north)", "Version 2.5 for Tower-Hamlets, (north)"),  # left readable
    ("", ""),
    (None, ""),
])
def test_escape_markdown_makes_text_literal_and_html_inert(text: str | None, escaped: str) -> None:
    assert escape_markdown(text) == escaped


@pytest.mark.parametrize(("text", "escaped"), [
    ("- one\n- **two**\n\n> a quote", "- one\n- **two**\n\n> a quote"),
    ("See [the toolkit](https://example.test) <script>x</script>",
     "See [the toolkit](https://example.test) &lt;script&gt;x&lt;/script&gt;"),
    ("a < b & c > d", "a &lt; b &amp; c &gt; d"),
])
def test_keeping_formatting_leaves_markdown_but_neutralises_html(text: str, escaped: str) -> None:
    assert escape_markdown(text, keep_formatting=True) == escaped


def test_a_table_cell_is_one_line() -> None:
    assert escape_markdown_line("one | two\nthree") == "one \\| two three"


TAGS = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9]*)")


@given(st.text())
def test_escaped_text_renders_as_plain_paragraphs(text: str) -> None:
    """Whatever is typed, a Markdown renderer makes only paragraphs (or a code block, for indented
    text) of it: no heading, list, emphasis, link or HTML."""
    html = markdown_lib.markdown(escape_markdown(text))
    assert set(TAGS.findall(html)) <= {"p", "pre", "code", "br"}, html


@given(st.text())
def test_kept_formatting_never_lets_html_through(text: str) -> None:
    html = markdown_lib.markdown(escape_markdown(text, keep_formatting=True)).lower()
    assert not {"script", "img", "iframe", "svg", "div", "span"} & set(TAGS.findall(html)), html


def test_apps_in_one_process_share_compiled_templates_until_a_source_changes(
    make_app: Callable[..., Flask], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    compiled: list[str | None] = []
    real_compile = Environment.compile

    def counting_compile(environment: Environment, source: Any, name: str | None = None,
                         *args: Any, **kwargs: Any) -> Any:
        compiled.append(name)
        return real_compile(environment, source, name, *args, **kwargs)

    monkeypatch.setattr(Environment, "compile", counting_compile)
    page = tmp_path / "shared-page.html"
    page.write_text("Hello {{ who }}")

    def render_in_a_new_app() -> str:
        app = make_app(TESTING=True)  # a new app each time, as each worker and CLI command builds
        app.jinja_env.loader = FileSystemLoader(str(tmp_path))
        with app.app_context():
            return app.jinja_env.get_template("shared-page.html").render(who="Hackney")

    assert render_in_a_new_app() == "Hello Hackney"
    assert render_in_a_new_app() == "Hello Hackney"
    assert compiled.count("shared-page.html") == 1
    page.write_text("Goodbye {{ who }}")
    assert render_in_a_new_app() == "Goodbye Hackney"
    assert compiled.count("shared-page.html") == 2
