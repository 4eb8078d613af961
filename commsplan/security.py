"""Sign-in for every page but the public ones, and protective response headers."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from commsplan.web import PUBLIC_ENDPOINTS


def init_app(app: Flask) -> None:
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
        if current_user and current_user.is_authenticated:
            response.headers.setdefault("Cache-Control", "no-store")
        return response
