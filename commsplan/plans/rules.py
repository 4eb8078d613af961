"""Settings the plan rules need, read once from the app config and passed to services as a value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PlanRules:
    # Days before an activity starts that its owner is reminded, unless its channel needs longer.
    activity_reminder_days: int = 7
    # Days before a milestone's target date that its lead is reminded.
    milestone_reminder_days: int = 7
    # An audience reached by more activities than this in one week is overloaded.
    overload_per_week: int = 3
    # The integrated plan lists gaps for this many of each unit's priorities.
    gap_priorities: int = 3


def plan_rules(config: dict[str, Any]) -> PlanRules:
    return PlanRules(
        activity_reminder_days=int(config["PLAN_ACTIVITY_REMINDER_DAYS"]),
        milestone_reminder_days=int(config["PLAN_MILESTONE_REMINDER_DAYS"]),
        overload_per_week=int(config["PLAN_OVERLOAD_PER_WEEK"]),
        gap_priorities=int(config["PLAN_GAP_PRIORITIES"]),
    )
