"""Demo incidents: one live critical incident a few hours old, and one closed with its debrief.

Everything goes through the incident services with the clock set to when each thing happened,
so the timeline, reminders, audit and figures are what real use would leave behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from commsplan.auth.models import User
from commsplan.incidents import assessments, closing, decisions, service
from commsplan.incidents import statements as statement_service
from commsplan.incidents.models import Incident, IncidentStatement, IncidentTask, TaskStatus
from commsplan.notifications.settings import DeliverySettings
from commsplan.playbooks.library import library
from commsplan.playbooks.model import Playbook
from commsplan.reference.models import BusinessUnit
from commsplan.timeutil import to_london


@dataclass(frozen=True)
class People:
    duty: User
    approver: User
    officer: User
    gold: User


def local(moment: datetime) -> str:
    return to_london(moment).strftime("%Y-%m-%d %H:%M")


def unit_id(session: Session, code: str) -> str:
    found = session.scalar(select(BusinessUnit.id).where(BusinessUnit.code == code))
    return str(found or "")


def task(session: Session, incident: Incident, step_id: str) -> IncidentTask:
    found = session.scalars(select(IncidentTask).where(
        IncidentTask.incident_id == incident.id, IncidentTask.step_id == step_id,
        IncidentTask.status == TaskStatus.OPEN)).first()
    if found is None:
        raise LookupError(f"No open task {step_id} in {incident.reference}")
    return found


def statement(session: Session, incident: Incident, template_id: str) -> IncidentStatement:
    found = session.scalar(select(IncidentStatement).where(
        IncidentStatement.incident_id == incident.id, IncidentStatement.template_id == template_id))
    if found is None:
        raise LookupError(f"No {template_id} statement in {incident.reference}")
    return found


class Story:
    """Replays one incident's history in order, each action at its own time."""

    def __init__(self, session: Session, incident: Incident, people: People, settings: DeliverySettings
                 ) -> None:
        self.session, self.incident, self.people, self.settings = session, incident, people, settings

    def done(self, step_id: str, at: datetime) -> None:
        service.complete_task(self.session, self.incident, task(self.session, self.incident, step_id),
                              actor=self.people.duty, now=at, settings=self.settings)

    def gold_takes_command(self, at: datetime) -> None:
        service.assign_role(self.session, self.incident, "gold", self.people.gold, actor=self.people.duty,
                            note="Gold group to meet tonight; the duty officer keeps the decision log",
                            now=at, settings=self.settings)

    def clock(self, anchor: str, at: datetime, note: str = "") -> None:
        service.record_anchor(self.session, self.incident, anchor, occurred_at=at, note=note,
                              actor=self.people.duty, now=at, settings=self.settings)

    def release(self, template_id: str, channels: list[str], approved_at: datetime, released_at: datetime
                ) -> None:
        item = statement(self.session, self.incident, template_id)
        statement_service.approve(self.session, self.incident, item, actor=self.people.approver,
                                  now=approved_at)
        statement_service.release(self.session, self.incident, item, channels, actor=self.people.duty,
                                  now=released_at, settings=self.settings)  # its task is done with it

    def skip(self, step_id: str, reason: str, at: datetime) -> None:
        service.skip_task(self.session, self.incident, task(self.session, self.incident, step_id),
                          reason=reason, actor=self.people.duty, now=at, settings=self.settings)

    def note(self, text: str, at: datetime) -> None:
        service.add_note(self.session, self.incident, text, actor=self.people.duty, now=at)

    def update(self, text: str, at: datetime) -> None:
        service.post_status_update(self.session, self.incident, text, actor=self.people.duty, now=at,
                                   settings=self.settings)

    def assess(self, ratings: dict[str, tuple[str, str]], overall: str, summary: str, at: datetime,
               review_in: timedelta) -> None:
        answers = assessments.AssessmentInput(
            ratings={key: rag for key, (rag, _) in ratings.items()},
            evidence={key: why for key, (_, why) in ratings.items()}, overall=overall, summary=summary,
            owner_id=str(self.people.duty.id), next_review_at=local(at + review_in))
        assessments.add_assessment(self.session, self.incident, answers, actor=self.people.duty, now=at,
                                   settings=self.settings)


