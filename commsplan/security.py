"""Sign-in for every page but the public ones, trusted proxies, and protective response headers."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from flask import Flask, Response, g, redirect, request, url_for
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response as BaseResponse

from commsplan.errors import ValidationError
from commsplan.web import PUBLIC_ENDPOINTS

NUL = "\x00"
HSTS = "max-age=31536000; includeSubDomains"
# Browser features no page of Commsplan uses, refused to the pages and anything they embed.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "camera", "microphone", "geolocation", "payment", "usb", "serial", "bluetooth", "midi",
    "magnetometer", "gyroscope", "accelerometer", "display-capture", "browsing-topics"))


def field_with_nul(value: Any, name: str = "body") -> str | None:
    """The name of the first field whose text (or key) holds a NUL character, which no database
    column can store, or None."""
    if isinstance(value, str):
        return name if NUL in value else None
    if isinstance(value, dict):
        items: Iterable[tuple[str, Any]] = value.items()
    elif isinstance(value, list):
        items = ((name, item) for item in value)
    else:
        return None
    for key, item in items:
        found = key if NUL in key else field_with_nul(item, key)
        if found:
            return found
    return None


def refuse_unstorable_text() -> None:
    """A NUL character in a query, form or JSON body is a field error, not a database crash."""
    sources: list[Any] = [dict(request.args.lists()), dict(request.form.lists())]
    if request.is_json:
        sources.append(request.get_json(silent=True))
    for source in sources:
        name = field_with_nul(source)
        if name:
            raise ValidationError.single(name, "Remove the NUL character (\\0); it cannot be stored")


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES proxies, take the client's address, scheme and host from the
    X-Forwarded-* headers they add (only the last that many hops, which a client cannot forge)."""
    hops = int(app.config["TRUSTED_PROXIES"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def sends_hsts(app: Flask) -> bool:
    """Production (not debug, not testing) tells browsers to use HTTPS only for a year."""
    return app.config["ENV"] == "production" and not app.debug and not app.testing


def init_app(app: Flask) -> None:
    trust_proxies(app)
    hsts = sends_hsts(app)
    app.before_request(refuse_unstorable_text)

    @app.before_request
    def require_sign_in() -> BaseResponse | None:
        g.csp_nonce = secrets.token_urlsafe(16)
        endpoint = request.endpoint
        if endpoint is None or endpoint in PUBLIC_ENDPOINTS or endpoint.startswith("api."):
            return None  # unknown URLs 404; the API authenticates with tokens itself
        if current_user.is_authenticated:
            return None
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @app.context_processor
    def inject_nonce() -> dict[str, str]:
        return {"cspNonce": g.get("csp_nonce", "")}

    @app.after_request
    def protective_headers(response: Response) -> Response:
        nonce = g.get("csp_nonce", "")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; frame-ancestors 'none'; base-uri 'self'; "
            "form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if hsts:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if current_user and current_user.is_authenticated:
            response.headers.setdefault("Cache-Control", "no-store")
        return response
