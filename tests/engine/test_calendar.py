"""England and Wales working days and deadline offsets, checked against hand-checked dates.

Tables come from /work/shared/DATES.md (gov.uk list, hand-counted deadlines); every row added here
that is not in DATES.md is proved by hand in a comment next to it.
"""

from __future__ import annotations

import datetime as dt

import holidays
import pytest

from irocli.engine import _bank_holidays
from irocli.engine.calendar import Calendar, ClosedDay, Offset, bank_holidays, closed_days
from irocli.errors import BadInput

CAL = Calendar()


def d(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


# --- domain-named assertions -------------------------------------------------------------------


def assert_not_working_day(day: str, calendar: Calendar = CAL) -> None:
    assert not calendar.is_working_day(d(day)), f"{day} should not be a working day"


def assert_working_day(day: str, calendar: Calendar = CAL) -> None:
    assert calendar.is_working_day(d(day)), f"{day} should be a working day"


def assert_working_days_after(start: str, n: int, due: str, calendar: Calendar = CAL) -> None:
    got = calendar.add(d(start), Offset.parse(f"{n} working days"))
    assert got == d(due), f"{n} WD after {start}: expected {due}, got {got}"
    assert calendar.add_working_days(d(start), n) == d(due)


def assert_working_days_before(end: str, n: int, due: str, calendar: Calendar = CAL) -> None:
    got = calendar.add(d(end), Offset.parse(f"-{n} working days"))
    assert got == d(due), f"{n} WD before {end}: expected {due}, got {got}"
    assert calendar.add_working_days(d(end), -n) == d(due)


def assert_due(start: str, offset: str, due: str, calendar: Calendar = CAL) -> None:
    got = calendar.add(d(start), Offset.parse(offset))
    assert got == d(due), f"{start} + {offset}: expected {due}, got {got}"


# --- 1. Bank holidays (DATES.md §1) ------------------------------------------------------------

BANK_HOLIDAYS = {
    2019: {
        "2019-01-01": "new-year",
        "2019-04-19": "good-friday",
        "2019-04-22": "easter-monday",
        "2019-05-06": "early-may",
        "2019-05-27": "spring",
        "2019-08-26": "summer",
        "2019-12-25": "christmas",
        "2019-12-26": "boxing-day",
    },
    2020: {
        "2020-01-01": "new-year",
        "2020-04-10": "good-friday",
        "2020-04-13": "easter-monday",
        "2020-05-08": "early-may-moved-for-ve-day-75",
        "2020-05-25": "spring",
        "2020-08-31": "summer",
        "2020-12-25": "christmas",
        "2020-12-28": "boxing-day-substitute",
    },
    2021: {
        "2021-01-01": "new-year",
        "2021-04-02": "good-friday",
        "2021-04-05": "easter-monday",
        "2021-05-03": "early-may",
        "2021-05-31": "spring",
        "2021-08-30": "summer",
        "2021-12-27": "christmas-substitute",
        "2021-12-28": "boxing-day-substitute",
    },
    2022: {
        "2022-01-03": "new-year-substitute",
        "2022-04-15": "good-friday",
        "2022-04-18": "easter-monday",
        "2022-05-02": "early-may",
        "2022-06-02": "spring-moved",
        "2022-06-03": "platinum-jubilee",
        "2022-08-29": "summer",
        "2022-09-19": "state-funeral-elizabeth-ii",
        "2022-12-26": "boxing-day",
        "2022-12-27": "christmas-substitute",
    },
    2023: {
        "2023-01-02": "new-year-substitute",
        "2023-04-07": "good-friday",
        "2023-04-10": "easter-monday",
        "2023-05-01": "early-may",
        "2023-05-08": "coronation-charles-iii",
        "2023-05-29": "spring",
        "2023-08-28": "summer",
        "2023-12-25": "christmas",
        "2023-12-26": "boxing-day",
    },
    2024: {
        "2024-01-01": "new-year",
        "2024-03-29": "good-friday",
        "2024-04-01": "easter-monday",
        "2024-05-06": "early-may",
        "2024-05-27": "spring",
        "2024-08-26": "summer",
        "2024-12-25": "christmas",
        "2024-12-26": "boxing-day",
    },
    2025: {
        "2025-01-01": "new-year",
        "2025-04-18": "good-friday",
        "2025-04-21": "easter-monday",
        "2025-05-05": "early-may",
        "2025-05-26": "spring",
        "2025-08-25": "summer",
        "2025-12-25": "christmas",
        "2025-12-26": "boxing-day",
    },
    2026: {
        "2026-01-01": "new-year",
        "2026-04-03": "good-friday",
        "2026-04-06": "easter-monday",
        "2026-05-04": "early-may",
        "2026-05-25": "spring",
        "2026-08-31": "summer",
        "2026-12-25": "christmas",
        "2026-12-28": "boxing-day-substitute",
    },
    2027: {
        "2027-01-01": "new-year",
        "2027-03-26": "good-friday",
        "2027-03-29": "easter-monday",
        "2027-05-03": "early-may",
        "2027-05-31": "spring",
        "2027-08-30": "summer",
        "2027-12-27": "christmas-substitute",
        "2027-12-28": "boxing-day-substitute",
    },
    2028: {
        "2028-01-03": "new-year-substitute",
        "2028-04-14": "good-friday",
        "2028-04-17": "easter-monday",
        "2028-05-01": "early-may",
        "2028-05-29": "spring",
        "2028-08-28": "summer",
        "2028-12-25": "christmas",
        "2028-12-26": "boxing-day",
    },
    # Predicted by the holidays package; not yet published by gov.uk.
    2029: {
        "2029-01-01": "predicted-new-year",
        "2029-03-30": "predicted-good-friday",
        "2029-04-02": "predicted-easter-monday",
        "2029-05-07": "predicted-early-may",
        "2029-05-28": "predicted-spring",
        "2029-08-27": "predicted-summer",
        "2029-12-25": "predicted-christmas",
        "2029-12-26": "predicted-boxing-day",
    },
    2030: {
        "2030-01-01": "predicted-new-year",
        "2030-04-19": "predicted-good-friday",
        "2030-04-22": "predicted-easter-monday",
        "2030-05-06": "predicted-early-may",
        "2030-05-27": "predicted-spring",
        "2030-08-26": "predicted-summer",
        "2030-12-25": "predicted-christmas",
        "2030-12-26": "predicted-boxing-day",
    },
}


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(day, id=f"{day}-{name}")
        for year in BANK_HOLIDAYS.values()
        for day, name in year.items()
    ],
)
def test_bank_holiday_is_not_a_working_day(day):
    assert d(day).weekday() < 5, "table should list the weekday (observed) date"
    assert_not_working_day(day)


