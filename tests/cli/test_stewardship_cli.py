"""Issue 18 at the command line, on a real store of each backend: `event amend`, `import history`, `import undo`
(refused while something depends on the batch; the same import run again re-adds what it took back)."""

from __future__ import annotations

import getpass
import hashlib
import json
from pathlib import Path

from irocli.cli._context import today

CHILDREN = """\
id,name,dob,iro,social_worker,team
C001,Sam Jones,2012-05-01,A. Khan,K. Doyle,North
C002,Ava Smith,,B. Okafor,,South
"""
EVENTS = """\
event_id,child_id,kind,date,meeting,note
E1,C001,entered-care,2025-03-26,,
E2,C001,review-held,2025-04-23,yes,first review
E3,C002,entered-care,2025-06-02,,
"""


def folder(path: Path, children: str = CHILDREN, events: str = EVENTS) -> Path:
    path.mkdir()
    (path / "children.csv").write_text(children, encoding="utf-8")
    (path / "events.csv").write_text(events, encoding="utf-8")
    return path


def counted(cli, child: str) -> list[tuple[str, str]]:
    """(kind, date) of the child's events that count."""
    return [(e["kind"], e["date"]) for e in cli.json("event", "list", child) if not e["voided_at"]]


def test_event_amend_corrects_a_date_in_one_step_and_the_old_one_stays_voided(cli):
    cli("init", "--profile", "england")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01")
    cli("event", "add", "C001", "entered-care", "2025-03-26")
    wrong = cli("event", "add", "C001", "review-held", "2025-04-13").stdout.strip()
    done = cli("event", "amend", wrong, "--date", "2025-04-23", "--reason", "typed 13th for 23rd")
    right = done.stdout.strip()
    assert (wrong, right) == ("2", "3")
    assert done.stderr == "Amended event 2: now event 3 (review-held on 2025-04-23); event 2 is voided.\n"
    assert counted(cli, "C001") == [("entered-care", "2025-03-26"), ("review-held", "2025-04-23")]
    old = cli.rows("SELECT void_reason, voided_by, amends FROM event WHERE id = 2")
    new = cli.rows("SELECT void_reason, recorded_by, amends FROM event WHERE id = 3")
    assert (old, new) == ([("typed 13th for 23rd", getpass.getuser(), None)], [(None, getpass.getuser(), 2)])
    # 26 March + 20 working days = 25 April (Good Friday 18 and Easter Monday 21 April 2025 are bank holidays)
    [first] = [o for o in cli.json("explain", "C001", "--as-of", "2025-05-01") if o["obligation"] == "review.first"]
    assert (first["due"], first["met_on"]) == ("2025-04-25", "2025-04-23")


def test_event_amend_refusals_are_one_line_and_write_nothing(cli):
    cli("init")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01")
    cli("event", "add", "C001", "review-held", "2025-04-13")
    before = cli.digest()
    for args, message in [
        (["1", "--reason", "x"], "Error: say what to correct: --date, --note and/or --clear-note\n"),
        (["1", "--note", "a", "--clear-note", "--reason", "x"], "Error: give --note or --clear-note, not both\n"),
        (["1", "--clear-note", "--reason", "x"], "Error: nothing to amend: event 1 is already on 2025-04-13 with that "
                                                 "note\n"),
        (["1", "--date", "2025-04-13", "--reason", "x"], "Error: nothing to amend: event 1 is already on 2025-04-13\n"),
        (["7", "--date", "2025-04-14", "--reason", "x"], "Error: unknown event 7\n"),
        (["1", "--date", "2011-01-01", "--reason", "x"], None),
    ]:
        result = cli("event", "amend", *args, ok=False)
        assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1, (args, result.stderr)
        assert message is None or result.stderr == message
        assert cli.digest() == before


def test_import_history_names_each_batch_its_files_with_their_hashes_and_counts(cli, tmp_path):
    cli("init", "--profile", "england")
    data = folder(tmp_path / "week1")
    cli("import", "native", data)
    cli("import", "native", data)  # again: a batch that wrote nothing is still on record
    batches = cli.json("import", "history")
    sha = {name: hashlib.sha256((data / name).read_bytes()).hexdigest() for name in ("children.csv", "events.csv")}
    assert [(b["batch"], b["kind"], b["recorded_by"], b["children_added"], b["events_added"], b["undone_at"])
            for b in batches] == [(1, "native", getpass.getuser(), 2, 3, None),
                                  (2, "native", getpass.getuser(), 0, 0, None)]
    assert batches[0]["files_detail"] == [
        {"name": "children.csv", "sha256": sha["children.csv"], "bytes": len(CHILDREN)},
        {"name": "events.csv", "sha256": sha["events.csv"], "bytes": len(EVENTS)}]
    assert batches[0]["files"] == (f"children.csv (sha256:{sha['children.csv'][:12]}); "
                                   f"events.csv (sha256:{sha['events.csv'][:12]})")
    table = cli("import", "history").stdout
    assert "Import batches" in table and "native" in table and "2 added" in table
    csv = cli("import", "history", "--format", "csv").stdout.splitlines()
    assert csv[0] == ("batch,recorded_at,recorded_by,kind,files,map,options,children_added,children_updated,"
                      "events_added,events_updated,undone_at,undone_by,undo_reason")
    # what shaped it: the as-of day (today in London, the default) and the rows left out
    assert batches[0]["options_detail"] == {"as_of": today().isoformat(), "rows_skipped": 0}
    assert batches[0]["options"] == f"as_of={today().isoformat()}; rows_skipped=0"


