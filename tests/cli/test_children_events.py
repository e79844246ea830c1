"""child and event commands on a real store of each backend."""

from __future__ import annotations

import json
import os
import stat

import pytest


def test_child_add_list_show_update(cli):
    cli("init")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01", "--iro", "A. Khan")
    listed = json.loads(cli("child", "list", "--format", "json").stdout)
    assert listed == [{"id": "C001", "name": "Sam Jones", "initials": "SJ", "dob": "2012-05-01",
                       "iro": "A. Khan", "social_worker": None, "team": None}]
    cli("child", "update", "C001", "--iro", "B. Okafor")
    assert json.loads(cli("child", "list", "--iro", "B. Okafor", "--format", "json").stdout)[0]["id"] == "C001"
    gone = cli("child", "list", "--iro", "A. Khan", "--format", "json", ok=False)  # nobody's IRO now
    assert (gone.exit_code, gone.stdout) == (2, "")
    assert gone.stderr == "Error: no child in the store has IRO 'A. Khan' (known: B. Okafor)\n"


@pytest.mark.sqlite_only
def test_store_is_private_to_its_owner(cli):
    cli("init")
    assert stat.S_IMODE(os.stat(cli.db).st_mode) == 0o600


def test_event_add_prints_the_new_id_and_list_shows_it(cli):
    cli("init")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01")
    first = cli("event", "add", "C001", "entered-care", "2025-01-06").stdout.strip()
    second = cli("event", "add", "C001", "review-held", "2025-02-03", "--no-meeting", "--note", "paper review").stdout
    assert first.isdigit() and int(second) == int(first) + 1
    events = json.loads(cli("event", "list", "C001", "--format", "json").stdout)
    assert [(e["kind"], e["date"], e["meeting"]) for e in events] == [
        ("entered-care", "2025-01-06", None), ("review-held", "2025-02-03", False)]
    assert events[0]["recorded_by"]


def test_void_keeps_the_event_but_it_no_longer_counts(cli):
    cli("init", "--profile", "england")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01")
    cli("event", "add", "C001", "entered-care", "2024-12-20")
    held = cli("event", "add", "C001", "review-held", "2025-01-22").stdout.strip()
    due = json.loads(cli("due", "--as-of", "2025-02-01", "--within", "120", "--format", "json").stdout)
    assert [r["obligation"] for r in due if r["obligation"].startswith("review.")] == ["review.second"]
    cli("event", "void", held, "--reason", "wrong child")
    events = json.loads(cli("event", "list", "C001", "--format", "json").stdout)
    assert events[1]["void_reason"] == "wrong child" and events[1]["voided_at"]
    due = json.loads(cli("due", "--as-of", "2025-02-01", "--within", "120", "--format", "json").stdout)
    assert [(r["obligation"], r["status"]) for r in due if r["obligation"].startswith("review.")] == [
        ("review.first", "overdue")]


def test_child_show_is_the_page_before_a_review(caseload):
    page = json.loads(caseload("child", "show", "C001", "--as-of", "2025-02-01", "--format", "json").stdout)
    assert page["child"]["name"] == "Sam Jones"
    # naming the IRO at `child add` recorded iro-allocated on the day it was run (after this as-of)
    assert [e["kind"] for e in page["events"]] == ["entered-care", "review-held", "decisions-circulated",
                                                   "iro-allocated"]
    statuses = {(o["obligation"], o["status"]) for o in page["obligations"]}
    assert ("review.first", "met") in statuses and ("task.decisions", "met") in statuses
    assert ("review.second", "due") in statuses
    table = caseload("child", "show", "C001", "--as-of", "2025-02-01").stdout
    assert "Sam Jones" in table and "Open obligations" in table and "review.second" in table


def test_a_direction_counts_from_the_day_it_was_recorded(cli):
    """Recorded on a day for a day ahead, then a review held before that day: the review meets it."""
    from clirunner import execute

    cli("init", "--profile", "blackpool")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01")
    cli("event", "add", "C001", "entered-care", "2025-01-06")
    directed = cli("event", "add", "C001", "review-directed", "2025-03-07").stdout.strip()
    # recorded on 2025-01-06 (a review can no longer be entered ahead of today, so the day moves back)
    execute(cli.url, f"UPDATE event SET recorded_at = '2025-01-06 10:00:00' WHERE id = {int(directed)}")
    cli("event", "add", "C001", "review-held", "2025-02-05")
    page = json.loads(cli("child", "show", "C001", "--as-of", "2025-03-08", "--format", "json").stdout)
    [directed] = [o for o in page["obligations"] if o["obligation"] == "review.directed"]
    assert (directed["due"], directed["status"], directed["met_on"]) == ("2025-03-07", "met", "2025-02-05")


def test_naming_the_iro_records_the_day_it_was_set_and_that_meets_the_appointment(cli):
    # RULES §3: ms.iro-before-first-review is met by an IRO named on the child before the first review
    from irocli.cli._context import today

    cli("init", "--profile", "england")
    cli("child", "add", "C010", "--name", "Ola Ade", "--dob", "2015-01-01")
    cli("child", "update", "C010", "--iro", "A. Khan")
    cli("child", "update", "C010", "--iro", " a. khan ")  # the same person: no second allocation
    cli("event", "add", "C010", "entered-care", today().isoformat())
    events = json.loads(cli("event", "list", "C010", "--format", "json").stdout)
    assert [(e["kind"], e["date"]) for e in events] == [("iro-allocated", today().isoformat()),
                                                       ("entered-care", today().isoformat())]
    page = json.loads(cli("child", "show", "C010", "--format", "json").stdout)
    [ms] = [o for o in page["obligations"] if o["obligation"] == "ms.iro-before-first-review"]
    assert (ms["status"], ms["met_on"]) == ("met", today().isoformat())


def test_update_with_no_option_refuses_in_one_line_and_writes_nothing(cli):
    cli("init")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01")
    before = cli.digest()
    result = cli("child", "update", "C001", ok=False)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == ("Error: nothing to update: give at least one of --name, --dob, --iro, --social-worker, "
                             "--team\n")
    assert cli.digest() == before


def test_a_profile_that_extends_another_introduces_itself(cli, tmp_path):
    mine = tmp_path / "northshire.toml"
    mine.write_text('extends = "england"\n[rules."review.second"]\noffset = "91 days"\n')
    result = cli("init", "--profile", str(mine))
    assert result.stderr == "Store ready; profile northshire (based on england).\n"
    titled = tmp_path / "westshire.toml"
    titled.write_text('extends = "blackpool"\nname = "west"\ntitle = "Westshire (2025)"\n')
    from irocli.profiles import load

    west = load(str(titled))
    assert (west.name, west.title) == ("west", "Westshire (2025)")
