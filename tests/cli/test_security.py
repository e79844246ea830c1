"""The security review, one test per point that is not already proved where it belongs.

Proved elsewhere, named here so the review reads whole:
- store file 0600 and its WAL, under a 0700 directory: store/test_store_schema.py
  (test_new_store_file_and_directory_are_private); backups and pages 0600: test_db_maintenance.py,
  test_calendar_ics.py, test_kpi.py;
- a config file holding the SMTP password refused unless 0600: test_email.py;
- the SMTP password never printed, emails by id and initials unless asked: test_email.py;
- --db holding a password refused, URLs masked: store/test_config_resolve.py;
- no name or date of birth in any importer's output, fuzzed: importers/test_fuzz.py.
"""

from __future__ import annotations

import ast
import csv
import io
import re
from pathlib import Path

import pytest
import typer

from clirunner import Cli
from irocli.cli import app
from irocli.reports.formats import safe_cell

SRC = Path(__file__).resolve().parents[2] / "src" / "irocli"
PERSONAL = ("Sam Jones", "Ava Smith", "Leo Brown", "2012-05-01", "2010-02-28", "2015-09-09")


@pytest.mark.parametrize("args", [
    ("event", "add", "C001", "reviewed", "2025-01-06"),
    ("event", "add", "C001", "review-held", "2025-13-01"),
    ("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01"),
    ("child", "add", "C009", "--name", "Sam Jones", "--dob", "2012-05-32"),
    ("child", "update", "C001", "--dob", "01/05/2012"),
    ("child", "update", "C001", "--dob", "2012-05-01x"),
    ("explain", "C001", "--as-of", "2025-02-30"),
    ("due", "--iro", "A. Khan", "--within", "many"),
    ("child", "show", "C404"),
    ("event", "void", "1", "--reason", " "),
], ids=" ".join)
def test_errors_about_a_child_repeat_no_name_or_date_of_birth(caseload, args):
    result = caseload(*args, ok=False)
    assert result.exit_code == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ")
    assert not [value for value in PERSONAL if value in line], line


def test_a_bad_date_of_birth_in_an_import_is_named_not_repeated(cli, tmp_path):
    cli("init", "--profile", "england")
    (tmp_path / "children.csv").write_text("id,name,dob\nC001,Sam Jones,2012-05-01\nC002,Ava Smith,28/02/2010\n")
    (tmp_path / "events.csv").write_text("child_id,kind,date\nC001,entered-care,2025-01-06\n")
    before = cli.digest()
    result = cli("import", "native", tmp_path, ok=False)
    assert result.exit_code == 2
    assert result.stderr == "Error: children.csv row 3: dob is not a date (expected YYYY-MM-DD)\n"
    assert cli.digest() == before


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_prefix_is_defused(prefix):
    assert safe_cell(f"{prefix}HYPERLINK(\"http://x\")") == f"'{prefix}HYPERLINK(\"http://x\")"
    assert safe_cell(f"A{prefix}1") == f"A{prefix}1"  # only a leading one starts a formula
    assert safe_cell(-3) == -3 and safe_cell(None) == ""


def test_exported_csv_defuses_a_tab_a_carriage_return_and_a_minus(cli):
    cli("init", "--profile", "england")
    # names are stored trimmed (a leading tab or CR goes), ids as given: the id carries them here
    cli.add_child_as_imported("\tC8", "X Y", "2012-05-01", iro="\tcmd", team="-2+3")
    cli.add_child_as_imported("\rC9", "X Z", "2012-05-01", iro="\r=1", team="@x")
    for child in ("\tC8", "\rC9"):
        cli("event", "add", child, "entered-care", "2025-01-06")
    out = cli("due", "--as-of", "2025-01-07", "--format", "csv").stdout
    rows = {(r["child_id"], r["iro"], r["team"]) for r in csv.DictReader(io.StringIO(out, newline=""))}
    assert rows == {("'\tC8", "cmd", "'-2+3"), ("'\rC9", "'=1", "'@x")}


def _options(command, path: str = "irocli"):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _options(sub, f"{path} {name}")


def test_no_command_takes_a_password_or_secret_on_the_command_line():
    """Other users see a process's arguments, and shells keep them: secrets come from the
    environment or a 0600 config file. (--db's value is checked for one: test_config_resolve.)"""
    found = []
    for path, command in _options(typer.main.get_command(app)):
        for param in command.params:
            names = " ".join([param.name or "", *getattr(param, "opts", [])]).lower()
            if re.search(r"pass(word)?\b|secret|token|credential", names):
                found.append(f"{path} {param.opts}")
    assert found == []
    assert any(p == "irocli import native" for p, _ in _options(typer.main.get_command(app)))  # the walk works


