"""Reading playbook files: the valid fixture in full, and each invalid fixture's named problem."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from commsplan.playbooks.library import playbook_files, read_folder
from commsplan.playbooks.loader import load_file, load_text, split_front_matter
from commsplan.playbooks.stages import REGEX_SYNTAX
from commsplan.reference.seed import QUALIFIERS_SEED, VIOLENCE_ELEMENTS

FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED = Path(__file__).parents[2] / "playbooks"
VALID = FIXTURES / "valid" / "street-robbery-test.md"
CODES = {"elements": {row["code"] for row in VIOLENCE_ELEMENTS},
         "qualifiers": {row["code"] for row in QUALIFIERS_SEED}}

# Each invalid fixture: the line, the field and words of the one problem it must report.
EXPECTED = {
    "unknown-role": (46, "steps[2].owner", 'unknown role "press_oficer"'),
    "unknown-approval-role": (39, "steps[1].approval", 'unknown role "head_of_news"'),
    "unknown-anchor": (45, "steps[2].at", 'unknown anchor "family_informed"'),
    "undeclared-placeholder": (71, "statements.holding.body",
                               'placeholder "{{ victim_school }}" is not declared as an input'),
    "bad-offset": (36, "steps[1].at", '"45 minutes after the call" is not a time'),
    "duplicate-step-id": (43, "steps[2].id", '"holding" is already a step'),
    "duplicate-key": (6, "title", "appears twice"),
    "missing-steps": (2, "steps", "is required"),
    "malformed-yaml": (18, "", "the YAML cannot be read"),
    "no-front-matter": (1, "", "must start with YAML front matter"),
    "condition-on-undeclared-input": (47, "steps[2].when", '"school_name" is not declared as an input'),
    "choice-not-offered": (47, "steps[2].when", '"firearm" is not one of the choices of "weapon"'),
    "unknown-element": (9, "elements[2]", 'unknown code "KNIFE"'),
    "bad-review-date": (6, "review_date", "should be a date written YYYY-MM-DD"),
    "bad-repeat": (53, "steps[3].repeat", "should be at least 5m"),
    "unknown-statement": (58, "steps[4].statement", 'unknown statement "charge_release"'),
    "bad-template-syntax": (71, "statements.holding.body", "the template cannot be read"),
    "unlabelled-pattern": (80, "do_not_say[2].label", "is required for a pattern"),
}


def load(text: str, name: str = "street-robbery-test"):  # type: ignore[no-untyped-def]
    return load_text(text, f"playbooks/{name}.md", **CODES)


def valid_text() -> str:
    return VALID.read_text()


def test_the_valid_fixture_loads_every_part() -> None:
    result = load_file(VALID, **CODES)
    assert result.problems == []
    playbook = result.playbook
    assert playbook is not None
    assert (playbook.id, playbook.version, playbook.review_date) == ("street-robbery-test", 2,
                                                                     date(2027, 4, 30))
    assert playbook.roles["schools_lead"] == "Safer schools lead"
    assert playbook.roles["sio"] == "Senior investigating officer"
    assert list(playbook.anchors) == ["notified", "declared", "arrest", "charge", "assembly_held"]
    assert playbook.input("victim_name").identifies == "child"
    assert playbook.input("victim_name").required is False
    assert playbook.input("victim_age").maximum == 25
    assert playbook.statements["holding"].placeholders == ("called_at", "general_location",
                                                           "next_update_time")
    assert playbook.status_updates is not None and playbook.status_updates.every == timedelta(hours=2)
    assert [p.id for p in playbook.community_impact] == ["mood"]
    assert playbook.briefing.startswith("# Briefing")


def test_the_timeline_groups_steps_by_clock_in_due_order() -> None:
    playbook = load_file(VALID, **CODES).playbook
    assert playbook is not None
    timeline = [(anchor, [(s.id, s.at.label()) for s in steps]) for anchor, steps in playbook.timeline()]
    assert timeline == [
        ("notified", [("monitor", "notified+15m"), ("holding", "notified+45m")]),
        ("declared", [("schools", "declared+2h")]),
        ("arrest", [("arrest-release", "arrest+30m")]),
        ("charge", [("charge-check", "charge")]),
        ("assembly_held", [("assembly", "assembly_held+1d")]),
    ]


def test_step_conditions_are_read_against_the_inputs() -> None:
    playbook = load_file(VALID, **CODES).playbook
    assert playbook is not None
    schools = next(step for step in playbook.steps if step.id == "schools")
    assert schools.when is not None
    assert schools.when.holds({"victim_age": 15.0, "weapon": "knife"})
    assert not schools.when.holds({"victim_age": 19.0, "weapon": "knife"})
    assert not schools.when.holds({"weapon": "knife"})  # an unanswered input never satisfies it
    monitor = next(step for step in playbook.steps if step.id == "monitor")
    assert monitor.when is not None and monitor.repeat == timedelta(hours=2)
    assert monitor.when.holds({"footage_online": True, "weapon": "none seen"})
    assert monitor.when.holds({"footage_online": False, "weapon": "knife"})
    assert not monitor.when.holds({"footage_online": False, "weapon": "none seen"})


def test_do_not_say_phrases_match_whole_words_in_any_case() -> None:
    playbook = load_file(VALID, **CODES).playbook
    assert playbook is not None
    phrase, pattern = playbook.do_not_say
    assert phrase.pattern.search("He was KNOWN  to police.")
    assert not phrase.pattern.search("unknown to policemen")
    assert pattern.pattern.search("a gang-related attack")


def test_staff_read_a_phrase_as_itself_and_a_pattern_by_its_label() -> None:
    playbook = load_file(VALID, **CODES).playbook
    assert playbook is not None
    assert [rule.shown_as for rule in playbook.do_not_say] == ["known to police", "gang-related"]


def with_label(label: str) -> str:
    """The valid fixture with its pattern's label replaced (quoted, so YAML keeps it as written)."""
    return valid_text().replace("label: gang-related,", f"label: {json.dumps(label)},", 1)