@pytest.mark.parametrize("year", list(BANK_HOLIDAYS), ids=str)
def test_weekday_bank_holidays_match_gov_uk_exactly(year):
    weekday_holidays = {day for day in bank_holidays(year, year) if day.weekday() < 5}
    assert weekday_holidays == {d(day) for day in BANK_HOLIDAYS[year]}


def test_weekend_holidays_do_not_change_working_days():
    # Christmas 2021 fell on Sat, Boxing Day on Sun: the substitutes Mon 27 and Tue 28 are closed,
    # the weekend is closed anyway, and Wed 29 Dec is an ordinary working day.
    assert_not_working_day("2021-12-25")
    assert_not_working_day("2021-12-26")
    assert_working_day("2021-12-29")


# --- The table and the package -----------------------------------------------------------------
# The table is committed data scripts/bank_holidays.py writes from the installed package (tested in
# test_bank_holiday_table.py). Here: the table is the package's, and years beyond it come from the package.

FIRST, LAST = _bank_holidays.DEFAULT_FIRST_YEAR, _bank_holidays.DEFAULT_LAST_YEAR


def _package(years) -> set[dt.date]:
    return set(holidays.country_holidays("GB", subdiv="ENG", years=years))


@pytest.mark.parametrize("year", range(FIRST, LAST + 1), ids=str)
def test_table_is_the_installed_package(year):
    assert bank_holidays(year, year) == _package(year)


def test_table_names_are_the_package_names():
    names = _bank_holidays.bank_holidays(2022, 2022)
    assert names[d("2022-09-19")] == "State Funeral of Queen Elizabeth II"
    assert names[d("2022-12-27")] == "Christmas Day (observed)"
    assert _bank_holidays.package_version() == holidays.__version__


