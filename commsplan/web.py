"""Shared web helpers: sign-in and role checks, the confirm form, form errors, client address."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast

from flask import Response, abort, request
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import Form, SubmitField

from commsplan.errors import DomainError, ValidationError
from commsplan.forms import AppForm
from commsplan.numbers import (
    EARLIEST_YEAR,
    LARGEST_ID,
    LATEST_YEAR,
    MAX_PAGE,
    in_range,
    range_message,
    whole_number,
)

if TYPE_CHECKING:  # core code names the people types only in annotations: it imports no domain
    from commsplan.auth.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# The calendar feed is opened by calendar programs, which cannot sign in: its private token is the key.
PUBLIC_ENDPOINTS = {"static", "auth.login", "auth.accept_invitation", "health.healthz", "plans.feed_ics"}


def signed_in_user() -> User:
    """The signed-in person; views call this, services receive it as `actor`."""
    return cast("User", current_user._get_current_object())


def signed_in_with(*roles: Role) -> User:
    """The signed-in person, if they hold one of `roles`; 403 otherwise."""
    user = signed_in_user()
    if not user.has_role(*roles):
        abort(403)
    return user


def role_required(*roles: Role) -> Callable[[F], F]:
    """Let through only people holding one of `roles`; everyone else gets 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                abort(401)
            if not signed_in_user().has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles  # type: ignore[attr-defined]
        return cast(F, wrapped)

    return decorator


class ConfirmForm(AppForm):
    """A button-only POST (retire, revoke, deactivate) still carries a CSRF token."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


def add_form_errors(form: Form, error: DomainError) -> None:
    """Attach a service's field errors to the matching form fields, the rest to the form."""
    fields = error.field_errors or {"__form__": [error.message]}
    for name, messages in fields.items():
        field = getattr(form, name, None)
        if field is None:
            form.form_errors.extend(messages)
        else:
            field.errors = [*field.errors, *messages]


def attachment(text: str, mimetype: str, filename: str) -> Response:
    """A download: the browser saves it under `filename` rather than showing it."""
    return Response(text, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


UTF8_BOM = "\ufeff"


def csv_download(text: str, filename: str) -> Response:
    """A CSV file to save, starting with the UTF-8 byte-order mark: without it Excel, opening the
    file by double-click, reads it in the local code page and garbles every accented letter and
    dash. Every CSV route answers through here; the importers accept files with or without it."""
    return attachment(UTF8_BOM + text.removeprefix(UTF8_BOM), "text/csv", filename)


def client_address() -> str:
    """The caller's address as the server saw it (put ProxyFix in front when behind a proxy)."""
    return request.remote_addr or "unknown"


def number_arg(name: str, low: int, high: int, default: int | None = None, *, posted: bool = False,
               expected: str = "") -> int | None:
    """The ?name= argument (or, with `posted`, the posted field) as a whole number from `low` to
    `high`; absent or blank is `default`; anything else is a field error (422) that names it
    (`expected` words what is wanted, by default the range)."""
    raw = (request.form if posted else request.args).get(name, "")
    if not raw.strip():
        return default
    number = whole_number(raw)
    if number is None or not in_range(number, low, high):
        raise ValidationError.single(name, f"{name.replace('_', ' ').capitalize()}: "
                                           f"{expected or range_message(low, high)}")
    return number


def id_arg(name: str, *, posted: bool = False) -> int | None:
    """A record id from the query string (or the posted form); None when absent."""
    return number_arg(name, 1, LARGEST_ID, posted=posted)


def year_arg(default: int, name: str = "year", *, posted: bool = False) -> int:
    """A year from the query string (or the posted form), within the years the app plans for."""
    return posted_year(name, posted=posted) or default


def posted_year(name: str = "year", *, posted: bool = False) -> int | None:
    """A year from the query string (or the posted form), or None when blank."""
    return number_arg(name, EARLIEST_YEAR, LATEST_YEAR, posted=posted,
                      expected=f"enter a year from {EARLIEST_YEAR} to {LATEST_YEAR}")


def page_number(name: str = "page") -> int:
    """The ?page= argument (or another named one), clamped to a positive whole number."""
    return min(max(request.args.get(name, 1, type=int) or 1, 1), MAX_PAGE)


def pagination_params(pagination: Any, endpoint_url: Callable[[int], str]) -> dict[str, Any]:
    """Parameters for govukPagination from a Flask-SQLAlchemy Pagination object."""
    params: dict[str, Any] = {"items": []}
    if pagination.has_prev:
        params["previous"] = {"href": endpoint_url(pagination.prev_num)}
    if pagination.has_next:
        params["next"] = {"href": endpoint_url(pagination.next_num)}
    for number in pagination.iter_pages(left_edge=1, left_current=1, right_current=2,
                                        right_edge=1):
        if number is None:
            params["items"].append({"ellipsis": True})
        else:
            params["items"].append({"number": number, "href": endpoint_url(number),
                                    "current": number == pagination.page})
    return params


def read_csv_upload(upload: Any) -> str:
    """An uploaded CSV file's text: 5 MB at most, UTF-8 with or without the byte-order mark Excel adds."""
    raw = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ValidationError.single("file", "The file must be 5 MB or smaller")
    try:
        return str(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValidationError.single("file", "Save the file as CSV UTF-8 and try again") from None
