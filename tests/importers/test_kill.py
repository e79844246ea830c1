"""An import killed midway (SIGKILL, no chance to clean up) leaves the store as it was."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa
from importer_support import ROOT, SAMPLE_903, Cli

from clirunner import digest

GENERATOR = ROOT / "sample_data" / "ssda903" / "generate.py"


def generate(out, children: int) -> None:
    spec = importlib.util.spec_from_file_location("generate903", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(out, children)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_an_import_killed_while_writing_leaves_the_store_unchanged(tmp_path):
    db = tmp_path / "store.db"
    cli = Cli(db)
    cli("init", "--profile", "england")
    cli("import", "ssda903", SAMPLE_903)  # something already stored, to be kept
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # the last command checkpointed on close
    before_bytes = hashlib.sha256(db.read_bytes()).hexdigest()
    before = cli.rows("SELECT (SELECT COUNT(*) FROM child), (SELECT COUNT(*) FROM event)")
    big = tmp_path / "big"
    generate(big, 60000)

    env = {**os.environ, "IROCLI_DB": str(db)}
    env.pop("IROCLI_PROFILE", None)
    proc = subprocess.Popen([sys.executable, "-m", "irocli", "import", "ssda903", str(big)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Writing has begun once the transaction spills pages into the WAL (SQLite's page cache is
    # 2 MB): the rows are being inserted and nothing is committed yet.
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > 1_000_000:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.002)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, ("the import finished before it could be killed", proc.returncode,
                                                proc.stderr.read())
    proc.stderr.close()

    # Uncommitted frames sit in the WAL; the database file itself was never touched.
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before_bytes
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert cli.rows("SELECT (SELECT COUNT(*) FROM child), (SELECT COUNT(*) FROM event)") == before
    # and the store is usable: a re-import of what it held finds everything there
    result = cli.json("import", "ssda903", SAMPLE_903)
    assert result["children"]["added"] == 0 and result["events"]["added"] == 0


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_a_postgresql_import_killed_while_writing_leaves_the_store_unchanged(pg_cluster, tmp_path):
    url = pg_cluster.new_database()
    watcher = sa.create_engine(url, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
    try:
        cli = Cli(url)
        cli("init", "--profile", "england")
        cli("import", "ssda903", SAMPLE_903)
        before = digest(url, sequence=False)
        counts = cli.rows("SELECT (SELECT COUNT(*) FROM child), (SELECT COUNT(*) FROM event)")
        big = tmp_path / "big"
        generate(big, 60000)

        env = {**os.environ, "IROCLI_DB": url}
        env.pop("IROCLI_PROFILE", None)
        irocli_sessions = "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'irocli'"
        inserting = irocli_sessions + " AND starts_with(query, 'INSERT INTO event')"
        proc = subprocess.Popen([sys.executable, "-m", "irocli", "import", "ssda903", str(big)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # Writing has begun once the import's session has sent its event rows; it commits only
        # after the last of them.
        deadline = time.monotonic() + 120
        seen_inserting = False
        with watcher.connect() as conn:
            while proc.poll() is None and time.monotonic() < deadline:
                if conn.exec_driver_sql(inserting).scalar():
                    seen_inserting = True
                    proc.send_signal(signal.SIGKILL)
                    break
                time.sleep(0.005)
            proc.kill()  # (if it was not killed above, the assertions below fail, and it must not linger)
            proc.wait(timeout=30)
            assert seen_inserting
            assert proc.returncode == -signal.SIGKILL, ("the import finished before it could be killed",
                                                        proc.returncode, proc.stderr.read())
            proc.stderr.close()
            # The server rolls the orphaned transaction back when it finds its client gone.
            while conn.exec_driver_sql(irocli_sessions).scalar() and time.monotonic() < deadline:
                time.sleep(0.01)
            assert conn.exec_driver_sql(irocli_sessions).scalar() == 0

        assert digest(url, sequence=False) == before
        assert cli.rows("SELECT (SELECT COUNT(*) FROM child), (SELECT COUNT(*) FROM event)") == counts
        result = cli.json("import", "ssda903", SAMPLE_903)
        assert result["children"]["added"] == 0 and result["events"]["added"] == 0
    finally:
        watcher.dispose()
        pg_cluster.drop_database(url)
