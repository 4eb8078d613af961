"""The words a playbook file may use: standard roles and anchors, categories, types and kinds."""

from __future__ import annotations

START_ANCHOR = "notified"

STANDARD_ROLES: dict[str, str] = {
    "gold": "Gold (strategic commander)",
    "silver": "Silver (tactical commander)",
    "sio": "Senior investigating officer",
    "duty_officer": "Duty officer",
    "duty_press_officer": "Duty press officer",
    "bronze_media": "Bronze media",
    "bronze_community": "Bronze community",
    "head_of_comms": "Head of communications",
    "flo_coordinator": "Family liaison coordinator",
    "loggist": "Loggist",
    "social_media_monitor": "Social media monitor",
    "iag_liaison": "IAG liaison",
    "partner_comms_lead": "Partner communications lead",
    "digital_editor": "Digital editor",
    "borough_commander": "Borough commander",
    "professional_standards": "Professional standards lead",
    "internal_comms": "Internal communications officer",
}

STANDARD_ANCHORS: dict[str, str] = {
    START_ANCHOR: "Police notified",
    "declared": "Critical incident declared",
    "family_informed": "Family informed",
    "formal_identification": "Formal identification",
    "consent_to_name": "Family agreed to naming",
    "post_mortem": "Post-mortem held",
    "arrest": "First arrest",
    "charge": "First charge",
    "first_court": "First court appearance",
    "iopc_referral": "Referred to the IOPC",
    "bail": "Released on bail",
    "released_under_investigation": "Released under investigation",
    "no_further_action": "No further action",
    "ctp_lead": "Counter Terrorism Policing took the lead",
    "funeral": "Funeral held",
    "vigil": "Vigil held",
}

CATEGORIES: dict[str, str] = {
    "homicide": "Homicide",
    "serious_violence": "Serious violence",
    "hate": "Hate crime",
    "sexual_offence": "Sexual offence",
    "domestic_abuse": "Domestic abuse",
    "public_confidence": "Public confidence",
    "group_violence": "Group violence",
    "police_conduct": "Police conduct",
    "misinformation": "Misinformation",
}

SEVERITIES = ("low", "medium", "high", "critical")

INPUT_TYPES: dict[str, str] = {
    "text": "Text",
    "number": "Number",
    "yesno": "Yes or no",
    "datetime": "Date and time",
    "unit": "Business unit",
    "choice": "Choice",
}

STATEMENT_KINDS: dict[str, str] = {
    "holding": "Holding statement",
    "reactive": "Reactive line",
    "update": "Update",
    "appeal": "Appeal",
    "arrest": "Arrest release",
    "charge": "Charge release",
    "tribute": "Tribute and naming",
    "community_briefing": "Community briefing",
    "partner_briefing": "Partner briefing",
    "internal_briefing": "Internal briefing",
    "social_post": "Social media post",
    "rebuttal": "Rebuttal",
}

# Who an identifying input identifies, and so when the guardrails let its value be published.
IDENTIFIES: dict[str, str] = {
    "victim": "a victim: never before the family agrees to naming",
    "suspect": "a suspect: never before charge",
    "complainant": "a sexual-offence complainant: never",
    "child": "a child: never",
    "private": "a private person, such as someone wrongly named online: never",
}
