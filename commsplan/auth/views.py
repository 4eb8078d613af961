"""Signing in and out, own password, invitations, and the admin pages for people and tokens."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from commsplan.audit import service as audit
from commsplan.auth import service, signing_in, web_sessions
from commsplan.auth.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    CreateUserForm,
    EditUserForm,
    InviteUserForm,
    LoginForm,
    SetPasswordForm,
)
from commsplan.auth.models import ApiToken, EndReason, Role, User
from commsplan.db import current_session, unit_of_work
from commsplan.errors import DomainError
from commsplan.extensions import db
from commsplan.forms import choices
from commsplan.links import is_local_path
from commsplan.timeutil import utcnow
from commsplan.web import (
    ConfirmForm,
    add_form_errors,
    client_address,
    page_number,
    pagination_params,
    role_required,
    signed_in_user,
)

bp = Blueprint("auth", __name__)


def login_policy() -> service.LoginPolicy:
    config = current_app.config
    return service.LoginPolicy(
        max_failures_per_account=config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
        max_failures_per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
        window=timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"]),
    )


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        with unit_of_work() as session:
            result = service.authenticate(
                session, email=form.email.data or "", password=form.password.data or "",
                address=client_address(), now=utcnow(), policy=login_policy())
        if result.user is not None:
            signing_in.sign_in(result.user)
            return redirect(next_target())
        form.form_errors.append(result.error or "Sign-in failed")
    return render_template("auth/login.html", form=form)


def next_target() -> str:
    """The `next` path if it stays on this site, else the start page."""
    target = request.args.get("next", "")
    return target if is_local_path(target) else url_for("home.index")


@bp.post("/logout")
def logout() -> Response:
    signing_in.sign_out()
    flash("You have signed out", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
def account() -> str | Response:
    """The person's own account: their open sessions, and changing their password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                service.change_password(session, signed_in_user(),
                                        current=form.current_password.data or "",
                                        new=form.new_password.data or "", now=utcnow(),
                                        keep_session_id=signing_in.this_session_id())
        except DomainError as error:
            add_form_errors(form, error)
        else:
            flash("Your password has been changed. Any other sessions have been signed out.", "success")
            return redirect(url_for("auth.account"))
    limits = signing_in.session_limits()
    sessions = web_sessions.open_sessions(current_session(), signed_in_user(), now=utcnow(), limits=limits)
    return render_template("auth/account.html", form=form, sessions=sessions, limits=limits,
                           this_session_id=signing_in.this_session_id(), confirm=ConfirmForm())


@bp.get("/account/password")
def change_password() -> Response:
    """Where changing the password used to be; it is now part of the account page."""
    return redirect(url_for("auth.account"))


@bp.post("/account/sessions/end-others")
def sign_out_elsewhere() -> Response:
    if ConfirmForm().validate_on_submit():
        with unit_of_work() as session:
            ended = web_sessions.end_other_sessions(
                session, signed_in_user(), keep_id=signing_in.this_session_id(),
                reason=EndReason.SIGNED_OUT_ELSEWHERE, actor=signed_in_user(), now=utcnow())
        flash(f"Signed out of {ended} other {'session' if ended == 1 else 'sessions'}", "success")
    return redirect(url_for("auth.account"))


@bp.route("/invitations/<secret>", methods=["GET", "POST"])
def accept_invitation(secret: str) -> str | Response:
    invited = service.find_invitation(current_session(), secret, now=utcnow())
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                user = service.accept_invitation(session, secret=secret,
                                                 password=form.password.data or "", now=utcnow())
        except DomainError as error:
            add_form_errors(form, error)
        else:
            signing_in.sign_in(user)
            flash("Welcome to Commsplan. Your password is set.", "success")
            return redirect(url_for("home.index"))
    return render_template("auth/accept_invitation.html", form=form, invited=invited)


@bp.get("/admin/users")
@role_required(Role.ADMIN)
def list_users() -> str:
    query = select(User).order_by(User.is_active.desc(), User.name)
    pagination = db.paginate(query, page=page_number(),
                             per_page=current_app.config["PAGE_SIZE"], error_out=False)
    pages = pagination_params(pagination, lambda n: url_for("auth.list_users", page=n))
    return render_template("auth/list_users.html", pagination=pagination, pages=pages)


