"""CLI fixtures: a runner on a real temporary store of each backend (see clirunner.Cli)."""

from __future__ import annotations

import pytest

from clirunner import Cli


@pytest.fixture
def cli(db_url) -> Cli:
    return Cli(db_url)


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
