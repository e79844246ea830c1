"""England and Wales bank holidays: the committed table (_bank_holiday_table.py), read, never written.

scripts/bank_holidays.py writes that table from the `holidays` package (country_holidays("GB",
subdiv="ENG"), observed days kept); tests/engine/test_bank_holiday_table.py fails when it differs from
what the installed package gives, so an upgrade of the package is a reviewed change of data. Years
outside the table are computed from the package in memory, once per process. Importing `holidays`
costs 30-80 ms (PERFORMANCE.md), so ordinary use never imports it. Imports only the stdlib at module level.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

COUNTRY, SUBDIV = "GB", "ENG"
OBSERVED = "(observed)"  # how the package names a substitute day: "Boxing Day (observed)"


class Table(NamedTuple):
    """Bank holidays of first_year..last_year by date, with the package version they came from."""

    version: str
    first_year: int
    last_year: int
    days: dict[dt.date, str]

    def covers(self, first_year: int, last_year: int) -> bool:
        """Whether every year of first_year..last_year is in the table."""
        return self.first_year <= first_year and last_year <= self.last_year


def shipped() -> Table:
    """The committed table, as scripts/bank_holidays.py wrote it."""
    from irocli.engine import _bank_holiday_table as t

    return Table(t.PACKAGE_VERSION, t.FIRST_YEAR, t.LAST_YEAR,
                 {dt.date.fromisoformat(day): name for day, name in t.DAYS})


def __getattr__(name: str) -> int:
    """DEFAULT_FIRST_YEAR, DEFAULT_LAST_YEAR: the span of the committed table (what ordinary use reads),
    looked up when asked, so that scripts/bank_holidays.py can import this module to rewrite it."""
    if name in ("DEFAULT_FIRST_YEAR", "DEFAULT_LAST_YEAR"):
        from irocli.engine import _bank_holiday_table as t

        return t.FIRST_YEAR if name == "DEFAULT_FIRST_YEAR" else t.LAST_YEAR
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_loaded: Table | None = None  # this process's table: the shipped one, widened from the package when asked


def _package():
    """The installed holidays package (the one place it is imported)."""
    import holidays

    return holidays


def build(first_year: int, last_year: int, package=None) -> Table:
    """The table straight from the package: country_holidays("GB", subdiv="ENG"), observed days kept."""
    package = package or _package()
    # Never the GB object without subdiv: it drops Easter Monday and the August bank holiday.
    found = package.country_holidays(COUNTRY, subdiv=SUBDIV, years=range(first_year, last_year + 1))
    days = {day: str(name) for day, name in sorted(found.items()) if first_year <= day.year <= last_year}
    return Table(str(package.__version__), first_year, last_year, days)


def load(first_year: int, last_year: int) -> Table:
    """A table covering first_year..last_year: the shipped one, or (years beyond it) the package's, in memory."""
    global _loaded
    table = _loaded or shipped()
    if not table.covers(first_year, last_year):
        # Widen, never narrow: the shipped days stay; the years beyond come from the package.
        first, last = min(first_year, table.first_year), max(last_year, table.last_year)
        wider = build(first, last)
        days = {**table.days, **{day: name for day, name in wider.days.items()
                                 if not table.first_year <= day.year <= table.last_year}}
        table = Table(table.version, first, last, dict(sorted(days.items())))
    _loaded = table
    return table


def forget() -> None:
    """Drop this process's table, so the next lookup starts again from the shipped one."""
    global _loaded
    _loaded = None


def bank_holidays(first_year: int, last_year: int) -> dict[dt.date, str]:
    """Bank holidays of first_year..last_year by date, named as the package names them."""
    days = load(first_year, last_year).days
    return {day: name for day, name in days.items() if first_year <= day.year <= last_year}


def package_version() -> str:
    """The version of the holidays package the shipped table was generated from."""
    return (_loaded or shipped()).version