def test_bank_holidays_beyond_default_span_come_from_package():
    year = LAST + 5
    assert bank_holidays(year, year) == _package(year)
    # A span that straddles the end of the default span still sees both sides.
    assert bank_holidays(LAST - 1, LAST + 1) == _package(range(LAST - 1, LAST + 2))
    assert bank_holidays(FIRST - 3, FIRST) == _package(range(FIRST - 3, FIRST + 1))


def test_calendar_reaches_beyond_default_span():
    calendar = Calendar()  # own instance: this grows its range
    assert_not_working_day("2045-12-25", calendar)  # Mon, Christmas
    assert_not_working_day("2045-12-26", calendar)  # Tue, Boxing Day
    assert_working_day("2045-12-27", calendar)


def test_working_days_across_end_of_default_span():
    # Day 0 Fri 2040-12-21. Mon 24 (1); Tue 25 Christmas, Wed 26 Boxing Day; Thu 27 (2), Fri 28 (3);
    # Mon 31 (4); Tue 2041-01-01 New Year; Wed 2 Jan (5).
    assert_working_days_after("2040-12-21", 5, "2041-01-02", Calendar())
    # Back again from Wed 2041-01-02: Mon 31 (1), Fri 28 (2), Thu 27 (3), Mon 24 (4), Fri 21 (5).
    assert_working_days_before("2041-01-02", 5, "2040-12-21", Calendar())


# --- What is and is not a working day -----------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        pytest.param("2026-06-15", id="2026-06-15-world-cup-scotland-only"),
        pytest.param("2024-12-24", id="2024-12-24-christmas-eve-tue"),
        pytest.param("2025-12-24", id="2025-12-24-christmas-eve-wed"),
        pytest.param("2026-12-24", id="2026-12-24-christmas-eve-thu"),
        pytest.param("2019-12-27", id="2019-12-27-fri"),
        pytest.param("2023-12-27", id="2023-12-27-wed"),
        pytest.param("2024-12-27", id="2024-12-27-fri"),
        pytest.param("2024-12-30", id="2024-12-30-mon"),
        pytest.param("2024-12-31", id="2024-12-31-tue"),
        pytest.param("2025-12-29", id="2025-12-29-mon"),
        pytest.param("2025-12-30", id="2025-12-30-tue"),
        pytest.param("2025-12-31", id="2025-12-31-wed"),
        pytest.param("2026-12-29", id="2026-12-29-tue-after-boxing-substitute"),
        pytest.param("2027-12-29", id="2027-12-29-wed-after-double-substitute"),
        pytest.param("2020-05-04", id="2020-05-04-early-may-moved-away"),
        pytest.param("2022-05-30", id="2022-05-30-spring-moved-away"),
    ],
)
def test_working_day(day):
    assert_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        pytest.param("2022-09-19", id="2022-09-19-state-funeral"),
        pytest.param("2023-05-08", id="2023-05-08-coronation"),
        pytest.param("2025-03-01", id="2025-03-01-saturday"),
        pytest.param("2025-03-02", id="2025-03-02-sunday"),
    ],
)
def test_not_working_day(day):
    assert_not_working_day(day)


# --- The nearest working day on either side --------------------------------------------------------

SHUTDOWN = Calendar(closures=[d("2025-12-29"), d("2025-12-30"), d("2025-12-31")])


