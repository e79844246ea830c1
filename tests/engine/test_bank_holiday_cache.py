"""The bank-holiday table follows the installed holidays package, through a cache kept per package version.

Each test gets its own empty cache directory and forgets the process's table before and after, so a
fake package never leaks into another test.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import holidays
import pytest

from irocli.engine import _bank_holidays
from irocli.engine.calendar import Calendar, closed_days

REAL = holidays.__version__


def d(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


class Release:
    """The holidays package as another release would be: the real days, plus or minus some."""

    def __init__(self, version: str, extra: dict[str, str] | None = None, removed: tuple[str, ...] = ()):
        self.__version__ = version
        self.extra = {d(k): v for k, v in (extra or {}).items()}
        self.removed = {d(k) for k in removed}
        self.calls = 0

    def country_holidays(self, country, subdiv=None, years=()):
        self.calls += 1
        days = dict(holidays.country_holidays(country, subdiv=subdiv, years=years))
        days.update({k: v for k, v in self.extra.items() if k.year in years})
        return {k: v for k, v in days.items() if k not in self.removed}


def install(monkeypatch, release: Release) -> None:
    """Make release the installed package, as a new process would find it after `pip install`."""
    monkeypatch.setattr(_bank_holidays, "installed_version", lambda: release.__version__)
    monkeypatch.setattr(_bank_holidays, "_package", lambda: release)
    _bank_holidays.forget()


def no_package():
    raise AssertionError("the holidays package was imported although the cache was valid")


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setattr(_bank_holidays, "cache_dir", lambda: where)
    _bank_holidays.forget()
    yield where
    _bank_holidays.forget()


def files(where: Path) -> list[str]:
    return sorted(p.name for p in where.iterdir()) if where.exists() else []


def twenty_working_days_after_2_june_2025() -> dt.date:
    return Calendar().add_working_days(d("2025-06-02"), 20)


# --- A release's days reach the deadlines --------------------------------------------------------


def test_a_bank_holiday_only_the_installed_release_knows_reaches_a_deadline(cache, monkeypatch):
    # Day 0 Mon 2 Jun 2025; no bank holiday in June: Tue 3 (1) ... Fri 27 (19), Mon 30 Jun (20).
    install(monkeypatch, Release(REAL))
    assert twenty_working_days_after_2_june_2025() == d("2025-06-30")
    assert files(cache) == [f"bank-holidays-GB-ENG-{REAL}.json"]
    # A newer release adds a one-off on Wed 11 Jun 2025: the 20th working day is now Tue 1 Jul,
    # although the old release's cache file is still there.
    newer = Release("999.1", {"2025-06-11": "Fictional Jubilee"})
    install(monkeypatch, newer)
    assert twenty_working_days_after_2_june_2025() == d("2025-07-01")
    assert not Calendar().is_working_day(d("2025-06-11"))
    assert _bank_holidays.package_version() == "999.1"
    assert [(c.date, c.name, c.source) for c in closed_days(2025) if c.date.month == 6] == [
        (d("2025-06-11"), "Fictional Jubilee", "bank holiday")]
    assert files(cache) == [f"bank-holidays-GB-ENG-{REAL}.json", "bank-holidays-GB-ENG-999.1.json"]
    saved = json.loads((cache / "bank-holidays-GB-ENG-999.1.json").read_text())
    assert saved["days"]["2025-06-11"] == "Fictional Jubilee"
    assert saved["version"] == "999.1"


def test_a_day_a_release_drops_is_a_working_day_again(cache, monkeypatch):
    # Without Easter Monday 2025: Good Friday 18 Apr closed, Mon 21 Apr a working day.
    install(monkeypatch, Release("999.2", removed=("2025-04-21",)))
    calendar = Calendar()
    assert calendar.is_working_day(d("2025-04-21"))
    assert calendar.next_working_day(d("2025-04-18")) == d("2025-04-21")


# --- The cache -------------------------------------------------------------------------------------


def test_a_valid_cache_is_read_without_the_package(cache, monkeypatch):
    install(monkeypatch, Release("999.3", {"2025-06-11": "Fictional Jubilee"}))
    Calendar()
    # A new process: the same version is installed, the package must not be needed.
    monkeypatch.setattr(_bank_holidays, "_package", no_package)
    _bank_holidays.forget()
    assert twenty_working_days_after_2_june_2025() == d("2025-07-01")  # the day came from the file
    assert _bank_holidays.package_version() == "999.3"


def test_a_stale_cache_for_another_version_is_rebuilt(cache, monkeypatch):
    release = Release("999.4")
    install(monkeypatch, release)
    path = _bank_holidays.cache_path("999.4")
    path.parent.mkdir(parents=True)
    # A file where this version's cache belongs, written by another version, with a day the
    # current release does not have.
    path.write_text(json.dumps({
        "format": 1, "version": "0.1", "package_version": "0.1", "country": "GB", "subdiv": "ENG",
        "first_year": 2010, "last_year": 2040, "days": {"2025-06-11": "Stale Jubilee"}}))
    calendar = Calendar()
    assert calendar.is_working_day(d("2025-06-11"))
    assert not calendar.is_working_day(d("2025-04-18"))  # the real table: Good Friday
    assert release.calls == 1
    saved = json.loads(path.read_text())
    assert (saved["version"], saved["first_year"], saved["last_year"]) == ("999.4", 2010, 2040)
    assert "2025-06-11" not in saved["days"] and saved["days"]["2025-04-18"] == "Good Friday"


@pytest.mark.parametrize("content", [
    pytest.param(b"", id="empty"),
    pytest.param(b'{"format": 1, "version": "999.5", "days": {"2025-0', id="cut-short"),
    pytest.param(b"\xff\xfe\x00garbage", id="not-utf8"),
    pytest.param(b"[1, 2, 3]", id="not-an-object"),
    pytest.param(json.dumps({"format": 1, "version": "999.5", "package_version": "999.5", "country": "GB",
                             "subdiv": "ENG", "first_year": 2010, "last_year": 2040,
                             "days": {"2025-13-45": "Bad date"}}).encode(), id="bad-date"),
    pytest.param(json.dumps({"format": 1, "version": "999.5", "package_version": "999.5", "country": "GB",
                             "subdiv": "ENG", "first_year": "2010", "last_year": 2040,
                             "days": {}}).encode(), id="year-not-a-number"),
    pytest.param(json.dumps({"format": 1, "version": "999.5", "package_version": "999.5", "country": "GB",
                             "subdiv": "ENG", "first_year": 2010, "last_year": 2040,
                             "days": {"2025-06-11": None}}).encode(), id="name-not-text"),
])
def test_a_damaged_cache_is_rebuilt(cache, monkeypatch, content):
    release = Release("999.5")
    install(monkeypatch, release)
    path = _bank_holidays.cache_path("999.5")
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert twenty_working_days_after_2_june_2025() == d("2025-06-30")
    assert not Calendar().is_working_day(d("2025-12-25"))
    assert release.calls == 1
    assert json.loads(path.read_text())["days"]["2025-12-25"] == "Christmas Day"


def test_years_beyond_the_cache_widen_it(cache, monkeypatch):
    release = Release("999.6")
    install(monkeypatch, release)
    Calendar()
    path = _bank_holidays.cache_path("999.6")
    assert json.loads(path.read_text())["last_year"] == 2040
    # Sat 2050-12-24; Sun 25 Christmas, Mon 26 Boxing Day, Tue 27 Christmas substitute.
    assert Calendar().next_working_day(d("2050-12-24")) == d("2050-12-28")
    saved = json.loads(path.read_text())
    assert (saved["first_year"], saved["last_year"]) == (2010, 2051)  # the calendar keeps a year of margin
    assert saved["days"]["2050-12-27"] == "Christmas Day (observed)"
    # A new process asking for those years reads them from the file.
    monkeypatch.setattr(_bank_holidays, "_package", no_package)
    _bank_holidays.forget()
    assert not Calendar().is_working_day(d("2050-12-27"))
    assert release.calls == 2


def test_cache_is_written_atomically(cache, monkeypatch):
    install(monkeypatch, Release("999.7"))
    Calendar()
    assert files(cache) == ["bank-holidays-GB-ENG-999.7.json"]  # no temporary file left behind


@pytest.mark.parametrize("where", ["a-file/cache", "raises"])
def test_an_unwritable_cache_is_computed_in_memory(tmp_path, monkeypatch, where):
    (tmp_path / "a-file").write_text("not a directory")

    def cache_dir():
        if where == "raises":
            raise OSError("no home directory")
        return tmp_path / where

    monkeypatch.setattr(_bank_holidays, "cache_dir", cache_dir)
    release = Release("999.8", {"2025-06-11": "Fictional Jubilee"})
    install(monkeypatch, release)
    try:
        assert twenty_working_days_after_2_june_2025() == d("2025-07-01")
        assert Calendar().previous_working_day(d("2025-04-21")) == d("2025-04-17")
        assert release.calls == 1  # and once per process, not per calendar
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]
    finally:
        _bank_holidays.forget()


def test_cache_file_name_cannot_leave_the_directory(cache):
    assert _bank_holidays.cache_path("1.0/../../x").parent == cache
    assert _bank_holidays.cache_path("1.0/../../x").name == "bank-holidays-GB-ENG-1.0_.._.._x.json"


# --- The installed version, without importing the package -----------------------------------------


def test_installed_version_is_the_package_version():
    from importlib.metadata import version

    assert _bank_holidays.installed_version() == version("holidays") == holidays.__version__


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_CACHE_HOME is how platformdirs is pointed on Linux")
def test_start_up_imports_the_package_only_to_fill_the_cache(tmp_path):
    code = ("import sys\nfrom irocli.engine.calendar import Calendar\n"
            "assert Calendar().add_working_days(__import__('datetime').date(2025, 4, 17), 1).isoformat() == "
            "'2025-04-22'\nprint(sorted({'holidays', 'importlib.metadata'} & set(sys.modules)))")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}

    def run() -> str:
        return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                              check=True).stdout.strip()

    assert "'holidays'" in run()  # the first run fills the cache from the package
    assert (tmp_path / "irocli" / f"bank-holidays-GB-ENG-{REAL}.json").exists()
    assert run() == "[]"  # later runs read it: neither the package nor importlib.metadata
