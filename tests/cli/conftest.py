"""CLI fixtures: a real temporary SQLite store and a runner that keeps stdout and stderr apart."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from irocli.cli import app


class Cli:
    def __init__(self, db: Path):
        self.db = db
        self.runner = CliRunner(env={"IROCLI_DB": str(db), "IROCLI_PROFILE": None, "COLUMNS": "160",
                                     "NO_COLOR": "1", "FORCE_COLOR": None})

    def __call__(self, *args: str, ok: bool = True):
        result = self.runner.invoke(app, list(args))
        if ok:
            assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr, result.exception)
        return result

    def digest(self) -> str:
        """The store's bytes (and its WAL's), to prove a failed command wrote nothing."""
        parts = [p for p in (self.db, self.db.with_name(self.db.name + "-wal")) if p.exists()]
        return hashlib.sha256(b"".join(p.read_bytes() for p in parts)).hexdigest()


@pytest.fixture
def cli(tmp_path) -> Cli:
    return Cli(tmp_path / "store.db")


@pytest.fixture
def caseload(cli) -> Cli:
    """Two IROs, three children, a year of events under the england profile."""
    cli("init", "--profile", "england")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01", "--iro", "A. Khan", "--team", "North")
    cli("child", "add", "C002", "--name", "Ava Smith", "--dob", "2010-02-28", "--iro", "A. Khan", "--team", "North")
    cli("child", "add", "C003", "--name", "Leo Brown", "--dob", "2015-09-09", "--iro", "B. Okafor", "--team", "South")
    for child, kind, day in [
        ("C001", "entered-care", "2024-12-20"),  # first review due 2025-01-22
        ("C001", "review-held", "2025-01-22"),  # second due 2025-04-22
        ("C001", "decisions-circulated", "2025-01-27"),
        ("C002", "entered-care", "2025-03-03"),  # first review due 2025-03-31
        ("C003", "entered-care", "2025-04-10"),  # first review due 2025-05-13
    ]:
        cli("event", "add", child, kind, day)
    return cli