@pytest.mark.parametrize(
    "day, previous, following, calendar",
    [
        pytest.param("2025-04-17", "2025-04-17", "2025-04-17", CAL, id="thu-before-easter-is-itself"),
        # Good Friday 18 Apr 2025; Sat 19, Sun 20; Easter Monday 21; Tue 22 is the next working day.
        pytest.param("2025-04-18", "2025-04-17", "2025-04-22", CAL, id="good-friday-2025"),
        pytest.param("2025-04-19", "2025-04-17", "2025-04-22", CAL, id="easter-saturday-2025"),
        pytest.param("2025-04-21", "2025-04-17", "2025-04-22", CAL, id="easter-monday-2025"),
        # New Year's Day 2025 is a Wednesday; New Year's Eve is a statutory working day.
        pytest.param("2025-01-01", "2024-12-31", "2025-01-02", CAL, id="new-year-2025-wed"),
        # Christmas 2027: Sat 25, Sun 26, substitutes Mon 27 and Tue 28; Christmas Eve Fri 24 works.
        pytest.param("2027-12-25", "2027-12-24", "2027-12-29", CAL, id="christmas-2027-sat"),
        pytest.param("2027-12-27", "2027-12-24", "2027-12-29", CAL, id="christmas-substitute-2027"),
        pytest.param("2027-12-28", "2027-12-24", "2027-12-29", CAL, id="boxing-substitute-2027"),
        # State funeral Mon 19 Sep 2022 (one-off): Fri 16 before, Tue 20 after.
        pytest.param("2022-09-19", "2022-09-16", "2022-09-20", CAL, id="state-funeral-2022"),
        pytest.param("2022-09-17", "2022-09-16", "2022-09-20", CAL, id="weekend-before-funeral"),
        pytest.param("2023-05-08", "2023-05-05", "2023-05-09", CAL, id="coronation-2023"),
        # Closures Mon 29-Wed 31 Dec 2025: back past Sat 27/Sun 28, Boxing Day 26, Christmas 25 to
        # Wed 24; forward past New Year's Day Thu 1 Jan to Fri 2 Jan 2026.
        pytest.param("2025-12-29", "2025-12-24", "2026-01-02", SHUTDOWN, id="profile-closure-mon"),
        pytest.param("2025-12-31", "2025-12-24", "2026-01-02", SHUTDOWN, id="profile-closure-wed"),
        pytest.param("2025-12-29", "2025-12-29", "2025-12-29", CAL, id="same-day-without-closure"),
    ],
)
def test_previous_and_next_working_day(day, previous, following, calendar):
    assert calendar.previous_working_day(d(day)) == d(previous)
    assert calendar.next_working_day(d(day)) == d(following)


def test_nearest_working_day_beyond_default_span():
    # Sun 2045-12-24; Mon 25 Christmas, Tue 26 Boxing Day. Fri 22 before, Wed 27 after.
    calendar = Calendar()
    assert calendar.previous_working_day(d("2045-12-25")) == d("2045-12-22")
    assert calendar.next_working_day(d("2045-12-24")) == d("2045-12-27")


# --- Closed days of a year, and why -----------------------------------------------------------------


def test_closed_days_2027_with_a_closure():
    # 2027 (DATES.md §1): Christmas Sat and Boxing Day Sun are not listed; their substitutes are.
    assert closed_days(2027, [d("2027-12-29"), d("2026-12-29")]) == [
        ClosedDay(d("2027-01-01"), "New Year's Day", "bank holiday"),
        ClosedDay(d("2027-03-26"), "Good Friday", "bank holiday"),
        ClosedDay(d("2027-03-29"), "Easter Monday", "bank holiday"),
        ClosedDay(d("2027-05-03"), "May Day", "bank holiday"),
        ClosedDay(d("2027-05-31"), "Spring Bank Holiday", "bank holiday"),
        ClosedDay(d("2027-08-30"), "Late Summer Bank Holiday", "bank holiday"),
        ClosedDay(d("2027-12-27"), "Christmas Day (observed)", "substitute day"),
        ClosedDay(d("2027-12-28"), "Boxing Day (observed)", "substitute day"),
        ClosedDay(d("2027-12-29"), "Local closure", "local closure"),
    ]


def test_closed_days_list_each_weekday_once():
    # Sat 2025-12-27 is a weekend: not listed. Thu 2025-12-25 is a bank holiday already.
    days = closed_days(2025, [d("2025-12-27"), d("2025-12-25"), d("2025-12-24")])
    assert [(c.date.isoformat(), c.source) for c in days if c.date.month == 12] == [
        ("2025-12-24", "local closure"), ("2025-12-25", "bank holiday"), ("2025-12-26", "bank holiday")]


def test_closed_days_2022_one_offs():
    sources = {c.date.isoformat(): (c.name, c.source) for c in closed_days(2022)}
    assert sources["2022-09-19"] == ("State Funeral of Queen Elizabeth II", "bank holiday")
    assert sources["2022-06-03"] == ("Platinum Jubilee of Elizabeth II", "bank holiday")
    assert sources["2022-01-03"] == ("New Year's Day (observed)", "substitute day")
    assert set(sources) == set(BANK_HOLIDAYS[2022])


# --- 2. Working-day deadlines (DATES.md §2) -----------------------------------------------------


