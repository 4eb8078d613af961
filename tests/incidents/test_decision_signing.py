"""The signed decision log: tampering is named by entry and kind, against the signatures, the checkpoint file
outside the database, checkpoints typed from a report, and the audit trail; keys rotate; old entries sign."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import current_app
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select, text

from commsplan.auth.models import Role, User
from commsplan.extensions import db
from commsplan.incidents import decision_chain, decision_checks, decisions
from commsplan.incidents.decision_checks import BreakKind, Problem
from commsplan.incidents.decisions import DecisionInput
from commsplan.incidents.models import DecisionEntry, Incident
from tests.conftest import sign_in
from tests.factories import make_user
from tests.incidents.test_views import app  # noqa: F401 (the app reads the test playbook folder)

Launch = Callable[..., Incident]
ENTRY = DecisionInput("duty_officer", "Hold the name back until the family agree.", ethics=("respect",))


def log(session: Any, incident: Incident, actor: User, now: datetime, entry: DecisionInput = ENTRY
        ) -> DecisionEntry:
    return decisions.add_decision(session, incident, entry, actor=actor, now=now)


@pytest.fixture
def three(launch: Launch, session: Any, duty: User, now: datetime) -> list[DecisionEntry]:
    """Three entries in CI-2026-0001, logged at 10:00, 10:01 and 10:02 and committed (so checkpointed)."""
    incident = launch()
    entries = [log(session, incident, duty, now + timedelta(minutes=n)) for n in range(3)]
    session.commit()
    return entries


def checkpoint_file() -> Path:
    return Path(current_app.config["DECISION_LOG_CHECKPOINT_FILE"])


def verify(runner: FlaskCliRunner, *args: str) -> tuple[int, list[str]]:
    result = runner.invoke(args=["incidents", "verify-log", *args])
    return result.exit_code, result.output.splitlines()


def tampered(runner: FlaskCliRunner, sql: str, *args: str, **values: Any) -> list[str]:
    db.session.execute(text(sql), values)
    db.session.commit()
    code, lines = verify(runner, *args)
    assert code == 1, lines
    return lines


def broken(lines: list[str]) -> list[str]:
    return [line.removeprefix("Broken: ") for line in lines if line.startswith("Broken: ")]


CHANGED = "changed: its signature does not match its contents (the row was changed)"


# --- An intact log -----------------------------------------------------------------------------

def test_verify_log_passes_an_intact_log(runner: FlaskCliRunner, three: list[DecisionEntry]) -> None:
    assert verify(runner) == (0, ["Decision logs intact: 3 entries in 1 incidents.",
                                  "Compared with 3 checkpoint(s) and the audit trail."])
    assert verify(runner, "--incident", "CI-2026-0001")[0] == 0
    code, lines = verify(runner, "--incident", "CI-1999-0001")
    assert code == 1 and "Error: No incident CI-1999-0001" in lines


def test_each_append_writes_a_signed_checkpoint_after_the_commit(launch: Launch, session: Any,
                                                                 duty: User, now: datetime) -> None:
    incident = launch()
    log(session, incident, duty, now)
    session.rollback()  # never committed: nothing to anchor
    assert not checkpoint_file().exists()
    entry = log(session, incident, duty, now)
    assert not checkpoint_file().exists()
    session.commit()
    [line] = checkpoint_file().read_text().splitlines()
    written = json.loads(line)
    assert {name: value for name, value in written.items() if name != "signature"} == {
        "incident_id": incident.id, "reference": "CI-2026-0001", "count": 1, "head": entry.signature,
        "at": "2026-11-20T10:00:00+00:00", "key_id": "local"}
    secret = current_app.config["DECISION_LOG_KEYS"]["local"]
    assert written["signature"] == decision_chain.checkpoint_signature(
        {name: value for name, value in written.items() if name != "signature"}, secret)


# --- Tampering, named by entry and kind --------------------------------------------------------

def test_an_entry_rewritten_and_the_chain_rehashed_is_changed(runner: FlaskCliRunner,
                                                              three: list[DecisionEntry]) -> None:
    """Someone with the database but not the key edits entry 2 and recomputes every SHA-256 hash after it."""
    db.session.execute(text("UPDATE incident_decisions SET decision = 'No section 60' WHERE id = :id"),
                       {"id": three[1].id})
    db.session.commit()
    db.session.expire_all()
    entries = list(db.session.scalars(select(DecisionEntry).order_by(DecisionEntry.sequence)))
    previous = decision_chain.GENESIS
    for entry in entries:
        entry.prev_hash = previous
        entry.hash = previous = decision_chain.content_hash(entry)
    db.session.commit()
    assert all(entry.hash == decision_chain.content_hash(entry) for entry in entries)  # hashes alone: intact
    code, lines = verify(runner)
    assert code == 1
    assert broken(lines) == [f"CI-2026-0001 decision 2: {CHANGED}", f"CI-2026-0001 decision 3: {CHANGED}"]
    assert lines[-1] == "2 problem(s) found in 3 decision-log entries."


def test_deleting_the_newest_entry_and_its_audit_row_is_missing_at_the_end(
        runner: FlaskCliRunner, three: list[DecisionEntry]) -> None:
    newest_audit = db.session.scalar(text("SELECT max(id) FROM audit_entries WHERE action = 'decision'"))
    db.session.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": newest_audit})
    lines = tampered(runner, "DELETE FROM incident_decisions WHERE id = :id", id=three[2].id)
    assert broken(lines) == [
        "CI-2026-0001 decision 3: missing at the end: the checkpoint written at 10:02 on 20 Nov 2026 "
        "counts 3 entries but the log ends at entry 2 (the newest entries were removed)"]


def test_the_audit_trail_still_counts_removed_entries(runner: FlaskCliRunner,
                                                      three: list[DecisionEntry]) -> None:
    lines = tampered(runner, "DELETE FROM incident_decisions")
    assert "CI-2026-0001 decision 1: missing at the end: the audit trail records 3 decisions but the log " \
           "is empty (the newest entries were removed)" in broken(lines)


def test_deleting_a_middle_entry_is_removed(runner: FlaskCliRunner, three: list[DecisionEntry]) -> None:
    lines = tampered(runner, "DELETE FROM incident_decisions WHERE id = :id", id=three[1].id)
    assert broken(lines) == ["CI-2026-0001 decision 3: removed: entry 2 was removed from before it"]


def test_deleting_the_first_entries_is_removed(runner: FlaskCliRunner, three: list[DecisionEntry]) -> None:
    lines = tampered(runner, "DELETE FROM incident_decisions WHERE id IN (:a, :b)", a=three[0].id,
                     b=three[1].id)
    assert broken(lines) == ["CI-2026-0001 decision 3: removed: entries 1 to 2 were removed from before it"]


def test_a_rewritten_signature_link_is_relinked(runner: FlaskCliRunner, three: list[DecisionEntry]) -> None:
    lines = tampered(runner, "UPDATE incident_decisions SET prev_signature = :fake WHERE id = :id",
                     fake="f" * 64, id=three[2].id)
    assert broken(lines) == ["CI-2026-0001 decision 3: relinked: its signature link does not match entry 2",
                             f"CI-2026-0001 decision 3: {CHANGED}"]


def test_a_rewritten_hash_link_is_relinked(runner: FlaskCliRunner, three: list[DecisionEntry]) -> None:
    lines = tampered(runner, "UPDATE incident_decisions SET prev_hash = :fake WHERE id = :id",
                     fake="f" * 64, id=three[0].id)
    assert broken(lines) == [
        "CI-2026-0001 decision 1: relinked: its hash link (prev_hash) does not match the start of the log",
        "CI-2026-0001 decision 1: changed: its hash does not match its contents (the row was changed)",
        f"CI-2026-0001 decision 1: {CHANGED}"]


@pytest.mark.parametrize(("column", "value"), [("decided_by_id", 1), ("recorded_by_id", 1),
                                               ("ethics", '["integrity"]'), ("ethics_note", "Added later"),
                                               ("decision_role", "sio"), ("signed_later", True)])
def test_who_decided_who_recorded_role_and_ethics_are_signed(
        runner: FlaskCliRunner, session: Any, now: datetime, three: list[DecisionEntry], column: str,
        value: Any) -> None:
    if column.endswith("_id"):
        value = make_user(session, roles=(Role.DUTY_OFFICER,), now=now).id
    lines = tampered(runner, f"UPDATE incident_decisions SET {column} = :value WHERE id = :id", value=value,
                     id=three[1].id)
    assert f"CI-2026-0001 decision 2: {CHANGED}" in broken(lines)


def test_a_signature_removed_after_signing_began_is_changed(runner: FlaskCliRunner,
                                                            three: list[DecisionEntry]) -> None:
    lines = tampered(runner, "UPDATE incident_decisions SET signature = NULL, key_id = NULL, "
                     "prev_signature = NULL WHERE id = :id", id=three[2].id)
    assert "CI-2026-0001 decision 3: changed: it has no signature, yet every entry after signing began is " \
           "signed (its signature was removed)" in broken(lines)


def test_the_check_page_names_each_break_and_shows_the_head(
        client: FlaskClient, signed_in: Callable[..., User], three: list[DecisionEntry]) -> None:
    heads = [entry.signature[:16] for entry in three]
    db.session.execute(text("UPDATE incident_decisions SET threat_risk = 'None' WHERE id = :id"),
                       {"id": three[1].id})
    db.session.execute(text("DELETE FROM incident_decisions WHERE id = :id"), {"id": three[2].id})
    db.session.commit()
    signed_in(Role.COMMS_OFFICER)
    page = client.get(f"/incidents/{three[0].incident_id}/decisions/verify").text
    assert "The log does not match what was written" in page
    assert "Entry 2 (changed): its hash does not match its contents (the row was changed)" in page
    assert "Entry 2 (changed): its signature does not match its contents" in page
    assert "Entry 3 (missing at the end): the checkpoint written at 10:02 on 20 Nov 2026 counts 3" in page
    assert "Entry 1 (" not in page
    assert f"2 entries, head {heads[1]}" in page
    assert f"3 entries, head {heads[2]}, written 20 Nov 2026, 10:02" in page


def test_the_check_page_of_an_intact_log(client: FlaskClient, signed_in: Callable[..., User],
                                         three: list[DecisionEntry]) -> None:
    signed_in(Role.COMMS_OFFICER)
    page = client.get(f"/incidents/{three[0].incident_id}/decisions/verify").text
    assert "All 3 entries match their signatures and follow on from each other, and the log holds " \
           "everything its latest checkpoint recorded." in page
    assert f"--checkpoint CI-2026-0001:3:{three[2].signature[:16]}" in page
    assert "3 decisions recorded" in page
    assert 'Signed with key</dt><dd class="govuk-summary-list__value">local' in page


# --- Keys --------------------------------------------------------------------------------------

def test_a_new_key_signs_new_entries_and_old_ones_still_verify(runner: FlaskCliRunner,
                                                               session: Any, duty: User, now: datetime,
                                                               three: list[DecisionEntry]) -> None:
    current_app.config["DECISION_LOG_KEYS"] = {**current_app.config["DECISION_LOG_KEYS"], "2027-1": "n" * 40}
    current_app.config["DECISION_LOG_KEY_ID"] = "2027-1"
    incident = session.get(Incident, three[0].incident_id)
    fourth = log(session, incident, duty, now + timedelta(minutes=3))
    session.commit()
    assert (three[0].key_id, fourth.key_id, fourth.prev_signature) == ("local", "2027-1", three[2].signature)
    assert verify(runner)[0] == 0
    assert json.loads(checkpoint_file().read_text().splitlines()[-1])["key_id"] == "2027-1"


def test_an_entry_signed_with_a_key_no_longer_held_is_unknown_key(runner: FlaskCliRunner,
                                                                  three: list[DecisionEntry]) -> None:
    current_app.config["DECISION_LOG_KEYS"] = {"2027-1": "n" * 40}
    current_app.config["DECISION_LOG_KEY_ID"] = "2027-1"
    code, lines = verify(runner)
    unknown = ("unknown key: signed with key “local”, which DECISION_LOG_KEYS does not hold, so its "
               "signature cannot be checked")
    assert code == 1
    assert [line for line in broken(lines) if "checkpoint file" not in line] == [
        f"CI-2026-0001 decision {n}: {unknown}" for n in (1, 2, 3)]
    assert [line for line in broken(lines) if "checkpoint file" in line] == [
        f"CI-2026-0001 decision {n}: unknown key: line {n} of the checkpoint file is signed with key "
        "“local”, which DECISION_LOG_KEYS does not hold" for n in (1, 2, 3)]


def test_a_changed_or_broken_checkpoint_file_is_reported(runner: FlaskCliRunner,
                                                         three: list[DecisionEntry]) -> None:
    path = checkpoint_file()
    lines = path.read_text().splitlines()
    forged = json.loads(lines[2]) | {"count": 2}
    path.write_text("\n".join([lines[0], json.dumps(forged), "not json", '{"count": "3"}']) + "\n")
    code, output = verify(runner)
    assert code == 1 and broken(output) == [
        "CI-2026-0001 decision 2: changed: line 2 of the checkpoint file does not match its signature "
        "(the file was changed)",
        "Checkpoint file: changed: line 3 of the checkpoint file is not a checkpoint",
        "Checkpoint file: changed: line 4 of the checkpoint file is not a checkpoint"]


def test_a_log_with_no_checkpoint_is_warned_about(runner: FlaskCliRunner,
                                                  three: list[DecisionEntry]) -> None:
    checkpoint_file().unlink()
    code, lines = verify(runner)
    assert code == 0 and lines[0].startswith("Warning: CI-2026-0001 has no checkpoint in ")
    assert lines[1:] == ["Decision logs intact: 3 entries in 1 incidents.",
                         "Compared with 0 checkpoint(s) and the audit trail."]


# --- Checkpoints carried by copies -------------------------------------------------------------

def test_a_checkpoint_typed_from_the_report_detects_a_shortened_log(
        client: FlaskClient, runner: FlaskCliRunner, three: list[DecisionEntry]) -> None:
    """Someone with both the database and the checkpoint file removes the newest entry everywhere; the
    printed report still carries the head."""
    sign_in(client, three[0].decided_by)
    report = client.get(f"/incidents/{three[0].incident_id}/report").text
    token = f"CI-2026-0001:3:{three[2].signature[:16]}"
    assert f"Chain head: 3 entries, head {three[2].signature[:16]}, signed with key “local”." in report
    assert f"--checkpoint {token}</code>" in report
    db.session.execute(text("DELETE FROM audit_entries WHERE id = (SELECT max(id) FROM audit_entries "
                            "WHERE action = 'decision')"))
    path = checkpoint_file()
    path.write_text("".join(path.read_text().splitlines(keepends=True)[:2]))
    db.session.execute(text("DELETE FROM incident_decisions WHERE id = :id"), {"id": three[2].id})
    db.session.commit()
    assert verify(runner)[0] == 0  # nothing left inside the system says it was longer
    code, lines = verify(runner, "--checkpoint", token)
    assert code == 1 and broken(lines) == [
        "CI-2026-0001 decision 3: missing at the end: the checkpoint you gave counts 3 entries but the log "
        "ends at entry 2 (the newest entries were removed)"]


def test_a_checkpoint_typed_from_an_email_detects_a_re_signed_head(runner: FlaskCliRunner,
                                                                   session: Any,
                                                                   three: list[DecisionEntry]) -> None:
    """Even someone holding the key, who rewrites an entry and re-signs it, does not match a copy's head."""
    head = decision_chain.chain_head(session, session.get(Incident, three[0].incident_id))
    assert head is not None and head.token == f"CI-2026-0001:3:{three[2].signature[:16]}"
    line = decision_chain.format_chain_head(head)
    assert line == (f"Decision log: 3 entries, head {three[2].signature[:16]}. To check the log against this "
                    f"later: flask --app wsgi incidents verify-log --checkpoint {head.token}")
    checkpoint_file().unlink()
    entry = three[2]
    entry.decision = "Name the victim now."
    decision_chain.seal(entry, three[1], decision_chain.current_log_settings())
    session.commit()
    assert verify(runner)[0] == 0
    code, lines = verify(runner, "--checkpoint", f"CI-2026-0001:3:{head.short_signature.upper()}")
    assert code == 1 and broken(lines) == [
        f"CI-2026-0001 decision 3: changed: it is not the entry the checkpoint you gave recorded as the head "
        f"({head.short_signature})"]


