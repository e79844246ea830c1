"""Property tests for working-day and month arithmetic (hypothesis; dates 2012-2035)."""

from __future__ import annotations

import calendar as stdcal
import datetime as dt

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from irocli.engine.calendar import Calendar, Offset

CAL = Calendar()
# Reference: the package itself, never the cached table, so the two are checked independently.
REFERENCE_HOLIDAYS = frozenset(
    holidays.country_holidays("GB", subdiv="ENG", years=range(2010, 2038))
)

dates = st.dates(min_value=dt.date(2012, 1, 1), max_value=dt.date(2035, 12, 31))
nonzero = st.integers(-60, 60).filter(lambda n: n != 0)
positive = st.integers(1, 60)
months = st.integers(-60, 60)

FAST = settings(max_examples=300, deadline=None)


def naive_is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in REFERENCE_HOLIDAYS


def naive_add_working_days(day: dt.date, n: int) -> dt.date:
    step = dt.timedelta(days=1 if n > 0 else -1)
    left = abs(n)
    while left:
        day += step
        if naive_is_working_day(day):
            left -= 1
    return day


@FAST
@given(dates, nonzero)
def test_result_is_a_working_day_on_the_right_side(start, n):
    result = CAL.add_working_days(start, n)
    assert CAL.is_working_day(result)
    assert result > start if n > 0 else result < start


@FAST
@given(dates, positive)
def test_exactly_n_working_days_after_start(start, n):
    result = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, result) == n
    # and none of them earlier: the day before result holds one fewer
    assert CAL.working_days_between(start, result - dt.timedelta(days=1)) == n - 1


@FAST
@given(dates, positive)
def test_exactly_n_working_days_before_start(start, n):
    result = CAL.add_working_days(start, -n)
    # [result, start) holds n working days, i.e. (result - 1, start - 1].
    one = dt.timedelta(days=1)
    assert CAL.working_days_between(result - one, start - one) == n


@FAST
@given(dates, dates, nonzero)
def test_monotone_in_start(a, b, n):
    start1, start2 = min(a, b), max(a, b)
    assert CAL.add_working_days(start1, n) <= CAL.add_working_days(start2, n)


@FAST
@given(dates, nonzero)
def test_agrees_with_naive_day_by_day_count(start, n):
    assert CAL.add_working_days(start, n) == naive_add_working_days(start, n)


@FAST
@given(dates)
def test_is_working_day_agrees_with_package(day):
    assert CAL.is_working_day(day) == naive_is_working_day(day)


@FAST
@given(dates, positive)
def test_back_and_forth_returns_to_a_working_day(start, n):
    # From a working day, n forward then n back lands on the start again.
    if CAL.is_working_day(start):
        assert CAL.add_working_days(CAL.add_working_days(start, n), -n) == start


@FAST
@given(dates, months)
def test_months_use_corresponding_date(start, n):
    result = CAL.add(start, Offset(n, "months"))
    target = start.year * 12 + start.month - 1 + n
    year, month = divmod(target, 12)
    assert (result.year, result.month) == (year, month + 1)
    assert result.day == min(start.day, stdcal.monthrange(year, month + 1)[1])


@FAST
@given(dates, st.integers(-20, 20))
def test_years_are_twelve_months(start, n):
    assert CAL.add(start, Offset(n, "years")) == CAL.add(start, Offset(12 * n, "months"))
