"""Templates: the GOV.UK loaders, sanitised Markdown, dates in London time, error summaries."""

from __future__ import annotations

import difflib
import os
import re
from datetime import UTC, date, datetime
from typing import Any

import markdown as markdown_lib
import nh3
from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers, flatten_errors
from jinja2 import BytecodeCache, ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from jinja2.bccache import Bucket
from markupsafe import Markup, escape
from wtforms import Form

from commsplan.timeutil import to_london

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li", "ol", "p",
    "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}


LIST_ITEM = r"[ \t]*(?:[-*+]|\d+\.)[ \t]"
LIST_AFTER_TEXT = re.compile(rf"^(?!{LIST_ITEM})([^\n]*\S[^\n]*)\n(?={LIST_ITEM})", re.MULTILINE)


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML with every tag, attribute and URL scheme not on the allow-list removed.

    A list may start on the line after a paragraph, as people write it and as CommonMark allows;
    Python-Markdown wants a blank line there, so one is added.
    """
    source = LIST_AFTER_TEXT.sub("\\1\n\n", (text or "").replace("\r\n", "\n"))
    html = markdown_lib.markdown(source, extensions=["tables", "sane_lists"])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return Markup(clean)


# Characters that format text anywhere on a line, and line starts that open a heading, list,
# blockquote or rule. Other punctuation (a full stop in "v2.5", a hyphen in "Tower-Hamlets") is left
# alone so the exported text stays readable; CommonMark lets any of these be escaped.
INLINE_MARKUP = re.compile(r"([\\`*_\[\]|~])")
BLOCK_START = re.compile(r"^([ \t]*)([#+\-=])", re.MULTILINE)
ORDERED_START = re.compile(r"^([ \t]*\d+)([.)])", re.MULTILINE)
HTML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
QUOTE_MARKER = re.compile(r"^([ \t]*)&gt;", re.MULTILINE)


def escape_markdown(text: str | None, *, keep_formatting: bool = False) -> str:
    """User text made safe to put in a Markdown file.

    `&`, `<` and `>` become character references, so no HTML tag or entity trick survives into a
    viewer. Unless `keep_formatting`, Markdown syntax is backslash-escaped too, so a title or a
    name reads exactly as typed (`**x**` stays two asterisks, `# x` is not a heading). With
    `keep_formatting` (a plan's own sections, written in Markdown) lists, emphasis, links and
    blockquotes keep working; only raw HTML is neutralised.
    """
    escaped = "".join(HTML_ENTITIES.get(char, char) for char in (text or ""))
    if keep_formatting:
        return QUOTE_MARKER.sub("\\1>", escaped)
    escaped = INLINE_MARKUP.sub(r"\\\1", escaped)
    escaped = ORDERED_START.sub(r"\1\\\2", escaped)
    return BLOCK_START.sub(r"\1\\\2", escaped)


def escape_markdown_line(text: str | None) -> str:
    """`escape_markdown` for a table cell or a heading: one line, with `|` escaped."""
    return " ".join(escape_markdown(text).splitlines())


TOKEN = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> tuple[Markup, Markup]:
    """Both texts, escaped, with removed words in <del> on the old side and added in <ins> on the new."""
    before, after = TOKEN.findall(old or ""), TOKEN.findall(new or "")
    left: list[str] = []
    right: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        removed, added = escape("".join(before[i1:i2])), escape("".join(after[j1:j2]))
        if tag == "equal":
            left.append(removed)
            right.append(added)
            continue
        if removed:
            left.append(Markup('<del class="app-del">{}</del>').format(removed))
        if added:
            right.append(Markup('<ins class="app-ins">{}</ins>').format(added))
    return Markup("".join(left)), Markup("".join(right))


def format_datetime(value: datetime | None, fmt: str = "%-d %b %Y, %H:%M") -> str:
    """A stored UTC time as London wall-clock time."""
    return "" if value is None else to_london(value).strftime(fmt)


def machine_time(value: datetime | None) -> str:
    """A moment for a `<time datetime>` attribute: UTC to the whole second, as 2026-11-20T09:45:00Z
    (HTML allows at most three digits of a second's fraction; Python's isoformat() writes six)."""
    return "" if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_london(value)
    return value.strftime("%-d %B %Y")


def error_summary(form: Form) -> dict[str, Any]:
    """Parameters for govukErrorSummary: field errors link to their field, the rest to the form."""
    ids = {name: field.id for name, field in form._fields.items()}
    # WTForms keeps form-level errors under a blank key; they are listed from form_errors below.
    field_errors = {name: errors for name, errors in form.errors.items() if name}
    items = flatten_errors(field_errors, id_map=ids) if field_errors else []
    items += [{"text": message, "href": "#main-content"} for message in form.form_errors]
    return {"titleText": "There is a problem", "errorList": items}


class ProcessBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory for the life of the process, shared by its apps.

    Jinja compiles each template once per app; a test builds a new app every time, so most of a
    page test was spent compiling the same templates again. A template whose source changes is
    compiled afresh (Jinja checks each entry against the source's checksum)."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = ProcessBytecodeCache()


def init_app(app: Flask) -> None:
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    project_templates = os.path.join(os.path.dirname(app.root_path), "templates")
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(project_templates),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    WTFormsHelpers(app)
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(machine_time, "machine_time")
    app.add_template_filter(escape_markdown, "md")
    app.add_template_global(error_summary)
    app.add_template_global(word_diff)
