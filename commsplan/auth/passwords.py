"""Password and token hashing."""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app, has_app_context
from werkzeug.security import check_password_hash, generate_password_hash

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200


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


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer"
    return None
