"""The strategy's own reference data: violence elements, qualifiers and the force's units.

Elements follow the definition of violence in the Anti-Violence Strategy (seed 001, paragraph 5)
and qualifiers its paragraph 7. Units follow the force's shape: a corporate centre, business
groups, the 32 London borough commands under Territorial Policing, and specialist units.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.reference import service
from commsplan.reference.kinds import ELEMENTS, QUALIFIERS, UNITS, ReferenceKind
from commsplan.reference.models import UnitKind

VIOLENCE_ELEMENTS: list[dict[str, Any]] = [
    {"code": "MSV", "name": "Most serious violence",
     "description": "Murder, manslaughter, attempted murder and wounding with intent to cause "
                    "grievous bodily harm. Few in number, highest in harm, and the offences most "
                    "likely to become critical incidents."},
    {"code": "AWI", "name": "Assault with injury",
     "description": "Assaults that cause actual bodily harm or wounding without intent. High in "
                    "volume and often linked to the night-time economy, alcohol and domestic "
                    "abuse."},
    {"code": "SSO", "name": "Serious sexual offences",
     "description": "Rape, assault by penetration, aggravated sexual assault, causing sexual "
                    "activity without consent, the sexual exploitation of children and trafficking "
                    "for sexual exploitation. Complainants have lifelong anonymity in law."},
    {"code": "ROB", "name": "Personal robbery",
     "description": "Theft from a person using force or the threat of it: phones, bags, bikes and "
                    "cash. Counted as violence because of the fear and loss of confidence it "
                    "causes, especially among young people."},
    {"code": "HATE", "name": "Hate crime",
     "description": "Offences the victim or anyone else sees as motivated by hostility to race, "
                    "religion, sexual orientation, disability or transgender identity. The "
                    "strategy places domestic violence within this element."},
    {"code": "DV", "name": "Domestic violence", "parent": "HATE",
     "description": "Violence and abuse between partners, former partners or family members. "
                    "Never publish anything that could help an abuser find or identify a victim."},
    {"code": "HAR", "name": "Harassment",
     "description": "A course of conduct that causes alarm or distress, including stalking and "
                    "targeted, repeated anti-social behaviour against a person or household."},
]

QUALIFIERS_SEED: list[dict[str, Any]] = [
    {"code": "REPEAT_VICTIM", "name": "Repeat victim",
     "description": "The same person or household has been a victim before. Repeat victimisation "
                    "calls for an enhanced response."},
    {"code": "WEAPON", "name": "Weapon-enabled",
     "description": "A knife, firearm or other weapon was used, shown or threatened."},
    {"code": "GROUP", "name": "Group offending",
     "description": "Two or more offenders acting together, from peer groups to street gangs. "
                    "Messages should not raise the status of the group."},
    {"code": "ASB_ESCALATION", "name": "ASB that may escalate",
     "description": "Repeated anti-social behaviour aimed at a person or a place that could grow "
                    "into violent crime."},
]

BUSINESS_GROUPS = [
    ("TP", "Territorial Policing", "Borough policing, neighbourhood teams and response."),
    ("SCD", "Serious Crime Directorate", "Homicide, gun crime, sexual offences and child abuse "
                                         "investigation."),
    ("CO", "Central Operations", "Public order, events and specialist uniformed support."),
    ("SO", "Specialist Operations", "Counter-terrorism and protection."),
    ("DPA", "Directorate of Public Affairs", "The force's press office, campaigns, digital and "
                                            "internal communication."),
    ("SID", "Strategy and Improvement Department", "Performance, research and the confidence "
                                                   "survey."),
]

# Two-letter borough command codes as used on force systems.
BOROUGHS = [
    ("KG", "Barking and Dagenham"), ("SX", "Barnet"), ("RY", "Bexley"), ("QK", "Brent"),
    ("PY", "Bromley"), ("EK", "Camden"), ("ZD", "Croydon"), ("XD", "Ealing"),
    ("YE", "Enfield"), ("RG", "Greenwich"), ("GD", "Hackney"), ("FH", "Hammersmith and Fulham"),
    ("YR", "Haringey"), ("QA", "Harrow"), ("KD", "Havering"), ("XH", "Hillingdon"),
    ("TX", "Hounslow"), ("NI", "Islington"), ("BS", "Kensington and Chelsea"),
    ("VK", "Kingston upon Thames"), ("LX", "Lambeth"), ("PL", "Lewisham"), ("VW", "Merton"),
    ("KF", "Newham"), ("JI", "Redbridge"), ("TW", "Richmond upon Thames"), ("MD", "Southwark"),
    ("ZT", "Sutton"), ("HT", "Tower Hamlets"), ("JC", "Waltham Forest"), ("WW", "Wandsworth"),
    ("CW", "Westminster"),
]

SPECIALIST_UNITS = [
    ("TRIDENT", "Trident Gang Crime Command", "SCD",
     "Investigates shootings and tackles gang-related violence across London."),
    ("HOMICIDE", "Homicide and Major Crime Command", "SCD",
     "Investigates murder and manslaughter; owns family liaison after a homicide."),
    ("SAPPHIRE", "Sapphire Sexual Offences Command", "SCD",
     "Investigates rape and serious sexual offences and supports complainants."),
    ("CAIC", "Child Abuse Investigation Command", "SCD",
     "Investigates abuse of children within families and institutions."),
    ("STC", "Safer Transport Command", "TP",
     "Policing of buses and the routes young people use to and from school."),
    ("BLUNT", "Knife Crime Taskforce (Operation Blunt)", "TP",
     "Force-wide knife crime enforcement and weapon sweeps."),
    ("TSG", "Territorial Support Group", "CO",
     "Public order and high-visibility patrols deployed to violence hotspots."),
]


def reference_rows() -> list[tuple[ReferenceKind, dict[str, Any]]]:
    """Every seed row, parents before children."""
    rows: list[tuple[ReferenceKind, dict[str, Any]]] = []
    for position, element in enumerate(VIOLENCE_ELEMENTS, start=1):
        rows.append((ELEMENTS, {**element, "position": position * 10}))
    for position, qualifier in enumerate(QUALIFIERS_SEED, start=1):
        rows.append((QUALIFIERS, {**qualifier, "position": position * 10}))
    rows.append((UNITS, {"code": "CORP", "name": "Corporate (Anti-Violence Board)",
                         "kind": UnitKind.CORPORATE,
                         "description": "The force as a whole: the Anti-Violence Board's "
                                        "corporate plan and force-wide campaigns."}))
    for code, name, description in BUSINESS_GROUPS:
        rows.append((UNITS, {"code": code, "name": name, "kind": UnitKind.BUSINESS_GROUP,
                             "parent": "CORP", "description": description}))
    for code, borough in BOROUGHS:
        rows.append((UNITS, {"code": code, "name": f"{borough} borough command",
                             "kind": UnitKind.BOROUGH_COMMAND, "parent": "TP",
                             "description": f"Policing of the London Borough of {borough}."}))
    for code, name, parent, description in SPECIALIST_UNITS:
        rows.append((UNITS, {"code": code, "name": name, "kind": UnitKind.SPECIALIST_UNIT,
                             "parent": parent, "description": description}))
    return rows


def seed_reference(session: Session, *, actor: User | None, now: datetime) -> list[str]:
    """Add every seed row whose code is missing; never changes existing rows. Returns what it added."""
    added: list[str] = []
    for kind, row in reference_rows():
        model: Any = kind.model
        if session.scalar(select(model.id).where(model.code == row["code"])) is not None:
            continue
        values = {key: value for key, value in row.items() if key != "parent"}
        if "parent" in row:
            values["parent_id"] = session.scalar(select(model.id).where(model.code == row["parent"]))
        service.create_item(session, kind, values=values, actor=actor, now=now)
        added.append(f"{kind.singular} {row['code']}")
    return added
