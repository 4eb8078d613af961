"""Password and token hashing."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from flask import current_app, has_app_context
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
MIN_STRENGTH = 3  # zxcvbn's scale: 0 guessed at once … 3 "safely unguessable" … 4 very strong
STRENGTH_CHECKED_LENGTH = 72  # zxcvbn refuses longer input; the first 72 characters must be strong


def hash_password(password: str) -> str:
    method = "scrypt"
    if has_app_context():
        method = current_app.config.get("PASSWORD_HASH_METHOD", method)
    return generate_password_hash(password, method=method)


def password_matches(password_hash: str | None, password: str) -> bool:
    return password_hash is not None and check_password_hash(password_hash, password)


def new_secret(prefix: str) -> str:
    """A random secret that is safe to show once and keep only as a hash."""
    return prefix + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """Secrets are 256 random bits, so a fast hash is enough to make the stored copy useless."""
    return hashlib.sha256(secret.encode()).hexdigest()


def password_problem(password: str, *, user_inputs: Iterable[str] = ()) -> str | None:
    """What is wrong with a new password: too short, too long, or too easy to guess (zxcvbn scores
    it below 3, counting the person's own email and name as guessable words)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer"
    return weakness(password, user_inputs=user_inputs)


def weakness(password: str, *, user_inputs: Iterable[str] = ()) -> str | None:
    """zxcvbn's advice on a password it scores below MIN_STRENGTH, as one sentence; None if strong."""
    words = [piece for text in user_inputs
             for piece in (text, *text.replace("@", " ").replace(".", " ").split())]
    result = zxcvbn(password[:STRENGTH_CHECKED_LENGTH], user_inputs=words)
    if result["score"] >= MIN_STRENGTH:
        return None
    feedback = result["feedback"]
    advice = [feedback["warning"], *feedback["suggestions"]]
    return " ".join(["Choose a password that is harder to guess.", *filter(None, advice)])
