"""The everyday edges of issue 13, each with its one right answer (exit 2, the exact line, nothing written)."""

from __future__ import annotations

import pytest

LONG_ID = "C" * 100_000


@pytest.mark.parametrize(
    "args, line",
    [
        (("due", "--within", "100000000"), "--within must be a whole number from 0 to 3660 (got '100000000')"),
        (("due", "--as-of", "9999-12-31"),
         "--as-of '9999-12-31' is out of range (expected a date from 1900-01-01 to 2199-12-31)"),
        (("event", "add", "C001", "review-booked", "9999-01-01"),
         "date '9999-01-01' is out of range (expected a date from 1900-01-01 to 2199-12-31)"),
        (("event", "void", "99999999999999999999", "--reason", "typo"),
         "EVENT_ID must be a whole number from 0 to 2147483647 (got '99999999999999999999')"),
        (("report", "kpi", "--html", "{tmp}/missing/kpi.html"), "--html {tmp}/missing/kpi.html: the folder "
                                                                 "{tmp}/missing does not exist"),
        (("report", "kpi", "--html", "{tmp}"), "--html {tmp} is a folder: give a file name in it"),
        (("calendar", "-o", "{tmp}"), "--output {tmp} is a folder: give a file name in it"),
        (("email", "--to", "manager@example.org\nBcc: everyone@example.org", "--dry-run"),
         "--to: 'manager@example.org\\nBcc: everyone@example.org' is not an email address (the part after the "
         "@-sign contains invalid characters: ':', '@', SPACE, U+000A)"),
        (("email", "--to", "not an address", "--dry-run"),
         "--to: 'not an address' is not an email address (an email address must have an @-sign)"),
        (("child", "add", "", "--name", "Ava Smith", "--dob", "2010-02-28"),
         "ID '' is not a child id (expected 1 to 40 letters, digits, '.', '_', '/' or '-', starting with a letter "
         "or digit)"),
        (("child", "add", "C 002", "--name", "Ava Smith", "--dob", "2010-02-28"),
         "ID 'C 002' is not a child id (expected 1 to 40 letters, digits, '.', '_', '/' or '-', starting with a "
         "letter or digit)"),
        (("child", "add", LONG_ID, "--name", "Ava Smith", "--dob", "2010-02-28"),
         f"ID '{'C' * 40}…' is not a child id (expected 1 to 40 letters, digits, '.', '_', '/' or '-', starting "
         "with a letter or digit)"),
        (("child", "add", "C002", "--name", "Ava\nSmith", "--dob", "2010-02-28"),
         "--name holds a line break or another control character (a name is one line of text)"),
        (("child", "add", "C002", "--name", "   ", "--dob", "2010-02-28"), "--name is empty"),
        (("child", "add", "C002", "--name", "Ava Smith"), "Missing option '--dob'."),
        (("child", "add", "C002", "--name", "Ava Smith", "--dob", "2099-01-01"), "--dob is after today"),
        (("child", "update", "C001", "--iro", "A.\tKhan"),
         "--iro holds a line break or another control character (a name is one line of text)"),
        (("event", "add", "C001", "iro-visit", "2025-02-01", "--note", "seen\x1b[31m"), "--note holds a control "
                                                                                          "character"),
        (("due", "--iro", ""), "the IRO to match is empty"),
        (("event", "add", "C001", "review-hled", "2025-02-01"),
         "unknown event kind 'review-hled' (see 'irocli event kinds'); did you mean review-held?"),
        (("--profile", "englnd", "due"), "unknown profile 'englnd' (shipped: england, blackpool, dudley, knowsley, "
                                         "cpru; or a .toml path); did you mean england?"),
        (("child", "update", "C001", "--dob", "2025-01-01"),  # C001 entered care on 2024-12-20 (event 4)
         "C001's event 4 (entered-care on 2024-12-20) would be before the new date of birth: check the date, or "
         "void the event first"),
        (("--db", "", "due"), "--db is empty (an unset variable in a script?): give the store's path or URL"),
        (("explain", LONG_ID), f"unknown child {LONG_ID[:986]}… (99,014 more characters)"),  # 1,000 shown
    ],
    ids=lambda v: " ".join(a[:20] for a in v) if isinstance(v, tuple) else None,
)
def test_each_edge_is_one_line_exit_2_and_writes_nothing(caseload, tmp_path, args, line):
    args = tuple(a.replace("{tmp}", str(tmp_path)) for a in args)
    line = line.replace("{tmp}", str(tmp_path))
    before = caseload.digest()
    result = caseload(*args, ok=False)
    assert result.exit_code == 2, result.stderr[:300]
    assert result.stderr == f"Error: {line}\n"
    assert result.stdout == ""
    assert caseload.digest() == before
    assert not (tmp_path / "missing").exists()


def test_a_name_copied_from_a_document_keeps_its_no_break_space_as_a_space(caseload):
    caseload("child", "add", "C004", "--name", "Ava\u00a0Smith", "--dob", "2010-02-28", "--team", "\u00a0North ")
    assert caseload.rows("SELECT name, team FROM child WHERE id = 'C004'") == [("Ava Smith", "North")]


def test_a_backup_never_overwrites(cli, tmp_path):
    cli("init")
    target = tmp_path / "backup.db"
    target.write_bytes(b"keep me")
    result = cli("db", "backup", target, ok=False)
    assert result.exit_code == 2
    assert result.stderr == f"Error: TARGET {target} already exists (never overwritten): give a new file name\n"
    assert target.read_bytes() == b"keep me"


@pytest.mark.parametrize("variable, value, line", [
    ("IROCLI_SMTP_PORT", "99999", "IROCLI_SMTP_PORT: must be a port number from 1 to 65535 (got '99999')"),
    ("IROCLI_SMTP_FROM", "bad", "IROCLI_SMTP_FROM: 'bad' is not an email address (an email address must have an "
                                "@-sign)"),
])
def test_smtp_settings_from_the_environment_are_checked_like_the_config_files(caseload, monkeypatch, variable,
                                                                             value, line):
    monkeypatch.setenv(variable, value)
    result = caseload("email", "--to", "manager@example.org", "--dry-run", ok=False)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {line}\n"
