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
from importer_support import ROOT, SAMPLE_903, Cli

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