@pytest.mark.parametrize("label", ["abc", "x" * 80, "words that predict revenge",
                                   "the victim's drinking, clothing or behaviour", "tit-for-tat & feuds"])
def test_a_label_of_plain_words_is_shown_as_written(label: str) -> None:
    playbook = load(with_label(label)).playbook
    assert playbook is not None
    assert playbook.do_not_say[1].shown_as == label


@pytest.mark.parametrize(("label", "words"), [
    ("gang[- ]related", "should be plain words, not a regular expression: take out [ ]"),
    (r"\bgangs?\b", "take out ? \\"),
    ("gangs|crews", "take out |"),
    ("(gang) words", "take out ( )"),
    ("gang.*", "take out *"),
    ("ab", "should be 3 to 80 characters (it is 2)"),
    ("x" * 81, "should be 3 to 80 characters (it is 81)"),
    ("", "is required for a pattern"),
])
def test_a_label_must_be_3_to_80_characters_of_plain_words(label: str, words: str) -> None:
    problems = load(with_label(label)).problems
    assert [(p.line, p.field) for p in problems] == [(80, "do_not_say[2].label")]
    assert words in problems[0].message


@pytest.mark.parametrize("path", playbook_files(SHIPPED), ids=lambda path: path.stem)
def test_every_shipped_playbook_loads_and_labels_its_patterns(path: Path) -> None:
    result = load_file(path, **CODES)
    assert result.problems == [], [str(p) for p in result.problems]
    parts = split_front_matter(path.read_text(encoding="utf-8"))
    assert parts is not None
    entries = yaml.safe_load(parts[0]).get("do_not_say", [])
    assert [entry["pattern"] for entry in entries if "pattern" in entry and not entry.get("label")] == []
    assert result.playbook is not None
    assert [rule.shown_as for rule in result.playbook.do_not_say if REGEX_SYNTAX.search(rule.shown_as)] == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_invalid_fixture_names_its_problem(name: str) -> None:
    line, field, words = EXPECTED[name]
    result = load_file(FIXTURES / "invalid" / f"{name}.md", **CODES)
    assert result.playbook is None
    assert len(result.problems) == 1, [str(p) for p in result.problems]
    problem = result.problems[0]
    assert (problem.line, problem.field) == (line, field)
    assert words in problem.message
    assert str(problem).startswith(f"{FIXTURES / 'invalid' / name}.md:{line}: ")


def test_every_invalid_fixture_is_covered() -> None:
    assert {path.stem for path in playbook_files(FIXTURES / "invalid")} == set(EXPECTED)


def test_a_folder_keeps_the_valid_files_and_sets_the_invalid_aside(tmp_path: Path) -> None:
    (tmp_path / VALID.name).write_text(valid_text())
    (tmp_path / "broken.md").write_text("---\nid: [\n---\n")
    (tmp_path / "README.md").write_text("Not a playbook.")
    library = read_folder(tmp_path, **CODES)
    assert list(library.playbooks) == ["street-robbery-test"]
    assert [Path(result.path).name for result in library.invalid] == ["broken.md"]


