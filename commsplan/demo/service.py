"""Demo data: the strategy's reference data and one account per role, for trying Commsplan out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.auth import service as accounts
from commsplan.auth.models import Role, User
from commsplan.reference.seed import seed_reference

DEMO_PASSWORD = "commsplan-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    roles: frozenset[Role]


DEMO_ACCOUNTS = [
    DemoAccount("admin@commsplan.test", "Priya Shah", frozenset({Role.ADMIN})),
    DemoAccount("officer@commsplan.test", "Tom Okafor", frozenset({Role.COMMS_OFFICER})),
    DemoAccount("approver@commsplan.test", "Helen Marsh", frozenset({Role.APPROVER})),
    DemoAccount("duty@commsplan.test", "Marcus Bell", frozenset({Role.DUTY_OFFICER})),
    DemoAccount("viewer@commsplan.test", "Ana Costa", frozenset({Role.VIEWER})),
]


def has_data(session: Session) -> bool:
    return (session.scalar(select(func.count(User.id))) or 0) > 0


def load_demo(session: Session, *, now: datetime) -> list[str]:
    """Add the demo accounts and reference data that are missing; returns what was added."""
    added: list[str] = []
    for account in DEMO_ACCOUNTS:
        if accounts.find_by_email(session, account.email) is None:
            accounts.create_user(session, email=account.email, name=account.name,
                                 roles=account.roles, password=DEMO_PASSWORD, actor=None, now=now)
            added.append(f"account {account.email}")
    admin = accounts.find_by_email(session, DEMO_ACCOUNTS[0].email)
    added += seed_reference(session, actor=admin, now=now)
    return added
