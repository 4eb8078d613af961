"""The heat map and trend pages, their filters and links, and the import page's progress script."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from commsplan.auth.models import Role, User
from commsplan.reference.models import BusinessUnit, ViolenceElement
from tests.factories import make_unit
from tests.risk.conftest import make_profile
from tests.risk.test_csv import csv_of, row


@pytest.fixture
def two_years(session: Any, now: datetime, officer: User, units: list[BusinessUnit],
              elements: list[ViolenceElement]) -> BusinessUnit:
    """Riverside for 2025 and 2026, Hillside for 2026, and a borough with no profile."""
    make_profile(session, unit=units[0], year=2025, elements=elements[:2], harms=[40, 10],
                 volumes=[100, 50], actor=officer, now=now)
    make_profile(session, unit=units[0], year=2026, elements=elements, harms=[60, 900, 5],
                 volumes=[109, 40, 7], actor=officer, now=now)
    make_profile(session, unit=units[1], year=2026, elements=elements[:2], harms=[300, 20],
                 actor=officer, now=now)
    borough = make_unit(session, now=now, code="BRK", name="Brookside", parent=units[0])
    session.commit()
    return borough


def test_heat_map_cells_are_readable_without_colour(
    client: FlaskClient, signed_in: Callable[..., User], two_years: BusinessUnit, units: list[BusinessUnit],
) -> None:
    signed_in(Role.VIEWER)
    page = client.get("/planning/heat-map")
    assert page.status_code == 200
    text = page.text
    assert "<title>Risk heat map 2026–27" in text
    cell = re.search(r'app-band--very-high">\s*<span class="app-heat__value"><strong[^>]*>900</strong>'
                     r'\s*<span class="app-heat__band">very high</span>\s*'
                     r'<span class="app-heat__rank">priority 1</span>', text)
    assert cell, "the 900 cell shows its number, band in words and priority"
    for band in ("very-high", "high", "medium", "low", "very-low"):
        assert f"app-heat-key__swatch app-band--{band}" in text
    assert "cross-hatched" in text and "harm 900, 1 cell" in text
    assert 'href="/planning/profiles/' in text and f"/planning/units/{units[0].id}/trend" in text
    assert "No profile for 2026–27" in text and "Start one" not in text  # a viewer cannot start one
    assert "Assault with injury" in text


def test_heat_map_filters(client: FlaskClient, signed_in: Callable[..., User], two_years: BusinessUnit
                          ) -> None:
    signed_in(Role.COMMS_OFFICER)
    boroughs = client.get("/planning/heat-map?kind=borough_command").text
    assert "Brookside" in boroughs and "Riverside" not in boroughs
    assert f"/planning/profiles/new?unit={two_years.id}&amp;year=2026" in boroughs
    earlier = client.get("/planning/heat-map?year=2025").text
    assert "<title>Risk heat map 2025–26" in earlier and "Hillside" in earlier
    assert earlier.count("No profile for 2025–26") == 2


@pytest.mark.parametrize(("query", "message"), [
    ("year=abc", "Select a year from the list"),
    ("year=1999", "Select a year from the list"),
    ("kind=nope", "Select a kind of unit from the list"),
])
def test_heat_map_bad_filters_are_named(client: FlaskClient, signed_in: Callable[..., User],
                                        two_years: BusinessUnit, query: str, message: str) -> None:
    signed_in(Role.VIEWER)
    page = client.get(f"/planning/heat-map?{query}")
    assert page.status_code == 200
    assert "<title>Error: Risk heat map 2026–27" in page.text
    assert message in page.text and "govuk-error-summary" in page.text
    assert "Riverside" in page.text  # the map is still shown, without the bad filter


def test_a_units_trend_page(client: FlaskClient, signed_in: Callable[..., User], two_years: BusinessUnit,
                            units: list[BusinessUnit]) -> None:
    signed_in(Role.VIEWER)
    page = client.get(f"/planning/units/{units[0].id}/trend")
    assert page.status_code == 200
    text = page.text
    assert text.count('<svg class="app-chart__svg"') == 2 and 'role="img"' in text
    assert "<title id=\"chart-1-title\">Volume by year, Riverside</title>" in text
    assert "<title>Most serious violence, 2026–27: 109</title>" in text
    assert 'stroke-dasharray="10 5"' in text  # the second element's line is dashed
    table = text[text.index('id="trend-table"'):]
    assert "up 9%" in table and "down 20%" in table and "new" in table and "900" in table
    assert "2025–26" in table and "2026–27" in table
    assert client.get("/planning/units/99999/trend").status_code == 404
    empty = client.get(f"/planning/units/{two_years.id}/trend").text
    assert "Brookside has no risk profiles yet" in empty


def test_profile_page_links_to_the_pictures(client: FlaskClient, signed_in: Callable[..., User],
                                            two_years: BusinessUnit, units: list[BusinessUnit]) -> None:
    signed_in(Role.VIEWER)
    listing = client.get("/planning/profiles?year=2026").text
    profile_url = re.findall(r'href="(/planning/profiles/\d+)"', listing)[0]
    page = client.get(profile_url).text
    assert "/trend" in page and "/planning/heat-map?year=2026" in page
    home = client.get("/").text
    assert "/planning/heat-map" in home and "/planning/profiles/new" not in home


def test_import_page_loads_the_progress_script_and_counts_rows(
    client: FlaskClient, signed_in: Callable[..., User], units: list[BusinessUnit],
    elements: list[ViolenceElement], session: Any,
) -> None:
    session.commit()
    signed_in(Role.COMMS_OFFICER)
    page = client.get("/planning/profiles/import")
    nonce = page.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert (f'<script type="module" nonce="{nonce}" src="/assets/import-progress.js"></script>'
            in page.text)
    assert 'id="upload-progress" hidden' in page.text and 'id="import-form"' in page.text
    script = client.get("/assets/import-progress.js")
    assert script.status_code == 200 and "javascript" in script.mimetype
    script.close()
    text = csv_of(row("RIV"), row("NOPE"), row("HIL", year="2025"))
    failed = client.post("/planning/profiles/import", content_type="multipart/form-data",
                         data={"year": "2026", "file": (io.BytesIO(text.encode()), "profiles.csv")})
    assert "Read 3 rows. Nothing was imported: 2 problems in the file" in failed.text
