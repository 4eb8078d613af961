"""Imports every domain's models so that metadata and migrations see all tables."""

from commsplan.audit.models import AuditEntry
from commsplan.auth.models import ApiToken, LoginAttempt, User, UserRole
from commsplan.reference.models import BusinessUnit, Qualifier, ViolenceElement

__all__ = [
    "ApiToken",
    "AuditEntry",
    "BusinessUnit",
    "LoginAttempt",
    "Qualifier",
    "User",
    "UserRole",
    "ViolenceElement",
]
