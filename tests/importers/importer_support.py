"""Shared by the importer tests: where the sample files are, and a CLI runner on a real store."""

from __future__ import annotations

from pathlib import Path

from clirunner import Cli  # noqa: F401  (the importer tests' runner)

ROOT = Path(__file__).resolve().parents[2]
# the shared sample return (2023-24), vendored so that its tests run on every checkout
SHARED_903 = ROOT / "tests" / "data" / "ssda903_2023_24"
SAMPLE_903 = ROOT / "sample_data" / "ssda903"
SAMPLE_SSD = ROOT / "sample_data" / "ssd"
FLAT = SAMPLE_SSD / "one-row-per-review" / "cla_reviews.csv"
