"""Which links are safe to redirect to: paths on this site only."""

from __future__ import annotations


def is_local_path(target: str | None) -> bool:
    """A path on this site, never another host.

    Browsers read "\\" as "/" and drop tabs and newlines inside URLs, so "/\\evil.example" and
    "/\\t/evil.example" both mean "//evil.example"; a newline in a Location header is an error too.
    """
    if not target or not target.isprintable():
        return False
    return target.startswith("/") and not target.startswith("//") and "\\" not in target