@pytest.mark.parametrize(
    "start, due",
    [
        pytest.param("2024-12-20", "2025-01-22", id="christmas-boxing-new-year"),
        pytest.param("2025-04-10", "2025-05-13", id="easter-2025-early-may"),
        pytest.param("2023-04-27", "2023-05-30", id="three-mondays-incl-coronation"),
        pytest.param("2022-09-01", "2022-09-30", id="state-funeral"),
        pytest.param("2025-03-01", "2025-03-28", id="day-0-saturday"),
        pytest.param("2025-12-25", "2026-01-26", id="day-0-bank-holiday"),
        pytest.param("2026-12-24", "2027-01-26", id="boxing-substitute-christmas-eve-counted"),
        pytest.param("2027-12-23", "2028-01-25", id="double-substitutes-and-new-year-substitute"),
        pytest.param("2023-12-22", "2024-01-24", id="christmas-2023"),
        pytest.param("2024-03-28", "2024-04-29", id="easter-2024"),
        pytest.param("2026-03-27", "2026-04-28", id="easter-2026"),
        pytest.param("2027-03-25", "2027-04-26", id="easter-2027-late-march"),
        pytest.param("2026-05-20", "2026-06-18", id="spring-2026"),
        pytest.param("2025-08-15", "2025-09-15", id="august-2025"),
        pytest.param("2028-12-22", "2029-01-24", id="predicted-2029"),
    ],
)
def test_20_working_days(start, due):
    assert_working_days_after(start, 20, due)


@pytest.mark.parametrize(
    "start, due",
    [
        pytest.param("2025-04-04", "2025-04-29", id="easter-2025"),
        pytest.param("2023-04-28", "2023-05-23", id="early-may-and-coronation"),
        pytest.param("2024-12-13", "2025-01-08", id="christmas-2024"),
        pytest.param("2026-03-20", "2026-04-14", id="easter-2026"),
        pytest.param("2022-09-09", "2022-10-03", id="state-funeral"),
        pytest.param("2027-12-10", "2028-01-05", id="christmas-2027-substitutes"),
    ],
)
def test_15_working_days(start, due):
    assert_working_days_after(start, 15, due)


@pytest.mark.parametrize(
    "start, due",
    [
        pytest.param("2025-12-19", "2026-01-07", id="christmas-2025"),
        pytest.param("2024-03-27", "2024-04-12", id="easter-2024"),
        pytest.param("2026-12-23", "2027-01-11", id="christmas-2026"),
        pytest.param("2023-05-05", "2023-05-22", id="coronation"),
    ],
)
def test_10_working_days(start, due):
    assert_working_days_after(start, 10, due)


@pytest.mark.parametrize(
    "start, due",
    [
        pytest.param("2025-12-23", "2026-01-02", id="christmas-2025"),
        pytest.param("2027-12-24", "2028-01-05", id="christmas-eve-2027-substitutes"),
        pytest.param("2026-04-02", "2026-04-13", id="easter-2026"),
    ],
)
def test_5_working_days(start, due):
    assert_working_days_after(start, 5, due)


@pytest.mark.parametrize(
    "end, n, due",
    [
        # Back from Wed 2025-01-22: Jan 21 (1) 20 (2) 17 (3) 16 (4) 15 (5) 14 (6) 13 (7) 10 (8)
        # 9 (9) 8 (10) 7 (11) 6 (12) 3 (13) 2 (14); Wed 1 Jan New Year; Dec 31 (15) 30 (16) 27 (17);
        # Thu 26 Boxing Day, Wed 25 Christmas; 24 (18) 23 (19) Fri 20 (20).
        pytest.param("2025-01-22", 20, "2024-12-20", id="20-before-christmas-new-year"),
        # Back from Tue 2023-05-30: Mon 29 Spring; May 26 (1) 25 (2) 24 (3) 23 (4) 22 (5) 19 (6)
        # 18 (7) 17 (8) 16 (9) 15 (10) 12 (11) 11 (12) 10 (13) 9 (14); Mon 8 Coronation; 5 (15)
        # 4 (16) 3 (17) 2 (18); Mon 1 Early May; Apr 28 (19) Thu 27 (20).
        pytest.param("2023-05-30", 20, "2023-04-27", id="20-before-three-mondays"),
        # Back from Fri 2022-09-23: 22 (1) 21 (2) 20 (3); Mon 19 funeral; 16 (4) 15 (5) 14 (6)
        # 13 (7) 12 (8) 9 (9) Thu 8 (10).
        pytest.param("2022-09-23", 10, "2022-09-08", id="10-before-state-funeral"),
        # Back from Tue 2026-04-07: Mon 6 Easter Monday, Fri 3 Good Friday; Apr 2 (1) 1 (2)
        # Mar 31 (3) 30 (4) Fri 27 (5).
        pytest.param("2026-04-07", 5, "2026-03-27", id="5-before-easter-2026"),
        # Back from Wed 2022-01-05: Jan 4 (1); Mon 3 New Year substitute; Sat 1, Sun 2;
        # Fri 2021-12-31 (2) Thu 30 (3).
        pytest.param("2022-01-05", 3, "2021-12-30", id="3-before-new-year-substitute"),
        # Back from Tue 2028-01-04: Mon 3 New Year substitute; Sun 2, Sat 1; Fri 2027-12-31 (1)
        # Thu 30 (2).
        pytest.param("2028-01-04", 2, "2027-12-30", id="2-before-new-year-substitute-2028"),
        # Back from Mon 2025-04-21 (itself Easter Monday): Sun 20, Sat 19, Fri 18 Good Friday;
        # Thu 17 (1).
        pytest.param("2025-04-21", 1, "2025-04-17", id="1-before-from-easter-monday"),
        # Back from Sat 2025-03-01: Fri 28 Feb (1).
        pytest.param("2025-03-01", 1, "2025-02-28", id="1-before-from-saturday"),
    ],
)
def test_working_days_before(end, n, due):
    assert_working_days_before(end, n, due)


