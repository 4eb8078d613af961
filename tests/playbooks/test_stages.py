"""Format v2: do-not-say entries scoped by stage and statement kind, repeatable clocks, `each` steps,
conditions on clocks, and the naming rules `playbooks check` enforces."""

from __future__ import annotations

from pathlib import Path

import pytest

from commsplan.playbooks import vocab
from commsplan.playbooks.loader import load_text
from commsplan.playbooks.model import Playbook
from commsplan.reference.seed import QUALIFIERS_SEED, VIOLENCE_ELEMENTS

VALID = Path(__file__).parent / "fixtures" / "valid" / "street-robbery-test.md"
CODES = {"elements": {row["code"] for row in VIOLENCE_ELEMENTS},
         "qualifiers": {row["code"] for row in QUALIFIERS_SEED}}
SCOPED = """  - phrase: the boy
    label: the boy
    before: charge
    kinds: [holding, appeal]
    reason: Until charge we say a teenager.
"""


def v2_text(*, do_not_say: str = SCOPED, anchors: str = "  arrest: {repeatable: true}\n",
            step: str = "") -> str:
    """The valid fixture with format v2 parts added."""
    text = VALID.read_text()
    text = text.replace("  arrest:\n", anchors + "  iopc_referral:\n", 1)
    text = text.replace("do_not_say:\n", "do_not_say:\n" + do_not_say, 1)
    return text.replace("statements:\n", step + "statements:\n", 1)


def load(text: str) -> tuple[Playbook | None, list[str]]:
    result = load_text(text, "playbooks/street-robbery-test.md", **CODES)
    return result.playbook, [f"{p.field}: {p.message}" for p in result.problems]


def test_a_scoped_entry_is_read_with_its_stage_and_kinds() -> None:
    playbook, problems = load(v2_text())
    assert problems == [] and playbook is not None
    rule = playbook.do_not_say[0]
    assert (rule.before, rule.after, rule.kinds) == ("charge", None, ("holding", "appeal"))
    assert rule.scope(playbook.anchors, vocab.STATEMENT_KINDS) == \
        "until “First charge” is recorded; only in: holding statement, appeal"
    assert playbook.do_not_say[1].scope(playbook.anchors, vocab.STATEMENT_KINDS) == ""  # a plain entry


@pytest.mark.parametrize(("recorded", "kind", "in_force"), [
    (set(), "holding", True),
    (set(), "appeal", True),
    (set(), None, True),  # words checked alone: only the stage decides
    (set(), "charge", False),  # another kind of statement
    ({"charge"}, "holding", False),  # the stage has passed
    ({"arrest"}, "holding", True),
])
def test_a_scoped_entry_is_in_force_only_for_its_stage_and_kinds(recorded: set[str], kind: str | None,
                                                                 in_force: bool) -> None:
    playbook, _ = load(v2_text())
    assert playbook is not None
    assert playbook.do_not_say[0].in_force(recorded, kind) is in_force


def test_an_entry_after_a_clock_comes_into_force_when_it_is_recorded() -> None:
    after = "  - {phrase: remains in custody, after: charge, reason: Say remanded once charged.}\n"
    playbook, problems = load(v2_text(do_not_say=after))
    assert problems == [] and playbook is not None
    rule = playbook.do_not_say[0]
    assert not rule.in_force(set(), "charge") and rule.in_force({"charge"}, "charge")


@pytest.mark.parametrize(("entry", "fault"), [
    ("  - {phrase: x y z, before: funeral, reason: R.}\n", 'before: unknown anchor "funeral"'),
    ("  - {phrase: x y z, kinds: [press_release], reason: R.}\n",
     'kinds[1]: unknown statement kind "press_release"'),
    ("  - {phrase: x y z, before: charge, after: charge, reason: R.}\n",
     "after: an entry cannot be in force both before and after one clock"),
    ("  - {phrase: x y z, kinds: holding, reason: R.}\n", "kinds: should be a list of text items"),
])
def test_a_bad_scope_is_named(entry: str, fault: str) -> None:
    _, problems = load(v2_text(do_not_say=entry))
    assert [p for p in problems if fault in p], problems


def test_repeatable_clocks_and_each_steps_are_read() -> None:
    step = "  - {id: each-arrest, title: Tell the school, at: arrest+1h, owner: schools_lead, each: true}\n"
    playbook, problems = load(v2_text(step=step))
    assert problems == [] and playbook is not None
    assert playbook.repeatable == frozenset({"arrest"})
    assert playbook.anchors["arrest"] == "First arrest"  # a standard clock keeps its label
    assert next(s for s in playbook.steps if s.id == "each-arrest").each


