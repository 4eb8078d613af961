"""Read one playbook file, check every part of it, and say exactly where each problem is.

The front matter is parsed once into a node tree (for line numbers) and built into plain
Python values with PyYAML's safe constructor; nothing in a file can run code. Reading goes on
after a problem so that one run of `playbooks check` lists all of them.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from commsplan.playbooks import statements, vocab
from commsplan.playbooks.conditions import Condition, ConditionError, parse_condition
from commsplan.playbooks.fields import Where
from commsplan.playbooks.model import (
    ImpactPrompt,
    Input,
    Offset,
    Playbook,
    Problem,
    StatementTemplate,
    StatusUpdates,
    Step,
)
from commsplan.playbooks.stages import StageReader
from commsplan.playbooks.timing import TimingError, parse_offset

PLAYBOOK_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# Presence is checked here only for keys whose own reader does not report them missing.
REQUIRED_KEYS = ("version", "review_date", "roles")
# Whom `under_18_if` may mark as a child: people suspected, detained or charged.
CHILD_CAPABLE = ("suspect", "private")
KNOWN_KEYS = {*REQUIRED_KEYS, "id", "title", "owner", "category", "summary", "elements", "qualifiers",
              "default_severity", "triggers", "anchors", "inputs", "steps", "statements",
              "status_updates", "do_not_say", "community_impact"}


@dataclass
class LoadResult:
    path: str
    playbook: Playbook | None
    problems: list[Problem] = field(default_factory=list)
    id: str | None = None


def load_file(path: Path, *, elements: Collection[str], qualifiers: Collection[str]) -> LoadResult:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return LoadResult(str(path), None, [Problem(str(path), None, "", f"cannot be read: {error}")])
    return load_text(text, str(path), elements=elements, qualifiers=qualifiers)


# libyaml's parser when PyYAML was built with it: the same documents, line marks and errors, ten
# times faster (every app reads the sixteen files once, every test builds an app).
FastSafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_text(text: str, path: str, *, elements: Collection[str] | None,
              qualifiers: Collection[str] | None) -> LoadResult:
    """Check a playbook's text; a playbook comes back only when there is no problem at all."""
    parts = split_front_matter(text)
    if parts is None:
        return LoadResult(path, None, [Problem(path, 1, "", "the file must start with YAML front "
                                               "matter between two lines of three dashes (---)")])
    front, briefing = parts
    try:
        loader = FastSafeLoader(front)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        reason = getattr(error, "problem", None) or str(error)
        return LoadResult(path, None, [Problem(path, line, "", f"the YAML cannot be read: {reason}")])
    reader = Reader(path, node, elements=elements, qualifiers=qualifiers)
    playbook = reader.playbook(data, briefing.strip(), text)
    found_id = data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else None
    if reader.problems:
        return LoadResult(path, None, reader.problems, found_id)
    return LoadResult(path, playbook, [], found_id)


def split_front_matter(text: str) -> tuple[str, str] | None:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for number, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "".join(lines[1:number]), "".join(lines[number + 1:])
    return None


