"""Shared by the importer tests: where the sample files are, and a CLI runner on a real store."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from irocli.cli import app

ROOT = Path(__file__).resolve().parents[2]
SHARED_903 = ROOT.parent / "shared" / "ssda903_sample"
SAMPLE_903 = ROOT / "sample_data" / "ssda903"
SAMPLE_SSD = ROOT / "sample_data" / "ssd"
FLAT = SAMPLE_SSD / "one-row-per-review" / "cla_reviews.csv"


class Cli:
    def __init__(self, db: Path):
        self.db = db
        self.runner = CliRunner(env={"IROCLI_DB": str(db), "IROCLI_PROFILE": None, "COLUMNS": "160",
                                     "NO_COLOR": "1", "FORCE_COLOR": None})

    def __call__(self, *args: str, ok: bool = True):
        result = self.runner.invoke(app, [str(a) for a in args])
        if ok:
            assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr, result.exception)
        return result

    def json(self, *args: str):
        return json.loads(self(*args, "--format", "json").stdout)

    def digest(self) -> str:
        """The store's bytes (and its WAL's), to prove a failed command wrote nothing."""
        parts = [p for p in (self.db, self.db.with_name(self.db.name + "-wal")) if p.exists()]
        return hashlib.sha256(b"".join(p.read_bytes() for p in parts)).hexdigest()

    def rows(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql).fetchall()

    def events(self, child: str) -> list[tuple[str, str]]:
        return [(kind, day) for kind, day in self.rows(
            f"SELECT kind, date FROM event WHERE child_id = '{child}' AND voided_at IS NULL ORDER BY date, id")]
