"""Every playbook in the folder plays through as a real incident.

Each file is launched through the incident service with a sample value for every input (once with
every yes/no answered "no", once with every one "yes"), then every clock it declares is recorded, stage
by stage, through the real service (a repeatable clock twice). Then: every open task has a
due time, every statement template fills with no gap, and every statement passes the guardrails in
force at the end. The guardrails that keep a protected name out are proved the other way round: a
statement that deliberately uses the name is blocked.

A new file in playbooks/ is covered without touching this module.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from commsplan.auth.models import Role, User
from commsplan.extensions import db
from commsplan.incidents import drafts, service
from commsplan.incidents.models import Incident, TaskStatus
from commsplan.incidents.statements import IDENTITY_RULES, guardrail_checks, identity_kind
from commsplan.notifications.jobs import current_settings
from commsplan.playbooks.library import playbook_files
from commsplan.playbooks.loader import load_file
from commsplan.playbooks.model import Input, Playbook
from commsplan.reference.seed import QUALIFIERS_SEED, VIOLENCE_ELEMENTS
from commsplan.timeutil import to_london
from tests.factories import make_unit, make_user

FOLDER = Path(__file__).parents[2] / "playbooks"
FILES = playbook_files(FOLDER)
NAMES = ("Tobias Wrenfield", "Amara Quayle", "Delroy Ashcombe", "Priya Hallworth", "Kezia Brontley",
         "Osric Penhallow", "Marisol Evercombe", "Idris Fallowmere")
IDENTITY_RULE_NAMES = {rule for rule, _, _ in IDENTITY_RULES.values()}
EXAMPLE = re.compile(r'(?:such as|as in|like|for example|e\.g\.)\s*:?\s*"([^"]+)"', re.IGNORECASE)
QUOTED = re.compile(r'"([^"]+)"')


def test_the_folder_holds_playbooks() -> None:
    assert FILES, f"no playbooks found in {FOLDER}"


def read(path: Path) -> Playbook:
    result = load_file(path, elements={r["code"] for r in VIOLENCE_ELEMENTS},
                       qualifiers={r["code"] for r in QUALIFIERS_SEED})
    assert result.playbook is not None, "\n".join(map(str, result.problems))
    return result.playbook


def text_sample(spec: Input) -> str:
    """The help text's example where it gives one (`such as "..."`), else words from the label."""
    example = EXAMPLE.search(spec.help) or QUOTED.search(spec.help)
    return example.group(1) if example else f"sample {spec.label.lower()}"


def sample(spec: Input, *, answer: str, unit_id: int, when: datetime, name: str) -> str:
    """A value of the input's type, as the launch form would send it."""
    if spec.identifies is not None:
        return name
    if spec.type == "yesno":
        return answer
    if spec.type == "choice":
        return spec.choices[0]
    if spec.type == "number":
        low = spec.minimum if spec.minimum is not None else 16
        return f"{min(low, spec.maximum) if spec.maximum is not None else low:g}"
    if spec.type == "datetime":
        return to_london(when).strftime("%Y-%m-%d %H:%M")
    if spec.type == "unit":
        return str(unit_id)
    return text_sample(spec)


def sample_inputs(playbook: Playbook, *, answer: str, unit_id: int, when: datetime) -> dict[str, str]:
    names = iter(NAMES)
    return {spec.id: sample(spec, answer=answer, unit_id=unit_id, when=when,
                            name=next(names) if spec.identifies else "")
            for spec in playbook.inputs}


# The stage of a case each standard clock belongs to: a person is arrested, bailed, released under
# investigation or not charged, then (re-arrested and) charged and taken to court. A playbook's own
# clocks belong to the stage of the clock before them in the file; the rest come first.
STAGES = {**dict.fromkeys(("declared", "family_informed", "formal_identification", "post_mortem",
                           "consent_to_name", "iopc_referral", "ctp_lead", "funeral", "vigil"), 0),
          "arrest": 1, "bail": 2, "released_under_investigation": 2, "no_further_action": 2, "charge": 3,
          "first_court": 4}


