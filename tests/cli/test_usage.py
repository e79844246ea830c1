"""Help tells the truth: usage errors are one line, root options after a command say where they belong,
an unknown command names the closest one, and every --format lists exactly what the command accepts."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command

from clirunner import Cli
from irocli.cli import app
from irocli.cli._usage import UsageGroup


@pytest.fixture
def nostore(tmp_path) -> Cli:
    """A runner whose store does not exist: usage errors come before any store is opened."""
    return Cli(tmp_path / "absent.db")


def _ids(value):
    return " ".join(value) if isinstance(value, tuple) else "-"


def one_error_line(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    return line


@pytest.mark.parametrize("args, line", [
    (("due", "--db", "x"), "Error: --db is a root option: put it before the command: irocli --db x due"),
    (("due", "--db=x"), "Error: --db is a root option: put it before the command: irocli --db=x due"),
    (("child", "list", "--profile", "england"),
     "Error: --profile is a root option: put it before the command: irocli --profile england child list"),
    (("overdue", "--debug"), "Error: --debug is a root option: put it before the command: irocli --debug overdue"),
    (("child", "--db", "x", "list"),
     "Error: --db is a root option: put it before the command: irocli --db x child list"),
    (("due", "--within", "7", "--db", "my store.db", "--debug", "--iro", "A. Khan"),
     "Error: --db and --debug are root options: put them before the command: "
     "irocli --db 'my store.db' --debug due --within 7 --iro 'A. Khan'"),
    # init has a --profile of its own: only --debug moves
    (("init", "--profile", "blackpool", "--debug"),
     "Error: --debug is a root option: put it before the command: irocli --debug init --profile blackpool"),
    (("due", "--db"), "Error: --db is a root option: put it before the command: irocli --db DB due"),
], ids=_ids)
def test_a_root_option_after_the_command_says_where_it_belongs(nostore, args, line):
    assert one_error_line(nostore(*args, ok=False)) == line
    assert not Path(nostore.url).exists()


@pytest.mark.parametrize("args, line", [
    (("dew",), 'Error: no command "dew"; did you mean "due"?'),
    (("overdeu",), 'Error: no command "overdeu"; did you mean "overdue"?'),
    (("child", "lst"), 'Error: no command "lst"; did you mean "list"?'),
    (("chlid", "list"), 'Error: no command "chlid"; did you mean "child"?'),
    (("escalation", "opne", "C001"), 'Error: no command "opne"; did you mean "open"?'),
    (("xyzzy",), "Error: no command \"xyzzy\"; see 'irocli --help'"),
    (("db", "xyzzy"), "Error: no command \"xyzzy\"; see 'irocli db --help'"),
], ids=_ids)
def test_an_unknown_command_is_one_line_naming_the_closest(nostore, args, line):
    assert one_error_line(nostore(*args, ok=False)) == line


@pytest.mark.parametrize("args, line", [
    (("due", "--bogus"), "Error: No such option: --bogus"),
    (("due", "--withn", "7"), "Error: No such option: --withn (Possible options: --within)"),
    (("--bogus", "due"), "Error: No such option: --bogus"),
    (("explain",), "Error: Missing argument 'child_id'."),
    (("due", "--within"), "Error: Option '--within' requires an argument."),
    (("event", "add", "C001", "review-held", "2025-01-01", "extra"), "Error: Got unexpected extra argument(s) (extra)"),
], ids=_ids)
def test_other_usage_errors_are_one_line(nostore, args, line):
    assert one_error_line(nostore(*args, ok=False)) == line


def test_a_group_without_a_command_still_prints_its_help(nostore):
    result = nostore("child", ok=False)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Usage: irocli child [OPTIONS] COMMAND [ARGS]...")
    assert "  show " in result.stderr


def test_the_console_script_prints_the_same_one_line(tmp_path):
    script = Path(sys.executable).with_name("irocli")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "irocli"]
    result = subprocess.run([*command, "dew"], capture_output=True, text=True,
                            env={"IROCLI_DB": str(tmp_path / "absent.db"), "PATH": "/usr/bin:/bin"})
    line = 'Error: no command "dew"; did you mean "due"?\n'
    assert (result.returncode, result.stdout, result.stderr) == (2, "", line)


def _groups(group=None):
    group = group or get_command(app)
    yield group
    for cmd in group.commands.values():
        if hasattr(cmd, "commands"):
            yield from _groups(cmd)


def test_every_group_prints_usage_errors_as_one_line():
    assert {g.name: type(g) for g in _groups()} == {g.name: UsageGroup for g in _groups()}


def _format_commands(group=None, prefix=()):
    group = group or get_command(app)
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            yield from _format_commands(cmd, (*prefix, name))
        elif any(p.name == "fmt" for p in cmd.params):
            yield (*prefix, name), cmd


FORMAT_COMMANDS = sorted(_format_commands())
REQUIRED = {"month": ["--month", "2025-03"], "map_": ["--map", "ssd"]}


@pytest.mark.parametrize("path, cmd", FORMAT_COMMANDS, ids=[" ".join(p) for p, _ in FORMAT_COMMANDS])
def test_every_format_option_lists_exactly_the_formats_the_command_accepts(nostore, path, cmd):
    [option] = [p for p in cmd.params if p.name == "fmt"]
    assert option.opts == ["--format", "-f"]
    offered = set(re.findall(r"\b(table|json|csv)\b", option.help))
    args = [*path]
    for param in cmd.params:
        if param.required:
            args += REQUIRED.get(param.name, ["1"]) if param.param_type_name == "option" else ["1"]
    line = one_error_line(nostore(*args, "--format", "xml", ok=False))
    accepted = re.fullmatch(r"Error: --format must be one of (.*) \(got 'xml'\)", line)
    assert accepted, line
    assert set(accepted.group(1).split(", ")) == offered


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_explain_csv_is_one_row_per_obligation_as_in_json(caseload):
    call = ("explain", "C001", "--as-of", "2025-02-01")
    rows = json.loads(caseload(*call, "--format", "json").stdout)
    table = _csv(caseload(*call, "--format", "csv").stdout)
    assert list(table[0]) == ["child_id", "obligation", "title", "due", "status", "days", "anchor_kind",
                              "anchor_date", "source", "owner", "met_on", "offset", "arithmetic"]
    assert [(r["obligation"], r["due"], r["status"]) for r in table] == [
        (r["obligation"], r["due"], r["status"]) for r in rows]
    # entered care 2024-12-20: first review within 20 working days (2025-01-22), held that day;
    # the second within 3 months of it
    second = next(r for r in table if r["obligation"] == "review.second")
    assert (second["due"], second["status"], second["days"], second["anchor_kind"], second["anchor_date"]) == (
        "2025-04-22", "due", "80", "review-held", "2025-01-22")
    first = next(r for r in table if r["obligation"] == "review.first")
    assert (first["due"], first["status"], first["met_on"]) == ("2025-01-22", "met", "2025-01-22")
    assert first["arithmetic"] == next(r for r in rows if r["obligation"] == "review.first")["arithmetic"]


def test_child_show_csv_is_one_row_per_obligation_as_in_json(caseload):
    call = ("child", "show", "C001", "--as-of", "2025-02-01")
    page = json.loads(caseload(*call, "--format", "json").stdout)
    table = _csv(caseload(*call, "--format", "csv").stdout)
    assert list(table[0]) == ["child_id", "obligation", "title", "due", "status", "days", "anchor_kind",
                              "anchor_date", "iro", "team", "source", "owner", "met_on", "arithmetic"]
    assert [(r["obligation"], r["due"], r["status"]) for r in table] == [
        (r["obligation"], r["due"], r["status"]) for r in page["obligations"]]
    second = next(r for r in table if r["obligation"] == "review.second")
    assert (second["due"], second["days"], second["iro"], second["team"]) == ("2025-04-22", "80", "A. Khan", "North")


def test_escalation_show_csv_is_one_row_per_stage(cli):
    cli("init", "--profile", "blackpool")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01", "--iro", "A. Khan", "--team", "North")
    cli("event", "add", "C001", "entered-care", "2025-01-06")
    esc = cli("escalation", "open", "C001", "--reason", "drift", "--stage", "1", "--date", "2025-03-03").stdout.strip()
    cli("escalation", "respond", esc, "--date", "2025-03-11")
    cli("escalation", "escalate", esc, "--date", "2025-03-12", "--to-stage", "3")
    out = cli("escalation", "show", esc, "--as-of", "2025-03-13", "--format", "csv").stdout
    assert out.splitlines() == [
        "escalation_id,child_id,reason,stage,title,started,responded",
        f"{esc},C001,drift,1,Stage 1: IRO to Team Manager,2025-03-03,2025-03-11",
        f"{esc},C001,drift,3,Stage 3: to Service Manager / Head of Service,2025-03-12,"]


def test_an_option_name_is_never_taken_as_another_options_value(cli):
    """`--outcome --help` would resolve an escalation with the outcome "--help": the name of one of the
    command's own options after an option that takes a value is one usage line, exit 2, nothing done.
    After "--" everything is data; a value that merely starts with dashes is a value."""
    cli("init")
    for args, said in ((("escalation", "resolve", "33", "--outcome", "--help"),
                        "--outcome needs a value, not the option --help"),
                       (("due", "--within", "--iro"), "--within needs a value, not the option --iro")):
        result = cli(*args, ok=False)
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"Error: {said}\n")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01")
    cli("event", "add", "C001", "iro-visit", "2025-01-06", "--note", "--not-an-option")
    assert cli.json("event", "list", "C001")[0]["note"] == "--not-an-option"
