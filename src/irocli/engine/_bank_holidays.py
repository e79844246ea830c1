"""England and Wales bank holidays, 2010-2040, generated from the holidays package.

Regenerate with `python -m irocli.engine.calendar --regenerate`; tests/engine/test_calendar.py checks
this table against holidays.country_holidays("GB", subdiv="ENG"). It exists so that start-up does not
pay ~80 ms to load the holidays package (see PERFORMANCE.md); dates outside it fall back to the package.
"""

FIRST_YEAR = 2010
LAST_YEAR = 2040

DATES = (
    "2010-01-01",  # New Year's Day
    "2010-04-02",  # Good Friday
    "2010-04-05",  # Easter Monday
    "2010-05-03",  # May Day
    "2010-05-31",  # Spring Bank Holiday
    "2010-08-30",  # Late Summer Bank Holiday
    "2010-12-25",  # Christmas Day
    "2010-12-26",  # Boxing Day
    "2010-12-27",  # Christmas Day (observed)
    "2010-12-28",  # Boxing Day (observed)
    "2011-01-01",  # New Year's Day
    "2011-01-03",  # New Year's Day (observed)
    "2011-04-22",  # Good Friday
    "2011-04-25",  # Easter Monday
    "2011-04-29",  # Wedding of William and Catherine
    "2011-05-02",  # May Day
    "2011-05-30",  # Spring Bank Holiday
    "2011-08-29",  # Late Summer Bank Holiday
    "2011-12-25",  # Christmas Day
    "2011-12-26",  # Boxing Day
    "2011-12-27",  # Christmas Day (observed)
    "2012-01-01",  # New Year's Day
    "2012-01-02",  # New Year's Day (observed)
    "2012-04-06",  # Good Friday
    "2012-04-09",  # Easter Monday
    "2012-05-07",  # May Day
    "2012-06-04",  # Spring Bank Holiday
    "2012-06-05",  # Diamond Jubilee of Elizabeth II
    "2012-08-27",  # Late Summer Bank Holiday
    "2012-12-25",  # Christmas Day
    "2012-12-26",  # Boxing Day
    "2013-01-01",  # New Year's Day
    "2013-03-29",  # Good Friday
    "2013-04-01",  # Easter Monday
    "2013-05-06",  # May Day
    "2013-05-27",  # Spring Bank Holiday
    "2013-08-26",  # Late Summer Bank Holiday
    "2013-12-25",  # Christmas Day
    "2013-12-26",  # Boxing Day
    "2014-01-01",  # New Year's Day
    "2014-04-18",  # Good Friday
    "2014-04-21",  # Easter Monday
    "2014-05-05",  # May Day
    "2014-05-26",  # Spring Bank Holiday
    "2014-08-25",  # Late Summer Bank Holiday
    "2014-12-25",  # Christmas Day
    "2014-12-26",  # Boxing Day
    "2015-01-01",  # New Year's Day
    "2015-04-03",  # Good Friday
    "2015-04-06",  # Easter Monday
    "2015-05-04",  # May Day
    "2015-05-25",  # Spring Bank Holiday
    "2015-08-31",  # Late Summer Bank Holiday
    "2015-12-25",  # Christmas Day
    "2015-12-26",  # Boxing Day
    "2015-12-28",  # Boxing Day (observed)
    "2016-01-01",  # New Year's Day
    "2016-03-25",  # Good Friday
    "2016-03-28",  # Easter Monday
    "2016-05-02",  # May Day
    "2016-05-30",  # Spring Bank Holiday
    "2016-08-29",  # Late Summer Bank Holiday
    "2016-12-25",  # Christmas Day
    "2016-12-26",  # Boxing Day
    "2016-12-27",  # Christmas Day (observed)
    "2017-01-01",  # New Year's Day
    "2017-01-02",  # New Year's Day (observed)
    "2017-04-14",  # Good Friday
    "2017-04-17",  # Easter Monday
    "2017-05-01",  # May Day
    "2017-05-29",  # Spring Bank Holiday
    "2017-08-28",  # Late Summer Bank Holiday
    "2017-12-25",  # Christmas Day
    "2017-12-26",  # Boxing Day
    "2018-01-01",  # New Year's Day
    "2018-03-30",  # Good Friday
    "2018-04-02",  # Easter Monday
    "2018-05-07",  # May Day
    "2018-05-28",  # Spring Bank Holiday
    "2018-08-27",  # Late Summer Bank Holiday
    "2018-12-25",  # Christmas Day
    "2018-12-26",  # Boxing Day
    "2019-01-01",  # New Year's Day
    "2019-04-19",  # Good Friday
    "2019-04-22",  # Easter Monday
    "2019-05-06",  # May Day
    "2019-05-27",  # Spring Bank Holiday
    "2019-08-26",  # Late Summer Bank Holiday
    "2019-12-25",  # Christmas Day
    "2019-12-26",  # Boxing Day
    "2020-01-01",  # New Year's Day
    "2020-04-10",  # Good Friday
    "2020-04-13",  # Easter Monday
    "2020-05-08",  # May Day
    "2020-05-25",  # Spring Bank Holiday
    "2020-08-31",  # Late Summer Bank Holiday
    "2020-12-25",  # Christmas Day
    "2020-12-26",  # Boxing Day
    "2020-12-28",  # Boxing Day (observed)
    "2021-01-01",  # New Year's Day
    "2021-04-02",  # Good Friday
    "2021-04-05",  # Easter Monday
    "2021-05-03",  # May Day
    "2021-05-31",  # Spring Bank Holiday
    "2021-08-30",  # Late Summer Bank Holiday
    "2021-12-25",  # Christmas Day
    "2021-12-26",  # Boxing Day
    "2021-12-27",  # Christmas Day (observed)
    "2021-12-28",  # Boxing Day (observed)
    "2022-01-01",  # New Year's Day
    "2022-01-03",  # New Year's Day (observed)
    "2022-04-15",  # Good Friday
    "2022-04-18",  # Easter Monday
    "2022-05-02",  # May Day
    "2022-06-02",  # Spring Bank Holiday
    "2022-06-03",  # Platinum Jubilee of Elizabeth II
    "2022-08-29",  # Late Summer Bank Holiday
    "2022-09-19",  # State Funeral of Queen Elizabeth II
    "2022-12-25",  # Christmas Day
    "2022-12-26",  # Boxing Day
    "2022-12-27",  # Christmas Day (observed)
    "2023-01-01",  # New Year's Day
    "2023-01-02",  # New Year's Day (observed)
    "2023-04-07",  # Good Friday
    "2023-04-10",  # Easter Monday
    "2023-05-01",  # May Day
    "2023-05-08",  # Coronation of Charles III
    "2023-05-29",  # Spring Bank Holiday
    "2023-08-28",  # Late Summer Bank Holiday
    "2023-12-25",  # Christmas Day
    "2023-12-26",  # Boxing Day
    "2024-01-01",  # New Year's Day
    "2024-03-29",  # Good Friday
    "2024-04-01",  # Easter Monday
    "2024-05-06",  # May Day
    "2024-05-27",  # Spring Bank Holiday
    "2024-08-26",  # Late Summer Bank Holiday
    "2024-12-25",  # Christmas Day
    "2024-12-26",  # Boxing Day
    "2025-01-01",  # New Year's Day
    "2025-04-18",  # Good Friday
    "2025-04-21",  # Easter Monday
    "2025-05-05",  # May Day
    "2025-05-26",  # Spring Bank Holiday
    "2025-08-25",  # Late Summer Bank Holiday
    "2025-12-25",  # Christmas Day
    "2025-12-26",  # Boxing Day
    "2026-01-01",  # New Year's Day
    "2026-04-03",  # Good Friday
    "2026-04-06",  # Easter Monday
    "2026-05-04",  # May Day
    "2026-05-25",  # Spring Bank Holiday
    "2026-08-31",  # Late Summer Bank Holiday
    "2026-12-25",  # Christmas Day
    "2026-12-26",  # Boxing Day
    "2026-12-28",  # Boxing Day (observed)
    "2027-01-01",  # New Year's Day
    "2027-03-26",  # Good Friday
    "2027-03-29",  # Easter Monday
    "2027-05-03",  # May Day
    "2027-05-31",  # Spring Bank Holiday
    "2027-08-30",  # Late Summer Bank Holiday
    "2027-12-25",  # Christmas Day
    "2027-12-26",  # Boxing Day
    "2027-12-27",  # Christmas Day (observed)
    "2027-12-28",  # Boxing Day (observed)
    "2028-01-01",  # New Year's Day
    "2028-01-03",  # New Year's Day (observed)
    "2028-04-14",  # Good Friday
    "2028-04-17",  # Easter Monday
    "2028-05-01",  # May Day
    "2028-05-29",  # Spring Bank Holiday
    "2028-08-28",  # Late Summer Bank Holiday
    "2028-12-25",  # Christmas Day
    "2028-12-26",  # Boxing Day
    "2029-01-01",  # New Year's Day
    "2029-03-30",  # Good Friday
    "2029-04-02",  # Easter Monday
    "2029-05-07",  # May Day
    "2029-05-28",  # Spring Bank Holiday
    "2029-08-27",  # Late Summer Bank Holiday
    "2029-12-25",  # Christmas Day
    "2029-12-26",  # Boxing Day
    "2030-01-01",  # New Year's Day
    "2030-04-19",  # Good Friday
    "2030-04-22",  # Easter Monday
    "2030-05-06",  # May Day
    "2030-05-27",  # Spring Bank Holiday
    "2030-08-26",  # Late Summer Bank Holiday
    "2030-12-25",  # Christmas Day
    "2030-12-26",  # Boxing Day
    "2031-01-01",  # New Year's Day
    "2031-04-11",  # Good Friday
    "2031-04-14",  # Easter Monday
    "2031-05-05",  # May Day
    "2031-05-26",  # Spring Bank Holiday
    "2031-08-25",  # Late Summer Bank Holiday
    "2031-12-25",  # Christmas Day
    "2031-12-26",  # Boxing Day
    "2032-01-01",  # New Year's Day
    "2032-03-26",  # Good Friday
    "2032-03-29",  # Easter Monday
    "2032-05-03",  # May Day
    "2032-05-31",  # Spring Bank Holiday
    "2032-08-30",  # Late Summer Bank Holiday
    "2032-12-25",  # Christmas Day
    "2032-12-26",  # Boxing Day
    "2032-12-27",  # Christmas Day (observed)
    "2032-12-28",  # Boxing Day (observed)
    "2033-01-01",  # New Year's Day
    "2033-01-03",  # New Year's Day (observed)
    "2033-04-15",  # Good Friday
    "2033-04-18",  # Easter Monday
    "2033-05-02",  # May Day
    "2033-05-30",  # Spring Bank Holiday
    "2033-08-29",  # Late Summer Bank Holiday
    "2033-12-25",  # Christmas Day
    "2033-12-26",  # Boxing Day
    "2033-12-27",  # Christmas Day (observed)
    "2034-01-01",  # New Year's Day
    "2034-01-02",  # New Year's Day (observed)
    "2034-04-07",  # Good Friday
    "2034-04-10",  # Easter Monday
    "2034-05-01",  # May Day
    "2034-05-29",  # Spring Bank Holiday
    "2034-08-28",  # Late Summer Bank Holiday
    "2034-12-25",  # Christmas Day
    "2034-12-26",  # Boxing Day
    "2035-01-01",  # New Year's Day
    "2035-03-23",  # Good Friday
    "2035-03-26",  # Easter Monday
    "2035-05-07",  # May Day
    "2035-05-28",  # Spring Bank Holiday
    "2035-08-27",  # Late Summer Bank Holiday
    "2035-12-25",  # Christmas Day
    "2035-12-26",  # Boxing Day
    "2036-01-01",  # New Year's Day
    "2036-04-11",  # Good Friday
    "2036-04-14",  # Easter Monday
    "2036-05-05",  # May Day
    "2036-05-26",  # Spring Bank Holiday
    "2036-08-25",  # Late Summer Bank Holiday
    "2036-12-25",  # Christmas Day
    "2036-12-26",  # Boxing Day
    "2037-01-01",  # New Year's Day
    "2037-04-03",  # Good Friday
    "2037-04-06",  # Easter Monday
    "2037-05-04",  # May Day
    "2037-05-25",  # Spring Bank Holiday
    "2037-08-31",  # Late Summer Bank Holiday
    "2037-12-25",  # Christmas Day
    "2037-12-26",  # Boxing Day
    "2037-12-28",  # Boxing Day (observed)
    "2038-01-01",  # New Year's Day
    "2038-04-23",  # Good Friday
    "2038-04-26",  # Easter Monday
    "2038-05-03",  # May Day
    "2038-05-31",  # Spring Bank Holiday
    "2038-08-30",  # Late Summer Bank Holiday
    "2038-12-25",  # Christmas Day
    "2038-12-26",  # Boxing Day
    "2038-12-27",  # Christmas Day (observed)
    "2038-12-28",  # Boxing Day (observed)
    "2039-01-01",  # New Year's Day
    "2039-01-03",  # New Year's Day (observed)
    "2039-04-08",  # Good Friday
    "2039-04-11",  # Easter Monday
    "2039-05-02",  # May Day
    "2039-05-30",  # Spring Bank Holiday
    "2039-08-29",  # Late Summer Bank Holiday
    "2039-12-25",  # Christmas Day
    "2039-12-26",  # Boxing Day
    "2039-12-27",  # Christmas Day (observed)
    "2040-01-01",  # New Year's Day
    "2040-01-02",  # New Year's Day (observed)
    "2040-03-30",  # Good Friday
    "2040-04-02",  # Easter Monday
    "2040-05-07",  # May Day
    "2040-05-28",  # Spring Bank Holiday
    "2040-08-27",  # Late Summer Bank Holiday
    "2040-12-25",  # Christmas Day
    "2040-12-26",  # Boxing Day
)
