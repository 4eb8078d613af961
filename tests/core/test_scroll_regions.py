"""Every table (print layouts aside) sits inside a scroll_region, so a wide one never widens its page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
SCREEN_TEMPLATES = sorted(path for path in TEMPLATES.rglob("*.html") if not path.name.startswith("print_"))


def unwrapped_tables(text: str) -> list[int]:
    """Line numbers of tables not inside a `{% call scroll_region(...) %}` block."""
    found = []
    for table in re.finditer(r"<table\b", text):
        before = text[:table.start()]
        opened = before.rfind("{% call scroll_region(")
        if opened < 0 or before.rfind("{% endcall %}") > opened:
            found.append(before.count("\n") + 1)
    return found


@pytest.mark.parametrize("template", SCREEN_TEMPLATES, ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_every_table_scrolls_in_its_own_region(template: Path) -> None:
    assert unwrapped_tables(template.read_text(encoding="utf-8")) == []


def test_the_check_finds_a_bare_table() -> None:
    text = '{% call scroll_region("A") %}<table></table>{% endcall %}\n<table></table>'
    assert unwrapped_tables(text) == [2]