class Reader(StageReader):
    """Builds a Playbook from the parsed front matter, collecting a Problem for each fault."""

    def __init__(self, path: str, node: yaml.Node | None, *, elements: Collection[str] | None,
                 qualifiers: Collection[str] | None) -> None:
        super().__init__(path, node)
        self.known_elements = None if elements is None else set(elements)
        self.known_qualifiers = None if qualifiers is None else set(qualifiers)

    # --- The whole playbook -------------------------------------------------------------------

    def playbook(self, data: Any, briefing: str, source: str) -> Playbook | None:
        if not isinstance(data, dict):
            self.problem((), "the front matter should be a mapping of keys to values")
            return None
        for key in REQUIRED_KEYS:
            if key not in data:
                self.problem((key,), "is required")
        self.unknown_keys(data, KNOWN_KEYS, ())
        roles = self.vocabulary(data, "roles", vocab.STANDARD_ROLES, "role")
        repeatable = self.repeatable_anchors(data)
        anchors = {vocab.START_ANCHOR: vocab.STANDARD_ANCHORS[vocab.START_ANCHOR],
                   **self.vocabulary(data, "anchors", vocab.STANDARD_ANCHORS, "anchor")}
        inputs = self.inputs(data)
        self.naming_clocks(data, inputs, anchors)
        templates = self.statements(data, inputs)
        steps = self.steps(data, roles, anchors, inputs, templates)
        self.each_steps(data, steps, repeatable)
        status_updates = self.status_updates(data, roles)
        do_not_say, community_impact = self.do_not_say(data, anchors), self.community_impact(data)
        header = self.header(data)
        if self.problems or header is None:
            return None
        return Playbook(**header, roles=roles, anchors=anchors, inputs=tuple(inputs.values()), steps=steps,
                        statements=templates, status_updates=status_updates, do_not_say=do_not_say,
                        community_impact=community_impact, briefing=briefing, source_text=source,
                        source_path=self.path, repeatable=repeatable)

    def header(self, data: dict[str, Any]) -> dict[str, Any] | None:
        playbook_id = self.text(data, "id", ())
        if playbook_id and not PLAYBOOK_ID.match(playbook_id):
            self.problem(("id",), "use lowercase letters, digits and hyphens, like fatal-stabbing")
        elif playbook_id and Path(self.path).stem != playbook_id:
            self.problem(("id",), f'should match the file name: name the file "{playbook_id}.md"')
        version = data.get("version")
        if "version" in data and (not isinstance(version, int) or isinstance(version, bool)
                                  or version < 1):
            self.problem(("version",), "should be a whole number, 1 or more")
        review_date = data.get("review_date")
        if "review_date" in data and not isinstance(review_date, date):
            self.problem(("review_date",), "should be a date written YYYY-MM-DD")
        values = {
            "id": playbook_id, "title": self.text(data, "title", ()),
            "owner": self.text(data, "owner", ()), "summary": self.text(data, "summary", ()),
            "category": self.choice(data, "category", (), vocab.CATEGORIES),
            "default_severity": self.choice(data, "default_severity", (), vocab.SEVERITIES),
            "elements": self.codes(data, "elements", self.known_elements, required=True),
            "qualifiers": self.codes(data, "qualifiers", self.known_qualifiers, required=False),
            "triggers": self.texts(data, "triggers", (), required=True),
            "version": version, "review_date": review_date,
        }
        return None if self.problems else values

    def codes(self, data: dict[str, Any], key: str, known: set[str] | None, *, required: bool
              ) -> tuple[str, ...]:
        """Element or qualifier codes; `known` is None when they were checked once already."""
        codes = self.texts(data, key, (), required=required)
        for number, code in enumerate(codes):
            if known is not None and code not in known:
                self.problem((key, number), f'unknown code "{code}" (known: {", ".join(sorted(known))})')
        return codes

    def vocabulary(self, data: dict[str, Any], key: str, standard: dict[str, str], kind: str
                   ) -> dict[str, str]:
        """Roles or anchors: standard ids may leave the label empty; others must give one."""
        declared: dict[str, str] = {}
        for name, label in self.mapping(data.get(key), (key,)).items():
            where: Where = (key, name)
            if kind == "anchor" and isinstance(label, dict):
                label = label.get("label")
            if not isinstance(name, str) or not NAME.match(name):
                self.problem(where, f"a {kind} id uses lowercase letters, digits and underscores")
            elif label is None and name not in standard:
                self.problem(where, f'"{name}" is not a standard {kind}: give it a label')
            elif label is not None and not (isinstance(label, str) and label.strip()):
                self.problem(where, "the label should be text")
            else:
                declared[name] = (label or standard[name]).strip()
        return declared

    # --- Inputs -------------------------------------------------------------------------------

    def inputs(self, data: dict[str, Any]) -> dict[str, Input]:
        found: dict[str, Input] = {}
        for where, item in self.items(data, "inputs", (), required=True):
            self.unknown_keys(item, {"id", "label", "type", "required", "help", "choices", "min", "max",
                                     "identifies", "under_18_if"}, where)
            input_id = self.text(item, "id", where)
            if input_id and not NAME.match(input_id):
                self.problem((*where, "id"), "use lowercase letters, digits and underscores")
            elif input_id in found:
                self.problem((*where, "id"), f'"{input_id}" is already an input')
            built = self.input(item, where, input_id)
            if built is not None and input_id not in found:
                found[input_id] = built
        return self.child_conditions(data, found)

    def child_conditions(self, data: dict[str, Any], found: dict[str, Input]) -> dict[str, Input]:
        """Read each suspect's `under_18_if` once every input it may name is known."""
        for where, item in self.listed(data, "inputs"):
            built = found.get(item.get("id"))  # type: ignore[arg-type]
            if "under_18_if" not in item or built is None:
                continue
            if built.identifies not in CHILD_CAPABLE:
                self.problem((*where, "under_18_if"), "only an input that identifies a suspect or a "
                                                      "private person has it")
                continue
            condition = self.condition({"when": item["under_18_if"]}, where, found, key="under_18_if")
            found[built.id] = replace(built, under_18_if=condition)
        return found

    def input(self, item: dict[str, Any], where: Where, input_id: str) -> Input | None:
        kind = self.choice(item, "type", where, vocab.INPUT_TYPES)
        choices = self.texts(item, "choices", where)
        if kind == "choice" and len(choices) < 2:
            self.problem((*where, "choices"), "a choice input needs at least two choices")
        elif choices and kind != "choice":
            self.problem((*where, "choices"), "only a choice input has choices")
        identifies = item.get("identifies")
        if identifies is not None and identifies not in vocab.IDENTIFIES:
            self.problem((*where, "identifies"), f'should be one of: {", ".join(vocab.IDENTIFIES)}')
        required = item.get("required", True)
        if not isinstance(required, bool):
            self.problem((*where, "required"), "should be true or false")
        bounds = [self.bound(item, key, where, kind) for key in ("min", "max")]
        label = self.text(item, "label", where)
        if not input_id or not kind or not label:
            return None
        return Input(input_id, label, kind, required is not False, self.text(item, "help", where,
                     required=False), choices, bounds[0], bounds[1], identifies)

    def bound(self, item: dict[str, Any], key: str, where: Where, kind: str) -> float | None:
        value = item.get(key)
        if value is None:
            return None
        if kind != "number" or isinstance(value, bool) or not isinstance(value, int | float):
            self.problem((*where, key), "only a number input has a minimum or maximum, itself a number")
            return None
        return float(value)

    # --- Statements ---------------------------------------------------------------------------

    def statements(self, data: dict[str, Any], inputs: dict[str, Input]) -> dict[str, StatementTemplate]:
        found: dict[str, StatementTemplate] = {}
        for statement_id, item in self.mapping(data.get("statements"), ("statements",)).items():
            where: Where = ("statements", statement_id)
            if not isinstance(statement_id, str) or not NAME.match(statement_id):
                self.problem(where, "a statement id uses lowercase letters, digits and underscores")
                continue
            item = self.mapping(item, where)
            self.unknown_keys(item, {"title", "kind", "body"}, where)
            title, body = self.text(item, "title", where), self.text(item, "body", where)
            kind = self.choice(item, "kind", where, vocab.STATEMENT_KINDS)
            names = self.placeholders(body, (*where, "body"), inputs)
            found[statement_id] = StatementTemplate(statement_id, title, kind, body, tuple(sorted(names)))
        return found

    def placeholders(self, body: str, where: Where, inputs: dict[str, Input]) -> set[str]:
        try:
            names = statements.placeholders(body)
        except statements.TemplateSyntaxError as error:
            self.problem(where, f"the template cannot be read: {error.message} "
                                f"(line {error.lineno} of the body)")
            return set()
        for name in sorted(names - set(inputs)):
            self.problem(where, f'placeholder "{{{{ {name} }}}}" is not declared as an input')
        return names

    # --- Steps --------------------------------------------------------------------------------

    def steps(self, data: dict[str, Any], roles: dict[str, str], anchors: dict[str, str],
              inputs: dict[str, Input], templates: dict[str, StatementTemplate]) -> tuple[Step, ...]:
        found: list[Step] = []
        seen: set[str] = set()
        for where, item in self.items(data, "steps", (), required=True):
            self.unknown_keys(item, {"id", "title", "at", "owner", "instructions", "checklist", "statement",
                                     "approval", "channels", "audiences", "when", "repeat", "each"},
                              where)
            step_id = self.text(item, "id", where)
            if step_id in seen:
                self.problem((*where, "id"), f'"{step_id}" is already a step')
            seen.add(step_id)
            step = self.step(item, where, step_id, roles, anchors, inputs, templates)
            if step is not None:
                found.append(step)
        return tuple(found)

    def step(self, item: dict[str, Any], where: Where, step_id: str, roles: dict[str, str],
             anchors: dict[str, str], inputs: dict[str, Input],
             templates: dict[str, StatementTemplate]) -> Step | None:
        title = self.text(item, "title", where)
        owner = self.reference(item, "owner", where, roles, "role", required=True)
        approval = self.reference(item, "approval", where, roles, "role", required=False)
        statement = self.reference(item, "statement", where, templates, "statement", required=False)
        if approval and not statement:
            self.problem((*where, "approval"), "only a step that drafts a statement needs approval")
        at = self.offset(item, where, anchors)
        when = self.condition(item, where, inputs, anchors=anchors)
        repeat = self.span(item["repeat"], (*where, "repeat")) if "repeat" in item else None
        texts = {key: self.texts(item, key, where) for key in ("checklist", "channels", "audiences")}
        instructions = self.text(item, "instructions", where, required=False)
        if not (step_id and title and owner and at):
            return None
        each = item.get("each", False)
        if not isinstance(each, bool):
            self.problem((*where, "each"), "should be true or false")
        return Step(step_id, title, at, owner, instructions, texts["checklist"], statement or None,
                    approval or None, texts["channels"], texts["audiences"], when, repeat, each is True)

    def offset(self, item: dict[str, Any], where: Where, anchors: dict[str, str]) -> Offset | None:
        if "at" not in item:
            self.problem((*where, "at"), "is required: when the step is due, like +30m or declared+1h")
            return None
        try:
            anchor, delta = parse_offset(str(item["at"]), vocab.START_ANCHOR)
        except TimingError as error:
            self.problem((*where, "at"), str(error))
            return None
        if anchor not in anchors:
            self.problem((*where, "at"), f'unknown anchor "{anchor}": declare it under anchors '
                                         f'(declared: {", ".join(anchors)})')
            return None
        return Offset(anchor, delta)

    def condition(self, item: dict[str, Any], where: Where, inputs: dict[str, Input], *, key: str = "when",
                  anchors: Collection[str] = ()) -> Condition | None:
        """A condition on the inputs (and, for a step, on the clocks recorded)."""
        if item.get("when") is None:
            return None
        try:
            condition = parse_condition(str(item["when"]))
        except ConditionError as error:
            self.problem((*where, key), str(error))
            return None
        for comparison in condition.comparisons():
            fault = comparison_fault(comparison.name, comparison.op, comparison.value, inputs, anchors)
            if fault:
                self.problem((*where, key), fault)
        return condition

    # --- The rest -----------------------------------------------------------------------------

    def status_updates(self, data: dict[str, Any], roles: dict[str, str]) -> StatusUpdates | None:
        item = self.mapping(data.get("status_updates"), ("status_updates",))
        if not item:
            return None
        every = self.span(item.get("every"), ("status_updates", "every"))
        owner = self.reference(item, "owner", ("status_updates",), roles, "role", required=True)
        return StatusUpdates(every, owner) if every and owner else None

    def community_impact(self, data: dict[str, Any]) -> tuple[ImpactPrompt, ...]:
        found: dict[str, ImpactPrompt] = {}
        for where, item in self.items(data, "community_impact", (), required=False):
            prompt_id, prompt = self.text(item, "id", where), self.text(item, "prompt", where)
            if prompt_id in found:
                self.problem((*where, "id"), f'"{prompt_id}" is already a prompt')
            elif prompt_id and prompt:
                found[prompt_id] = ImpactPrompt(prompt_id, prompt, self.text(item, "guidance", where,
                                                                             required=False))
        return tuple(found.values())


