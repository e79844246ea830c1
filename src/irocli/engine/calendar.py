"""England and Wales working days and deadline offsets. Pure but for the bank-holiday table.

Working days follow REG reg 2: not Saturday, Sunday, Christmas Day, Good Friday or an England and
Wales bank holiday (substitutes and one-offs included), nor a profile's local closure day. Bank
holidays come from the committed table scripts/bank_holidays.py writes from the holidays package
(_bank_holidays.py reads it; nothing here writes a file), so that start-up does not import it.
Arithmetic runs on a sorted index of working-day ordinals built once, so each deadline is one bisect
rather than a day-by-day loop.
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
        """An offset from text such as "20 working days", "-14 days", "3 months" ("wd" is working
        days); BadInput (with `where`, e.g. "england.toml: rules.review.first.offset") otherwise."""
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
        """The arithmetic as `explain` prints it: "2025-03-03 + 20 working days = 2025-03-31".

        The one place "anchor ± offset = due" is written (the engine's bases and Obligation.derivation).
        """
        sign = "-" if self.n < 0 else "+"
        return f"{anchor.isoformat()} {sign} {self} = {result.isoformat()}"


@lru_cache(maxsize=64)
def _months(n: int) -> relativedelta:
    return relativedelta(months=n)


def bank_holidays(first_year: int, last_year: int) -> frozenset[dt.date]:
    """England and Wales bank holidays in the years given (country_holidays("GB", subdiv="ENG"),
    observed days kept), read from the committed table; years beyond it from the installed package."""
    from irocli.engine import _bank_holidays

    return frozenset(_bank_holidays.bank_holidays(first_year, last_year))


class ClosedDay(NamedTuple):
    """A weekday that is not a working day, and why."""

    date: dt.date
    name: str
    source: str  # "bank holiday" | "substitute day" | "local closure"


def closed_days(year: int, closures: Iterable[dt.date] = ()) -> list[ClosedDay]:
    """The weekdays of year that are not working days, by date: bank holidays (with the package's
    name; a name marked "(observed)" is a substitute day) and the local closures given."""
    from irocli.engine import _bank_holidays

    found = {
        day: ClosedDay(day, name, "substitute day" if _bank_holidays.OBSERVED in name else "bank holiday")
        for day, name in _bank_holidays.bank_holidays(year, year).items()
    }
    for day in closures:
        if day.year == year and day not in found:
            found[day] = ClosedDay(day, "Local closure", "local closure")
    return sorted((c for c in found.values() if c.date.weekday() < 5), key=lambda c: c.date)


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
        """Whether day is an England and Wales working day (REG reg 2) and not a local closure."""
        self._cover(day, 0)
        return day.toordinal() in self._set

    def previous_working_day(self, day: dt.date) -> dt.date:
        """day itself when it is a working day, else the closest working day before it."""
        self._cover(day, 1)
        o = day.toordinal()
        if o in self._set:
            return day
        return dt.date.fromordinal(self._index[bisect_left(self._index, o) - 1])

    def next_working_day(self, day: dt.date) -> dt.date:
        """day itself when it is a working day, else the closest working day after it."""
        self._cover(day, 1)
        o = day.toordinal()
        if o in self._set:
            return day
        return dt.date.fromordinal(self._index[bisect_right(self._index, o)])

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
