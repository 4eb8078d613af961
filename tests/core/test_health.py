from flask.testing import FlaskClient

from commsplan import create_app
from tests.conftest import app_settings


def test_healthz_answers_ok_when_the_database_answers(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(instance_dir: str) -> None:
    app = create_app(app_settings("sqlite:////nonexistent-dir/db.sqlite3", instance_dir))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"