def test_an_unreachable_postgresql_store_is_one_line_with_the_password_masked(tmp_path):
    url = "postgresql+psycopg://irocli:hunter2-secret@127.0.0.1:9/nowhere"
    result = Cli(url)("due", ok=False)
    assert result.exit_code == 3
    [line] = result.stderr.splitlines()
    assert "hunter2" not in result.stderr + result.stdout
    assert line.startswith("Error: cannot use the store at postgresql+psycopg://irocli:***@127.0.0.1:9/nowhere: ")


def test_a_wrong_postgresql_password_is_one_line_and_never_shown(pg_cluster):
    url = pg_cluster.new_database()
    try:
        wrong = url.replace(":s3cret-pw@", ":not-the-pw@")
        result = Cli(wrong)("due", ok=False)
        assert result.exit_code == 3
        assert "not-the-pw" not in result.stderr and "s3cret-pw" not in result.stderr
        assert "password authentication failed" in result.stderr and len(result.stderr.splitlines()) == 1
    finally:
        pg_cluster.drop_database(url)


# SQL text built with Python formatting, reviewed: each interpolation is code (a table or column
# name, a list of placeholders, a constant), never a value. Values go in bound parameters. A new
# formatted SQL string fails this test until it is reviewed and listed.
REVIEWED = {
    "_CHILD",  # queries: the child columns' SELECT, a constant
    "_EVENT",  # queries: the event columns' SELECT, a constant
    "forward",  # queries: quoted kind names from FORWARD_KINDS, a constant set
    "(' WHERE ' + ' AND '.join(where) if where else '')",  # queries: "iro IN (:iro0, …)", placeholders only
    "column",  # queries.known_names: a key of NAME_COLUMNS, checked before use
    "' AND '.join(where)",
    "sql",  # queries (fast paths): a constant SELECT … IN, followed by "?" placeholders only
    "','.join('?' * len(chunk))",
    "table.name", "', '.join(names)", "', '.join('?' * len(names))",  # bulk._insert: names, placeholders
    "BUSY_TIMEOUT_MS",  # an int constant
    "MIGRATION_WAIT_MS",  # migrate: an int constant (the lock wait for another's migration)
    "marks",  # kept / queries (obligation table): ", ".join(":k0", ":k1", …), placeholders only
    "cols",  # queries (obligation table): the column names of KEPT_COLUMNS, a constant
    "join", "plus", "order",  # queries.kept_obligations: " CROSS JOIN " or ", ", "+" or "", a column: constants
    "' WHERE ' + ' AND '.join(where) if where else ''",  # queries.child_ids: placeholders only
    # grants.grant_reader's GRANTs: identifiers (a GRANT binds no parameters) quoted by SQLAlchemy's preparer
    # (always in double quotes, quotes inside doubled), the role's name checked against pg_roles first
    "quote(schema)", "quote(VIEW)", "quote(role)",
    "kinds",  # queries.service_events: quoted kind names from domain.EPISODE_END_KINDS, a constant set
    "', '.join((':' + n for n in names))",  # queries.covers_in_force: ":id0, :id1, …", placeholders only
    "where[0]",  # Store._iro_children: queries.filter_sql's "iro IN (:iro0, …)", placeholders only
}
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|PRAGMA|WHERE|FROM|CREATE|DROP|ALTER|GRANT|REVOKE)\b")


def _formatted_sql():
    for path in sorted(SRC.rglob("*.py")):
        source = path.read_text()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.JoinedStr):
                text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
                if SQL.search(text):
                    for value in node.values:
                        if isinstance(value, ast.FormattedValue):
                            yield path.name, node.lineno, ast.unparse(value.value)
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
                parts = [node.left, node.right]
                if any(isinstance(p, ast.Constant) and isinstance(p.value, str) and SQL.search(p.value) for p in parts):
                    for part in parts:
                        if not isinstance(part, ast.Constant | ast.BinOp | ast.JoinedStr):
                            yield path.name, node.lineno, ast.unparse(part)


def test_sql_is_formatted_only_with_reviewed_code_never_values():
    found = list(_formatted_sql())
    assert found, "the scan finds the store's formatted SQL"
    unreviewed = [f"{name}:{line}: {expr}" for name, line, expr in found if expr not in REVIEWED]
    assert unreviewed == []


def test_values_that_look_like_sql_are_only_data(caseload):
    hostile = "O'Brien'); DROP TABLE event; --"
    caseload.add_child_as_imported(hostile, "Q R", "2012-05-01", iro=hostile, team="x' OR '1'='1")
    caseload("event", "add", hostile, "entered-care", "2025-01-06", "--note", "'; DELETE FROM child; --")
    rows = caseload.json("due", "--iro", hostile, "--as-of", "2025-01-07")
    assert rows and {r["child_id"] for r in rows} == {hostile}
    assert caseload.json("due", "--team", "x' OR '1'='1", "--as-of", "2025-01-07") == rows
    assert caseload.rows("SELECT COUNT(*) FROM child") == [(4,)]
