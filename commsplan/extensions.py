"""Extension singletons, bound to the app in init_app()."""

from __future__ import annotations

import os

from flask import Flask
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from commsplan.db import db, use_sqlite_pragmas

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "migrations")

migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()


def init_app(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            use_sqlite_pragmas(engine, busy_ms=int(app.config["SQLITE_BUSY_TIMEOUT_MS"]))
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
