"""`irocli profile list/show`: the shipped profiles and where each merged key came from; a profile file
given to `init` by a relative path works from any folder afterwards.

Values are read by hand from src/irocli/profiles/*.toml.
"""

from __future__ import annotations

import json

import pytest

from clirunner import Cli
from irocli.profiles import load

OWN = """extends = "blackpool"
name = "mine"

[rules."review.second"]
offset = "2 months"

[rules."task.record-distributed"]
enabled = false

[rules."review.first"]  # an empty table changes nothing
"""


@pytest.fixture
def nostore(tmp_path) -> Cli:
    """A runner whose store does not exist: profile commands read profile files only."""
    return Cli(tmp_path / "absent.db")


def keys(result) -> dict[str, tuple[object, str]]:
    return {key: (v["value"], v["from"]) for key, v in json.loads(result.stdout)["keys"].items()}


def test_list_names_each_shipped_profile_with_its_title_and_files(nostore):
    rows = nostore.json("profile", "list")
    assert [(r["name"], r["files"]) for r in rows] == [
        ("england", ["england.toml"]),
        ("blackpool", ["blackpool.toml", "england.toml"]),
        ("dudley", ["dudley.toml", "england.toml"]),
        ("knowsley", ["knowsley.toml", "england.toml"]),
        ("cpru", ["cpru.toml", "england.toml"]),
    ]
    assert rows[1]["title"] == "Blackpool (Our Children's Reviews, April 2024)"
    csv = nostore("profile", "list", "--format", "csv").stdout.splitlines()
    assert csv[0] == "name,title,files"
    assert csv[2] == "blackpool,\"Blackpool (Our Children's Reviews, April 2024)\",blackpool.toml; england.toml"
    table = nostore("profile", "list").stdout
    assert "dudley.toml; england.toml" in table
    assert nostore.tables() == []  # no store needed, none created


@pytest.mark.parametrize("profile, offset, source", [
    ("england", ("3 months", "england.toml"), ("REG reg 33(2)(a)", "england.toml")),
    ("blackpool", ("91 days", "blackpool.toml"), ("000 Timescales: 3 months (91 days)", "blackpool.toml")),
    ("dudley", ("90 days", "dudley.toml"), ("002 Timescales: three months (90 days)", "dudley.toml")),
    ("knowsley", ("3 months", "england.toml"), ("REG reg 33(2)(a)", "england.toml")),
])
def test_show_rule_gives_each_key_the_file_it_came_from(nostore, profile, offset, source):
    found = keys(nostore("profile", "show", profile, "review.second", "--format", "json"))
    assert found == {"type": ("review", "england.toml"), "title": ("Second review", "england.toml"),
                     "owner": ("iro", "england.toml"), "offset": offset, "source": source}
    assert json.loads(nostore("profile", "show", profile, "review.second", "--format", "json").stdout)["rule"] == (
        "review.second")


def test_a_rule_only_the_authority_has_comes_wholly_from_its_file(nostore):
    found = keys(nostore("profile", "show", "blackpool", "review.placement-change", "--format", "json"))
    assert found == {"type": ("review", "blackpool.toml"), "title": ("Review after a placement move", "blackpool.toml"),
                     "owner": ("iro", "blackpool.toml"), "offset": ("20 working days", "blackpool.toml"),
                     "source": ("000 Timescales: child moved", "blackpool.toml")}


def test_show_the_visit_interval_rule_of_england(nostore):
    # RULES §7: REG reg 28(2)(b)-(c), read by hand from england.toml
    found = keys(nostore("profile", "show", "england", "visit.sw-interval", "--format", "json"))
    assert {k: v for k, (v, _) in found.items()} == {
        "type": "visit-interval", "title": "Social worker's next statutory visit", "owner": "social-worker",
        "event": ["entered-care", "placement-change", "remand"], "offset": "6 weeks", "long_term_after": "1 year",
        "long_term_offset": "3 months", "long_term_event": "long-term-foster", "completed_by": ["sw-visit"],
        "yields_to": ["visit.sw-reg19", "visit.sw-reg24", "visit.sw-care-order-home", "visit.adoptive",
                      "visit.sw-long-term-foster"],
        "source": "REG reg 28(2)(b)-(c)"}
    assert {f for _, f in found.values()} == {"england.toml"}
    assert "REG reg 28(2)(b)-(c)" in nostore("profile", "show", "england", "visit.sw-interval").stdout


def test_show_rule_table_and_csv(nostore):
    table = nostore("profile", "show", "blackpool", "review.second").stdout
    assert "Rule review.second of profile blackpool" in table
    lines = [line for line in table.splitlines() if "offset" in line]
    assert len(lines) == 1 and "91 days" in lines[0] and "blackpool.toml" in lines[0]
    csv = nostore("profile", "show", "blackpool", "review.second", "--format", "csv").stdout.splitlines()
    assert csv == ["key,value,from", "type,review,england.toml", "title,Second review,england.toml",
                   "owner,iro,england.toml", "offset,91 days,blackpool.toml",
                   "source,000 Timescales: 3 months (91 days),blackpool.toml"]