@pytest.mark.parametrize(("typed", "words"), [
    ("CI-2026-0001:3", "Give a checkpoint as REFERENCE:ENTRIES:HEAD"),
    ("CI-2026-0001:3:3f2a", "at least 8 characters of the head"),
    ("CI-2026-0001:0:3f2a9c1b", "Give a checkpoint as REFERENCE:ENTRIES:HEAD"),
    ("CI-2026-0001:3:not-hex!", "Give a checkpoint as REFERENCE:ENTRIES:HEAD"),
    ("CI-2026-0009:3:3f2a9c1b", "No incident CI-2026-0009"),
])
def test_a_bad_typed_checkpoint_is_refused(runner: FlaskCliRunner, three: list[DecisionEntry], typed: str,
                                           words: str) -> None:
    result = runner.invoke(args=["incidents", "verify-log", "--checkpoint", typed])
    assert result.exit_code == 2 and words in result.output, result.output


def test_a_typed_checkpoint_must_match_the_incident_checked(runner: FlaskCliRunner, launch: Launch,
                                                            three: list[DecisionEntry]) -> None:
    launch(title="Another")
    result = runner.invoke(args=["incidents", "verify-log", "--incident", "CI-2026-0002", "--checkpoint",
                                 f"CI-2026-0001:3:{three[2].signature[:16]}"])
    assert result.exit_code == 2 and "Give checkpoints of CI-2026-0002 only" in result.output


