"""The coverage matrix and the message list send a fixed number of SQL queries whatever the data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from bench.coverage import add_maps
from commsplan.auth.models import Role, User
from commsplan.extensions import db
from commsplan.reference.seed import seed_reference
from tests.audiences.helpers import make_audience, make_channel
from tests.conftest import count_queries


def queries(client: FlaskClient, url: str) -> int:
    db.session.remove()
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize("url", ["/messages/coverage", "/messages/", "/messages/?status=approved",
                                 "/messages/coverage?qualifier=1"])
def test_same_queries_with_10_and_1000_maps(
    client: FlaskClient, session: Session, now: datetime, signed_in: Callable[..., User], url: str
) -> None:
    officer_id = signed_in(Role.COMMS_OFFICER).id
    seed_reference(session, actor=None, now=now)
    for number in range(4):
        make_audience(session, now=now, name=f"Audience {number}")
        make_channel(session, now=now, name=f"Channel {number}")
    db.session.commit()
    add_maps(10, now, officer_id)
    few = queries(client, url)
    add_maps(1_000, now, officer_id)
    many = queries(client, url)
    assert few == many
    assert few <= 14
