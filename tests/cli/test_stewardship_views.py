"""Issue 18's reads, on each backend: `child history`, `child show`'s changed date of birth, `event list`'s
amendment chain and `db audit` over a window of London days.

Every expected value below is written out by hand from the commands the test runs. Who: the OS user
(getpass.getuser(), as Store writes it). `db audit`'s times are set by SQL after the writes, to instants chosen
around British Summer Time midnights (June 2026: London = UTC + 1):

    2026-06-27 23:30 UTC  C001 added             (London 2026-06-28 00:30: on --from 2026-06-28)
    2026-06-28 10:00 UTC  event 1 added
    2026-06-29 08:00 UTC  event 2 added
    2026-06-29 12:00 UTC  event 2 voided
    2026-06-29 13:00 UTC  event 3 added
    2026-06-30 09:00 UTC  event 3 amended by event 4 (event 3 voided at the same instant: the amendment's row)
    2026-06-30 10:00 UTC  import batch 1 (C002 and its event 5: not listed one by one)
    2026-06-30 22:30 UTC  import batch 1 undone (London 23:30, still 2026-06-30; event 5 voided: the undo's row)
    2026-06-30 23:30 UTC  C001's team changed    (London 2026-07-01 00:30: not on --to 2026-06-30)
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import hashlib
import io

import pytest
import sqlalchemy as sa

from irocli.domain import Child, Event
from irocli.store import Store
from irocli.store.stewardship import BatchSource

USER = getpass.getuser()


def stamp(url: str, sql: str, **when: str) -> None:
    """Run one UPDATE on the store with each keyword a naive UTC time "YYYY-MM-DD HH:MM" bound as a DateTime
    (so SQLite gets the text irocli's own writes store)."""
    engine = sa.create_engine(url if "://" in url else f"sqlite:///{url}", poolclass=sa.pool.NullPool)
    statement = sa.text(sql).bindparams(*(sa.bindparam(name, type_=sa.DateTime()) for name in when))
    try:
        with engine.begin() as conn:
            conn.execute(statement, {name: dt.datetime.fromisoformat(value) for name, value in when.items()})
    finally:
        engine.dispose()


def native(folder, children: str, events: str):
    folder.mkdir()
    (folder / "children.csv").write_text(children, encoding="utf-8")
    (folder / "events.csv").write_text(events, encoding="utf-8")
    return folder


def short_hash(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def amend(url: str, event_id: int, reason: str, date: str) -> int:
    with Store.open(url, create=False) as store:
        return store.amend_event(event_id, reason, date=dt.date.fromisoformat(date), as_of=dt.date.today())


# -- child history ---------------------------------------------------------------------------------------------


@pytest.fixture
def changed(cli, tmp_path):
    """C001 added, updated (name, dob, team), transferred, then changed by an import (team); C002 added by the
    import with its date of birth; C003 added with a date of birth and never changed."""
    cli("init", "--profile", "england")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01", "--iro", "A. Khan", "--team", "North")
    cli("child", "add", "C003", "--name", "Leo Brown", "--dob", "2015-09-09")
    cli("child", "update", "C001", "--name", "Sam Jonas", "--dob", "2012-06-01", "--team", "South")
    cli("caseload", "transfer", "--from", "A. Khan", "--to", "B. Okafor", "--date", "today")
    folder = native(tmp_path / "data",
                    "id,name,dob,iro,social_worker,team\n"
                    "C001,Sam Jonas,2012-06-01,,,East\n"
                    "C002,Ava Smith,2010-02-28,,,North\n",
                    "child_id,kind,date,meeting,note,details\n"
                    "C001,entered-care,2025-01-06,,,\n")
    cli("import", "native", str(folder))
    return cli


def test_child_history_lists_each_change_with_old_and_new_who_and_via(changed):
    rows = changed.json("child", "history", "C001")
    assert [(r["field"], r["old"], r["new"], r["via"], r["batch"]) for r in rows] == [
        ("added", None, None, "child add", None),
        ("name", "Sam Jones", "Sam Jonas", "child update", None),
        ("dob", "2012-05-01", "2012-06-01", "child update", None),
        ("team", "North", "South", "child update", None),
        ("iro", "A. Khan", "B. Okafor", "transfer", None),
        ("team", "South", "East", "import", 1),
    ]
    assert {r["by"] for r in rows} == {USER}
    assert all(len(r["at"]) == 20 and r["at"].endswith("Z") for r in rows)  # 2026-11-30T06:18:21Z
    assert [r["at"] for r in rows] == sorted(r["at"] for r in rows)  # oldest first
    assert list(rows[0]) == ["at", "by", "field", "old", "new", "via", "batch"]


def test_child_history_csv_and_table(changed):
    lines = list(csv.reader(io.StringIO(changed("child", "history", "C001", "--format", "csv").stdout)))
    assert lines[0] == ["at", "by", "field", "old", "new", "via", "batch"]
    assert lines[-1][1:] == [USER, "team", "South", "East", "import", "1"]
    table = changed("child", "history", "C001").stdout
    assert "History of C001 (times are London time)" in table
    assert "2012-05-01 → 2012-06-01" in table and "North → South" in table and "A. Khan → B. Okafor" in table
    assert "import (batch 1)" in table and "6 changes" in table


def test_child_history_of_a_child_an_import_added(changed):
    rows = changed.json("child", "history", "C002")
    assert [(r["field"], r["old"], r["new"], r["via"], r["batch"], r["by"]) for r in rows] == [
        ("added", None, None, "import", 1, USER)]


def test_child_history_of_an_unknown_child_is_one_line_exit_2(changed):
    result = changed("child", "history", "C999", ok=False)
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: unknown child C999"
    assert result.stdout == ""


# -- child show: a changed date of birth -------------------------------------------------------------------------


def test_child_show_marks_a_changed_date_of_birth(changed):
    history = changed.json("child", "history", "C001")
    at = next(r["at"] for r in history if r["field"] == "dob")
    page = changed.json("child", "show", "C001")
    changed_on = page["child"]["dob_changed"]
    assert page["child"]["dob"] == "2012-06-01"
    assert changed_on == {"at": at, "on": changed_on["on"], "by": USER, "was": "2012-05-01", "via": "child update"}
    # the London day of the change: the UTC day, or the next when the change was made after 23:00 UTC in summer
    utc_day = dt.date.fromisoformat(at[:10])
    assert changed_on["on"] in (utc_day.isoformat(), (utc_day + dt.timedelta(days=1)).isoformat())
    table = changed("child", "show", "C001").stdout
    assert (f"Date of birth  2012-06-01 (changed {changed_on['on']} by {USER}; was 2012-05-01: age milestones "
            "moved)") in table


@pytest.mark.parametrize("child_id, dob", [("C002", "2010-02-28"), ("C003", "2015-09-09")])
def test_child_show_has_no_mark_when_the_date_of_birth_never_changed(changed, child_id, dob):
    """C002: added by an import with its date of birth; C003: by `child add --dob`."""
    page = changed.json("child", "show", child_id)
    assert page["child"]["dob"] == dob and page["child"]["dob_changed"] is None
    table = changed("child", "show", child_id).stdout
    line = next(line for line in table.splitlines() if line.startswith("Date of birth"))
    assert line.rstrip() == f"Date of birth  {dob}"


# -- event list: the amendment chain -----------------------------------------------------------------------------

EVENT_FIELDS = ["id", "date", "kind", "meeting", "note", "recorded_at", "recorded_by", "voided_at", "void_reason",
                "details", "amends", "amended_by", "batch", "voided_by"]


def test_event_list_shows_the_amendment_chain_and_the_batch(changed):
    changed("event", "add", "C001", "review-held", "2025-02-03")  # 4 (1, 2: C001's allocations; 3: the import's)
    ids = [r["id"] for r in changed.json("event", "list", "C001")]
    held = max(ids)
    new = amend(changed.url, held, "typed the wrong day", "2025-02-04")
    rows = {r["id"]: r for r in changed.json("event", "list", "C001")}
    assert list(rows[held]) == EVENT_FIELDS
    old_row, new_row = rows[held], rows[new]
    assert (old_row["void_reason"], old_row["voided_by"], old_row["amends"], old_row["amended_by"],
            old_row["batch"]) == ("typed the wrong day", USER, None, new, None)
    assert old_row["date"] == "2025-02-03" and old_row["voided_at"] is not None
    assert (new_row["date"], new_row["kind"], new_row["amends"], new_row["amended_by"], new_row["voided_at"],
            new_row["voided_by"], new_row["batch"]) == ("2025-02-04", "review-held", held, None, None, None, None)
    imported = [r for r in rows.values() if r["kind"] == "entered-care"]
    assert [(r["date"], r["batch"], r["amends"]) for r in imported] == [("2025-01-06", 1, None)]

    lines = list(csv.reader(io.StringIO(changed("event", "list", "C001", "--format", "csv").stdout)))
    assert lines[0] == EVENT_FIELDS
    by_id = {line[0]: line for line in lines[1:]}
    assert by_id[str(held)][-4:] == ["", str(new), "", USER]
    assert by_id[str(new)][-4:] == [str(held), "", "", ""]

    table = changed("event", "list", "C001").stdout
    assert f"VOIDED: typed the wrong day; amended by #{new}" in table
    assert f"amends #{held}" in table
    assert "import batch 1" in table


# -- db audit ----------------------------------------------------------------------------------------------------


@pytest.fixture
def audited(cli, tmp_path):
    """The writes of the module's docstring, with their times set as it says; returns (cli, children.csv's and
    events.csv's short hashes)."""
    cli("init", "--profile", "england")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01", "--team", "North")
    cli("event", "add", "C001", "entered-care", "2025-01-06")  # 1
    cli("event", "add", "C001", "review-held", "2025-02-03")  # 2
    cli("event", "void", "2", "--reason", "wrong child")
    cli("event", "add", "C001", "review-held", "2025-02-04")  # 3
    assert amend(cli.url, 3, "typed wrong", "2025-02-05") == 4
    folder = native(tmp_path / "data", "id,name,dob,iro,social_worker,team\nC002,Ava Smith,2010-02-28,,,North\n",
                    "child_id,kind,date,meeting,note,details\nC002,entered-care,2025-03-03,,,\n")
    with Store.open(cli.url, create=False) as store:  # as `import native` loads, naming its files (batch 1)
        counts = store.bulk_load([Child("C002", "Ava Smith", dt.date(2010, 2, 28), None, None, "North")],
                                 [(Event("entered-care", dt.date(2025, 3, 3), child_id="C002"), "native:C002:1")],
                                 source=BatchSource("native", (folder / "children.csv", folder / "events.csv")))
        assert (counts.batch, counts["children_added"], counts["events_added"]) == (1, 1, 1)
        store.undo_import(1, reason="wrong file")
    cli("child", "update", "C001", "--team", "South")
    url = cli.url
    stamp(url, "UPDATE child_change SET changed_at = :t WHERE field = 'added' AND child_id = 'C001'",
          t="2026-06-27 23:30")
    stamp(url, "UPDATE event SET recorded_at = :t WHERE id = 1", t="2026-06-28 10:00")
    stamp(url, "UPDATE event SET recorded_at = :t, voided_at = :v WHERE id = 2", t="2026-06-29 08:00",
          v="2026-06-29 12:00")
    stamp(url, "UPDATE event SET recorded_at = :t, voided_at = :v WHERE id = 3", t="2026-06-29 13:00",
          v="2026-06-30 09:00")
    stamp(url, "UPDATE event SET recorded_at = :t WHERE id = 4", t="2026-06-30 09:00")
    stamp(url, "UPDATE import_batch SET recorded_at = :t, undone_at = :u WHERE id = 1", t="2026-06-30 10:00",
          u="2026-06-30 22:30")
    stamp(url, "UPDATE event SET recorded_at = :t, voided_at = :u WHERE child_id = 'C002'", t="2026-06-30 10:00",
          u="2026-06-30 22:30")
    stamp(url, "UPDATE child_change SET changed_at = :t WHERE batch_id = 1", t="2026-06-30 10:00")
    stamp(url, "UPDATE child_change SET changed_at = :t WHERE field = 'team' AND child_id = 'C001'",
          t="2026-06-30 23:30")
    return cli, short_hash(folder / "children.csv"), short_hash(folder / "events.csv")


def test_db_audit_lists_every_write_in_order(audited):
    cli, children_hash, events_hash = audited
    rows = cli.json("db", "audit", "--from", "2026-06-28", "--to", "2026-06-30")
    assert [list(r) for r in rows[:1]] == [["at", "who", "action", "child", "event", "batch", "detail"]]
    assert {r["who"] for r in rows} == {USER}
    got = [(r["at"], r["action"], r["child"], r["event"], r["batch"]) for r in rows]
    assert got == [
        ("2026-06-27T23:30:00Z", "child added", "C001", None, None),
        ("2026-06-28T10:00:00Z", "event added", "C001", 1, None),
        ("2026-06-29T08:00:00Z", "event added", "C001", 2, None),
        ("2026-06-29T12:00:00Z", "event voided", "C001", 2, None),
        ("2026-06-29T13:00:00Z", "event added", "C001", 3, None),
        ("2026-06-30T09:00:00Z", "event amended", "C001", 4, None),
        ("2026-06-30T10:00:00Z", "import", None, None, 1),
        ("2026-06-30T22:30:00Z", "import undone", None, None, 1),
    ]
    details = [r["detail"] for r in rows]
    assert details[:6] == [
        "via child add",
        "entered-care on 2025-01-06",
        "review-held on 2025-02-03",
        "review-held on 2025-02-03; reason: wrong child",
        "review-held on 2025-02-04",
        "amends event 3 (review-held 2025-02-04 → 2025-02-05); reason: typed wrong",
    ]
    assert details[6] == (f"native: children.csv {children_hash}, events.csv {events_hash}; children added 1, "
                          "children updated 0, children unchanged 0, events added 1, events unchanged 0")
    assert details[7] == "native import undone; reason: wrong file"
    # no name or date of birth anywhere
    text = cli("db", "audit", "--from", "2026-06-28", "--to", "2026-06-30", "--format", "csv").stdout
    assert not any(p in text for p in ("Sam", "Jones", "Ava", "Smith", "2012-05-01", "2010-02-28"))


def test_db_audit_days_are_london_days_both_included(audited):
    cli, _, _ = audited
    first = cli.json("db", "audit", "--from", "2026-06-28", "--to", "2026-06-28")
    assert [(r["at"], r["action"]) for r in first] == [("2026-06-27T23:30:00Z", "child added"),
                                                       ("2026-06-28T10:00:00Z", "event added")]
    last = cli.json("db", "audit", "--from", "2026-06-30", "--to", "2026-06-30")
    assert [r["action"] for r in last] == ["event amended", "import", "import undone"]
    after = cli.json("db", "audit", "--from", "2026-07-01", "--to", "2026-07-01")
    assert [(r["at"], r["action"], r["child"], r["detail"]) for r in after] == [
        ("2026-06-30T23:30:00Z", "child changed", "C001", "team via child update")]
    assert cli.json("db", "audit", "--from", "2026-06-26", "--to", "2026-06-27") == []


def test_db_audit_csv_and_table(audited):
    cli, _, _ = audited
    lines = list(csv.reader(io.StringIO(cli("db", "audit", "--from", "2026-07-01", "--to", "2026-07-01",
                                            "--format", "csv").stdout)))
    assert lines == [["at", "who", "action", "child", "event", "batch", "detail"],
                     ["2026-06-30T23:30:00Z", USER, "child changed", "C001", "", "", "team via child update"]]
    table = cli("db", "audit", "--from", "2026-06-28", "--to", "2026-06-30").stdout
    assert "Writes on 2026-06-28 to 2026-06-30 (London days; times UTC)" in table
    assert "2026-06-29T12:00:00Z" in table and "8 writes" in table
    empty = cli("db", "audit", "--from", "2026-06-26", "--to", "2026-06-26").stdout
    assert empty.strip() == "No writes recorded on 2026-06-26 (London days)."


def test_db_audit_to_before_from_is_one_line_exit_2(audited):
    cli, _, _ = audited
    result = cli("db", "audit", "--from", "2026-07-01", "--to", "2026-06-30", ok=False)
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: --to 2026-06-30 is before --from 2026-07-01"
    assert result.stdout == ""


def test_db_audit_defaults_to_today_in_london(cli):
    cli("init", "--profile", "england")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01")
    rows = cli.json("db", "audit")
    assert [(r["action"], r["child"], r["who"], r["detail"]) for r in rows] == [
        ("profile set", None, USER, "rule profile none → england"), ("child added", "C001", USER, "via child add")]
    assert cli.json("db", "audit", "--to", "2026-06-30") == []  # one day: --from defaults to --to