def test_local_closures_push_deadline():
    # Day 0 Tue 2025-12-23. Wed 24 (1); 25, 26 bank holidays; 27-28 weekend; 29, 30, 31 closures;
    # Thu 1 Jan New Year; Fri 2 (2); Mon 5 (3), Tue 6 (4), Wed 7 (5).
    shutdown = Calendar(closures=[d("2025-12-29"), d("2025-12-30"), d("2025-12-31")])
    assert_not_working_day("2025-12-30", shutdown)
    assert_working_days_after("2025-12-23", 5, "2026-01-07", shutdown)
    # Without the closures the same deadline is 2026-01-02 (DATES.md §2).
    assert_working_days_after("2025-12-23", 5, "2026-01-02")


def test_local_closures_survive_range_growth():
    shutdown = Calendar(closures=[d("2045-12-27")])
    assert_not_working_day("2045-12-27", shutdown)
    assert_working_day("2045-12-28", shutdown)


# --- Calendar months, days and weeks ------------------------------------------------------------


@pytest.mark.parametrize(
    "start, due",
    [
        pytest.param("2025-01-31", "2025-04-30", id="31-jan-to-30-apr"),
        pytest.param("2023-11-30", "2024-02-29", id="to-leap-29-feb"),
        pytest.param("2024-11-30", "2025-02-28", id="to-28-feb"),
        pytest.param("2025-05-31", "2025-08-31", id="31-may-to-31-aug"),
        pytest.param("2024-02-29", "2024-05-29", id="29-feb-to-29-may-not-month-end"),
        pytest.param("2025-11-29", "2026-02-28", id="29-nov-to-28-feb"),
        pytest.param("2025-12-31", "2026-03-31", id="31-dec-to-31-mar"),
        pytest.param("2026-08-31", "2026-11-30", id="31-aug-to-30-nov"),
    ],
)
def test_3_months(start, due):
    assert_due(start, "3 months", due)


@pytest.mark.parametrize(
    "start, due",
    [
        pytest.param("2024-08-31", "2025-02-28", id="31-aug-to-28-feb"),
        pytest.param("2023-08-31", "2024-02-29", id="31-aug-to-leap-29-feb"),
        pytest.param("2025-03-31", "2025-09-30", id="31-mar-to-30-sep"),
        pytest.param("2024-02-29", "2024-08-29", id="29-feb-to-29-aug"),
        pytest.param("2025-12-31", "2026-06-30", id="31-dec-to-30-jun"),
        pytest.param("2026-06-30", "2026-12-30", id="30-jun-to-30-dec"),
    ],
)
def test_6_months(start, due):
    assert_due(start, "6 months", due)


def test_review_chain_anchors_on_date_held():
    first = CAL.add(d("2025-01-31"), Offset.parse("3 months"))
    assert first == d("2025-04-30")
    second = CAL.add(first, Offset.parse("6 months"))
    assert second == d("2025-10-30")
    # Anchoring nine months on the original date would give 31 Oct: the chain must not.
    assert CAL.add(d("2025-01-31"), Offset.parse("9 months")) == d("2025-10-31") != second


