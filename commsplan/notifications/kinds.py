"""The kinds of reminder other domains send, with their labels and default urgency and channels."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


class ChannelChoice(StrEnum):
    """What a person wants for one kind of reminder."""

    IN_APP = "in_app"
    EMAIL = "email"
    BOTH = "both"

    @property
    def label(self) -> str:
        return {"in_app": "In Commsplan only", "email": "Email only",
                "both": "In Commsplan and by email"}[self.value]


@dataclass(frozen=True)
class ReminderKind:
    code: str
    label: str
    urgency: Urgency
    default_channels: ChannelChoice
    description: str
    user_choice: bool = True  # shown on the preferences page
    # Starts an email's subject, so "due soon" and "overdue" about one task never read the same.
    subject_prefix: str = ""


KINDS = {kind.code: kind for kind in (
    ReminderKind("general", "Reminder", Urgency.NORMAL, ChannelChoice.IN_APP,
                 "Reminders a colleague scheduled for you or your team"),
    ReminderKind("campaign_activity", "Campaign activity starting", Urgency.NORMAL,
                 ChannelChoice.BOTH, "A planned activity you own is about to start"),
    ReminderKind("milestone_due", "Milestone due", Urgency.NORMAL, ChannelChoice.IN_APP,
                 "A milestone you lead is coming up"),
    ReminderKind("milestone_overdue", "Milestone overdue", Urgency.NORMAL, ChannelChoice.BOTH,
                 "A milestone you lead has passed its target date", subject_prefix="Overdue: "),
    ReminderKind("review_due", "Review due", Urgency.NORMAL, ChannelChoice.IN_APP,
                 "A message, plan or playbook you own has reached its review date"),
    ReminderKind("approval_waiting", "Approval waiting", Urgency.NORMAL, ChannelChoice.BOTH,
                 "Something is waiting for your approval"),
    ReminderKind("incident_task_due", "Incident task due", Urgency.URGENT, ChannelChoice.BOTH,
                 "A task in a live incident is due soon", subject_prefix="Due soon: "),
    ReminderKind("incident_task_overdue", "Incident task overdue", Urgency.URGENT,
                 ChannelChoice.BOTH, "A task in a live incident is overdue", subject_prefix="Overdue: "),
    ReminderKind("incident_role_given", "Incident role given to you", Urgency.URGENT,
                 ChannelChoice.BOTH, "You now hold a role in a live incident: its open tasks in one message"
                 ),
    ReminderKind("status_update_due", "Incident status update due", Urgency.URGENT,
                 ChannelChoice.BOTH, "The next status update of a live incident is due"),
    ReminderKind("press_enquiry_due", "Media enquiry due", Urgency.URGENT, ChannelChoice.BOTH,
                 "A journalist's deadline for an enquiry you handle is close", subject_prefix="Due soon: "),
    ReminderKind("press_enquiry_lapsed", "Media enquiry deadline passed", Urgency.URGENT,
                 ChannelChoice.BOTH, "An enquiry you handle passed its deadline unanswered",
                 subject_prefix="Deadline passed: "),
    ReminderKind("playbook_lesson_overdue", "Playbook lesson overdue", Urgency.NORMAL, ChannelChoice.BOTH,
                 "A lesson you own for a playbook is past its due date", subject_prefix="Overdue: "),
    ReminderKind("daily_digest", "Daily digest", Urgency.NORMAL, ChannelChoice.EMAIL,
                 "One email a day of what is due this week and what is overdue", user_choice=False),
)}
DIGEST = "daily_digest"


def kind_label(code: str) -> str:
    kind = KINDS.get(code)
    return kind.label if kind else code.replace("_", " ").capitalize()


def subject_prefix(code: str) -> str:
    kind = KINDS.get(code)
    return kind.subject_prefix if kind else ""
