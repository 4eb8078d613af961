"""Domain errors raised by services, and the one place that maps them to HTTP, HTML or JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.http import HTTP_STATUS_CODES

PROBLEM_JSON = "application/problem+json"
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")  # what an HTTP error's own response told


class DomainError(Exception):
    """A rule was broken; the message is safe to show to the user."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def field_errors(self) -> dict[str, list[str]]:
        return {self.field: [self.message]} if self.field else {}


class ValidationError(DomainError):
    """Input broke a rule; `errors` maps each field to its messages."""

    status_code = 422

    def __init__(self, errors: dict[str, list[str]]) -> None:
        first = next(iter(errors.values()))[0] if errors else "Check the answers"
        super().__init__(first)
        self.errors = errors

    @property
    def field_errors(self) -> dict[str, list[str]]:
        return self.errors

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        return cls({field: [message]})


class NotFound(DomainError):
    status_code = 404


class PermissionDenied(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, message: str, fields: dict[str, list[str]] | None = None,
               headers: Mapping[str, str] | None = None) -> Response:
    """An API error as RFC 9457 problem details: the status, its title, what went wrong (`detail`)
    and, when fields were at fault, each field's messages (`fields`)."""
    body: dict[str, Any] = {"type": "about:blank", "title": HTTP_STATUS_CODES.get(status, "Error"),
                            "status": status, "detail": message}
    if fields:
        body["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    response.headers.extend(headers or {})
    return response


def register_error_handlers(app: Flask) -> None:
    """Answer errors as JSON under /api/ and as GOV.UK error pages elsewhere."""
    app.register_error_handler(RequestEntityTooLarge, handle_too_large)

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError) -> Response | tuple[str, int]:
        if wants_json():
            return json_error(error.status_code, error.message, error.field_errors)
        return render_error_page(error.status_code, error.message)

    @app.errorhandler(IntegrityError)
    def handle_integrity_error(error: IntegrityError) -> Response | tuple[str, int]:
        """Two people saved the same thing at once: the database kept the first; say so."""
        from commsplan.extensions import db

        db.session.rollback()
        message = "Someone else saved a change to this at the same moment. Check and try again."
        if wants_json():
            return json_error(409, message)
        return render_error_page(409, message)

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException) -> Response:
        status = error.code or 500
        kept = {name: value for name, value in error.get_headers() if name in KEPT_HEADERS}
        if wants_json():
            return json_error(status, error.description or error.name, headers=kept)
        custom = error.description != type(error).description
        response = make_response(render_error_page(status, error.description if custom else None))
        response.headers.extend(kept)
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception) -> Response | tuple[str, int]:
        app.logger.exception("Unhandled error on %s", request.path)
        if wants_json():
            return json_error(500, "Something went wrong; the error has been logged")
        return render_error_page(500, None)


def handle_too_large(error: RequestEntityTooLarge) -> Response | tuple[str, int]:
    """A body over MAX_CONTENT_LENGTH is refused before it is read, with the limit named."""
    megabytes = round(int(current_app.config.get("MAX_CONTENT_LENGTH") or 0) / (1024 * 1024), 1)
    message = (f"What you sent is too large: Commsplan accepts at most {megabytes:g} MB at once. "
               "Send a smaller file.")
    if wants_json():
        return json_error(413, message)
    return render_error_page(413, message)


def render_error_page(status: int, message: str | None) -> tuple[str, int]:
    template = {403: "errors/403.html", 404: "errors/404.html"}.get(status)
    if template is None:
        template = "errors/500.html" if status >= 500 else "errors/error.html"
    return render_template(template, status=status, message=message), status
