"""The check command, the library page and a playbook's page; a bad file never stops the app."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from commsplan.auth.models import Role, User
from tests.conftest import sign_in
from tests.factories import make_user

FIXTURES = Path(__file__).parent / "fixtures"
REAL_FOLDER = Path(__file__).parents[2] / "playbooks"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A playbook folder holding the valid fixture and two broken files."""
    shutil.copy(FIXTURES / "valid" / "street-robbery-test.md", tmp_path)
    shutil.copy(FIXTURES / "invalid" / "unknown-role.md", tmp_path)
    shutil.copy(FIXTURES / "invalid" / "malformed-yaml.md", tmp_path)
    return tmp_path


@pytest.fixture
def playbook_app(make_app: Callable[..., Flask], folder: Path) -> Flask:
    return make_app(PLAYBOOKS_DIR=str(folder))


def client_as(app: Flask, *roles: Role) -> FlaskClient:
    client = app.test_client()
    with app.app_context():
        from commsplan.extensions import db
        from tests.conftest import FIXED_NOW
        user: User = make_user(db.session, roles=roles, now=FIXED_NOW)
        db.session.commit()
        sign_in(client, user)
    return client


def test_check_passes_on_the_projects_own_playbooks(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["playbooks", "check", "--folder", str(REAL_FOLDER)])
    assert result.exit_code == 0, result.output
    assert "with problems (0 problems)" in result.output


def test_the_project_has_sixteen_playbooks(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["playbooks", "list"])
    assert result.exit_code == 0
    assert len(result.output.strip().splitlines()) == 16
    for playbook_id in ("fatal-stabbing-young-person", "death-or-serious-injury-after-police-contact",
                        "police-firearms-discharge", "officer-charged-with-offence",
                        "terrorist-incident-ctp-lead", "child-death-or-missing-child-found",
                        "stop-and-search-footage", "victim-witness-data-breach", "personal-robbery-series"):
        assert f"{playbook_id} v1:" in result.output


def test_check_names_file_line_and_field_and_fails(runner, folder: Path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["playbooks", "check", "--folder", str(folder)])
    assert result.exit_code == 1
    assert f"{folder / 'unknown-role.md'}:46: steps[2].owner: unknown role \"press_oficer\"" in result.output
    assert f"{folder / 'malformed-yaml.md'}:18: the YAML cannot be read" in result.output
    assert "3 playbook files" in result.output and "1 valid, 2 with problems" in result.output


def test_check_fails_on_an_empty_folder(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["playbooks", "check", "--folder", str(tmp_path)])
    assert result.exit_code == 1
    assert "0 playbook files" in result.output


def test_the_app_starts_and_lists_the_valid_playbook(playbook_app: Flask) -> None:
    page = client_as(playbook_app, Role.VIEWER).get("/playbooks/")
    assert page.status_code == 200
    assert "Test response to a robbery near a school" in page.text
    assert "Files with problems" not in page.text and "press_oficer" not in page.text


def test_admins_see_the_files_with_problems(playbook_app: Flask) -> None:
    page = client_as(playbook_app, Role.ADMIN).get("/playbooks/")
    assert "Files with problems" in page.text
    assert "unknown-role.md" in page.text and "Line 46" in page.text
    assert "unknown role &#34;press_oficer&#34;" in page.text
    assert "malformed-yaml.md" in page.text


def test_a_playbook_page_shows_the_whole_response(playbook_app: Flask) -> None:
    page = client_as(playbook_app, Role.DUTY_OFFICER).get("/playbooks/street-robbery-test")
    assert page.status_code == 200
    text = page.text
    for words in ("From: Police notified", "From: Critical incident declared", "From: Assembly held",
                  "+45m", "+1d", "Publish the holding statement",
                  "Signed off by: Senior investigating officer", "Safer schools lead",
                  "Only when: <code>victim_age &lt; 18 and weapon == &#34;knife&#34;</code>",
                  "Repeats every 2h", "Every 2h, by the duty press officer",
                  '<mark class="app-gap">[missing: General location]</mark>',
                  "Identifies a child", "Prejudges the suspect.", "What is the mood at the school gate?",
                  "<h3>Briefing</h3>"):
        assert words in text, words
    assert text.index("Check social media") < text.index("Publish the holding statement")


def test_an_unknown_or_invalid_playbook_is_not_found(playbook_app: Flask) -> None:
    client = client_as(playbook_app, Role.ADMIN)
    assert client.get("/playbooks/no-such-playbook").status_code == 404
    assert client.get("/playbooks/unknown-role").status_code == 404


def test_an_edited_file_is_read_again_without_a_restart(playbook_app: Flask, folder: Path) -> None:
    client = client_as(playbook_app, Role.VIEWER)
    assert "A second robbery title" not in client.get("/playbooks/").text
    path = folder / "street-robbery-test.md"
    path.write_text(path.read_text().replace("title: Test response to a robbery near a school",
                                             "title: A second robbery title"))
    assert "A second robbery title" in client.get("/playbooks/").text


def test_playbook_pages_need_sign_in(playbook_app: Flask) -> None:
    response = playbook_app.test_client().get("/playbooks/street-robbery-test")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_playbook_page_shows_each_do_not_say_entrys_scope(make_app: Callable[..., Flask]) -> None:
    app = make_app(PLAYBOOKS_DIR=str(REAL_FOLDER))
    page = client_as(app, Role.COMMS_OFFICER).get("/playbooks/domestic-homicide").get_data(as_text=True)
    assert "“relationship words such as wife or partner”" in page
    assert "In force until “Charge authorised” is recorded; only in: holding statement, reactive line" in page
    assert "In force once “Charge authorised” is recorded." in page
    assert "From: Arrest made (may be recorded again)" in page
    assert "Once for each time the clock is recorded" in page