STABBING_IMPACT = {
    "communities-affected": ("amber", "Residents of the Moorlands and Loughborough estates; pupils at two "
                                      "secondary schools within half a mile; the victim's church."),
    "current-mood": ("amber", "Around 40 young people gathered by the cordon within the hour; two ward panel "
                              "chairs rang asking whether it is linked to last month's stabbing."),
    "retaliation-risk": ("amber", "Social media monitor has seen veiled threats in two drill clips; no "
                                  "specific target or time. Gangs unit reviewing."),
    "aggravating-factors": ("red", "Second fatal stabbing of a teenager in the borough in five weeks; mock "
                                   "exams start on Monday."),
    "young-people": ("amber", "Safer schools officers briefed to be at both school gates for the next "
                              "school day; VRU youth workers out on Coldharbour Lane."),
    "confidence-in-response": ("green", "Ward panel chairs content with the visible presence; no complaints "
                                        "about stop and search so far."),
    "vigils-and-gatherings": ("amber", "A vigil is being talked about online for tomorrow evening; the "
                                       "church has offered its hall."),
    "misinformation": ("amber", "A false name is being shared on Snapchat; platforms asked to remove the "
                                "posts and no rebuttal yet, so as not to spread it further."),
    "iag-advice": ("green", "The IAG chair supports early contact with the church and asks for a named "
                            "officer at the vigil."),
}


def launch(session: Session, playbook: Playbook, title: str, notified: datetime, inputs: dict[str, str],
           people: People, settings: DeliverySettings, at: datetime) -> Story:
    request = service.LaunchRequest(title, "live", local(notified), inputs)
    incident = service.launch(session, playbook, request, actor=people.duty, now=at, settings=settings)
    return Story(session, incident, people, settings)


def load_active_stabbing(session: Session, playbook: Playbook, people: People, settings: DeliverySettings,
                         now: datetime) -> Story:
    """A fatal stabbing in Brixton, notified three hours and twenty minutes ago."""
    t0 = now - timedelta(hours=3, minutes=20)
    story = launch(session, playbook, "Fatal stabbing, Coldharbour Lane", t0, {
        "general_location": "Coldharbour Lane, Brixton", "called_at": local(t0 - timedelta(minutes=4)),
        "weapon": "knife", "victim_age": "17", "unit": unit_id(session, "LX"),
        "incident_reference": "CAD 6120/22NOV", "next_update_time": "8am tomorrow"},
        people, settings, at=t0 + timedelta(minutes=6))
    service.assign_role(session, story.incident, "duty_press_officer", people.officer, note="",
                        actor=people.duty, now=t0 + timedelta(minutes=8), settings=settings)
    story.done("confirm-facts", t0 + timedelta(minutes=12))
    story.done("watch-online", t0 + timedelta(minutes=10))
    story.note("Video of the scene circulating on Snapchat; asked platforms to review. No names seen yet.",
               t0 + timedelta(minutes=25))
    story.done("reactive-line", t0 + timedelta(minutes=19))
    story.release("holding", ["Force website", "X", "Borough X account"], t0 + timedelta(minutes=38),
                  t0 + timedelta(minutes=41))
    story.done("assess-critical", t0 + timedelta(minutes=29))
    story.clock("declared", t0 + timedelta(hours=1, minutes=5), "Declared by Superintendent Reid (Gold)")
    story.gold_takes_command(t0 + timedelta(hours=1, minutes=4))
    decisions.add_decision(session, story.incident, decisions.DecisionInput(
        decision_role="gold", on_behalf_of_id=people.gold.id,
        decision="Declare a critical incident and hold a Gold group tonight.",
        information="A 17-year-old has died after being stabbed in a busy street; the second fatal "
                    "stabbing of a teenager in the borough in five weeks.",
        threat_risk="High risk to community confidence and of retaliation among young people.",
        powers_policy="Critical incident management APP.",
        options="Wait for the morning meeting: rejected, people are already gathering at the cordon.",
        action_review="Gold group within the hour; review the community impact assessment by the morning."),
        actor=people.duty, now=t0 + timedelta(hours=1, minutes=6))
    story.update("Critical incident declared. Cordon in place on Coldharbour Lane; section 60 being "
                 "considered for Brixton and Stockwell. Holding statement out at 41 minutes.",
                 t0 + timedelta(hours=1, minutes=10))
    story.assess(STABBING_IMPACT, "amber",
                 "Tension rising among young people in Brixton and Stockwell; no sign yet of planned "
                 "retaliation. Review after the morning school run.", t0 + timedelta(hours=2),
                 timedelta(hours=6))
    story.clock("family_informed", t0 + timedelta(hours=2, minutes=30), "FLO with the family in Streatham")
    return story


