"""Every page each role can reach is valid HTML, by the Nu HTML Checker (vnu), on the demo data."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException

from commsplan.demo.files import demo_accounts, demo_password
from commsplan.demo.service import load_demo
from commsplan.extensions import db
from tests.conftest import FIXED_NOW, csrf_token

VNU = Path(__file__).resolve().parents[2] / "frontend/node_modules/vnu-jar/build/dist/vnu.jar"
PAGES_PER_ROLE = 150
PAGES_PER_ENDPOINT = 3
# One account per role; the Gold account is a second duty officer, so it adds nothing here.
ROLE_ACCOUNTS = {"signed out": None, **{sorted(a.roles)[0].value: a.email for a in demo_accounts()[:5]}}
# Links that lead to files (feeds are .ics), print layouts or the API rather than pages of the app.
SKIPPED_SUFFIXES = (".csv", ".md", ".ics", ".json", ".txt", ".pdf")
SKIPPED_SEGMENTS = {"print", "logout", "static", "api"}


class LinkParser(HTMLParser):
    """The targets of a page's `<a href>` links."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href and "download" not in dict(attrs):
            self.hrefs.append(href)


def links_on(page_url: str, html: str) -> list[str]:
    parser = LinkParser()
    parser.feed(html)
    return [urldefrag(urljoin(page_url, href)).url for href in parser.hrefs]


def is_crawlable(url: str) -> bool:
    """A page of this site, not a download, feed, print layout or the API."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "localhost"):
        return False
    segments = set(parts.path.strip("/").split("/"))
    return not parts.path.endswith(SKIPPED_SUFFIXES) and not segments & SKIPPED_SEGMENTS


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def endpoint_of(app: Flask) -> Callable[[str], str]:
    """The endpoint a path is routed to ("" when none is)."""
    adapter = app.url_map.bind("localhost")

    def endpoint(path: str) -> str:
        try:
            return str(adapter.match(urlsplit(path).path, method="GET")[0])
        except HTTPException:
            return ""

    return endpoint


def crawl(client: FlaskClient, start: str = "/") -> dict[str, str]:
    """Breadth-first over same-site GET links from `start`: each HTML page's path and markup.

    At most PAGES_PER_ROLE pages, and PAGES_PER_ENDPOINT of each kind (every message map is the
    same template), so each kind of page is reached before the limit is spent on one of them."""
    endpoint = endpoint_of(client.application)
    pages: dict[str, str] = {}
    queued = Counter([endpoint(start)])
    queue = deque([start])
    while queue and len(pages) < PAGES_PER_ROLE:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code in (301, 302, 303):
            targets = [response.location]
        elif response.status_code == 200 and response.mimetype == "text/html":
            pages[path] = response.text
            targets = links_on(f"http://localhost{path}", response.text)
        else:
            assert response.status_code < 500, f"{path} answered {response.status_code}"
            continue
        for target in map(path_of, filter(is_crawlable, targets)):
            kind = endpoint(target)
            if target not in queue and target not in pages and queued[kind] < PAGES_PER_ENDPOINT:
                queued[kind] += 1
                queue.append(target)
    return pages


@dataclass(frozen=True)
class Problem:
    role: str
    path: str
    line: int
    message: str
    extract: str

    def __str__(self) -> str:
        return f"[{self.role}] {self.path} line {self.line}: {self.message}\n    {self.extract.strip()}"


# A page the checker must fault, so a run that checked nothing cannot pass.
CANARY = '<!DOCTYPE html><html lang="en"><title>Canary</title><p id="twice"></p><p id="twice"></p></html>'
VNU_COMMAND = ["java", "-Xss4m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", str(VNU),
               "--errors-only", "--no-langdetect", "--format", "json", "--exit-zero-always"]


def validate(pages: dict[tuple[str, str], str], folder: Path) -> list[Problem]:
    """Run the Nu HTML Checker once over every page; its errors, each with role, page and line."""
    assert VNU.exists(), f"{VNU} is missing: run 'make setup' (npm package vnu-jar)"
    files: dict[str, tuple[str, str]] = {"canary.html": ("canary", "canary")}
    (folder / "canary.html").write_text(CANARY, encoding="utf-8")
    for number, (key, html) in enumerate(pages.items()):
        (folder / f"page-{number}.html").write_text(html, encoding="utf-8")
        files[f"page-{number}.html"] = key
    result = subprocess.run([*VNU_COMMAND, *(str(folder / name) for name in files)],
                            capture_output=True, text=True, timeout=300, check=True)
    problems = [Problem(*files[message["url"].rsplit("/", 1)[-1]], message.get("lastLine", 0),
                        message["message"], message.get("extract", ""))
                for message in json.loads(result.stderr)["messages"]]
    canary = [problem for problem in problems if problem.role == "canary"]
    assert [problem.message for problem in canary] == ["Duplicate ID “twice”."], result.stderr[:2000]
    return [problem for problem in problems if problem.role != "canary"]


@pytest.fixture
def demo_app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    app = make_app(WTF_CSRF_ENABLED=True)  # forms render their CSRF field, as in production
    with app.app_context():
        # Times as the clock gives them, to the microsecond.
        load_demo(db.session, now=FIXED_NOW.replace(microsecond=123456))
        db.session.commit()
        yield app


def crawl_every_role(app: Flask) -> dict[tuple[str, str], str]:
    pages: dict[tuple[str, str], str] = {}
    for role, email in ROLE_ACCOUNTS.items():
        client = app.test_client()
        if email is not None:
            token = csrf_token(client.get("/login").text)
            response = client.post("/login", data={"email": email, "password": demo_password(),
                                                   "csrf_token": token})
            assert response.status_code == 302, f"{email} could not sign in"
        reached = crawl(client)
        assert len(reached) >= (1 if email is None else 30), f"{role} reached only {sorted(reached)}"
        pages.update({(role, path): html for path, html in reached.items()})
    return pages


def test_every_reachable_page_is_valid_html(demo_app: Flask, tmp_path: Path) -> None:
    if shutil.which("java") is None:
        pytest.skip("Java is not installed: run 'make java' (Debian package default-jre-headless)")
    pages = crawl_every_role(demo_app)
    problems = validate(pages, tmp_path)
    print(f"{len(pages)} pages crawled, {len(problems)} errors")  # shown with pytest -s
    assert not problems, f"{len(problems)} errors on {len(pages)} pages:\n" + "\n".join(map(str, problems))
