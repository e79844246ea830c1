"""Output cut short by its reader (`| head`) ends quietly (CONTRACT "JSON shape"): exit 0, nothing
on stderr. Run as a real process with a real pipe, on an SQLite store with the shared return."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "ssda903_2023_24"


def irocli(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("irocli")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "irocli", *args]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("pipes") / "store.db")
    for args in (("init", "--profile", "england"), ("import", "ssda903", str(SAMPLE))):
        subprocess.run(irocli("--db", path, *args), check=True, capture_output=True)
    return path


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_a_reader_that_stops_after_one_line_ends_it_quietly(store, fmt):
    command = irocli("--db", store, "due", "--as-of", "2024-04-30", "--within", "3650", "--format", fmt)
    full = subprocess.run(command, capture_output=True, check=True).stdout
    assert len(full) > 100_000  # more than a pipe holds (64 KiB): the writer meets the closed pipe
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={"COLUMNS": "120"})
    first = proc.stdout.readline()
    proc.stdout.close()
    _, err = proc.communicate(timeout=60)
    assert first and proc.returncode == 0 and err == b"", (proc.returncode, err)