def test_the_markdown_report_carries_the_head_and_who_recorded_each_entry(
        client: FlaskClient, launch: Launch, session: Any, duty: User, now: datetime) -> None:
    incident = launch()
    log(session, incident, duty, now, DecisionInput(
        "duty_officer", "Hold the name back.", information="Family not yet told",
        ethics=("respect", "openness"), ethics_note="The family come first.\nThen the public."))
    log(session, incident, duty, now, DecisionInput("duty_officer", "Publish the appeal."))
    session.commit()
    sign_in(client, duty)
    markdown = client.get(f"/incidents/{incident.id}/report.md").text
    head = decision_chain.chain_head(session, incident)
    assert head is not None
    section = markdown[markdown.index("## Decision log"):markdown.index("## Community impact assessments")]
    assert section == (
        f"## Decision log\n\n{decision_chain.format_chain_head(head)}\n\n"
        "### 1. Hold the name back.\n\n20 Nov 2026, 10:00, Dana Duty as Duty officer\n\n"
        "- Information and intelligence: Family not yet told\n- Code of Ethics: Openness, respect\n"
        "- How the mission, values and ethics shaped it: The family come first.\n  Then the public.\n\n"
        "### 2. Publish the appeal.\n\n20 Nov 2026, 10:00, Dana Duty as Duty officer\n\n"
        "- Code of Ethics: not recorded\n\n")


