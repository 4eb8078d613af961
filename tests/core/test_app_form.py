"""Every form derives from AppForm, whose CSRF field carries no id (pages hold several forms)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from flask import Flask, render_template_string
from flask_wtf import FlaskForm

import commsplan
from commsplan.forms import AppForm
from commsplan.notifications.forms import preference_form
from commsplan.web import ConfirmForm


def every_subclass(cls: type) -> set[type]:
    direct = set(cls.__subclasses__())
    return direct.union(*(every_subclass(sub) for sub in direct))


def test_every_form_in_commsplan_derives_from_app_form() -> None:
    for module in pkgutil.walk_packages(commsplan.__path__, "commsplan."):
        if not module.name.startswith("commsplan.migrations"):  # Alembic's env runs on import
            importlib.import_module(module.name)
    preference_form(["general"])  # a form class built at request time
    forms = {form for form in every_subclass(FlaskForm) if form.__module__.startswith("commsplan.")}
    assert len(forms) > 50
    strays = sorted(f"{form.__module__}.{form.__qualname__}" for form in forms
                    if form is not AppForm and not issubclass(form, AppForm))
    assert strays == []


def test_two_forms_on_a_page_share_no_csrf_id(make_app: Callable[..., Flask]) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.test_request_context("/"):
        html = render_template_string("{{ a.csrf_token }}{{ b.csrf_token }}",
                                      a=ConfirmForm(), b=ConfirmForm())
    assert html.count('name="csrf_token"') == 2
    assert "id=" not in html
