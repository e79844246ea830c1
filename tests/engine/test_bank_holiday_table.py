"""The bank-holiday table is committed data written by scripts/bank_holidays.py from the holidays package;
the engine reads it and writes nothing. Each test forgets the process's table before and after, so a
fake release never leaks into another test.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import holidays
import pytest

from irocli.engine import _bank_holidays
from irocli.engine.calendar import Calendar, closed_days

REAL = holidays.__version__
SHIPPED = _bank_holidays.shipped().version  # the version the committed table was generated from
ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "bank_holidays.py"


def d(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def script():
    """scripts/bank_holidays.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("bank_holidays_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


@pytest.fixture(autouse=True)
def fresh():
    _bank_holidays.forget()
    yield
    _bank_holidays.forget()


def ship(monkeypatch, release: Release) -> None:
    """Make the committed table the one scripts/bank_holidays.py would write from `release`."""
    mod = script()
    table = _bank_holidays.build(mod.FIRST_YEAR, mod.LAST_YEAR, package=release)
    monkeypatch.setattr(_bank_holidays, "shipped", lambda: table)
    _bank_holidays.forget()


def no_package():
    raise AssertionError("the holidays package was imported although the committed table covers the years")


def twenty_working_days_after_2_june_2025() -> dt.date:
    return Calendar().add_working_days(d("2025-06-02"), 20)


# --- The committed table is the script's output ---------------------------------------------------


def test_the_committed_table_is_what_the_script_writes_from_the_installed_package():
    # The days are compared, not the version string: a release that changes no English bank holiday
    # in the table's years needs no regeneration (CI may install a newer package than the table's).
    mod = script()
    shipped = _bank_holidays.shipped()
    expected = mod.render(_bank_holidays.build(mod.FIRST_YEAR, mod.LAST_YEAR)._replace(version=shipped.version))
    committed = mod.TARGET.read_text(encoding="utf-8")
    assert committed == expected, "the holidays package changed: run scripts/bank_holidays.py and review the diff"


def test_the_script_check_mode_says_up_to_date():
    done = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")


def test_the_table_reads_back_as_the_package_days():
    table = _bank_holidays.shipped()
    assert (table.first_year, table.last_year) == (2000, 2060)
    assert table.days == _bank_holidays.build(2000, 2060).days
    assert table.days[d("2022-09-19")] == "State Funeral of Queen Elizabeth II"
    assert table.days[d("2000-01-03")] == "New Year's Day (observed)"  # an apostrophe survives the quoting


# --- A release's days reach the deadlines once the table is regenerated ------------------------------


def test_a_bank_holiday_only_a_regenerated_table_knows_reaches_a_deadline(monkeypatch):
    # Day 0 Mon 2 Jun 2025; no bank holiday in June: Tue 3 (1) ... Fri 27 (19), Mon 30 Jun (20).
    ship(monkeypatch, Release(REAL))
    assert twenty_working_days_after_2_june_2025() == d("2025-06-30")
    # A newer release adds a one-off on Wed 11 Jun 2025: once the table is regenerated from it the
    # 20th working day is Tue 1 Jul.
    ship(monkeypatch, Release("999.1", {"2025-06-11": "Fictional Jubilee"}))
    assert twenty_working_days_after_2_june_2025() == d("2025-07-01")
    assert not Calendar().is_working_day(d("2025-06-11"))
    assert _bank_holidays.package_version() == "999.1"
    assert [(c.date, c.name, c.source) for c in closed_days(2025) if c.date.month == 6] == [
        (d("2025-06-11"), "Fictional Jubilee", "bank holiday")]


def test_a_day_a_release_drops_is_a_working_day_again(monkeypatch):
    # Without Easter Monday 2025: Good Friday 18 Apr closed, Mon 21 Apr a working day.
    ship(monkeypatch, Release("999.2", removed=("2025-04-21",)))
    calendar = Calendar()
    assert calendar.is_working_day(d("2025-04-21"))
    assert calendar.next_working_day(d("2025-04-18")) == d("2025-04-21")


# --- Reading: the package only for years beyond the table, in memory ---------------------------------


def test_the_table_is_read_without_the_package(monkeypatch):
    monkeypatch.setattr(_bank_holidays, "_package", no_package)
    assert twenty_working_days_after_2_june_2025() == d("2025-06-30")
    assert Calendar().previous_working_day(d("2025-04-21")) == d("2025-04-17")  # Easter Monday, Good Friday
    assert _bank_holidays.package_version() == SHIPPED


def test_years_beyond_the_table_come_from_the_package_once_per_process(monkeypatch):
    release = Release("999.6")
    monkeypatch.setattr(_bank_holidays, "_package", lambda: release)
    Calendar()
    assert release.calls == 0
    # Thu 25 Dec 2070 Christmas, Fri 26 Boxing Day, then the weekend: Mon 29 Dec is the next working day.
    assert Calendar().next_working_day(d("2070-12-25")) == d("2070-12-29")
    assert release.calls == 1
    assert not Calendar().is_working_day(d("2070-12-26"))
    assert release.calls == 1  # widened once, kept for the process
    assert _bank_holidays.package_version() == SHIPPED  # the committed table's version still names it


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_CACHE_HOME is how platformdirs is pointed on Linux")
def test_the_engine_writes_no_file_and_start_up_never_imports_the_package(tmp_path):
    code = ("import sys, datetime\nfrom irocli.engine.calendar import Calendar\n"
            "assert Calendar().add_working_days(datetime.date(2025, 4, 17), 1).isoformat() == '2025-04-22'\n"
            "print(sorted({'holidays', 'importlib.metadata'} & set(sys.modules)))\n"
            "Calendar().is_working_day(datetime.date(2090, 1, 1))\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"  # the first run too: nothing to fill
    assert list(tmp_path.iterdir()) == []  # years beyond the table were computed, nothing written