# --- Entries logged before signing began -------------------------------------------------------

def unsign(session: Any, *ids: int) -> None:
    session.execute(text("UPDATE incident_decisions SET signature = NULL, key_id = NULL, "
                         f"prev_signature = NULL WHERE id IN ({', '.join(map(str, ids))})"))
    session.commit()


def test_legacy_entries_are_reported_unsigned_and_signed_after_checking(
        runner: FlaskCliRunner, session: Any, three: list[DecisionEntry]) -> None:
    checkpoint_file().unlink()  # as before signing began: no checkpoint either
    unsign(session, *(entry.id for entry in three))
    code, lines = verify(runner)
    assert code == 1 and [line.split(": ")[1] for line in broken(lines)] == ["unsigned"] * 3
    dry = runner.invoke(args=["incidents", "sign-legacy"])
    assert dry.exit_code == 0 and dry.output.splitlines() == [
        "CI-2026-0001: would sign 3 entries.",
        "Dry run: nothing was signed. Run again with --commit to sign."]
    session.expire_all()
    assert session.scalar(select(DecisionEntry.signature).where(DecisionEntry.id == three[0].id)) is None
    done = runner.invoke(args=["incidents", "sign-legacy", "--commit"])
    assert done.exit_code == 0 and done.output == "CI-2026-0001: signed 3 entries.\n"
    session.expire_all()
    assert all(entry.signed_later and entry.key_id == "local" for entry in three)
    assert verify(runner)[0] == 0
    assert json.loads(checkpoint_file().read_text())["count"] == 3
    again = runner.invoke(args=["incidents", "sign-legacy", "--commit"])
    assert again.output == "No unsigned entries.\n"


