"""Imports every domain's models so that metadata and migrations see all tables."""

from commsplan.audiences.models import Affinity, Audience, Channel
from commsplan.audit.models import AuditEntry
from commsplan.auth.models import ApiToken, LoginAttempt, User, UserRole
from commsplan.confidence.models import ConfidenceMeasure, ConfidenceResult
from commsplan.incidents.models import (
    Debrief,
    DecisionEntry,
    ImpactAssessment,
    Incident,
    IncidentAnchor,
    IncidentStatement,
    IncidentTask,
    PlaybookLesson,
    PlaybookRevision,
    RoleAssignment,
    TimelineEvent,
)
from commsplan.messages.models import MessageComment, MessageMap, MessageVariant, MessageVersion
from commsplan.notifications.models import (
    Delivery,
    DeliveryAttempt,
    DigestSubscription,
    InboxItem,
    NotificationPreference,
    Reminder,
    WebhookTarget,
)
from commsplan.plans.models import (
    Activity,
    CalendarFeed,
    CommPlan,
    Milestone,
    PlanActual,
    PlanMetric,
    PlanObjective,
    PlanVersion,
)
from commsplan.press.models import Claim, ClaimResponse, MediaEnquiry, PressDraft
from commsplan.reference.membership import UnitMember
from commsplan.reference.models import BusinessUnit, Qualifier, ViolenceElement
from commsplan.risk.models import RiskProfile, RiskProfileEntry
from commsplan.sensitivity.models import SensitivityWindow

__all__ = [
    "SensitivityWindow",
    "Activity",
    "CalendarFeed",
    "CommPlan",
    "ConfidenceMeasure",
    "ConfidenceResult",
    "Milestone",
    "PlanActual",
    "PlanMetric",
    "PlanObjective",
    "PlanVersion",
    "DecisionEntry",
    "Debrief",
    "ImpactAssessment",
    "IncidentStatement",
    "Incident",
    "IncidentAnchor",
    "IncidentTask",
    "PlaybookLesson",
    "PlaybookRevision",
    "RoleAssignment",
    "TimelineEvent",
    "Affinity",
    "Audience",
    "Channel",
    "MessageComment",
    "MessageMap",
    "MessageVariant",
    "MessageVersion",
    "MediaEnquiry",
    "Claim",
    "ClaimResponse",
    "PressDraft",
    "ApiToken",
    "AuditEntry",
    "BusinessUnit",
    "Delivery",
    "DeliveryAttempt",
    "DigestSubscription",
    "InboxItem",
    "NotificationPreference",
    "Reminder",
    "RiskProfile",
    "RiskProfileEntry",
    "UnitMember",
    "WebhookTarget",
    "LoginAttempt",
    "Qualifier",
    "User",
    "UserRole",
    "ViolenceElement",
]
