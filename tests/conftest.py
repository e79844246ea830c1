"""Shared fixtures, kept small and named for what they give.

``db_url`` is parametrised: a test that takes it (or ``store``, or a ``cli`` fixture) runs once on
an SQLite file and once on a database of a throwaway PostgreSQL cluster the session starts.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: a test of the SQLite file itself; not run on PostgreSQL")


def pytest_collection_modifyitems(config, items):
    """A test marked sqlite_only keeps only its SQLite variant."""
    deselected = [item for item in items if item.get_closest_marker("sqlite_only")
                  and getattr(getattr(item, "callspec", None), "params", {}).get("backend", "sqlite") != "sqlite"]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item not in deselected]


@pytest.fixture(scope="session")
def pg_cluster():
    """A PostgreSQL server of the test session's own (see pgcluster.py); stopped and deleted after."""
    from pgcluster import Cluster, bindir

    bin_dir = bindir()
    if bin_dir is None:
        if os.environ.get("IROCLI_TEST_PG") == "require":
            pytest.fail("PostgreSQL is not installed: `make test` installs Debian's postgresql package")
        pytest.skip("PostgreSQL is not installed (`make test` installs it)")
    cluster = Cluster(bin_dir).start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request):
    """Where a test's store lives: an SQLite file path, or a new empty PostgreSQL database's URL."""
    if backend == "sqlite":
        yield str(tmp_path / "store.db")
        return
    cluster = request.getfixturevalue("pg_cluster")
    url = cluster.new_database()
    try:
        yield url
    finally:
        cluster.drop_database(url)


@pytest.fixture
def new_db_url(backend: str, tmp_path: Path, request):
    """Makes further empty stores on the test's backend: ``new_db_url(name)`` (dropped after)."""
    made: list[str] = []

    def make(name: str) -> str:
        if backend == "sqlite":
            return str(tmp_path / f"{name}.db")
        made.append(request.getfixturevalue("pg_cluster").new_database())
        return made[-1]

    yield make
    for url in made:
        request.getfixturevalue("pg_cluster").drop_database(url)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """Where a test's SQLite store lives (not created yet), for tests of the file itself."""
    return tmp_path / "irocli.db"


@pytest.fixture
def store(db_url: str):
    """A real, migrated store on each backend."""
    from irocli.store import Store

    with Store.open(db_url) as opened:
        yield opened