def test_an_entry_signed_while_the_one_before_was_unsigned_still_links(
        runner: FlaskCliRunner, session: Any, duty: User, now: datetime,
        three: list[DecisionEntry]) -> None:
    unsign(session, three[2].id)
    session.execute(text("DELETE FROM incident_decisions WHERE id IN (:a, :b)"), {"a": three[0].id,
                                                                                   "b": three[1].id})
    session.execute(text("UPDATE incident_decisions SET sequence = 1, prev_hash = :genesis"),
                    {"genesis": decision_chain.GENESIS})
    session.execute(text("DELETE FROM audit_entries WHERE action = 'decision' AND id > (SELECT min(id) FROM "
                         "audit_entries WHERE action = 'decision')"))
    session.commit()
    session.expire_all()
    legacy = session.get(DecisionEntry, three[2].id)
    legacy.hash = decision_chain.content_hash(legacy)
    session.commit()
    checkpoint_file().unlink()
    newer = log(session, session.get(Incident, legacy.incident_id), duty, now + timedelta(minutes=5))
    session.commit()
    assert newer.prev_signature == legacy.hash
    assert [line.split(": ")[1] for line in broken(verify(runner)[1])] == ["unsigned"]
    assert runner.invoke(args=["incidents", "sign-legacy", "--commit"]).exit_code == 0
    assert verify(runner)[0] == 0


