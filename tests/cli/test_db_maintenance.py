"""`irocli db check` and `irocli db backup`, on each backend."""

from __future__ import annotations

import json
import os
import sqlite3
import stat

import pytest

from clirunner import Cli, execute
from irocli.domain import EVENT_KINDS, PRE_BIRTH_KINDS


@pytest.fixture
def child(cli) -> Cli:
    cli("init", "--profile", "england")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2015-06-01")
    return cli


def test_a_sound_store_checks_clean(child):
    child("event", "add", "C001", "entered-care", "2020-01-06")
    result = child("db", "check")
    assert result.stdout == "" and "No problems found" in result.stderr


def _before_birth(cli: Cli) -> None:
    """An event the day before C001's birth, as another tool (or an older irocli) could write it:
    `event add` refuses it now."""
    execute(cli.url, "INSERT INTO event (child_id, kind, date, meeting, recorded_at) "
                     "VALUES ('C001', 'entered-care', '2015-05-31', TRUE, '2021-02-03 10:00:00')")


def test_an_event_before_birth_is_found_by_id_never_by_name_or_birth_date(child):
    _before_birth(child)
    child("event", "add", "C001", "review-held", "2015-06-01")  # the day of birth: fine
    child("event", "add", "C001", "strategy-discussion", "2015-03-01")  # pre-birth child protection: fine
    result = child("db", "check", "--format", "json", ok=False)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [{
        "check": "before-birth", "child_id": "C001", "event_id": 1,
        "detail": "event 1 (entered-care 2015-05-31) is dated before the child's date of birth"}]
    table = child("db", "check", ok=False)
    for shown in (result.stdout, result.stderr, table.stdout, table.stderr):
        assert "Sam" not in shown and "Jones" not in shown and "2015-06-01" not in shown


def test_a_voided_event_before_birth_is_not_a_problem(child):
    _before_birth(child)
    child("event", "void", "1", "--reason", "wrong child")
    assert child("db", "check").exit_code == 0


def test_events_of_no_stored_child_and_of_unknown_kinds_are_found(child, backend):
    child("event", "add", "C001", "entered-care", "2020-01-06")
    if backend == "sqlite":  # another tool, writing with SQLite's foreign keys off (its default)
        damage = ["PRAGMA foreign_keys=OFF"]
    else:  # a superuser bypassing the constraint triggers
        damage = ["SET session_replication_role = replica"]
    execute(child.url, *damage,
            "INSERT INTO event (child_id, kind, date, meeting, recorded_at) "
            "VALUES ('C404', 'iro-visit', '2021-02-03', TRUE, '2021-02-03 10:00:00')",
            "UPDATE event SET kind = 'tea-party' WHERE id = 1")
    result = child("db", "check", "--format", "json", ok=False)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {"check": "orphan-event", "child_id": "C404", "event_id": 2,
         "detail": "event 2 (iro-visit 2021-02-03) belongs to no stored child"},
        {"check": "unknown-kind", "child_id": None, "event_id": None,
         "detail": "events of kind 'tea-party', which this irocli does not know"},
        # written behind irocli's back: C001's stored obligations (from entered-care) no longer match its events
        {"check": "obligations-differ", "child_id": "C001", "event_id": None,
         "detail": "stored obligations differ from a fresh derivation: run `irocli db refresh --all`"},
    ]


@pytest.mark.sqlite_only
def test_a_damaged_sqlite_file_fails_its_integrity_check(child):
    for day in range(1, 29):
        child("event", "add", "C001", "iro-visit", f"2020-02-{day:02d}")
    with sqlite3.connect(child.db) as conn:
        root, page_size = conn.execute("SELECT rootpage, (SELECT page_size FROM pragma_page_size()) "
                                       "FROM sqlite_master WHERE name = 'ix_event_child_date'").fetchone()
    with open(child.db, "r+b") as handle:  # an index whose entries no longer match its table's rows
        handle.seek(root * page_size - 300)  # cells fill a page from its end
        handle.write(b"\x7f" * 200)
    result = child("db", "check", "--format", "json", ok=False)
    assert result.exit_code == 1, result.stderr
    found = json.loads(result.stdout)
    assert found and {f["check"] for f in found} == {"integrity"}, found


@pytest.mark.sqlite_only
def test_a_backup_is_a_private_consistent_copy_and_never_overwrites(child, tmp_path):
    child("event", "add", "C001", "entered-care", "2020-01-06")
    target = tmp_path / "backups" / "irocli-copy.db"
    target.parent.mkdir()
    child("db", "backup", target)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["irocli-copy.db"]  # no -wal, no partial file
    copy = Cli(target)
    assert copy("db", "check").exit_code == 0
    query = "SELECT c.id, c.name, c.dob, e.kind, e.date FROM child c JOIN event e ON e.child_id = c.id"
    assert copy.rows(query) == child.rows(query) == [("C001", "Sam Jones", "2015-06-01", "entered-care", "2020-01-06")]
    before = target.read_bytes()
    again = child("db", "backup", target, ok=False)
    assert again.exit_code == 2 and again.stderr.startswith("Error: ") and "already exists" in again.stderr
    assert target.read_bytes() == before


def test_a_postgresql_store_is_backed_up_with_pg_dump(pg_cluster, tmp_path):
    url = pg_cluster.new_database()
    try:
        cli = Cli(url)
        cli("init", "--profile", "england")
        result = cli("db", "backup", tmp_path / "copy.db", ok=False)
        assert result.exit_code == 2 and "pg_dump" in result.stderr
        assert not (tmp_path / "copy.db").exists()
    finally:
        pg_cluster.drop_database(url)


def test_pre_birth_kinds_are_event_kinds():
    assert PRE_BIRTH_KINDS <= set(EVENT_KINDS)
