"""Bad input: exit 2, one line on stderr, nothing written, never a traceback."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "args, message",
    [
        (("event", "add", "C001", "review-held", "2025-13-01"), "date '2025-13-01' is not a date"),
        (("event", "add", "C001", "review-held", "01/02/2025"), "is not a date (expected YYYY-MM-DD)"),
        (("event", "add", "C999", "review-held", "2025-01-06"), "unknown child C999"),
        (("event", "add", "C001", "reviewed", "2025-01-06"), "unknown event kind 'reviewed'"),
        (("event", "void", "999", "--reason", "x"), "999"),
        (("due", "--format", "xml"), "--format must be one of table, json, csv"),
        (("due", "--as-of", "yesterday"), "--as-of 'yesterday' is not a date"),
        (("due", "--sort", "name"), "--sort must be one of"),
        (("due", "--within", "soon"), "--within must be a whole number"),
        (("due", "--within", "-3"), "--within must be a whole number"),
        (("event", "void", "x1", "--reason", "r"), "EVENT_ID must be a whole number"),
        (("--profile", "wales", "due"), "unknown profile 'wales'"),
        (("child", "add", "C001", "--name", "Dup", "--dob", "2012-05-01"), "C001 already exists"),
        (("child", "add", "C002", "--name", "A B", "--dob", "2012-02-30"), "--dob"),
        (("child", "show", "C404"), "unknown child C404"),
        (("explain", "C404"), "unknown child C404"),
        (("event", "add", "C4\n04", "review-held", "2025-01-06"), "unknown child C4\\n04"),  # still one line
    ],
    ids=lambda v: v if isinstance(v, str) else " ".join(v),
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(cli, args, message):
    cli("init")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01")
    before = cli.digest()
    result = cli(*args, ok=False)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "Sam Jones" not in result.stderr
    assert cli.digest() == before


@pytest.mark.parametrize(
    "content, where",
    [
        ('name = "x"\n[rules."review.first"]\noffset = "20 fortnights"\n', 'rules.review.first'),
        ('extends = "england"\n[rules."review.second"]\noffset = "3 moons"\n', "rules.review.second.offset"),
        ('extends = "england"\n[rules."review.second"]\noffsett = "3 months"\n', "rules.review.second.offsett"),
        ('extends = "england"\ncolour = "blue"\n', "colour"),
        ('extends = "england"\nclosures = ["2025-02-30"]\n', "closures"),
        ('extends = "nowhere"\n', "extends"),
        ("this is not toml", "not valid TOML"),
        ('extends = "england"\ntriggers = []\n', "triggers"),
        ('extends = "england"\n[escalation.stages.1]\nresponse = "five days"\n', "escalation.stages.1.response"),
    ],
)
def test_a_bad_profile_file_is_one_line_naming_file_and_key(cli, tmp_path, content, where):
    path = tmp_path / "mine.toml"
    path.write_text(content)
    result = cli("--profile", str(path), "init", ok=False)
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert str(path) in line and where in line, line
    assert cli.tables() == []


def test_a_store_that_cannot_be_opened_exits_3(tmp_path):
    from clirunner import Cli

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cli = Cli(blocker / "store.db")
    result = cli("due", ok=False)
    assert result.exit_code == 3, (result.stdout, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_a_file_that_is_not_a_store_exits_3(tmp_path):
    from clirunner import Cli

    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    result = Cli(path)("due", ok=False)
    assert result.exit_code == 3, (result.stdout, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1


def test_debug_shows_the_traceback(cli):
    cli("init")
    result = cli("--debug", "child", "show", "C404", ok=False)
    assert result.exit_code != 0 and result.exception is not None


def test_user_profile_by_path_is_used(cli, tmp_path):
    path = tmp_path / "myla.toml"
    path.write_text('extends = "england"\nname = "myla"\n[rules."review.first"]\noffset = "15 working days"\n')
    cli("--profile", str(path), "init")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01")
    cli("event", "add", "C001", "entered-care", "2025-03-03")
    import json

    rows = json.loads(cli("due", "--as-of", "2025-03-04", "--format", "json").stdout)
    [first] = [r for r in rows if r["obligation"] == "review.first"]
    assert first["due"] == "2025-03-24"  # 15 WD after Mon 3 March


def test_the_command_line_says_the_option_the_core_names_as_a_field(cli):
    # reports.kpi and reports.escalations raise FieldError(to, from_ / month); the boundary names options
    cli("init", "--profile", "england")
    result = cli("report", "kpi", "--from", "2025-04-01", "--to", "2025-03-31", ok=False)
    assert (result.exit_code, result.stderr) == (2, "Error: --to 2025-03-31 is before --from 2025-04-01\n")
    result = cli("escalation", "themes", "--month", "{0}", ok=False)
    assert (result.exit_code, result.stderr) == (2, "Error: --month '{0}' is not a month (expected YYYY-MM)\n")