RETALIATION_IMPACT_FIRST = {
    "areas-affected": ("amber", "Tottenham Hale and Northumberland Park; the bus station and retail park are "
                                "where both groups' members change buses."),
    "threat-picture": ("red", "A drill clip posted overnight names the bus station and promises a reply."),
    "young-peoples-safety": ("amber", "Pupils from three secondary schools use the bus station daily."),
    "powers-and-confidence": ("amber", "Residents want visible patrols; youth workers warn that blanket "
                                       "searching of boys at the station will be resented."),
    "flashpoints": ("amber", "Football at home on Saturday; the bus station is busy after the match."),
    "families-involved": ("green", "Both injured men's families are supported and cooperating."),
    "misinformation": ("amber", "A rumour that one victim died is spreading on TikTok; it is false."),
    "partner-reach": ("green", "Council, TfL and the schools have the partner briefing."),
    "iag-advice": ("green", "The IAG supports the section 60 if its area and hours are published."),
}
RETALIATION_IMPACT_LATER = {
    **RETALIATION_IMPACT_FIRST,
    "threat-picture": ("amber", "The clip has been removed; no further threats seen since the arrest."),
    "misinformation": ("green", "The false rumour was corrected by the update and by the hospital trust."),
    "powers-and-confidence": ("green", "Scrutiny panel reviewed the section 60 searches: 41 searches, "
                                       "3 knives found, no complaints."),
}


def details(**changes: str) -> dict[str, str]:
    return {"general_location": "Tottenham Hale bus station", "weapon": "knife",
            "injuries": "Two young men were taken to hospital with stab wounds; neither injury is thought "
                        "to be life-threatening.", "transport_hub": "yes", "incident_reference": "CAD 7731",
            "next_update_time": "9am tomorrow", **changes}