def clock_order(playbook: Playbook) -> list[str]:
    """Every clock but `notified`, stage by stage in the file's order; at the end of its stage a
    repeatable clock comes again (a re-arrest after release, a further charge)."""
    stage, staged = 0, []
    for anchor in playbook.anchors:
        if anchor != "notified":
            stage = STAGES.get(anchor, stage)
            staged.append((stage, anchor))
    order = []
    for number in sorted({stage for stage, _ in staged}):
        group = [anchor for stage, anchor in staged if stage == number]
        order += group + [anchor for anchor in group if anchor in playbook.repeatable]
    return order


def record_every_clock(session: Any, incident: Incident, playbook: Playbook, *, start: datetime,
                       actor: User, now: datetime) -> None:
    """Each clock in `clock_order`, an hour apart, through the real service."""
    for hour, anchor in enumerate(clock_order(playbook), start=1):
        service.record_anchor(session, incident, anchor, occurred_at=start + timedelta(hours=hour),
                              note="", actor=actor, now=now, settings=current_settings())
        db.session.commit()


def protected_names_are_blocked(incident: Incident, playbook: Playbook, *, stage: str) -> list[str]:
    """For each identifying input still protected at this stage, a statement using its value must be
    blocked by its rule. Returns what was not."""
    clocks = incident.anchor_times()
    faults = []
    for spec in playbook.inputs:
        kind = identity_kind(spec, incident.inputs)
        if kind is None:
            continue
        rule, allowed_after, _ = IDENTITY_RULES[kind]
        if allowed_after is not None and allowed_after in clocks:
            continue
        text = f"Officers have spoken to {incident.inputs[spec.id]} about the incident."
        checks = guardrail_checks(incident, playbook, text, "holding")
        verdict = next((check for check in checks if check.rule == rule), None)
        if verdict is None or verdict.passed:
            faults.append(f"{playbook.id} ({stage}): a statement naming input {spec.id!r} was not blocked "
                          f"by the rule “{rule}”")
    return faults


def statement_faults(session: Any, incident: Incident, playbook: Playbook) -> list[str]:
    """Every template, filled from the sample inputs, against the non-identity guardrails now in force."""
    faults = []
    for template in playbook.statements.values():
        body = drafts.rendered(session, incident, playbook, template.id)
        where = f"{playbook.id}: statement {template.id!r}"
        if "{{" in body or "}}" in body:
            faults.append(f"{where}: an unfilled placeholder is left in: {body}")
        for check in guardrail_checks(incident, playbook, body, template.kind):
            if not check.passed and check.rule not in IDENTITY_RULE_NAMES:
                faults.append(f"{where}: rule “{check.rule}”: {check.reason}")
    return faults


@pytest.mark.parametrize("answer", ["no", "yes"])
@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_playbook_plays_through(path: Path, answer: str, session: Any, now: datetime) -> None:
    playbook = read(path)
    duty = make_user(session, roles=(Role.DUTY_OFFICER,), name="Dana Duty", now=now)
    unit = make_unit(session, now=now, name="Lambeth borough command")
    notified = now - timedelta(days=2)
    inputs = sample_inputs(playbook, answer=answer, unit_id=unit.id, when=notified - timedelta(minutes=20))
    request = service.LaunchRequest(title=f"Play-through of {playbook.id}", mode="exercise",
                                    notified_at=to_london(notified).strftime("%Y-%m-%d %H:%M"), inputs=inputs)
    incident = service.launch(session, playbook, request, actor=duty, now=now, settings=current_settings())
    db.session.commit()
    faults = protected_names_are_blocked(incident, playbook, stage="at launch")

    record_every_clock(session, incident, playbook, start=notified, actor=duty, now=now)

    untimed = [task.title for task in service.tasks_of(session, incident)
               if task.status is TaskStatus.OPEN and task.due_at is None]
    faults += [f"{playbook.id}: open task without a due time: “{title}”" for title in untimed]
    faults += statement_faults(session, incident, playbook)
    faults += protected_names_are_blocked(incident, playbook, stage="with every clock recorded")
    assert not faults, f"{playbook.id} with every yes/no input “{answer}”:\n" + "\n".join(faults)
