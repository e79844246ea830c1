"""Several processes adding events and importing at once lose nothing, on both backends.

Each worker (concurrency_worker.py) imports a directory of its own, adds events one command at a
time to its own child and to one child they all share, and imports one directory they all share,
all released together. SQLite serialises writers (WAL, BEGIN IMMEDIATE, a busy timeout);
PostgreSQL runs them as serializable transactions, retried on a serialisation failure, deadlock or
a duplicate key another import committed first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clirunner import Cli, rows

WORKER = Path(__file__).with_name("concurrency_worker.py")
ADDS = 12


def write_native(directory: Path, children: list[str], events_each: int) -> int:
    """A native import directory: ``children`` with ``events_each`` events each; returns the count."""
    directory.mkdir()
    (directory / "children.csv").write_text(
        "id,name,dob,iro,social_worker,team\n"
        + "".join(f"{c},Child {c},2015-03-0{1 + n % 9},A. Khan,K. Doyle,East\n" for n, c in enumerate(children)))
    lines = ["child_id,kind,date,meeting,note,details"]
    for c in children:
        lines.append(f"{c},entered-care,2025-06-02,,,")
        lines += [f"{c},iro-visit,2025-07-{1 + k:02d},,," for k in range(events_each - 1)]
    (directory / "events.csv").write_text("\n".join(lines) + "\n")
    return len(children) * events_each


@pytest.mark.parametrize("workers", [2, 8])
def test_processes_writing_at_once_lose_nothing(db_url, tmp_path, workers):
    cli = Cli(db_url)
    cli("init", "--profile", "england")
    cli("child", "add", "P01", "--name", "Pat Shared", "--dob", "2014-02-03", "--iro", "A. Khan")
    cli("event", "add", "P01", "entered-care", "2025-05-06")
    expected = 2  # entered-care, and the iro-allocated that naming the IRO records
    shared = tmp_path / "shared"
    expected += write_native(shared, [f"S{n:03d}" for n in range(1, 201)], 5)
    owns = []
    for w in range(workers):
        own = tmp_path / f"own{w}"
        expected += write_native(own, [f"W{w}-{n:02d}" for n in range(1, 6)], 3)
        owns.append(own)

    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(WORKER.parent),
                                                                     os.environ.get("PYTHONPATH")]))}
    procs = [subprocess.Popen([sys.executable, str(WORKER), db_url, str(w), str(own), str(shared), str(go),
                               str(ADDS)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for w, own in enumerate(owns)]
    go.touch()
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        reports.append(json.loads(out))

    for w, report in enumerate(reports):
        for command in report["commands"]:
            assert command["crashed"] is None, command
            assert command["code"] == 0, command
            assert "Traceback" not in command["stderr"] and "lock" not in command["stderr"].lower(), command
        assert len(report["ids"]) == ADDS
        stored = {row[0] for row in rows(db_url, f"SELECT id FROM event WHERE recorded_by = 'worker-{w}'")}
        assert stored == set(report["ids"])

    written = expected + sum(len(report["ids"]) for report in reports)
    [(read_back, distinct_keys, keyed)] = rows(
        db_url, "SELECT COUNT(*), COUNT(DISTINCT source_key), COUNT(source_key) FROM event")
    assert read_back == written
    assert distinct_keys == keyed  # the shared directory's events are stored once, not once per worker
    [(children,)] = rows(db_url, "SELECT COUNT(*) FROM child")
    assert children == 1 + 200 + 5 * workers
    cli("db", "check")  # exit 0: no orphan events, nothing damaged


def test_inits_of_an_empty_store_at_once_migrate_it_once(db_url, tmp_path):
    """The first morning of a team store: eight `init`s find it empty together. One migrates
    it; the others wait (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE) and find it done."""
    from irocli.store import HEAD

    env = {**os.environ, "IROCLI_DB": db_url}
    env.pop("IROCLI_PROFILE", None)
    procs = [subprocess.Popen([sys.executable, "-m", "irocli", "init", "--profile", "england"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(8)]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    assert rows(db_url, "SELECT version_num FROM alembic_version") == [(HEAD,)]
    Cli(db_url)("init", "--profile", "england")


def test_a_postgresql_row_held_past_the_lock_timeout_gives_one_line(pg_cluster, monkeypatch):
    """A cron job never hangs behind a transaction someone left open: it waits PG_LOCK_TIMEOUT_MS."""
    import sqlalchemy as sa

    from irocli.domain import Child
    from irocli.errors import StoreUnavailable
    from irocli.store import Store
    from irocli.store import connection as store_connection

    monkeypatch.setattr(store_connection, "PG_LOCK_TIMEOUT_MS", 300)
    url = pg_cluster.new_database()
    blocker = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with Store.open(url) as store:
            store.add_child(Child("C1", "Sam Jones"))
            with blocker.connect() as conn:
                conn.exec_driver_sql("BEGIN")
                conn.exec_driver_sql("UPDATE child SET team = 'North' WHERE id = 'C1'")  # left open
                with pytest.raises(StoreUnavailable) as caught:
                    store.update_child("C1", team="South")
                conn.exec_driver_sql("ROLLBACK")
            assert store.get_child("C1").team is None
        assert str(caught.value) == (
            f"the store at {url.replace(':s3cret-pw@', ':***@')} is locked by another process (waited 0.3 s)"
        )
    finally:
        blocker.dispose()
        pg_cluster.drop_database(url)


def test_a_postgresql_write_that_lost_a_race_is_run_again_on_fresh_data(pg_cluster):
    """Two people void the same event at once. The second's transaction read the event before the
    first committed; its UPDATE then fails with a serialisation failure (REPEATABLE READ) and is
    run again, now sees the event voided, and says so. Under plain READ COMMITTED it would have
    overwritten the first person's reason without a word."""
    import datetime as dt
    import threading
    import time

    import sqlalchemy as sa

    from irocli.domain import Child
    from irocli.errors import BadInput
    from irocli.store import Store

    url = pg_cluster.new_database()
    other = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with Store.open(url) as store:
            store.add_child(Child("C1", "Sam Jones"))
            event_id = store.add_event("C1", "entered-care", dt.date(2025, 1, 6))
            outcome: list = []

            def second_person():
                try:
                    store.void_event(event_id, "entered twice")
                    outcome.append("voided")
                except BadInput as error:
                    outcome.append(str(error))

            with other.connect() as first:
                first.exec_driver_sql("BEGIN")
                first.execute(sa.text("UPDATE event SET voided_at = now(), void_reason = 'wrong child' WHERE id = :id"),
                              {"id": event_id})
                thread = threading.Thread(target=second_person)
                thread.start()
                waiting = ("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'irocli' "
                           "AND wait_event_type = 'Lock'")
                deadline = time.monotonic() + 10
                with other.connect() as watch:
                    while not watch.exec_driver_sql(waiting).scalar() and time.monotonic() < deadline:
                        time.sleep(0.01)
                    assert watch.exec_driver_sql(waiting).scalar() == 1, "the second void never waited"
                first.exec_driver_sql("COMMIT")
                thread.join(timeout=30)
            assert outcome == [f"event {event_id} is already voided"]
            assert store.get_event(event_id).void_reason == "wrong child"
    finally:
        other.dispose()
        pg_cluster.drop_database(url)