def load_closed_retaliation(session: Session, playbook: Playbook, people: People,
                            settings: DeliverySettings, now: datetime) -> Story:
    """A double stabbing at a bus station with a retaliation threat, stood down after three days."""
    t0 = (now - timedelta(days=12)).replace(hour=21, minute=10, second=0, microsecond=0)
    called = local(t0 - timedelta(minutes=3))
    story = launch(session, playbook, "Double stabbing, Tottenham Hale bus station", t0,
                   details(called_at=called), people, settings, at=t0 + timedelta(minutes=5))
    service.assign_role(session, story.incident, "duty_press_officer", people.officer, note="",
                        actor=people.duty, now=t0 + timedelta(minutes=7), settings=settings)
    for step_id, minutes in (("confirm-facts", 6), ("online-monitoring", 9), ("reactive-line", 19),
                             ("assess-critical", 29)):
        story.done(step_id, t0 + timedelta(minutes=minutes))
    story.release("holding", ["Force website", "X", "Borough X account"], t0 + timedelta(minutes=40),
                  t0 + timedelta(minutes=44))
    for step_id, minutes in (("alert-partners", 55), ("transport-partners", 58)):
        story.done(step_id, t0 + timedelta(minutes=minutes))
    story.clock("declared", t0 + timedelta(hours=1, minutes=20), "Declared by Superintendent Reid (Gold)")
    story.gold_takes_command(t0 + timedelta(hours=1, minutes=15))
    decisions.add_decision(session, story.incident, decisions.DecisionInput(
        decision_role="gold", on_behalf_of_id=people.gold.id,
        decision="Declare a critical incident: a credible risk of retaliation between "
        "two groups of young men, at a transport hub used by schoolchildren.",
        information="Two stabbed at the bus station; witnesses describe two groups; social media monitor "
                    "reports threats within the hour.",
        threat_risk="Further violence likely within 48 hours, most likely at the bus station after school.",
        powers_policy="Critical incident management APP; force critical incident policy.",
        options="Treat as a routine investigation: rejected, the community impact is too high.",
        action_review="Gold group at 23:00; review at the morning meeting."),
        actor=people.duty, now=t0 + timedelta(hours=1, minutes=25))
    story.done("gold-group", t0 + timedelta(hours=2, minutes=20))
    story.assess(RETALIATION_IMPACT_FIRST, "amber", "Real risk of a reply at the bus station; the community "
                 "wants visible policing that does not alienate young people.", t0 + timedelta(hours=3),
                 timedelta(hours=12))
    story.done("cia", t0 + timedelta(hours=3, minutes=10))
    story.done("online-monitoring", t0 + timedelta(hours=2, minutes=10))
    story.clock("threat_identified", t0 + timedelta(hours=3, minutes=5), "Drill clip naming the bus station")
    story.clock("powers_authorised", t0 + timedelta(hours=3, minutes=30), "Section 60 by Ch Supt Hayes")
    service.update_inputs(session, story.incident, details(
        called_at=called, powers_detail="A section 60 authorisation covering Tottenham Hale bus "
        "station, the retail park and Ferry Lane, in force until 6am"), actor=people.duty,
        now=t0 + timedelta(hours=3, minutes=35))
    story.release("powers_notice", ["X", "Borough X account", "Nextdoor"],
                  t0 + timedelta(hours=3, minutes=40), t0 + timedelta(hours=3, minutes=42))
    for step_id, minutes in (("threat-response", 200), ("iag-and-leaders", 260)):
        story.done(step_id, t0 + timedelta(minutes=minutes))
    story.done("online-monitoring", t0 + timedelta(hours=4))
    story.release("deterrence", ["Snapchat (paid, 5km around the bus station)", "Instagram"],
                  t0 + timedelta(hours=4, minutes=40), t0 + timedelta(hours=4, minutes=50))
    story.skip("online-monitoring", "Handed to the borough's online team overnight; no new threats seen",
               t0 + timedelta(hours=5))
    story.update("Section 60 in force until 6am. No further incidents overnight. Both victims stable.",
                 t0 + timedelta(hours=9))
    story.done("powers-review", t0 + timedelta(hours=9, minutes=20))
    story.skip("powers-review", "Section 60 ended at 6am and Gold did not renew it", t0 + timedelta(hours=10))
    story.done("cia", t0 + timedelta(hours=14))
    story.release("partner_briefing", ["Schools and council email"], t0 + timedelta(hours=9, minutes=30),
                  t0 + timedelta(hours=9, minutes=40))
    for step_id, at in (("youth-outreach", timedelta(days=1, hours=1)),
                        ("gold-review", timedelta(days=1, hours=1, minutes=10))):
        story.done(step_id, t0 + at)
    story.skip("cia", "Gold will review the assessment after the planned arrests instead",
               t0 + timedelta(days=1, hours=1, minutes=15))
    story.clock("arrest", t0 + timedelta(days=1, hours=4), "Two arrested in Enfield")
    service.update_inputs(session, story.incident, details(
        called_at=called, powers_detail="", arrest_detail="Two men, aged 18 and 19, from Enfield, "
        "on suspicion of wounding with intent; both are in custody"), actor=people.duty,
        now=t0 + timedelta(days=1, hours=4, minutes=10))
    story.release("arrest", ["Force website", "X"], t0 + timedelta(days=1, hours=4, minutes=20),
                  t0 + timedelta(days=1, hours=4, minutes=26))
    story.assess(RETALIATION_IMPACT_LATER, "green", "Tension has eased since the arrests.",
                 t0 + timedelta(days=1, hours=6), timedelta(days=2))
    story.clock("charge", t0 + timedelta(days=2, hours=2), "CPS authorised charges")
    service.update_inputs(session, story.incident, details(
        called_at=called, charged_person="Jamal Reid, 19, of Edmonton",
        charges="two counts of wounding with intent and possession of a bladed article",
        court_appearance="Highbury Corner Magistrates' Court on Monday"), actor=people.duty,
        now=t0 + timedelta(days=2, hours=2, minutes=20))
    story.release("charge", ["Force website", "X"], t0 + timedelta(days=2, hours=2, minutes=45),
                  t0 + timedelta(days=2, hours=2, minutes=52))
    story.done("review-72h", t0 + timedelta(days=3, hours=1, minutes=15))
    closing.stand_down(session, story.incident, "Charged and remanded; no further threats; section 60 not "
                       "renewed. Gold agreed to stand down.", actor=people.duty,
                       now=t0 + timedelta(days=3, hours=2))
    closing.close(session, story.incident, closing.DebriefInput(
        went_well="Holding statement out in 44 minutes; the section 60 notice named its area and hours and "
                  "the IAG backed it; schools were briefed before the next school day.",
        to_improve="The false rumour that a victim had died ran for four hours before our update corrected "
                   "it: agree a rebuttal line earlier. TfL heard about the closure from passengers first.",
        playbook_changes="Add a step to agree a rebuttal line with the hospital trust within two hours; move "
                         "the TfL call to +30m when the incident is at a station.",
        welfare_actions="Check-in for the duty press officer and the social media monitor, who watched the "
                        "threat videos; both offered the trauma support service."),
        actor=people.approver, now=t0 + timedelta(days=5, hours=3))
    return story


def load_incidents(session: Session, *, people: People, settings: DeliverySettings, now: datetime
                   ) -> list[str]:
    """The two demo incidents, unless any incident exists already or a playbook is missing."""
    if session.scalar(select(Incident.id).limit(1)) is not None:
        return []
    playbooks = library().playbooks
    stories = []
    if "retaliation-risk-group-violence" in playbooks:
        stories.append(load_closed_retaliation(session, playbooks["retaliation-risk-group-violence"], people,
                                               settings, now))
    if "fatal-stabbing-young-person" in playbooks:
        stories.append(load_active_stabbing(session, playbooks["fatal-stabbing-young-person"], people,
                                            settings, now))
    return [f"incident {story.incident.reference} {story.incident.title}" for story in stories]
