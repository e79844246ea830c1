"""Importer fixtures: a CLI runner on a real temporary store of each backend, and copies of the sample files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from importer_support import SAMPLE_903, SAMPLE_SSD, Cli


@pytest.fixture
def cli(db_url) -> Cli:
    runner = Cli(db_url)
    runner("init", "--profile", "england")
    return runner


@pytest.fixture
def files903(tmp_path) -> Path:
    """A writable copy of the small made-up 903 return (sample_data/ssda903)."""
    target = tmp_path / "903"
    shutil.copytree(SAMPLE_903, target, ignore=shutil.ignore_patterns("*.md", "*.py"))
    return target


@pytest.fixture
def ssd(tmp_path) -> Path:
    """A writable copy of the made-up SSD extract (sample_data/ssd, top level only)."""
    target = tmp_path / "ssd"
    target.mkdir()
    for path in SAMPLE_SSD.glob("*.csv"):
        shutil.copy(path, target / path.name)
    return target