@pytest.mark.parametrize(
    "start, offset, due",
    [
        pytest.param("2025-02-01", "4 weeks", "2025-03-01", id="aar-4-weeks"),
        pytest.param("2024-02-15", "4 weeks", "2024-03-14", id="aar-4-weeks-leap-february"),
        pytest.param("2025-12-24", "1 week", "2025-12-31", id="visit-1-week-over-christmas"),
        pytest.param("2025-12-24", "6 weeks", "2026-02-04", id="6-weeks"),
        pytest.param("2025-02-01", "28 days", "2025-03-01", id="28-days-equals-4-weeks"),
        # 14 days before Sat 2025-03-01 is Sat 2025-02-15 (calendar days, weekends count).
        pytest.param("2025-03-01", "-14 days", "2025-02-15", id="minus-14-days"),
        # 91 days after 2025-01-31: Feb 28 + Mar 31 + Apr 30 = 89 -> 30 Apr; +2 -> 2 May.
        pytest.param("2025-01-31", "91 days", "2025-05-02", id="91-days-blackpool"),
    ],
)
def test_days_and_weeks(start, offset, due):
    assert_due(start, offset, due)


@pytest.mark.parametrize(
    "dob, fifteen_and_half, sixteen, pathway",
    [
        pytest.param("2008-08-31", "2024-02-29", "2024-08-31", "2024-11-30", id="born-31-aug"),
        pytest.param("2010-02-28", "2025-08-28", "2026-02-28", "2026-05-28", id="born-28-feb"),
    ],
)
def test_age_milestones(dob, fifteen_and_half, sixteen, pathway):
    born = d(dob)
    assert CAL.add(born, Offset(186, "months")) == d(fifteen_and_half)
    assert CAL.add(CAL.add(born, Offset(15, "years")), Offset(6, "months")) == d(fifteen_and_half)
    assert CAL.add(born, Offset.parse("16 years")) == d(sixteen)
    assert CAL.add(d(sixteen), Offset.parse("3 months")) == d(pathway)
    assert CAL.add(born, Offset(195, "months")) == d(pathway)


def test_leap_day_birth():
    assert_due("2012-02-29", "16 years", "2028-02-29")
    # Non-leap anniversary: relativedelta gives 28 Feb (a profile choice, see DATES.md).
    assert_due("2012-02-29", "1 year", "2013-02-28")


# --- Offset parsing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, n, unit",
    [
        pytest.param("20 working days", 20, "working days", id="working-days"),
        pytest.param("1 working day", 1, "working days", id="working-day-singular"),
        pytest.param("20 wd", 20, "working days", id="wd"),
        pytest.param("20 WD", 20, "working days", id="wd-upper"),
        pytest.param("-14 days", -14, "days", id="minus-days"),
        pytest.param("3 months", 3, "months", id="months"),
        pytest.param("4 weeks", 4, "weeks", id="weeks"),
        pytest.param("1 year", 1, "years", id="year"),
        pytest.param("+6 months", 6, "months", id="plus-sign"),
    ],
)
def test_offset_parse_accepts(text, n, unit):
    assert Offset.parse(text) == Offset(n, unit)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("20 fortnights", id="unknown-unit"),
        pytest.param("", id="empty"),
        pytest.param("x days", id="not-a-number"),
        pytest.param("20", id="no-unit"),
        pytest.param("days", id="no-number"),
    ],
)
def test_offset_parse_rejects(text):
    with pytest.raises(BadInput) as caught:
        Offset.parse(text)
    assert repr(text) in str(caught.value)
    assert caught.value.exit_code == 2


def test_offset_parse_error_names_where():
    with pytest.raises(BadInput) as caught:
        Offset.parse("20 fortnights", where="dudley.toml: review.first")
    assert str(caught.value).startswith("dudley.toml: review.first: ")


# --- n = 0 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        pytest.param("2025-03-01", id="saturday"),
        pytest.param("2025-12-25", id="christmas"),
        pytest.param("2025-03-03", id="monday"),
    ],
)
def test_zero_working_days_returns_day_unchanged(day):
    assert CAL.add_working_days(d(day), 0) == d(day)
    assert_due(day, "0 working days", day)
