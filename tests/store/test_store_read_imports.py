"""Reports read the store without importing sqlmodel or alembic (PERFORMANCE.md, surprise 2)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import irocli
from irocli.domain import Child

READ_EVERYTHING = """
import sys
from irocli.store import Store
store = Store.open(sys.argv[1])
children = store.list_children(iro="A. Khan")
assert [c.id for c in children] == ["C001"], children
assert store.get_child("C001").name == "Sam Jones"
assert len(store.list_events("C001")) == 1
assert len(store.events_for(["C001"])["C001"]) == 1
assert [c.id for c, _ in store.iter_caseload(team="North")] == ["C001"]
assert store.get_meta("profile") == "england"
assert store.revision() is not None
store.close()
print(sorted(m for m in ("sqlmodel", "alembic", "irocli.store.tables") if m in sys.modules))
"""


def test_reading_a_migrated_store_imports_neither_sqlmodel_nor_alembic(store):
    store.add_child(Child("C001", "Sam Jones", iro="A. Khan", team="North"))
    store.add_event("C001", "entered-care", dt.date(2025, 1, 1))
    store.set_meta("profile", "england")
    src = str(Path(irocli.__file__).resolve().parents[1])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [sys.executable, "-c", READ_EVERYTHING, store.url],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