def _created_response(user: User, secret: str | None,
                      heading: str = "Invitation created") -> str | Response:
    if secret is None:
        flash(f"Account created for {user.name}", "success")
        return redirect(url_for("auth.show_user", user_id=user.id))
    link = url_for("auth.accept_invitation", secret=secret, _external=True)
    return render_template("auth/invitation_created.html", user=user, link=link, heading=heading)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_user() -> str | Response:
    """Create an account with a password, or (?invite=1) invite someone to set their own."""
    inviting = request.args.get("invite") == "1"
    form = InviteUserForm() if inviting else CreateUserForm()
    if form.validate_on_submit():
        secret = None
        try:
            with unit_of_work() as session:
                email, name, roles = form.email.data or "", form.name.data or "", form.roles.roles
                if isinstance(form, CreateUserForm):
                    user = service.create_user(session, email=email, name=name, roles=roles,
                                               password=form.password.data or "",
                                               actor=signed_in_user(), now=utcnow())
                else:
                    user, secret = service.invite_user(session, email=email, name=name,
                                                       roles=roles, actor=signed_in_user(),
                                                       now=utcnow(), valid_for=invitation_validity())
        except DomainError as error:
            add_form_errors(form, error)
        else:
            return _created_response(user, secret)
    return render_template("auth/new_user.html", form=form, inviting=inviting)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def show_user(user_id: int) -> str | Response:
    user = service.get_user(current_session(), user_id)
    form = EditUserForm(data={"name": user.name, "roles": [role.value for role in user.roles]})
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                service.update_user(session, user, name=form.name.data or "",
                                    roles=form.roles.roles, actor=signed_in_user(), now=utcnow())
        except DomainError as error:
            add_form_errors(form, error)
        else:
            flash(f"Changes to {user.name} saved", "success")
            return redirect(url_for("auth.show_user", user_id=user.id))
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.created_at.desc())).all()
    history = audit.history(current_session(), User.__audit_type__, [str(user.id)])
    sessions = web_sessions.open_sessions(current_session(), user, now=utcnow(),
                                          limits=signing_in.session_limits())
    return render_template("auth/show_user.html", user=user, form=form, tokens=tokens,
                           history=history, sessions=sessions, confirm=ConfirmForm())


@bp.post("/admin/users/<int:user_id>/sessions/end")
@role_required(Role.ADMIN)
def end_user_sessions(user_id: int) -> Response:
    """Sign a person out of every browser they are signed in on."""
    user = service.get_user(current_session(), user_id)
    if ConfirmForm().validate_on_submit():
        with unit_of_work() as session:
            ended = service.end_sessions_of(session, user, actor=signed_in_user(), now=utcnow())
        flash(f"Ended {ended} {'session' if ended == 1 else 'sessions'} of {user.name}", "success")
    return redirect(url_for("auth.show_user", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/sign-in-link")
@role_required(Role.ADMIN)
def new_sign_in_link(user_id: int) -> str | Response:
    """Make a new one-time link to set a password (expired invitation, forgotten password)."""
    user = service.get_user(current_session(), user_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("auth.show_user", user_id=user.id))
    try:
        with unit_of_work() as session:
            secret = service.new_sign_in_link(session, user, actor=signed_in_user(), now=utcnow(),
                                              valid_for=invitation_validity())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("auth.show_user", user_id=user.id))
    return _created_response(user, secret, heading="Sign-in link created")


def invitation_validity() -> timedelta:
    return timedelta(days=current_app.config["INVITATION_VALID_DAYS"])


@bp.post("/admin/users/<int:user_id>/active")
@role_required(Role.ADMIN)
def set_user_active(user_id: int) -> Response:
    user = service.get_user(current_session(), user_id)
    if ConfirmForm().validate_on_submit():
        active = request.form.get("active") == "1"
        try:
            with unit_of_work() as session:
                service.set_active(session, user, active=active, actor=signed_in_user(),
                                   now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(f"{user.name} {'reactivated' if active else 'deactivated'}", "success")
    return redirect(url_for("auth.show_user", user_id=user.id))


@bp.route("/admin/tokens", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def list_tokens() -> str | Response:
    form = ApiTokenForm()
    people = db.session.scalars(select(User).where(User.is_active).order_by(User.name)).all()
    form.user_id.choices = choices(((u.id, f"{u.name} ({u.roles_text})") for u in people),
                                   blank="Select a person")
    secret = None
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                user = service.get_user(session, form.user_id.data or 0)
                token, secret = service.create_api_token(
                    session, user=user, name=form.name.data or "", actor=signed_in_user(),
                    now=utcnow())
        except DomainError as error:
            add_form_errors(form, error)
    query = select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(),
                                      ApiToken.id.desc())
    pagination = db.paginate(query, page=page_number(), per_page=current_app.config["PAGE_SIZE"],
                             error_out=False)
    pages = pagination_params(pagination, lambda n: url_for("auth.list_tokens", page=n))
    return render_template("auth/list_tokens.html", form=form, tokens=pagination.items, pages=pages,
                           secret=secret, confirm=ConfirmForm())


@bp.post("/admin/tokens/<int:token_id>/revoke")
@role_required(Role.ADMIN)
def revoke_token(token_id: int) -> Response:
    token = db.get_or_404(ApiToken, token_id)
    if ConfirmForm().validate_on_submit():
        try:
            with unit_of_work() as session:
                service.revoke_api_token(session, token, actor=signed_in_user(), now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(f"Token '{token.name}' revoked; it no longer works", "success")
    return redirect(url_for("auth.list_tokens"))


@bp.app_context_processor
def inject_roles() -> dict[str, type[Role]]:
    return {"Role": Role}
