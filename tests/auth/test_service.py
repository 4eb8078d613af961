"""Account rules, with a fixed clock: creating, inviting, roles, deactivation, passwords, sign-in, tokens."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commsplan.audit.models import AuditEntry
from commsplan.auth import service
from commsplan.auth.models import ApiToken, LoginAttempt, Role, User
from commsplan.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, password_matches
from commsplan.auth.service import LoginPolicy
from commsplan.errors import DomainError, NotFound, ValidationError
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a different long passphrase"
ADDRESS = "192.0.2.10"


def count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def entries_about(session: Session, obj: Any, action: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.object_type == obj.__audit_type__,
                                     AuditEntry.object_id == str(obj.id)).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(session.scalars(query))


def sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def sign_in_attempt(session: Session, now: datetime, *, email: str, password: str = PASSWORD,
                    address: str = ADDRESS, policy: LoginPolicy | None = None) -> service.LoginResult:
    return service.authenticate(session, email=email, password=password, address=address, now=now,
                                policy=policy or LoginPolicy())


# create_user


def test_create_user_normalises_email_and_strips_name(session: Session, now: datetime) -> None:
    user = service.create_user(session, email="  Alex.Smith@Example.TEST ", name="  Alex Smith ",
                               roles={Role.COMMS_OFFICER, Role.APPROVER}, password=PASSWORD,
                               actor=None, now=now)

    assert user.id is not None
    assert user.email == "alex.smith@example.test"
    assert user.name == "Alex Smith"
    assert user.roles == {Role.COMMS_OFFICER, Role.APPROVER}
    assert user.is_active and not user.is_invited
    assert user.created_at == now and user.password_changed_at == now
    assert service.find_by_email(session, "ALEX.SMITH@example.test") is user


def test_create_user_stores_only_a_hash_of_the_password(session: Session, now: datetime) -> None:
    user = make_user(session, now=now)
    session.commit()

    stored = session.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored is not None
    assert PASSWORD not in stored
    assert password_matches(stored, PASSWORD)
    assert not password_matches(stored, PASSWORD + "x")


def test_create_user_writes_a_create_entry_in_the_same_transaction(
    session: Session, now: datetime
) -> None:
    actor = make_user(session, roles=[Role.ADMIN], now=now)
    session.commit()

    user = service.create_user(session, email="sam@example.test", name="Sam", roles={Role.VIEWER},
                               password=PASSWORD, actor=actor, now=now)

    [entry] = entries_about(session, user)
    assert entry.action == "create"
    assert entry.at == now
    assert entry.actor_id == actor.id and entry.actor_name == actor.name
    assert entry.object_label == "Sam <sam@example.test>"
    assert entry.changes == {"email": [None, "sam@example.test"], "name": [None, "Sam"],
                             "roles_text": [None, "Viewer"], "is_active": [None, True]}
    assert PASSWORD not in str(entry.changes)

    # Nothing was committed: rolling back removes the account and its audit entry together.
    session.rollback()
    assert service.find_by_email(session, "sam@example.test") is None
    assert count(session, AuditEntry) == 1  # only the actor's own creation


def test_create_user_by_the_system_names_the_system_as_actor(session: Session, now: datetime) -> None:
    user = make_user(session, now=now)

    [entry] = entries_about(session, user)
    assert entry.actor_id is None
    assert entry.actor_name == "System"


def bad_account(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"email": "new.person@example.test", "name": "New Person",
                              "roles": {Role.VIEWER}, "password": PASSWORD}
    return {**values, **overrides}


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (bad_account(email="not-an-email"), "email", "correct format"),
        (bad_account(email="two@@example.test"), "email", "correct format"),
        (bad_account(email="no-dot@example"), "email", "correct format"),
        (bad_account(email="has space@example.test"), "email", "correct format"),
        (bad_account(email=""), "email", "correct format"),
        (bad_account(email="Taken@Example.test"), "email", "already has an account"),
        (bad_account(email="  TAKEN@EXAMPLE.TEST "), "email", "already has an account"),
        (bad_account(name=""), "name", "Enter the person's name"),
        (bad_account(name="   "), "name", "Enter the person's name"),
        (bad_account(roles=set()), "roles", "Select at least one role"),
        (bad_account(password="x" * (MIN_PASSWORD_LENGTH - 1)), "password", "characters or more"),
        (bad_account(password=""), "password", "characters or more"),
        (bad_account(password="x" * (MAX_PASSWORD_LENGTH + 1)), "password", "characters or fewer"),
    ],
    ids=["malformed", "two-at-signs", "no-dot", "space", "blank-email", "duplicate",
         "duplicate-upper-case", "blank-name", "whitespace-name", "no-roles", "short-password",
         "blank-password", "long-password"],
)
def test_create_user_refuses_bad_input_and_writes_nothing(
    session: Session, now: datetime, values: dict[str, Any], field: str, message: str
) -> None:
    make_user(session, email="taken@example.test", now=now)
    session.commit()
    users, entries = count(session, User), count(session, AuditEntry)

    with pytest.raises(ValidationError) as raised:
        service.create_user(session, actor=None, now=now, **values)

    assert field in raised.value.errors
    assert message in raised.value.errors[field][0]
    session.rollback()
    assert count(session, User) == users
    assert count(session, AuditEntry) == entries


def test_create_user_reports_every_account_problem_at_once(session: Session, now: datetime) -> None:
    with pytest.raises(ValidationError) as raised:
        service.create_user(session, email="nope", name="", roles=set(), password=PASSWORD,
                            actor=None, now=now)

    assert set(raised.value.errors) == {"email", "name", "roles"}


SHORTEST_STRONG = "quiet lamp 9"
LONGEST_STRONG = ("walrus orbit cinnamon ledger " * 8)[:MAX_PASSWORD_LENGTH]


def test_password_at_the_length_limits_is_accepted(session: Session, now: datetime) -> None:
    assert (len(SHORTEST_STRONG), len(LONGEST_STRONG)) == (MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH)
    short = make_user(session, password=SHORTEST_STRONG, now=now)
    long = make_user(session, password=LONGEST_STRONG, now=now)

    assert password_matches(short.password_hash, SHORTEST_STRONG)
    assert password_matches(long.password_hash, LONGEST_STRONG)


@pytest.mark.parametrize(("password", "advice"), [
    ("aaaaaaaaaaaa", 'Repeats like "aaa" are easy to guess'),
    ("Password1234!", "similar to a commonly used password"),
    ("qwertyuiop12", "Add another word or two"),
    ("new.person@example.test", "Add another word or two"),  # the person's own email address
])
def test_create_user_refuses_a_guessable_password_with_advice(
    session: Session, now: datetime, password: str, advice: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        service.create_user(session, **{**bad_account(), "password": password}, actor=None, now=now)

    [message] = raised.value.errors["password"]
    assert message.startswith("Choose a password that is harder to guess.")
    assert advice in message
    assert session.scalar(select(func.count()).select_from(User)) == 0


# invitations


@pytest.fixture
def admin(session: Session, now: datetime) -> User:
    user = make_user(session, roles=[Role.ADMIN], name="Ada Admin", now=now)
    session.commit()
    return user


def invite(session: Session, admin: User, now: datetime, **overrides: Any) -> tuple[User, str]:
    values: dict[str, Any] = {"email": "Invited@Example.test", "name": "Ivy Invited",
                              "roles": {Role.DUTY_OFFICER}, "valid_for": timedelta(days=7)}
    return service.invite_user(session, actor=admin, now=now, **{**values, **overrides})


def test_invite_user_creates_an_account_without_a_password(
    session: Session, now: datetime, admin: User
) -> None:
    user, secret = invite(session, admin, now)

    assert secret.startswith("inv_") and len(secret) > 40
    assert user.email == "invited@example.test"
    assert user.password_hash is None and user.is_invited
    assert user.invitation_hash == sha256(secret)
    assert user.invitation_expires_at == now + timedelta(days=7)
    assert [entry.action for entry in entries_about(session, user)] == ["create", "invite"]
    assert secret not in str([entry.changes for entry in entries_about(session, user)])


def test_invite_user_checks_the_account_like_create_user(
    session: Session, now: datetime, admin: User
) -> None:
    with pytest.raises(ValidationError) as raised:
        invite(session, admin, now, email=admin.email.upper())

    assert "already has an account" in raised.value.errors["email"][0]


def test_an_invited_person_cannot_sign_in_before_accepting(
    session: Session, now: datetime, admin: User
) -> None:
    user, _ = invite(session, admin, now)

    assert sign_in_attempt(session, now, email=user.email, password="").user is None


def test_find_invitation_finds_the_person_until_it_expires(
    session: Session, now: datetime, admin: User
) -> None:
    user, secret = invite(session, admin, now, valid_for=timedelta(days=2))
    session.commit()

    assert service.find_invitation(session, secret, now=now) is user
    just_before = now + timedelta(days=2) - timedelta(seconds=1)
    assert service.find_invitation(session, secret, now=just_before) is user
    with pytest.raises(DomainError, match="expired"):
        service.find_invitation(session, secret, now=now + timedelta(days=2))


def test_find_invitation_refuses_a_wrong_secret(session: Session, now: datetime, admin: User) -> None:
    _, secret = invite(session, admin, now)

    for wrong in (secret + "x", secret[:-1], "inv_nothing", ""):
        with pytest.raises(NotFound, match="not valid"):
            service.find_invitation(session, wrong, now=now)


def test_find_invitation_refuses_a_deactivated_person(
    session: Session, now: datetime, admin: User
) -> None:
    user, secret = invite(session, admin, now)
    service.set_active(session, user, active=False, actor=admin, now=now)

    with pytest.raises(NotFound):
        service.find_invitation(session, secret, now=now)


def test_accept_invitation_sets_the_password_and_spends_the_invitation(
    session: Session, now: datetime, admin: User
) -> None:
    user, secret = invite(session, admin, now)
    later = now + timedelta(hours=3)

    accepted = service.accept_invitation(session, secret=secret, password=NEW_PASSWORD, now=later)

    assert accepted is user
    assert not user.is_invited
    assert user.invitation_hash is None and user.invitation_expires_at is None
    assert password_matches(user.password_hash, NEW_PASSWORD)
    assert user.password_changed_at == later
    entry = entries_about(session, user)[-1]
    assert (entry.action, entry.actor_id, entry.at) == ("accept_invitation", user.id, later)
    assert sign_in_attempt(session, later, email=user.email, password=NEW_PASSWORD).user is user


def test_accept_invitation_works_only_once(session: Session, now: datetime, admin: User) -> None:
    user, secret = invite(session, admin, now)
    service.accept_invitation(session, secret=secret, password=NEW_PASSWORD, now=now)

    with pytest.raises(NotFound):
        service.accept_invitation(session, secret=secret, password="yet another passphrase", now=now)
    assert password_matches(user.password_hash, NEW_PASSWORD)


def test_accept_invitation_refuses_an_expired_invitation(
    session: Session, now: datetime, admin: User
) -> None:
    user, secret = invite(session, admin, now, valid_for=timedelta(days=1))

    with pytest.raises(DomainError, match="expired"):
        service.accept_invitation(session, secret=secret, password=NEW_PASSWORD,
                                  now=now + timedelta(days=1, minutes=1))
    assert user.password_hash is None and user.is_invited


def test_accept_invitation_refuses_a_wrong_secret(session: Session, now: datetime, admin: User) -> None:
    user, secret = invite(session, admin, now)

    with pytest.raises(NotFound):
        service.accept_invitation(session, secret=secret.upper(), password=NEW_PASSWORD, now=now)
    assert user.password_hash is None


def test_accept_invitation_refuses_a_short_password_and_keeps_the_invitation(
    session: Session, now: datetime, admin: User
) -> None:
    user, secret = invite(session, admin, now)

    with pytest.raises(ValidationError) as raised:
        service.accept_invitation(session, secret=secret, password="short", now=now)

    assert "password" in raised.value.errors
    assert user.password_hash is None
    assert service.find_invitation(session, secret, now=now) is user


# update_user


def test_update_user_records_role_changes_with_before_and_after(
    session: Session, now: datetime, admin: User
) -> None:
    user = make_user(session, roles=[Role.VIEWER], name="Val Viewer", now=now)
    later = now + timedelta(minutes=5)

    service.update_user(session, user, name="Val Viewer", roles={Role.COMMS_OFFICER, Role.APPROVER},
                        actor=admin, now=later)
    session.commit()

    session.expire_all()
    assert user.roles == {Role.COMMS_OFFICER, Role.APPROVER}
    assert user.updated_at == later
    entry = entries_about(session, user, "update")[0]
    assert entry.actor_id == admin.id and entry.at == later
    assert entry.changes == {"roles_text": ["Viewer", "Comms officer, Approver"]}


def test_update_user_records_a_name_change(session: Session, now: datetime, admin: User) -> None:
    user = make_user(session, roles=[Role.VIEWER], name="Old Name", now=now)

    service.update_user(session, user, name="  New Name ", roles={Role.VIEWER}, actor=admin, now=now)

    assert user.name == "New Name"
    [entry] = entries_about(session, user, "update")
    assert entry.changes == {"name": ["Old Name", "New Name"]}


def test_update_user_without_changes_writes_no_entry(session: Session, now: datetime, admin: User) -> None:
    user = make_user(session, roles=[Role.VIEWER, Role.APPROVER], name="Same", now=now)
    later = now + timedelta(hours=1)

    service.update_user(session, user, name="Same", roles={Role.APPROVER, Role.VIEWER}, actor=admin,
                        now=later)

    assert entries_about(session, user, "update") == []
    assert user.updated_at == now


def test_an_admin_cannot_remove_their_own_admin_role(session: Session, now: datetime, admin: User) -> None:
    with pytest.raises(ValidationError) as raised:
        service.update_user(session, admin, name=admin.name, roles={Role.VIEWER}, actor=admin, now=now)

    assert raised.value.errors == {"roles": ["You cannot remove your own admin role"]}
    session.rollback()
    assert admin.roles == {Role.ADMIN}
    assert entries_about(session, admin, "update") == []


def test_an_admin_can_add_roles_to_themselves_and_remove_another_admins_role(
    session: Session, now: datetime, admin: User
) -> None:
    other = make_user(session, roles=[Role.ADMIN], now=now)

    service.update_user(session, admin, name=admin.name, roles={Role.ADMIN, Role.APPROVER},
                        actor=admin, now=now)
    service.update_user(session, other, name=other.name, roles={Role.VIEWER}, actor=admin, now=now)

    assert admin.roles == {Role.ADMIN, Role.APPROVER}
    assert other.roles == {Role.VIEWER}


@pytest.mark.parametrize(("name", "roles", "field"),
                         [("", {Role.VIEWER}, "name"), ("  ", {Role.VIEWER}, "name"),
                          ("Someone", set(), "roles")])
def test_update_user_refuses_a_blank_name_or_no_roles(
    session: Session, now: datetime, admin: User, name: str, roles: set[Role], field: str
) -> None:
    user = make_user(session, roles=[Role.VIEWER], name="Kept", now=now)

    with pytest.raises(ValidationError) as raised:
        service.update_user(session, user, name=name, roles=roles, actor=admin, now=now)

    assert field in raised.value.errors
    assert user.name == "Kept" and user.roles == {Role.VIEWER}


# set_active


def test_nobody_can_deactivate_themselves(session: Session, now: datetime, admin: User) -> None:
    with pytest.raises(DomainError, match="cannot deactivate your own account"):
        service.set_active(session, admin, active=False, actor=admin, now=now)

    assert admin.is_active
    assert entries_about(session, admin, "deactivate") == []


def test_deactivate_and_reactivate_are_audited(session: Session, now: datetime, admin: User) -> None:
    user = make_user(session, now=now)

    service.set_active(session, user, active=False, actor=admin, now=now)
    assert not user.is_active
    service.set_active(session, user, active=True, actor=admin, now=now + timedelta(days=1))
    assert user.is_active

    entries = entries_about(session, user)
    assert [(e.action, e.changes) for e in entries[1:]] == [
        ("deactivate", {"is_active": [True, False]}),
        ("reactivate", {"is_active": [False, True]}),
    ]


def test_a_deactivated_person_cannot_sign_in_until_reactivated(
    session: Session, now: datetime, admin: User
) -> None:
    user = make_user(session, now=now)
    service.set_active(session, user, active=False, actor=admin, now=now)

    result = sign_in_attempt(session, now, email=user.email)
    assert result.user is None
    assert result.error == "Enter a correct email address and password"
    assert user.last_login_at is None

    service.set_active(session, user, active=True, actor=admin, now=now)
    assert sign_in_attempt(session, now, email=user.email).user is user


# change_password


def test_change_password(session: Session, now: datetime) -> None:
    user = make_user(session, now=now)
    later = now + timedelta(days=3)

    service.change_password(session, user, current=PASSWORD, new=NEW_PASSWORD, now=later,
                            keep_session_id=None)

    assert password_matches(user.password_hash, NEW_PASSWORD)
    assert not password_matches(user.password_hash, PASSWORD)
    assert user.password_changed_at == later
    entry = entries_about(session, user)[-1]
    assert (entry.action, entry.actor_id, entry.changes) == ("change_password", user.id, {})


@pytest.mark.parametrize(
    ("current", "new", "errors"),
    [
        ("wrong password here", NEW_PASSWORD, {"current_password": "not correct"}),
        (PASSWORD, "too short", {"new_password": "12 characters or more"}),
        (PASSWORD, "z" * (MAX_PASSWORD_LENGTH + 1), {"new_password": "characters or fewer"}),
        (PASSWORD, "zzzzzzzzzzzzzzzz", {"new_password": "harder to guess"}),
        (PASSWORD, PASSWORD, {"new_password": "different from your current one"}),
        ("wrong", "short", {"current_password": "not correct", "new_password": "or more"}),
    ],
    ids=["wrong-current", "too-short", "too-long", "guessable", "same-as-current", "both-wrong"],
)
def test_change_password_refuses(
    session: Session, now: datetime, current: str, new: str, errors: dict[str, str]
) -> None:
    user = make_user(session, now=now)
    before = user.password_hash

    with pytest.raises(ValidationError) as raised:
        service.change_password(session, user, current=current, new=new, now=now, keep_session_id=None)

    assert set(raised.value.errors) == set(errors)
    for field, message in errors.items():
        assert message in raised.value.errors[field][0]
    assert user.password_hash == before
    assert entries_about(session, user, "change_password") == []


# authenticate


def test_authenticate_signs_in_and_notes_the_time(session: Session, now: datetime) -> None:
    user = make_user(session, email="kim@example.test", now=now)

    result = sign_in_attempt(session, now, email="  KIM@example.TEST ")

    assert result.user is user and result.error is None
    assert user.last_login_at == now
    attempt = session.scalars(select(LoginAttempt)).one()
    assert (attempt.email, attempt.address, attempt.at, attempt.succeeded) == (
        "kim@example.test", ADDRESS, now, True)


@pytest.mark.parametrize("email", ["kim@example.test", "nobody@example.test"])
def test_authenticate_refuses_a_wrong_password_or_unknown_email_alike(
    session: Session, now: datetime, email: str
) -> None:
    user = make_user(session, email="kim@example.test", now=now)

    result = sign_in_attempt(session, now, email=email, password=PASSWORD + "!")

    assert result.user is None
    assert result.error == "Enter a correct email address and password"
    assert user.last_login_at is None
    attempt = session.scalars(select(LoginAttempt)).one()
    assert not attempt.succeeded


def fail(session: Session, now: datetime, times: int, **kwargs: Any) -> None:
    for _ in range(times):
        result = sign_in_attempt(session, now, password="not the password", **kwargs)
        assert result.user is None


def test_too_many_failures_lock_the_account_until_the_window_has_passed(
    session: Session, now: datetime
) -> None:
    policy = LoginPolicy()
    user = make_user(session, now=now)
    fail(session, now, policy.max_failures_per_account - 1, email=user.email)
    assert sign_in_attempt(session, now, email=user.email).user is user  # one short of the limit

    fail(session, now, 1, email=user.email)
    locked = sign_in_attempt(session, now, email=user.email)
    assert locked.user is None
    assert locked.error is not None and locked.error.startswith("Too many")
    assert "15 minutes" in locked.error
    # Locked from any address, and still locked a moment before the window ends.
    assert sign_in_attempt(session, now, email=user.email, address="198.51.100.7").user is None
    almost = now + policy.window - timedelta(seconds=1)
    assert sign_in_attempt(session, almost, email=user.email).user is None

    assert sign_in_attempt(session, now + policy.window, email=user.email).user is user


def test_failures_outside_the_window_do_not_count(session: Session, now: datetime) -> None:
    policy = LoginPolicy()
    user = make_user(session, now=now)
    fail(session, now - policy.window - timedelta(seconds=1), policy.max_failures_per_account,
         email=user.email)

    assert sign_in_attempt(session, now, email=user.email).user is user


def test_one_accounts_failures_do_not_lock_another(session: Session, now: datetime) -> None:
    policy = LoginPolicy()
    user = make_user(session, now=now)
    other = make_user(session, now=now)
    fail(session, now, policy.max_failures_per_account, email=other.email, address="203.0.113.1")

    assert sign_in_attempt(session, now, email=user.email, address="203.0.113.2").user is user
    assert sign_in_attempt(session, now, email=other.email, address="203.0.113.2").user is None


def test_too_many_failures_from_one_address_lock_that_address(session: Session, now: datetime) -> None:
    policy = LoginPolicy(max_failures_per_account=100, max_failures_per_address=4)
    user = make_user(session, now=now)
    for number in range(policy.max_failures_per_address):
        fail(session, now, 1, email=f"guess{number}@example.test", policy=policy)

    locked = sign_in_attempt(session, now, email=user.email, policy=policy)
    assert locked.user is None
    assert locked.error is not None and locked.error.startswith("Too many")
    assert sign_in_attempt(session, now, email=user.email, address="198.51.100.9",
                           policy=policy).user is user
    assert sign_in_attempt(session, now + policy.window, email=user.email, policy=policy).user is user


def test_the_default_policy_also_limits_each_address(session: Session, now: datetime) -> None:
    policy = LoginPolicy()
    assert policy.max_failures_per_address > policy.max_failures_per_account
    user = make_user(session, now=now)
    for number in range(policy.max_failures_per_address):
        fail(session, now, 1, email=f"spray{number}@example.test")

    assert sign_in_attempt(session, now, email=user.email).user is None
    assert sign_in_attempt(session, now, email=user.email, address="198.51.100.9").user is user


# API tokens


def test_create_api_token_keeps_only_a_hash_of_the_secret(
    session: Session, now: datetime, admin: User
) -> None:
    user = make_user(session, roles=[Role.COMMS_OFFICER], now=now)

    token, secret = service.create_api_token(session, user=user, name="  Dashboard ", actor=admin,
                                             now=now)
    session.commit()

    assert secret.startswith("cp_") and len(secret) > 40
    assert token.name == "Dashboard"
    assert token.prefix == secret[:8]
    assert token.token_hash == sha256(secret)
    assert token.created_at == now and token.created_by_id == admin.id
    stored = session.execute(select(ApiToken.__table__)).one()._asdict()
    assert secret not in str(stored.values())
    [entry] = entries_about(session, token)
    assert entry.action == "create"
    assert secret not in str(entry.changes)


def test_user_for_token_finds_the_tokens_user(session: Session, now: datetime, admin: User) -> None:
    user = make_user(session, now=now)
    _, secret = service.create_api_token(session, user=user, name="Feed", actor=admin, now=now)

    assert service.user_for_token(session, secret, now=now) is user
    assert service.user_for_token(session, secret + "x", now=now) is None
    assert service.user_for_token(session, "cp_made_up", now=now) is None


def test_user_for_token_notes_when_the_token_was_last_used(
    session: Session, now: datetime, admin: User
) -> None:
    token, secret = service.create_api_token(session, user=admin, name="Feed", actor=admin, now=now)
    assert token.last_used_at is None

    service.user_for_token(session, secret, now=now)
    assert token.last_used_at == now
    # Repeated use within a minute does not write on every request.
    service.user_for_token(session, secret, now=now + timedelta(seconds=30))
    assert token.last_used_at == now
    service.user_for_token(session, secret, now=now + timedelta(minutes=2))
    assert token.last_used_at == now + timedelta(minutes=2)


def test_a_revoked_token_no_longer_works(session: Session, now: datetime, admin: User) -> None:
    token, secret = service.create_api_token(session, user=admin, name="Feed", actor=admin, now=now)

    service.revoke_api_token(session, token, actor=admin, now=now)

    assert token.revoked_at == now
    assert service.user_for_token(session, secret, now=now) is None
    [entry] = entries_about(session, token, "revoke")
    assert entry.changes == {"revoked_at": [None, now.isoformat()]}
    with pytest.raises(DomainError, match="already revoked"):
        service.revoke_api_token(session, token, actor=admin, now=now)


def test_a_deactivated_persons_token_no_longer_works(session: Session, now: datetime, admin: User) -> None:
    user = make_user(session, now=now)
    _, secret = service.create_api_token(session, user=user, name="Feed", actor=admin, now=now)

    service.set_active(session, user, active=False, actor=admin, now=now)

    assert service.user_for_token(session, secret, now=now) is None


@pytest.mark.parametrize(("name", "message"), [("", "Enter a name"), ("   ", "Enter a name"),
                                               ("n" * 81, "80 characters or fewer")])
def test_create_api_token_refuses_a_bad_name(
    session: Session, now: datetime, admin: User, name: str, message: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        service.create_api_token(session, user=admin, name=name, actor=admin, now=now)

    assert message in raised.value.errors["name"][0]
    session.rollback()
    assert count(session, ApiToken) == 0


def test_create_api_token_refuses_a_deactivated_person(
    session: Session, now: datetime, admin: User
) -> None:
    user = make_user(session, now=now)
    service.set_active(session, user, active=False, actor=admin, now=now)

    with pytest.raises(ValidationError) as raised:
        service.create_api_token(session, user=user, name="Feed", actor=admin, now=now)

    assert "user_id" in raised.value.errors
