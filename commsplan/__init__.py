"""Commsplan: violence-reduction communications planning and critical-incident response."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from commsplan.config import load_config
from commsplan.routing import BoundedIntConverter, LazilyBuiltRule

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
PROJECT_DIR = os.path.dirname(PACKAGE_DIR)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, templates, blueprints, commands."""
    instance_path = os.environ.get("COMMSPLAN_INSTANCE_PATH") or os.path.join(
        PROJECT_DIR, "instance"
    )
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        static_folder="static",
        static_url_path="/assets",
    )
    app.url_rule_class = LazilyBuiltRule
    app.url_map.converters["int"] = BoundedIntConverter  # before any route is added
    os.makedirs(app.instance_path, exist_ok=True)
    load_config(app, test_config)

    import commsplan.models  # noqa: F401  (every table is known before migrations run)
    from commsplan import extensions, rendering, security
    from commsplan.auth.signing_in import load_user
    from commsplan.errors import register_error_handlers
    from commsplan.notifications.settings import delivery_settings

    delivery_settings(app.config)  # refuses settings that cannot work before anything starts

    extensions.init_app(app)
    extensions.login_manager.user_loader(load_user)
    rendering.init_app(app)
    security.init_app(app)
    register_error_handlers(app)
    register_listeners()
    register_blueprints(app)
    register_commands(app)
    return app


def register_listeners() -> None:
    """Where one domain reacts to another's events; registered here so no import has side effects."""
    from commsplan.incidents.decision_chain import listen_for_commits
    from commsplan.incidents.figures import add_totals
    from commsplan.incidents.lesson_views import incident_panel as lessons_panel
    from commsplan.incidents.lesson_views import playbook_section
    from commsplan.incidents.page import add_panel
    from commsplan.incidents.report import add_figures
    from commsplan.incidents.service import record_snooze
    from commsplan.messages.coverage import add_element_notes
    from commsplan.notifications.inbox import on_snooze
    from commsplan.playbooks.views import add_section
    from commsplan.press.panel import incident_panel, report_figures, totals, unanswered_claims

    on_snooze(record_snooze)
    add_panel(incident_panel)
    add_figures(report_figures)
    add_totals(totals)
    add_element_notes(unanswered_claims)
    add_panel(lessons_panel)
    add_section(playbook_section)
    listen_for_commits()


def register_blueprints(app: Flask) -> None:
    from commsplan.api import confidence as _confidence_api_routes  # noqa: F401 (adds routes to api_bp)
    from commsplan.api import incidents as _incident_routes  # noqa: F401 (adds routes to api_bp)
    from commsplan.api import integrated as _integrated_api_routes  # noqa: F401 (adds routes to api_bp)
    from commsplan.api import messages as _message_routes  # noqa: F401 (adds routes to api_bp)
    from commsplan.api import plan_actuals as _actual_api_routes  # noqa: F401 (adds routes to api_bp)
    from commsplan.api import plans as _plan_routes  # noqa: F401 (adds routes and plan_items' to api_bp)
    from commsplan.api import press as _press_routes  # noqa: F401 (adds routes to api_bp)
    from commsplan.api import press_create as _press_create_routes  # noqa: F401 (adds routes to api_bp)
    from commsplan.api import risk_profiles as _risk_routes  # noqa: F401 (adds routes to api_bp)
    from commsplan.api import windows as _window_routes  # noqa: F401 (adds routes to api_bp)
    from commsplan.api.views import bp as api_bp
    from commsplan.audiences.views import bp as audiences_bp
    from commsplan.auth.audit_views import bp as audit_bp
    from commsplan.auth.views import bp as auth_bp
    from commsplan.confidence import evaluation_views as _evaluation_routes  # noqa: F401 (adds routes)
    from commsplan.confidence.views import bp as confidence_bp
    from commsplan.health import bp as health_bp
    from commsplan.home import bp as home_bp
    from commsplan.incidents import assessment_views as _assessment_routes  # noqa: F401 (adds routes)
    from commsplan.incidents import campaign_views as _campaign_routes  # noqa: F401 (adds routes)
    from commsplan.incidents import lesson_views as _lesson_routes  # noqa: F401 (adds routes)
    from commsplan.incidents.views import bp as incidents_bp
    from commsplan.messages import exchange_views as _exchange_routes  # noqa: F401 (adds routes)
    from commsplan.messages.views import bp as messages_bp
    from commsplan.notifications import holiday_views as _holiday_routes  # noqa: F401 (adds routes)
    from commsplan.notifications.views import bp as notifications_bp
    from commsplan.plans import actual_views as _actual_routes  # noqa: F401 (adds routes to plans_bp)
    from commsplan.plans import draft_views as _draft_routes  # noqa: F401 (adds routes to plans_bp)
    from commsplan.plans import integrated_views as _integrated_routes  # noqa: F401 (adds routes)
    from commsplan.plans import item_views as _item_routes  # noqa: F401 (adds routes to plans_bp)
    from commsplan.plans import output_views as _output_routes  # noqa: F401 (adds routes to plans_bp)
    from commsplan.plans.views import bp as plans_bp
    from commsplan.playbooks.views import bp as playbooks_bp
    from commsplan.press import claim_views as _claim_routes  # noqa: F401 (adds routes to press_bp)
    from commsplan.press.views import bp as press_bp
    from commsplan.reference.views import bp as reference_bp
    from commsplan.risk.views import bp as risk_bp
    from commsplan.sensitivity.views import bp as sensitivity_bp

    blueprints = (health_bp, auth_bp, home_bp, audit_bp, reference_bp, notifications_bp, audiences_bp,
                  messages_bp, risk_bp, sensitivity_bp, plans_bp, playbooks_bp, incidents_bp, press_bp,
                  confidence_bp, api_bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def register_commands(app: Flask) -> None:
    from commsplan.auth.cli import users_cli
    from commsplan.backup_cli import backup_command, restore_command
    from commsplan.demo.cli import demo_cli
    from commsplan.incidents.cli import incidents_cli
    from commsplan.notifications.cli import scheduler_cli
    from commsplan.plans.cli import plans_cli
    from commsplan.playbooks.cli import playbooks_cli
    from commsplan.reference.cli import reference_cli

    for group in (users_cli, reference_cli, demo_cli, scheduler_cli, playbooks_cli, incidents_cli, plans_cli,
                  backup_command, restore_command):
        app.cli.add_command(group)