def clock_fault(name: str, op: str, value: Any, inputs: dict[str, Input]) -> str:
    """A condition may ask whether a clock has been recorded: `iopc_referral == yes`."""
    if name in inputs:
        return f'"{name}" is both an input and a clock: rename the input'
    if op not in ("==", "!=") or not isinstance(value, bool):
        return f'"{name}" is a clock: test it with == yes (recorded) or == no (not yet recorded)'
    return ""


def comparison_fault(name: str, op: str, value: Any, inputs: dict[str, Input],
                     anchors: Collection[str] = ()) -> str:
    """Why a comparison in a condition cannot work with the input or clock it names ("" when it can)."""
    if name in anchors:
        return clock_fault(name, op, value, inputs)
    if name not in inputs:
        where = " or a clock" if anchors else ""
        return f'"{name}" is not declared as an input{where}'
    spec = inputs[name]
    if spec.type == "number":
        return "" if isinstance(value, float) else f'"{name}" is a number: compare it with a number'
    if spec.type in ("datetime", "unit"):
        return f'"{name}" is a {vocab.INPUT_TYPES[spec.type].lower()}: conditions cannot test it'
    if op not in ("==", "!="):
        return f'"{name}" can only be tested with == or !='
    if spec.type == "yesno":
        return "" if isinstance(value, bool) else f'"{name}" is yes or no: compare it with yes or no'
    if not isinstance(value, str):
        return f'"{name}" is text: compare it with "a string"'
    if spec.type == "choice" and value not in spec.choices:
        return f'"{value}" is not one of the choices of "{name}" ({", ".join(spec.choices)})'
    return ""
