"""The HTTP side of the London benchmark: gunicorn servers on local ports and a small client for them."""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

WORKERS = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], ready_path: str) -> Iterator[int]:
    """`app_spec` served by gunicorn (WORKERS sync workers) on a free local port until the block ends."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--worker-class",
                               "sync", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app_spec],
                              env=env)
    try:
        wait_until_answering(port, ready_path, server)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_answering(port: int, path: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn on port {port} stopped with {server.returncode}")
        try:
            if Client(port).get(path).status < 500:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn on port {port} did not answer {path} within 60 s")


@dataclass
class Answer:
    status: int
    body: bytes
    seconds: float


@dataclass
class Client:
    """One request per connection (gunicorn's sync workers close each one), with a cookie jar."""

    port: int
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: str | None = None,
                extra: dict[str, str] | None = None) -> Answer:
        headers = {**self.headers, **(extra or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return Answer(response.status, data, seconds)

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def sign_in(self, email: str, password: str) -> None:
        """Through the login form, CSRF token and all."""
        page = self.get("/login").body.decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert token, "no CSRF token on the login page"
        form = urllib.parse.urlencode({"csrf_token": token.group(1), "email": email, "password": password})
        answer = self.request("POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
        assert answer.status == 302, f"sign-in answered {answer.status}"


def throughput(client: Client, path: str, *, seconds: float, threads: int) -> float:
    """Requests per second answered 200 while `threads` clients ask for `path` as fast as they can."""
    done = [0] * threads
    stop = time.perf_counter() + seconds

    def hammer(slot: int) -> None:
        mine = Client(client.port, dict(client.headers), dict(client.cookies))
        while time.perf_counter() < stop:
            if mine.get(path).status == 200:
                done[slot] += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=hammer, args=(slot,)) for slot in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done) / (time.perf_counter() - started)