def test_three_files_deep_each_key_names_its_own(nostore, tmp_path):
    own = tmp_path / "mine.toml"
    own.write_text(OWN)
    found = keys(nostore("profile", "show", str(own), "review.second", "--format", "json"))
    assert found == {"type": ("review", "england.toml"), "title": ("Second review", "england.toml"),
                     "owner": ("iro", "england.toml"), "offset": ("2 months", str(own)),
                     "source": ("000 Timescales: 3 months (91 days)", "blackpool.toml")}
    off = keys(nostore("profile", "show", str(own), "task.record-distributed", "--format", "json"))
    assert off["enabled"] == (False, str(own)) and off["offset"] == ("20 working days", "england.toml")
    whole = nostore.json("profile", "show", str(own))
    assert (whole["name"], whole["title"], whole["files"]) == ("mine", "based on blackpool",
                                                                [str(own), "blackpool.toml", "england.toml"])
    rules = {r["id"]: r for r in whole["rules"]}
    assert rules["review.second"] == {"id": "review.second", "type": "review", "title": "Second review",
                                      "offset": "2 months", "enabled": True,
                                      "files": [str(own), "blackpool.toml", "england.toml"]}
    assert rules["task.record-distributed"]["enabled"] is False
    assert rules["review.first"]["files"] == ["blackpool.toml", "england.toml"]  # blackpool sets its source
    assert keys(nostore("profile", "show", str(own), "review.first", "--format", "json"))["offset"] == (
        "20 working days", "england.toml")


def test_show_without_a_rule_lists_every_merged_rule(nostore):
    whole = nostore.json("profile", "show", "dudley")
    assert whole["files"] == ["dudley.toml", "england.toml"]
    rules = {r["id"]: r for r in whole["rules"]}
    assert rules["review.subsequent"]["offset"] == "180 days"
    assert rules["review.subsequent"]["files"] == ["dudley.toml", "england.toml"]
    assert rules["task.monitoring-form"]["files"] == ["dudley.toml"]
    assert nostore.json("profile", "show")["name"] == "england"  # no NAME: the default profile
    csv = nostore("profile", "show", "dudley", "--format", "csv").stdout.splitlines()
    assert csv[0] == "id,type,title,offset,enabled,files"
    assert "review.subsequent,review,Subsequent review,180 days,true,dudley.toml; england.toml" in csv
    assert "Profile dudley:" in nostore("profile", "show", "dudley").stdout


def test_an_unknown_rule_or_profile_is_one_line_exit_2(nostore):
    result = nostore("profile", "show", "blackpool", "review.secnd", ok=False)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "Error: profile blackpool has no rule 'review.secnd'; did you mean 'review.second'?"]
    result = nostore("profile", "show", "blackpol", ok=False)
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert "did you mean blackpool?" in result.stderr
    assert nostore.tables() == []


def test_the_loader_remembers_origins_and_loads_as_before():
    profile = load("blackpool")
    assert profile.origins[("rules", "review.second", "offset")] == "blackpool.toml"
    assert profile.origins[("rules", "review.second", "type")] == "england.toml"
    assert profile.origins[("name",)] == "blackpool.toml"
    assert profile.origins[("reviews", "sequence")] == "england.toml"
    assert profile.origins[("escalation", "stages", "1", "response")] == "blackpool.toml"
    assert profile == load("blackpool")  # origins take no part in comparing profiles
    assert [r.id for r in profile.of_type("review")][:3] == ["review.first", "review.second", "review.subsequent"]


def test_init_with_a_relative_profile_path_works_from_any_folder(cli, tmp_path, monkeypatch):
    first, elsewhere = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    elsewhere.mkdir()
    (first / "p.toml").write_text('extends = "england"\nname = "mine"\n[rules."review.second"]\noffset = "2 months"\n')
    monkeypatch.chdir(first)
    cli("init", "--profile", "./p.toml")
    assert cli.rows("SELECT value FROM meta WHERE key = 'profile'") == [(str((first / "p.toml").resolve()),)]
    monkeypatch.chdir(elsewhere)
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01")
    cli("event", "add", "C001", "entered-care", "2025-01-06")
    cli("event", "add", "C001", "review-held", "2025-02-03")
    due = json.loads(cli("due", "--as-of", "2025-02-10", "--within", "120", "--format", "json").stdout)
    # review.second: 2 months (mine) after the first review held on 2025-02-03
    assert [(r["obligation"], r["due"]) for r in due if r["obligation"].startswith("review.")] == [
        ("review.second", "2025-04-03")]
    cli("init")  # again, from elsewhere: the store keeps its profile
    cli("init", "--profile", "../a/p.toml")  # the same file by another relative path: not a change


def test_a_setting_outside_the_rules_shows_each_key_with_its_file(nostore, tmp_path):
    # blackpool.toml [escalation.stages.1]; england.toml [kpi]
    result = nostore("profile", "show", "blackpool", "escalation.stages.1", "--format", "json")
    assert json.loads(result.stdout)["setting"] == "escalation.stages.1"
    assert keys(result) == {
        "title": ("Stage 1: IRO to Team Manager", "blackpool.toml"),
        "responder": ("Team Manager", "blackpool.toml"),
        "response": ("5 working days", "blackpool.toml"),
        "source": ("000 Stage 1 - Formal Issues resolution", "blackpool.toml")}
    table = nostore("profile", "show", "blackpool", "escalation.stages.1").stdout
    assert table.startswith("Setting escalation.stages.1 of profile blackpool\n")
    own = tmp_path / "mine.toml"
    own.write_text('extends = "blackpool"\n[kpi]\ncaseload_band = [40, 60]\ncaseload_source = "our agreement"\n')
    assert keys(nostore("profile", "show", str(own), "kpi", "--format", "json")) == {
        "min_days_looked_after": (28, "england.toml"),
        "min_days_source": (load("england").kpi.min_days_source, "england.toml"),
        "caseload_band": ([40, 60], str(own)),
        "caseload_source": ("our agreement", str(own))}


def test_an_unknown_setting_is_one_line_with_the_closest(nostore):
    result = nostore("profile", "show", "blackpool", "escalation.stage", ok=False)
    assert (result.exit_code, result.stderr) == (
        2, "Error: profile blackpool has no rule 'escalation.stage'; did you mean 'escalation.stages'?\n")