@pytest.mark.parametrize(("anchors", "step", "fault"), [
    ("  arrest:\n", "  - {id: e, title: Do it, at: arrest+1h, owner: sio, each: true}\n",
     'steps[7].each: "arrest" is recorded once'),
    ("  arrest: {repeatable: true}\n",
     "  - {id: e, title: Do it, at: arrest+1h, owner: sio, each: true, repeat: 2h}\n",
     "steps[7].each: a step is done for each recording or repeated, not both"),
    ("  arrest: {repeatable: maybe}\n", "", "anchors.arrest.repeatable: should be true or false"),
    ("  arrest: {repeatable: true, colour: red}\n", "", "anchors.arrest.colour: is not a key"),
    ("  arrest: {repeatable: true}\n  notified: {repeatable: true}\n", "",
     "anchors.notified.repeatable: police are notified once"),
])
def test_bad_repeats_are_named(anchors: str, step: str, fault: str) -> None:
    _, problems = load(v2_text(anchors=anchors, step=step))
    assert [p for p in problems if p.startswith(fault)], problems


def test_a_condition_may_ask_whether_a_clock_was_recorded() -> None:
    step = "  - {id: referral, title: Agree lines with the IOPC, at: iopc_referral+1h, owner: sio, " \
           "when: iopc_referral == yes and footage_online == yes}\n"
    playbook, problems = load(v2_text(step=step))
    assert problems == [] and playbook is not None
    condition = next(s for s in playbook.steps if s.id == "referral").when
    assert condition is not None
    assert condition.holds({"iopc_referral": True, "footage_online": True})
    assert not condition.holds({"iopc_referral": False, "footage_online": True})


@pytest.mark.parametrize(("when", "fault"), [
    ("iopc_referral > 2", '"iopc_referral" is a clock: test it with == yes'),
    ('iopc_referral == "soon"', '"iopc_referral" is a clock'),
    ("funeral == yes", '"funeral" is not declared as an input or a clock'),
])
def test_a_bad_condition_on_a_clock_is_named(when: str, fault: str) -> None:
    step = f"  - {{id: referral, title: Agree lines, at: +1h, owner: sio, when: '{when}'}}\n"
    _, problems = load(v2_text(step=step))
    assert [p for p in problems if fault in p], problems


def test_a_victim_identifier_needs_the_consent_to_name_clock() -> None:
    text = v2_text().replace("identifies: child}", "identifies: victim}", 1)
    _, problems = load(text)
    assert problems == ["inputs[7].identifies: a victim identifier needs the consent_to_name clock under "
                        "anchors, or the victim could never be named"]
    playbook, problems = load(text.replace("  declared:\n", "  declared:\n  consent_to_name:\n", 1))
    assert problems == [] and playbook is not None


def test_a_suspect_may_be_marked_as_a_child_by_a_condition() -> None:
    suspect = ("  - {id: charged_person, label: Person charged, type: text, required: false, "
               "identifies: suspect, under_18_if: victim_age < 18}\n")
    text = v2_text().replace("  - {id: next_update_time", suspect + "  - {id: next_update_time", 1)
    playbook, problems = load(text)
    assert problems == [] and playbook is not None
    spec = playbook.input("charged_person")
    assert spec.under_18_if is not None and spec.under_18_if.holds({"victim_age": 16.0})
    _, problems = load(text.replace("victim_age < 18}", "age_known < 18}"))
    assert problems == ['inputs[8].under_18_if: "age_known" is not declared as an input']
    _, problems = load(text.replace("identifies: suspect, ", "identifies: victim, "))
    assert "inputs[8].under_18_if: only an input that identifies a suspect or a private person has it" \
        in problems


def test_the_new_standard_clocks_need_no_label() -> None:
    new = ("bail", "released_under_investigation", "no_further_action", "ctp_lead", "iopc_referral",
           "funeral", "vigil")
    anchors = "".join(f"  {name}:\n" for name in new if name != "iopc_referral") + "  arrest:\n"
    playbook, problems = load(v2_text(anchors=anchors))
    assert problems == [] and playbook is not None
    assert all(playbook.anchors[name] == vocab.STANDARD_ANCHORS[name] for name in new)
