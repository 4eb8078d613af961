"""Browser fixtures: Debian's Chromium driven by Playwright against a live server, and axe-core."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Use Debian's Chromium instead of a browser downloaded by Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run 'make chromium' (Debian package chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # axe-core is injected as a script, which the app's Content-Security-Policy would block.
    return {**browser_context_args, "bypass_csp": True, "viewport": {"width": 1100, "height": 900}}


@pytest.fixture
def live_app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app


def buffered(app: Flask) -> Callable[[dict[str, Any], Callable[..., Any]], list[bytes]]:
    """The app with each response read whole and its iterable closed before anything is written.

    Werkzeug's development server leaves a response's file open when the browser drops the connection
    mid-transfer (Chromium does that for cached assets), which pytest reports as an unclosed file.
    """
    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
    return application


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, buffered(live_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page once it has loaded (a click may still be navigating); any
    violation fails with its rule and targets."""
    page.wait_for_load_state()
    expect(page.locator("main")).to_have_count(1)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, help: v.help, targets: v.nodes.map(n => n.target)}))",
        AXE_TAGS,
    )
    assert violations == [], f"{page.url}: {json.dumps(violations, indent=2)}"


def sign_in_page(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():  # the page signed in to, loaded, before the test looks at it
        page.get_by_role("button", name="Sign in").click()
