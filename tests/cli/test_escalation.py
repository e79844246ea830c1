"""escalation commands against a real SQLite store: the contract's JSON, bad input, reports."""

from __future__ import annotations

import json

import pytest

LIST_KEYS = {"escalation_id", "child_id", "stage", "opened", "stage_started", "response_due", "status", "days",
             "reason", "iro"}


@pytest.fixture
def esc_store(cli):
    cli("init", "--profile", "blackpool")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01", "--iro", "A. Khan", "--team", "North")
    cli("event", "add", "C001", "entered-care", "2025-01-06")
    return cli


def opened(cli, *args) -> int:
    return int(cli("escalation", "open", "C001", *args).stdout.strip())


def test_open_respond_escalate_resolve_and_list(esc_store):
    cli = esc_store
    esc = opened(cli, "--reason", "drift", "--stage", "1", "--date", "2025-03-03", "--impact", "plan drifting")
    rows = json.loads(cli("escalation", "list", "--as-of", "2025-03-11", "--format", "json").stdout)
    assert [set(r) >= LIST_KEYS for r in rows] == [True]
    assert {k: rows[0][k] for k in LIST_KEYS} == {
        "escalation_id": esc, "child_id": "C001", "stage": "1", "opened": "2025-03-03",
        "stage_started": "2025-03-03", "response_due": "2025-03-10", "status": "overdue", "days": -1,
        "reason": "drift", "iro": "A. Khan"}
    due = json.loads(cli("overdue", "--as-of", "2025-03-11", "--format", "json").stdout)
    assert "esc.response" in {r["obligation"] for r in due}
    cli("escalation", "respond", str(esc), "--date", "2025-03-11")
    cli("escalation", "escalate", str(esc), "--date", "2025-03-12", "--to-stage", "3")
    rows = json.loads(cli("escalation", "list", "--as-of", "2025-03-13", "--format", "json").stdout)
    assert (rows[0]["stage"], rows[0]["response_due"], rows[0]["status"]) == ("3", "2025-03-19", "open")
    cli("escalation", "resolve", str(esc), "--date", "2025-03-14", "--outcome", "plan agreed")
    shown = json.loads(cli("escalation", "show", str(esc), "--format", "json").stdout)
    assert shown["status"] == "resolved" and [s["stage"] for s in shown["stages"]] == ["1", "3"]
    assert json.loads(cli("escalation", "list", "--open", "--format", "json").stdout) == []


def test_cafcass_status_and_clinic_and_themes(esc_store):
    cli = esc_store
    a = opened(cli, "--reason", "placement", "--stage", "4", "--date", "2025-03-03")
    cli("escalation", "cafcass", str(a), "--date", "2025-03-05")
    b = opened(cli, "--reason", "drift", "--stage", "1", "--date", "2025-03-04")
    cli("escalation", "resolve", str(b), "--date", "2025-03-06", "--outcome", "done")
    cli("praise", "C001", "--date", "2025-03-07", "--note", "good life-story work")
    rows = {r["escalation_id"]: r for r in json.loads(
        cli("escalation", "clinic", "--as-of", "2025-03-07", "--format", "json").stdout)}
    assert (rows[a]["status"], rows[b]["clinic"]) == ("cafcass", "resolved this week")
    themes = {r["reason"]: r for r in json.loads(
        cli("escalation", "themes", "--month", "2025-03", "--format", "json").stdout)}
    assert themes["placement"]["stage_4"] == 1 and themes["drift"]["resolved"] == 1
    assert themes["praise (good practice)"]["opened"] == 1


@pytest.mark.parametrize(
    "steps, message",
    [
        ([("escalation", "respond", "999")], "unknown escalation 999"),
        ([("escalation", "escalate", "{esc}"), ("escalation", "escalate", "{esc}", "--to-stage", "9")],
         "--to-stage must be one of"),
        ([("escalation", "escalate", "{esc}", "--to-stage", "4"), ("escalation", "escalate", "{esc}")],
         "at the last stage"),
        ([("escalation", "escalate", "{esc}", "--to-stage", "1")], "must be a later stage"),
        ([("escalation", "resolve", "{esc}", "--outcome", "ok"), ("escalation", "resolve", "{esc}",
                                                                   "--outcome", "again")],
         "already resolved"),
        ([("escalation", "respond", "{esc}", "--date", "2025-03-01")], "before stage 1 started"),
        ([("escalation", "open", "C001", "--reason", "cake")], "--reason must be one of"),
        ([("escalation", "open", "C001", "--reason", "drift", "--stage", "5")], "--stage must be one of"),
    ],
)
def test_bad_escalation_input_exits_2_and_writes_nothing(esc_store, steps, message):
    cli = esc_store
    esc = opened(cli, "--reason", "drift", "--stage", "1", "--date", "2025-03-03")
    *ok_steps, bad = [tuple(a.format(esc=esc) for a in step) for step in steps]
    for step in ok_steps:
        cli(*step)
    before = cli.digest()
    result = cli(*bad, ok=False)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    [line] = result.stderr.strip().splitlines()
    assert message in line
    assert cli.digest() == before


def test_a_stage_the_profile_lacks_is_refused(cli, tmp_path):
    two = tmp_path / "two.toml"  # a profile whose ladder has only informal and stage 1
    two.write_text(
        'name = "two"\n[reviews]\nsequence = ["review.first"]\n'
        '[rules."review.first"]\ntype = "review"\ntitle = "First"\noffset = "20 working days"\nsource = "x"\n'
        '[escalation]\n[escalation.stages.informal]\nresponse = "5 days"\n'
        '[escalation.stages.1]\nresponse = "5 working days"\n')
    cli("--profile", str(two), "init")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01")
    before = cli.digest()
    result = cli("escalation", "open", "C001", "--reason", "drift", "--stage", "3", ok=False)
    assert result.exit_code == 2 and "stage 3 is not part of this profile's ladder" in result.stderr
    assert cli.digest() == before


def test_due_json_includes_escalation_and_cp_obligations(esc_store):
    cli = esc_store
    opened(cli, "--reason", "drift", "--stage", "2", "--date", "2025-04-07")
    cli("event", "add", "C001", "strategy-discussion", "2025-04-04")
    rows = json.loads(cli("due", "--as-of", "2025-04-08", "--format", "json").stdout)
    found = {r["obligation"]: r["due"] for r in rows if r["obligation"].startswith(("esc.", "cp."))}
    assert found == {"esc.response": "2025-04-14", "cp.icpc": "2025-04-29"}
    explained = json.loads(cli("explain", "C001", "--as-of", "2025-04-08", "--format", "json").stdout)
    [icpc] = [r for r in explained if r["obligation"] == "cp.icpc"]
    assert icpc["arithmetic"].endswith("2025-04-04 + 15 working days = 2025-04-29")
