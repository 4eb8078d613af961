"""The demo's data files (`commsplan/demo/data/`): reading them, and the accounts they describe."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from commsplan.auth.models import Role

DATA = Path(__file__).parent / "data"
# libyaml's loader where it is installed: the same documents, several times faster.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DURATION = re.compile(r"(?P<sign>-?)(?:(?P<d>[0-9]+)d)?(?:(?P<h>[0-9]+)h)?(?:(?P<m>[0-9]+)m)?")


def read_text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


@cache
def read_yaml(name: str) -> Any:
    """A data file's contents; cached, so callers must not change what they get."""
    return yaml.load(read_text(name), Loader=SAFE_LOADER)  # noqa: S506 (a safe loader)


def duration(text: str) -> timedelta:
    """'1d4h10m', '3h', '-2d' (already past) as a timedelta."""
    found = DURATION.fullmatch(text.strip())
    if found is None or not any(found.group(unit) for unit in "dhm"):
        raise ValueError(f"Not a duration like 1d4h10m: {text!r}")
    days, hours, minutes = (int(found.group(unit) or 0) for unit in "dhm")
    span = timedelta(days=days, hours=hours, minutes=minutes)
    return -span if found.group("sign") else span


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    roles: frozenset[Role]


def demo_accounts() -> list[DemoAccount]:
    """One account per role, and Gold (a senior officer whose decisions the duty officer logs)."""
    return [DemoAccount(row["email"], row["name"], frozenset(Role(role) for role in row["roles"]))
            for row in read_yaml("people.yaml")["accounts"]]


def demo_password() -> str:
    return str(read_yaml("people.yaml")["password"])


def account_email(key: str) -> str:
    """The email of the account the data files call `key` (admin, officer, approver, duty, gold…)."""
    return str(read_yaml("people.yaml")["people"][key])