def test_import_undo_takes_a_batch_back_and_the_same_import_re_adds_it(cli, tmp_path):
    cli("init", "--profile", "england")
    week1 = folder(tmp_path / "week1")
    cli("import", "native", week1)
    fixed = folder(tmp_path / "week2", CHILDREN.replace("North", "East"),
                   EVENTS.replace("E2,C001,review-held,2025-04-23", "E2,C001,review-held,2025-04-24"))
    second = cli("import", "native", fixed).stderr.splitlines()
    assert second[1:] == ["Children: 0 added, 1 updated, 1 unchanged", "Events: 0 added, 1 updated, 2 unchanged",
                          "Import batch 2 (`irocli import history`; take it back with `irocli import undo 2`)."]
    assert counted(cli, "C001") == [("entered-care", "2025-03-26"), ("review-held", "2025-04-24")]

    done = cli("import", "undo", "2", "--reason", "wrong week's file")
    assert done.stderr == ("Undid import batch 2: 1 event(s) voided, 1 brought back, 1 child detail(s) set back "
                           "(C001 team).\n")
    assert counted(cli, "C001") == [("entered-care", "2025-03-26"), ("review-held", "2025-04-23")]
    assert cli.json("child", "list")[0]["team"] == "North"
    again = cli("import", "undo", "2", ok=False)
    assert again.exit_code == 2 and again.stderr.startswith("Error: import batch 2 was already undone on ")

    redo = cli("import", "native", fixed).stderr.splitlines()  # the same file again: what the undo took back
    assert redo[1:] == ["Children: 0 added, 1 updated, 1 unchanged", "Events: 0 added, 1 updated, 2 unchanged",
                        "Import batch 3 (`irocli import history`; take it back with `irocli import undo 3`)."]
    assert counted(cli, "C001") == [("entered-care", "2025-03-26"), ("review-held", "2025-04-24")]
    assert cli.json("child", "list")[0]["team"] == "East"


def test_import_undo_is_refused_while_a_later_entry_depends_on_it_unless_forced(cli, tmp_path):
    cli("init", "--profile", "england")
    cli("import", "native", folder(tmp_path / "week1"))
    visit = cli("event", "add", "C002", "iro-visit", "2025-06-09").stdout.strip()
    before = cli.digest()
    refused = cli("import", "undo", "1", ok=False)
    assert refused.exit_code == 2 and len(refused.stderr.splitlines()) == 1
    assert refused.stderr.startswith(f"Error: import batch 1 cannot be undone: C002, which it added, has event {visit} "
                                     f"recorded since ({getpass.getuser()} on ")
    assert refused.stderr.endswith("; take that back first, or run again with --force to undo the rest and "
                                   "leave it\n")
    assert cli.digest() == before
    forced = json.loads(cli("import", "undo", "1", "--force", "--format", "json").stdout)
    assert (forced["batch"], forced["events_voided"], forced["events_restored"], forced["fields_restored"]) == (
        1, 3, 0, [])
    [left] = forced["dependents"]
    assert (left["what"], left["child"], left["event"], left["batch"]) == ("recorded", "C002", int(visit), None)
    assert left["text"].startswith(f"C002, which it added, has event {visit} recorded since")
    assert counted(cli, "C002") == [("iro-visit", "2025-06-09")]  # the hand entry stands
    assert counted(cli, "C001") == []
    unknown = cli("import", "undo", "9", ok=False)
    assert (unknown.exit_code, unknown.stderr) == (2, "Error: no import batch 9 (see `irocli import history`)\n")


def test_event_amend_clear_note_leaves_the_corrected_event_with_no_note(cli):
    cli("init")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01")
    cli("event", "add", "C001", "iro-visit", "2025-04-13", "--note", "seen with the wrong carer's name")
    new = cli("event", "amend", "1", "--clear-note", "--reason", "a name that should not be there").stdout.strip()
    assert cli.rows(f"SELECT note, amends FROM event WHERE id = {new}") == [(None, 1)]


def test_import_undo_dry_run_lists_every_dependent_and_writes_nothing(cli, tmp_path):
    cli("init", "--profile", "england")
    cli("import", "native", folder(tmp_path / "week1"))
    cli("event", "add", "C002", "iro-visit", "2025-06-09")
    cli("event", "add", "C002", "iro-visit", "2025-06-10")
    refused = cli("import", "undo", "1", ok=False)
    assert refused.stderr.startswith("Error: import batch 1 cannot be undone: C002, which it added, has event 4 ")
    assert " (and 1 more: --dry-run lists them); " in refused.stderr
    before = cli.digest()
    dry = cli("import", "undo", "1", "--dry-run")
    assert dry.stderr.splitlines()[0] == "Would undo import batch 1: 3 event(s) would be voided, 0 would be brought " \
                                         "back, 0 child detail(s) would be set back."
    assert [line.split(f" ({getpass.getuser()} on ")[0] for line in dry.stderr.splitlines()[1:]] == [
        "Depends on it (refused without --force): C002, which it added, has event 4 recorded since",
        "Depends on it (refused without --force): C002, which it added, has event 5 recorded since",
        "Dry run: nothing was written."]
    assert cli.digest() == before
    assert cli.json("import", "undo", "1", "--dry-run")["dry_run"] is True
    assert cli.digest() == before


def test_db_audit_from_a_day_ahead_without_to_lists_that_day(cli):
    cli("init")
    assert cli.json("db", "audit", "--from", "2199-12-01") == []  # --to defaults to --from when that is later
