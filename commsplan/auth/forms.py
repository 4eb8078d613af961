"""Sign-in, password and account administration forms."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, PasswordField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Regexp
from wtforms.validators import ValidationError as WTFormsValidationError

from commsplan.auth.models import Role
from commsplan.auth.service import EMAIL_PATTERN
from commsplan.forms import AppForm, ChoiceField, choices


class LoginForm(AppForm):
    email = EmailField("Email address", widget=GovTextInput(),
                       validators=[InputRequired(message="Enter your email address")])
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[InputRequired(message="Enter your password")])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ChangePasswordForm(AppForm):
    current_password = PasswordField(
        "Current password", widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password")])
    new_password = PasswordField(
        "New password", widget=GovPasswordInput(), description="At least 12 characters",
        validators=[InputRequired(message="Enter a new password")])
    submit = SubmitField("Change password", widget=GovSubmitInput())


class SetPasswordForm(AppForm):
    password = PasswordField(
        "Choose a password", widget=GovPasswordInput(), description="At least 12 characters",
        validators=[InputRequired(message="Enter a password")])
    submit = SubmitField("Set password and sign in", widget=GovSubmitInput())


class RolesField(SelectMultipleField):
    def pre_validate(self, form: object) -> None:
        known = {role.value for role in Role}
        if any(value not in known for value in self.data or []):
            raise WTFormsValidationError("Select roles from the list")

    @property
    def roles(self) -> set[Role]:
        return {Role(value) for value in self.data or []}


def roles_field() -> RolesField:
    return RolesField(
        "Roles",
        widget=GovCheckboxesInput(),
        description="Select every role the person needs",
        choices=choices((role.value, f"{role.label} – {role.description}") for role in Role),
        validators=[InputRequired(message="Select at least one role")],
    )


def email_field() -> EmailField:
    return EmailField(
        "Email address", widget=GovTextInput(),
        validators=[InputRequired(message="Enter an email address"),
                    Length(max=254, message="Email address must be 254 characters or fewer"),
                    Regexp(EMAIL_PATTERN,
                           message="Enter an email address in the correct format, "
                                   "like name@example.org")])


def name_field() -> StringField:
    return StringField("Full name", widget=GovTextInput(),
                       validators=[InputRequired(message="Enter the person's name"),
                                   Length(max=120, message="Name must be 120 characters or fewer")])


class InviteUserForm(AppForm):
    email = email_field()
    name = name_field()
    roles = roles_field()
    submit = SubmitField("Create invitation", widget=GovSubmitInput())


class CreateUserForm(AppForm):
    email = email_field()
    name = name_field()
    roles = roles_field()
    password = PasswordField(
        "Initial password", widget=GovPasswordInput(),
        description="At least 12 characters. Give it to the person securely; they can change it.",
        validators=[InputRequired(message="Enter an initial password")])
    submit = SubmitField("Create account", widget=GovSubmitInput())


class EditUserForm(AppForm):
    name = name_field()
    roles = roles_field()
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class ApiTokenForm(AppForm):
    user_id = ChoiceField("Acts as", coerce=lambda value: int(value) if value else None,
                          description="The token can do what this person's roles allow")
    name = StringField("Token name", widget=GovTextInput(),
                       description="What it is for, like 'Partner dashboard'",
                       validators=[InputRequired(message="Enter a name for the token"),
                                   Length(max=80, message="Token name must be 80 characters "
                                                          "or fewer")])
    submit = SubmitField("Create token", widget=GovSubmitInput())
