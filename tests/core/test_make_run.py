"""`make run` gives the web app and the scheduler the same BASE_URL, built from HOST and PORT unless set,
so feed addresses, event links and emails name the port the app really listens on."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
# What the outer make (as under `make test`) or the shell would otherwise hand down.
INHERITED = {"COMMSPLAN_BASE_URL", "HOST", "PORT", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}
# A command the recipe starts, with the base URL it is given (if any) just before it.
COMMAND = re.compile(r"(?:COMMSPLAN_BASE_URL='(?P<url>[^']*)' )?\S*flask --app wsgi "
                     r"(?P<command>scheduler run|run --host \S+ --port \d+)")


def dry_run(*arguments: str, **environment: str) -> dict[str, str | None]:
    """What `make -n run` would start, each command with the base URL passed to it."""
    env = {key: value for key, value in os.environ.items() if key not in INHERITED}
    printed = subprocess.run(["make", "-n", "run", *arguments], cwd=PROJECT, env={**env, **environment},
                             capture_output=True, text=True, check=True, timeout=60).stdout
    return {match["command"]: match["url"] for match in COMMAND.finditer(printed)}


@pytest.mark.parametrize(("arguments", "environment", "expected"), [
    (("PORT=5101",), {}, {"scheduler run": "http://127.0.0.1:5101",
                          "run --host 127.0.0.1 --port 5101": "http://127.0.0.1:5101"}),
    (("HOST=0.0.0.0",), {}, {"scheduler run": "http://0.0.0.0:5000",
                             "run --host 0.0.0.0 --port 5000": "http://0.0.0.0:5000"}),
    (("PORT=5101",), {"COMMSPLAN_BASE_URL": "https://commsplan.example.police.uk"},
     {"scheduler run": "https://commsplan.example.police.uk",
      "run --host 127.0.0.1 --port 5101": "https://commsplan.example.police.uk"}),
], ids=["port", "host", "set-outside"])
def test_make_run_passes_the_base_url_to_the_web_app_and_the_scheduler(
        arguments: tuple[str, ...], environment: dict[str, str], expected: dict[str, str]) -> None:
    assert dry_run(*arguments, **environment) == expected