def test_every_problem_in_a_file_is_reported_in_one_run() -> None:
    text = (valid_text().replace("owner: sio", "owner: chief")
            .replace("at: +15m", "at: soon").replace("category: serious_violence", "category: robbery"))
    messages = [f"{p.field}: {p.message}" for p in load(text).problems]
    assert any(m.startswith("category:") and '"robbery" is not one of' in m for m in messages)
    assert any(m.startswith("steps[3].at:") for m in messages)
    assert any(m.startswith("steps[6].owner:") and '"chief"' in m for m in messages)


@pytest.mark.parametrize(("change", "field", "words"), [
    (("id: street-robbery-test", "id: street-robbery"), "id", 'name the file "street-robbery.md"'),
    (("id: street-robbery-test", "id: Street_Robbery"), "id", "lowercase letters, digits and hyphens"),
    (("version: 2", "version: two"), "version", "whole number"),
    (("version: 2", "version: 0"), "version", "whole number"),
    (("default_severity: medium", "default_severity: severe"), "default_severity", "is not one of"),
    (("  schools_lead: Safer schools lead", "  schools_lead:"), "roles.schools_lead",
     "not a standard role: give it a label"),
    (("  assembly_held: Assembly held", "  assembly_held:"), "anchors.assembly_held",
     "not a standard anchor"),
    (("type: number, min: 5", "type: text, min: 5"), "inputs[3].min", "only a number input"),
    (("choices: [knife, none seen]", "choices: [knife]"), "inputs[4].choices", "at least two"),
    (("type: yesno}", "type: yesno, choices: [a, b]}"), "inputs[5].choices", "only a choice input"),
    (("type: yesno}", "type: tickbox}"), "inputs[5].type", '"tickbox" is not one of'),
    (("identifies: child", "identifies: witness"), "inputs[7].identifies", "should be one of"),
    (("{id: unit, label", "{id: general_location, label"), "inputs[6].id", "is already an input"),
    (("    approval: sio\n", "    approval: sio\n    colour: red\n"), "steps[1].colour",
     "is not a key this part may have"),
    (("    statement: arrest\n", "    statement: arrest\n    approval: sio\n"), None, None),
    (("at: assembly_held+1d", "at: assembly_held+90d"), "steps[5].at", "more than 60 days"),
    (('weapon == "knife"', "weapon < 3"), "steps[2].when", "can only be tested with == or !="),
    (("victim_age < 18", 'victim_age < "young"'), "steps[2].when", "is a number"),
    (("footage_online == yes", 'footage_online == "true"'), "steps[3].when", "compare it with yes or no"),
    (("footage_online == yes", "footage_online is yes"), "steps[3].when", "should compare an input"),
    (("footage_online == yes or", "footage_online == yes nor"), "steps[3].when", 'expected "and" or "or"'),
    (("footage_online == yes", "footage_online == maybe"), "steps[3].when", "is not a value"),
    (("footage_online == yes", "footage_online == yes; drop"), "steps[3].when", "cannot read"),
    (("{phrase: known to police, reason: Prejudges the suspect.}", "{phrase: known to police}"),
     "do_not_say[1].reason", "is required"),
    (("{pattern: \"gang[- ]related\",", "{pattern: \"gang[\","), "do_not_say[2].pattern",
     "is not a regular expression"),
    (("{phrase: known to police,", "{phrase: known to police, pattern: x,"), "do_not_say[1]",
     "either a phrase or a pattern"),
    (("{phrase: known to police,", "{phrase: known to police, label: known to the police,"), None, None),
    (("label: gang-related,", "lable: gang-related,"), "do_not_say[2].lable",
     "is not a key this part may have"),
    (("status_updates: {every: 2h, owner: duty_press_officer}",
      "status_updates: {every: soon, owner: duty_press_officer}"), "status_updates.every",
     "is not a span of time"),
    (("    kind: arrest\n", "    kind: press_release\n"), "statements.arrest.kind", "is not one of"),
    (("triggers:\n  - A pupil", "triggers: A pupil\nx:\n  - A pupil"), "triggers", "should be a list"),
])
def test_each_fault_is_named_by_its_field(change: tuple[str, str], field: str | None,
                                          words: str | None) -> None:
    text = valid_text()
    assert change[0] in text
    problems = load(text.replace(change[0], change[1], 1)).problems
    if field is None:  # the change is allowed
        assert problems == []
        return
    assert any(p.field == field and words in p.message for p in problems), [str(p) for p in problems]


def test_yaml_cannot_build_python_objects() -> None:
    text = valid_text().replace("owner: Duty press office manager",
                                "owner: !!python/object/apply:os.system ['echo hacked']")
    problems = load(text).problems
    assert problems and "the YAML cannot be read" in problems[0].message


def test_an_empty_front_matter_is_a_problem_not_a_crash() -> None:
    problems = load("---\n---\nbody").problems
    assert [p.message for p in problems] == ["the front matter should be a mapping of keys to values"]
