"""England and Wales working days and deadline offsets. Pure: no I/O beyond the holidays package.

Working days follow REG reg 2: not Saturday, Sunday, Christmas Day, Good Friday or an England and
Wales bank holiday (substitutes and one-offs included), nor a profile's local closure day.
Arithmetic runs on a sorted index of working-day ordinals built once, so each deadline is one
bisect rather than a day-by-day loop.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

from irocli.errors import BadInput

UNITS = {
    "working day": "working days",
    "working days": "working days",
    "wd": "working days",
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
    "year": "years",
    "years": "years",
}
_OFFSET = re.compile(r"^\s*([+-]?\d+)\s*([a-z ]+?)\s*$")


class Offset(NamedTuple):
    """A signed distance such as "20 working days", "-14 days", "3 months".

    A tuple, so that hashing it (the calendar memoises on it) costs no Python code.
    """

    n: int
    unit: str  # "working days" | "days" | "weeks" | "months" | "years"

    @classmethod
    def parse(cls, text: str, *, where: str | None = None) -> Offset:
        m = _OFFSET.match(text.lower()) if isinstance(text, str) else None
        unit = UNITS.get(m.group(2)) if m else None
        if unit is None:
            raise BadInput(
                f"offset {text!r} is not like '20 working days', '-14 days', '3 months'", where=where
            )
        return cls(int(m.group(1)), unit)

    def __str__(self) -> str:
        n = abs(self.n)
        unit = self.unit[:-1] if n == 1 else self.unit
        return f"{n} {unit}"

    def describe(self, anchor: dt.date, result: dt.date) -> str:
        sign = "-" if self.n < 0 else "+"
        return f"{anchor.isoformat()} {sign} {self} = {result.isoformat()}"


@lru_cache(maxsize=64)
def _months(n: int) -> relativedelta:
    return relativedelta(months=n)


def bank_holidays(first_year: int, last_year: int) -> frozenset[dt.date]:
    """England and Wales bank holidays in the years given (cached table, else the package)."""
    from irocli.engine import _bank_holidays as cached

    if cached.FIRST_YEAR <= first_year and last_year <= cached.LAST_YEAR:
        days = (dt.date.fromisoformat(s) for s in cached.DATES)
        return frozenset(d for d in days if first_year <= d.year <= last_year)
    return _package_bank_holidays(first_year, last_year)


def _package_bank_holidays(first_year: int, last_year: int) -> frozenset[dt.date]:
    import holidays

    # Never the GB object without subdiv: it drops Easter Monday and the August bank holiday.
    return frozenset(
        holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    )


class Calendar:
    """Working days for England and Wales plus local closures, over a range of years."""

    def __init__(self, closures: Iterable[dt.date] = (), first_year: int = 2010, last_year: int = 2040):
        self.closures = frozenset(closures)
        self._memo: dict[tuple[dt.date, Offset], dt.date] = {}
        self._build(first_year, last_year)

    def _build(self, first_year: int, last_year: int) -> None:
        self.first_year, self.last_year = first_year, last_year
        closed = bank_holidays(first_year, last_year) | self.closures
        start = dt.date(first_year, 1, 1).toordinal()
        end = dt.date(last_year, 12, 31).toordinal()
        closed_ordinals = {d.toordinal() for d in closed}
        # date.fromordinal(1) is a Monday, so (o - 1) % 7 is the weekday.
        self._index = [
            o for o in range(start, end + 1) if (o - 1) % 7 < 5 and o not in closed_ordinals
        ]
        self._set = frozenset(self._index)
        self._lo, self._hi = start, end
        # ordinals whose arithmetic stays inside the index without re-checking the range
        self._safe_lo, self._safe_hi = start + 400, end - 400

    def _cover(self, day: dt.date, margin_years: int = 2) -> None:
        if day.year - margin_years < self.first_year or day.year + margin_years > self.last_year:
            self._build(
                min(self.first_year, day.year - margin_years),
                max(self.last_year, day.year + margin_years),
            )

    def is_working_day(self, day: dt.date) -> bool:
        self._cover(day, 0)
        return day.toordinal() in self._set

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The nth working day after (n > 0) or before (n < 0) day; day itself is never counted.

        n == 0 returns day unchanged, working day or not.
        """
        if n == 0:
            return day
        o = day.toordinal()
        if not (self._safe_lo <= o <= self._safe_hi and -200 < n < 200):
            self._cover(day, 1 + abs(n) // 200)
        index = self._index
        if n > 0:
            return dt.date.fromordinal(index[bisect_right(index, o) + n - 1])
        return dt.date.fromordinal(index[bisect_left(index, o) + n])

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after start up to and including end (negative when end is earlier)."""
        self._cover(start, 0)
        self._cover(end, 0)
        a, b = start.toordinal(), end.toordinal()
        if b >= a:
            return bisect_right(self._index, b) - bisect_right(self._index, a)
        return -(bisect_right(self._index, a) - bisect_right(self._index, b))

    def add(self, day: dt.date, offset: Offset) -> dt.date:
        """day moved by offset. Memoised: a caseload reuses few (day, offset) pairs many times."""
        key = (day, offset)
        try:
            return self._memo[key]
        except KeyError:
            pass
        result = self._memo[key] = self._add(day, offset)
        return result

    def _add(self, day: dt.date, offset: Offset) -> dt.date:
        unit, n = offset.unit, offset.n
        if unit == "working days":
            return self.add_working_days(day, n)
        if unit == "days":
            return day + dt.timedelta(days=n)
        if unit == "weeks":
            return day + dt.timedelta(weeks=n)
        if unit == "months":
            return day + _months(n)
        return day + _months(12 * n)


def _regenerate(path: str) -> None:
    first, last = 2010, 2040
    import holidays

    table = holidays.country_holidays("GB", subdiv="ENG", years=range(first, last + 1))
    lines = [
        '"""England and Wales bank holidays, 2010-2040, generated from the holidays package.',
        "",
        "Regenerate with `python -m irocli.engine.calendar --regenerate`; tests/engine/test_calendar.py checks",
        'this table against holidays.country_holidays("GB", subdiv="ENG"). It exists so that start-up does not',
        "pay ~80 ms to load the holidays package (see PERFORMANCE.md); dates outside it fall back to the package.",
        '"""',
        "",
        f"FIRST_YEAR = {first}",
        f"LAST_YEAR = {last}",
        "",
        "DATES = (",
        *(f'    "{d.isoformat()}",  # {name}' for d, name in sorted(table.items())),
        ")",
    ]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    import sys

    if sys.argv[1:] == ["--regenerate"]:
        from irocli.engine import _bank_holidays

        _regenerate(_bank_holidays.__file__)
    else:
        sys.exit("usage: python -m irocli.engine.calendar --regenerate")