def test_a_legacy_log_that_does_not_check_out_is_not_signed(
        runner: FlaskCliRunner, session: Any, three: list[DecisionEntry]) -> None:
    checkpoint_file().unlink()
    unsign(session, *(entry.id for entry in three))
    session.execute(text("UPDATE incident_decisions SET options = 'Changed' WHERE id = :id"),
                    {"id": three[1].id})
    session.commit()
    result = runner.invoke(args=["incidents", "sign-legacy", "--commit"])
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [
        "Not signed: CI-2026-0001 has other problems to look into first:",
        "  CI-2026-0001 decision 2: changed: its hash does not match its contents (the row was changed)"]
    session.expire_all()
    assert session.scalar(select(DecisionEntry.id).where(DecisionEntry.signature.is_not(None))) is None


def test_problems_sort_by_incident_then_entry(session: Any, three: list[DecisionEntry]) -> None:
    checked = decision_checks.verify_chain(session, three[0].incident_id,
                                           settings=decision_chain.current_log_settings())
    assert (checked.problems, checked.entries, checked.incidents, checked.checkpoints) == ([], 3, 1, 3)
    assert str(Problem("CI-2026-0001", 2, BreakKind.MISSING_AT_END, "x")) == \
        "CI-2026-0001 decision 2: missing at the end: x"
