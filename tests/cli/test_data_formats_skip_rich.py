"""JSON and CSV are data for scripts and cron jobs: they never load Rich (PERFORMANCE.md: rich.table
alone costs about 40 ms of a due list's start-up). Run as processes, as a cron job runs them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.sqlite_only

# Runs the CLI in this interpreter, then reports on stderr's last line which rich modules were loaded.
PROBE = """
import atexit, json, sys
atexit.register(lambda: print(json.dumps(sorted(m for m in sys.modules if m == "rich" or m.startswith("rich."))),
                              file=sys.stderr))
from irocli.cli import main
sys.argv = ["irocli", *sys.argv[1:]]
main()
"""

COMMANDS = [
    ("due", "--as-of", "2025-04-01"),
    ("overdue", "--as-of", "2025-06-01"),
    ("explain", "C001", "--as-of", "2025-04-01"),
    ("child", "list"),
    ("child", "show", "C001", "--as-of", "2025-04-01"),
    ("event", "list", "C001"),
    ("escalation", "list", "--as-of", "2025-04-01"),
    ("report", "kpi", "--from", "2025-01-01", "--to", "2025-03-31", "--as-of", "2025-04-01"),
    ("caseload", "--as-of", "2025-04-01"),
    ("holidays", "--year", "2025"),
    ("profile", "list"),
    ("profile", "show", "england", "review.second"),
]


def rich_modules(url: str, *args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, "--db", url, *args], capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_json_and_csv_never_load_rich(caseload, command, fmt):
    assert rich_modules(caseload.url, *command, "--format", fmt) == []


def test_the_probe_sees_rich_when_a_table_is_asked_for(caseload):
    assert "rich.table" in rich_modules(caseload.url, "due", "--as-of", "2025-04-01")
