"""Education between reviews (RULES §7, ms.pep): the Personal Education Plan started within 10 working days of
becoming looked after, complete within 20, reviewed each school term (DfE PEP guidance 2018 [confirm]).
Hand-checked dates.

Working days as REG reg 2 (DATES.md: Christmas 2025 Thu 25 and Fri 26 Dec, New Year Thu 1 Jan 2026, Good
Friday 3 Apr and Easter Monday 6 Apr 2026). Terms are england's [terms] default: autumn 1 Sep-31 Dec,
spring 1 Jan-31 Mar, summer 1 Apr-31 Jul. School age: reception (aged 4 by 31 August) to Year 11 (the school
year in which the 16th birthday falls).
"""

from __future__ import annotations

import pytest
from tests.engine.support import Child, D, assert_profile_fails, events

DOB = "2015-06-01"  # 4 on 2019-06-01: reception 2019-20; 16 on 2031-06-01: Year 11 is 2030-31
PEP = ("ms.pep-start", "ms.pep", "ms.pep-review")


def pep(evs, as_of: str, dob: str | None = DOB, profile: str = "england") -> Child:
    return Child(profile, events(*evs), as_of=as_of, dob=dob)


def reviews(c: Child) -> list[tuple[str, str, str | None]]:
    """(due, status, met_on) of each ms.pep-review obligation, in order."""
    return [(str(o.due), o.status.value, str(o.met_on) if o.met_on else None)
            for o in c.obs if o.rule == "ms.pep-review"]


# ---------------------------------------------------------------- ms.pep-start, ms.pep: 10 and 20 working days
@pytest.mark.parametrize("entered, started_by, complete_by", [
    # Fri 2025-12-19: Mon 22 (1), Tue 23, Wed 24 (3), Christmas 25 and Boxing Day 26 closed, Mon 29 (4), Tue 30,
    # Wed 31 (6), New Year 1 Jan closed, Fri 2 (7), Mon 5, Tue 6, Wed 7 Jan (10: DATES.md ✓); Thu 8 (11), Fri 9,
    # Mon 12-Fri 16 (13-17), Mon 19, Tue 20, Wed 21 Jan (20)
    ("2025-12-19", "2026-01-07", "2026-01-21"),
    # Fri 2026-03-27: Mon 30, Tue 31, Wed 1, Thu 2 Apr (4), Good Friday 3 and Easter Monday 6 closed, Tue 7-Fri 10
    # (5-8), Mon 13, Tue 14 (10); Wed 15-Fri 17 (11-13), Mon 20-Fri 24 (14-18), Mon 27, Tue 28 (20: DATES.md)
    ("2026-03-27", "2026-04-14", "2026-04-28"),
    # Fri 2024-12-20: Mon 23, Tue 24, (25, 26 closed) Fri 27, Mon 30, Tue 31 (5), (1 Jan closed) Thu 2, Fri 3,
    # Mon 6, Tue 7, Wed 8 Jan (10); 20 working days: Wed 2025-01-22 (DATES.md ✓)
    ("2024-12-20", "2025-01-08", "2025-01-22"),
    # leap year, Mon 2028-02-14: Tue 15-Fri 18 (4), Mon 21-Fri 25 (9), Mon 28 (10); Tue 29 Feb (11), Wed 1 Mar-Fri 3
    # (12-14), Mon 6-Fri 10 (15-19), Mon 13 (20): without 29 February it would be Tue 14 March
    ("2028-02-14", "2028-02-28", "2028-03-13"),
    # Mon 2025-08-11, in the summer holiday: Tue 12-Fri 15 (4), Mon 18-Fri 22 (9), Summer bank holiday Mon 25
    # closed, Tue 26 (10); Wed 27-Fri 29 (11-13), Mon 1-Fri 5 Sep (14-18), Mon 8, Tue 9 (20)
    ("2025-08-11", "2025-08-26", "2025-09-09"),
])
def test_pep_started_within_10_and_complete_within_20_working_days(entered, started_by, complete_by):
    c = pep([("entered-care", entered)], as_of=entered)
    c.assert_due("ms.pep-start", started_by, "due")
    c.assert_due("ms.pep", complete_by, "due")
    [o] = c.of("ms.pep")
    assert (o.anchor_kind, o.owner, o.source) == (
        "entered-care", "social-worker", "DfE PEP guidance 2018 (Promoting the education of looked-after children) "
        "[confirm]")
    # school age: reception 2019-20 (4 on 2019-06-01) to Year 11 2030-31 (16 on 2031-06-01)
    assert o.derivation.arithmetic == (f"of school age 2019-09-01 to 2031-07-31; "
                                       f"{entered} + 20 working days = {complete_by}")


def test_pep_started_is_met_by_pep_started_or_by_a_completed_pep():
    # entered Fri 2025-12-19: start due 2026-01-07, complete due 2026-01-21 (table above)
    c = pep([("entered-care", "2025-12-19"), ("pep-started", "2026-01-07"), ("pep", "2026-01-22")], as_of="2026-02-01")
    c.assert_met("ms.pep-start", "2026-01-07", "2026-01-07")
    c.assert_met_late("ms.pep", "2026-01-21", "2026-01-22")  # a day late
    only_pep = pep([("entered-care", "2025-12-19"), ("pep", "2026-01-05")], as_of="2026-02-01")
    only_pep.assert_met("ms.pep-start", "2026-01-07", "2026-01-05")
    only_pep.assert_met("ms.pep", "2026-01-21", "2026-01-05")


def test_a_fresh_episode_restarts_the_pep_clocks():
    # Mon 2025-03-03 + 20 WD (no bank holiday in March 2025) = Mon 2025-03-31, met 03-20; left 2025-05-01 and back
    # Mon 2025-09-15: + 20 WD (none in Sep-Oct) = Mon 2025-10-13, and the PEP of the first episode does not count
    evs = [("entered-care", "2025-03-03"), ("pep", "2025-03-20"), ("left-care", "2025-05-01"),
           ("entered-care", "2025-09-15")]
    c = pep(evs, as_of="2025-10-20")
    first, second = c.of("ms.pep")
    assert (first.due, first.status.value, first.met_on, first.cycle) == (
        D("2025-03-31"), "met", D("2025-03-20"), "ep1")
    assert (second.due, second.status.value, second.met_on, second.cycle) == (D("2025-10-13"), "overdue", None, "ep2")
    # the first episode's summer term began 2025-04-01 but it ended 05-01, before the term's end: nothing owed;
    # the second began in the autumn term (from 09-01), which its initial PEP stands for: none owed yet
    assert reviews(c) == []
    assert reviews(pep(evs, as_of="2026-01-02")) == [("2026-03-31", "due", None)]  # spring, once begun


def test_left_care_before_the_pep_fell_due_owes_nothing_after_it_missed():
    # entered Wed 2025-10-15: complete due Wed 2025-11-12 (Thu 16 Oct (1) ... Wed 12 Nov (20), no bank holiday)
    early = pep([("entered-care", "2025-10-15"), ("left-care", "2025-11-07")], as_of="2025-12-01")
    early.assert_absent("ms.pep")
    late = pep([("entered-care", "2025-10-15"), ("left-care", "2025-11-20")], as_of="2025-12-01")
    late.assert_due("ms.pep", "2025-11-12", "missed")
    late.assert_due("ms.pep-start", "2025-10-29", "missed")  # + 10 WD: Thu 16 Oct (1) ... Wed 29 Oct (10)


@pytest.mark.parametrize("dob, why", [(None, "no date of birth: the age is unknown"),
                                      ("2023-01-10", "aged 2: not of school age")])
def test_no_pep_without_school_age(dob, why):
    c = pep([("entered-care", "2025-10-15")], as_of="2026-05-01", dob=dob)
    for rule in PEP:
        c.assert_absent(rule)


def test_a_series_of_short_breaks_owes_no_pep():
    c = pep([("short-breaks-started", "2025-10-15")], as_of="2026-05-01")
    for rule in PEP:
        c.assert_absent(rule)


# ---------------------------------------------------------------- ms.pep-review: each school term
def test_entering_care_mid_term_the_next_term_is_the_first_review():
    # entered Wed 2025-10-15 in the autumn term: the initial PEP stands for it; spring (1 Jan-31 Mar) is the first
    c = pep([("entered-care", "2025-10-15")], as_of="2026-01-05")
    assert reviews(c) == [("2026-03-31", "due", None)]
    [o] = c.of("ms.pep-review")
    assert (o.anchor_kind, o.anchor_date, o.cycle, o.source) == (
        "term-end", D("2026-03-31"), "ep1.2025.spring",
        "DfE PEP guidance 2018 (PEP reviewed each school term) [confirm]")
    assert o.derivation.arithmetic == "spring term 2026-01-01 to 2026-03-31; 2026-03-31 + 0 days = 2026-03-31"


@pytest.mark.parametrize("held, spring, summer", [
    # the last day of the spring term meets it
    ("2026-03-31", ("2026-03-31", "met", "2026-03-31"), ("2026-07-31", "due", None)),
    # the first day of the summer term is summer's: spring had none in the term and is missed (superseded)
    ("2026-04-01", ("2026-03-31", "missed", None), ("2026-07-31", "met", "2026-04-01")),
    # the first day of spring (New Year's Day: a review may be dated any day) is spring's
    ("2026-01-01", ("2026-03-31", "met", "2026-01-01"), ("2026-07-31", "due", None)),
    # the last day of autumn belongs to autumn, which is not owed (care began in it)
    ("2025-12-31", ("2026-03-31", "overdue", None), ("2026-07-31", "due", None)),
])
def test_term_boundaries(held, spring, summer):
    c = pep([("entered-care", "2025-10-15"), ("pep-review", held)], as_of="2026-04-02")
    assert reviews(c) == [spring, summer]


def test_a_pep_dated_in_the_term_also_meets_its_review():
    # entered Fri 2025-12-19 (autumn): the initial PEP, late on 2026-01-22, is dated in spring and meets it too
    c = pep([("entered-care", "2025-12-19"), ("pep", "2026-01-22")], as_of="2026-02-01")
    assert reviews(c) == [("2026-03-31", "met", "2026-01-22")]


def test_each_term_has_its_own_review_and_unmet_ones_stay_overdue():
    evs = [("entered-care", "2025-10-15"), ("pep-review", "2026-02-10")]
    # as of 2026-08-15 the autumn 2026 term has not begun: not yet owed
    assert reviews(pep(evs, as_of="2026-08-15")) == [
        ("2026-03-31", "met", "2026-02-10"), ("2026-07-31", "overdue", None)]
    assert reviews(pep(evs, as_of="2026-09-01")) == [
        ("2026-03-31", "met", "2026-02-10"), ("2026-07-31", "overdue", None), ("2026-12-31", "due", None)]
    # only the open ones in the due list
    c = Child("england", events(*evs), as_of="2026-09-01", dob=DOB)
    open_ = [o for o in c.obs if o.rule == "ms.pep-review" and o.status.is_open]
    assert [str(o.due) for o in open_] == ["2026-07-31", "2026-12-31"]


def test_entering_care_on_the_first_day_of_a_term_the_initial_pep_stands_for_it():
    # Thu 2026-01-01 is spring's first day: the first review owed is summer's
    assert reviews(pep([("entered-care", "2026-01-01")], as_of="2026-03-31")) == []
    assert reviews(pep([("entered-care", "2026-01-01")], as_of="2026-04-01")) == [("2026-07-31", "due", None)]


def test_entering_care_in_the_summer_holiday_owes_the_autumn_review():
    assert reviews(pep([("entered-care", "2025-08-11")], as_of="2025-08-31")) == []  # autumn not begun yet
    assert reviews(pep([("entered-care", "2025-08-11")], as_of="2025-09-01")) == [("2025-12-31", "due", None)]


@pytest.mark.parametrize("evs, expected", [
    # left Fri 2026-03-20, before spring ended: nothing owed for it
    ([("left-care", "2026-03-20")], []),
    # a review in the term before leaving: met
    ([("pep-review", "2026-02-02"), ("left-care", "2026-03-20")], [("2026-03-31", "met", "2026-02-02")]),
    # left Thu 2026-04-02, after spring ended without one: missed; summer began 04-01 but ended with the episode
    ([("left-care", "2026-04-02")], [("2026-03-31", "missed", None)]),
])
def test_leaving_care_before_the_term_ends(evs, expected):
    c = pep([("entered-care", "2025-10-15"), *evs], as_of="2026-04-10")
    assert reviews(c) == expected
    c.assert_due("ms.pep", "2025-11-12", "missed")  # not done in the episode, which ended after it


# ---------------------------------------------------------------- school age: the 4th and 16th birthday bounds
@pytest.mark.parametrize("dob, expected, started", [
    # 4 on Sun 2025-08-31 (by 31 August): reception from Mon 1 Sep 2025, its autumn term owed, and the PEP of a
    # child in care then: started by + 10 WD (2-5, 8-12, 15 Sep) = 09-15, complete by + 20 WD (16-19, 22-26,
    # 29 Sep) = 09-29
    ("2021-08-31", [("2025-12-31", "due", None)], ("2025-09-15", "2025-09-29")),
    # 4 on 2025-09-01: reception a year later (autumn 2026's review and the PEP are owed once school age begins)
    ("2021-09-01", [], None),
])
def test_school_age_begins_with_reception_after_the_4th_birthday(dob, expected, started):
    c = pep([("entered-care", "2025-06-02")], as_of="2025-09-10", dob=dob)
    assert reviews(c) == expected
    if started is None:
        c.assert_absent("ms.pep-start")
        c.assert_absent("ms.pep")
    else:
        c.assert_due("ms.pep-start", started[0], "due")
        c.assert_due("ms.pep", started[1], "due")
        assert [(o.anchor_kind, o.anchor_date) for o in c.of("ms.pep")] == [("school-age", D("2025-09-01"))]


def test_reception_a_year_later_owes_from_its_autumn_term():
    # 4 on 2025-09-01: reception 2026-27; care from 2025-06-02: autumn 2026 (1 Sep-31 Dec) is the first term owed
    c = pep([("entered-care", "2025-06-02")], as_of="2026-09-01", dob="2021-09-01")
    assert reviews(c) == [("2026-12-31", "due", None)]


def test_entering_care_on_the_first_day_of_reception_owes_the_initial_pep():
    # 4 on 2025-08-31; care from Mon 2025-09-01 + 10 WD (no bank holiday) = Mon 2025-09-15
    c = pep([("entered-care", "2025-09-01")], as_of="2025-09-02", dob="2021-08-31")
    c.assert_due("ms.pep-start", "2025-09-15", "due")
    # autumn is the entry term: spring is the first
    assert reviews(pep([("entered-care", "2025-09-01")], as_of="2026-01-01", dob="2021-08-31")) == [
        ("2026-03-31", "due", None)]


@pytest.mark.parametrize("dob, expected", [
    # 16 on 2026-08-31: Year 11 was 2025-26, the summer term its last
    ("2010-08-31", [("2026-07-31", "met", "2026-05-05")]),
    # 16 on 2026-09-01: Year 11 is 2026-27, so the autumn 2026 term is owed too
    ("2010-09-01", [("2026-07-31", "met", "2026-05-05"), ("2026-12-31", "due", None)]),
])
def test_none_due_after_year_11(dob, expected):
    # entered Mon 2026-03-02 (spring); summer 1 Apr-31 Jul reviewed 2026-05-05
    c = pep([("entered-care", "2026-03-02"), ("pep-review", "2026-05-05")], as_of="2026-10-01", dob=dob)
    assert reviews(c) == expected
    c.assert_due("ms.pep-start", "2026-03-16", "overdue")  # Mon 2 Mar + 10 WD (no bank holiday) = Mon 16 Mar


def test_leap_day_birthday_bounds():
    # born 2012-02-29: 4 on 2016-02-29 (reception 2016-17), 16 on 2028-02-29 (Year 11 2027-28): its spring and
    # summer terms owed, none from autumn 2028. Entered Wed 2027-09-15 + 20 WD (no bank holiday) = Wed 2027-10-13
    c = pep([("entered-care", "2027-09-15")], as_of="2028-10-01", dob="2012-02-29")
    assert reviews(c) == [("2028-03-31", "overdue", None), ("2028-07-31", "overdue", None)]
    c.assert_due("ms.pep", "2027-10-13", "overdue")


# ---------------------------------------------------------------- term dates are profile data
YEARS = '''extends = "england"
name = "myla"
[terms.years]
2025 = [{ term = "autumn", first = 2025-09-03, last = 2025-12-19 },
        { term = "spring", first = 2026-01-05, last = 2026-03-27 },
        { term = "summer", first = 2026-04-13, last = 2026-07-22 }]
'''


def test_a_school_years_own_term_dates_replace_the_pattern(tmp_path):
    path = tmp_path / "myla.toml"
    path.write_text(YEARS)
    # a review in the Easter holiday (Wed 2026-04-01) is in no term: spring (to Fri 27 Mar) had none and is
    # missed; summer (from Mon 13 Apr) still wants one; 2026-27 takes the pattern again (autumn to 31 Dec)
    c = pep([("entered-care", "2025-10-15"), ("pep-review", "2026-04-01")], as_of="2026-09-01", profile=str(path))
    assert reviews(c) == [("2026-03-27", "missed", None), ("2026-07-22", "overdue", None),
                          ("2026-12-31", "due", None)]


def test_the_terms_table_names_its_source_and_defaults():
    from irocli.profiles import load

    terms = load("england").terms
    assert terms.year_starts == (9, 1)
    assert [(t.name, str(t.first), str(t.last)) for t in terms.of_year(2027)] == [
        ("autumn", "2027-09-01", "2027-12-31"), ("spring", "2028-01-01", "2028-03-31"),
        ("summer", "2028-04-01", "2028-07-31")]
    assert "[confirm]" in terms.source
    assert (terms.school_year(D("2026-08-31")), terms.school_year(D("2026-09-01"))) == (2025, 2026)


@pytest.mark.parametrize("text, where, message", [
    ('[terms]\nyear_starts = "9-1"\n', "terms.year_starts", "'9-1' is not a day of every year like '09-01' (MM-DD)"),
    ('[terms]\npattern = [{ term = "spring", first = "01-01", last = "02-29" }]\n', "terms.pattern[1].last",
     "'02-29' is not a day of every year like '09-01' (MM-DD)"),
    ('[terms]\npattern = [{ term = "autumn", first = "09-01", last = "12-31" },\n'
     '  { term = "spring", first = "12-01", last = "03-31" }]\n', "terms.pattern[2]",
     "term 'spring' must begin after 'autumn' ends (list the terms in order)"),
    ('[terms]\npattern = [{ term = "autumn", frist = "09-01", last = "12-31" }]\n', "terms.pattern[1].frist",
     'unknown key; did you mean "first"?'),
    ('[terms]\npattern = [{ term = "autumn", last = "12-31" }]\n', "terms.pattern[1].first", "missing"),
    ('[terms]\npattern = []\n', "terms.pattern", 'must be a list of terms like {term = "autumn", first = ..., '
     'last = ...}'),
    ('[terms]\npattern = [{ term = "summer", first = "04-01", last = "03-31" }]\n', "terms.pattern[1]",
     "term 'summer' must run forward within a school year, from year_starts 09-01"),
    ('[terms]\npatern = []\n', "terms.patern", 'unknown key; did you mean "pattern"?'),
    ('[terms.years]\n"2025-26" = []\n', "terms.years.2025-26",
     "must be a school year by the calendar year it starts in, e.g. 2025 for 2025-26"),
    ('[terms.years]\n2025 = [{ term = "autumn", first = 2026-09-01, last = 2026-12-18 }]\n', "terms.years.2025[1]",
     "term 'autumn' must run forward within the school year 2025-09-01 to 2026-08-31"),
    ('[terms.years]\n2025 = [{ term = "autumn", first = "1 Sep", last = 2025-12-18 }]\n',
     "terms.years.2025[1].first", "'1 Sep' is not a date (expected YYYY-MM-DD)"),
    ('[terms.years]\n2025 = [{ term = "autumn", first = 2025-09-03T09:00:00, last = 2025-12-18 }]\n',
     "terms.years.2025[1].first", "'2025-09-03T09:00:00' is not a date (expected YYYY-MM-DD)"),
])
def test_a_bad_terms_table_is_one_error_naming_the_file_and_key(tmp_path, text, where, message):
    assert_profile_fails(tmp_path, 'extends = "england"\n' + text, where, message)


def test_the_age_bounds_are_rule_data(tmp_path):
    # an authority keeping post-16 PEPs: until_age = "18 years". Born 2010-09-01: 16 on 2026-09-01 (Year 11 is
    # 2026-27), so under england nothing is owed from autumn 2027; under post16 autumn 2027 (Year 12) is
    path = tmp_path / "post16.toml"
    path.write_text('extends = "england"\nname = "post16"\n[rules."ms.pep-review"]\nuntil_age = "18 years"\n')
    c = pep([("entered-care", "2027-06-01")], as_of="2027-09-02", dob="2010-09-01", profile=str(path))
    assert reviews(c) == [("2027-12-31", "due", None)]
    assert reviews(pep([("entered-care", "2027-06-01")], as_of="2027-09-02", dob="2010-09-01")) == []


def test_a_term_reviews_offset_counts_from_the_terms_last_day(tmp_path):
    # an authority wanting each review 5 working days before the term ends: Tue 2026-03-31 - 5 WD = Mon 30 (1),
    # Fri 27 (2), Thu 26 (3), Wed 25 (4), Tue 24 March (5); a review dated in the term still meets it
    path = tmp_path / "early.toml"
    path.write_text('extends = "england"\nname = "early"\n[rules."ms.pep-review"]\noffset = "-5 working days"\n')
    c = pep([("entered-care", "2025-10-15")], as_of="2026-01-05", profile=str(path))
    [o] = c.of("ms.pep-review")
    assert (str(o.due), o.derivation.arithmetic) == (
        "2026-03-24", "spring term 2026-01-01 to 2026-03-31; 2026-03-31 - 5 working days = 2026-03-24")


# ---------------------------------------------------------------- dudley: 004 restates the national floor
def test_dudley_pep_cites_004_over_the_national_floor():
    c = Child("dudley", events(("entered-care", "2024-12-20")), as_of="2024-12-21", dob="2014-05-01")
    c.assert_due("ms.pep", "2025-01-22", "due")  # DATES.md ✓
    [o] = c.of("ms.pep")
    assert o.source.startswith("004 Education")
    [r] = Child("dudley", events(("entered-care", "2024-12-20")), as_of="2025-01-02", dob="2014-05-01").of(
        "ms.pep-review")  # spring 2025, begun 1 Jan
    assert (str(r.due), r.source.startswith("004 Education")) == ("2025-03-31", True)


# ---------------------------------------------------------------- the due list holds what the history calls open
def test_the_due_list_holds_exactly_the_open_pep_and_secure_obligations_of_the_history():
    """derive(history=False) skips terms closed by a later PEP review and ended stays: what it keeps must be
    exactly the open obligations derive(history=True) finds (random histories of the new kinds)."""
    import datetime as dt

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from irocli.domain import Event
    from irocli.engine import derive
    from irocli.profiles import load

    profile = load("england")
    kinds = ["pep", "pep-review", "pep-started", "left-care", "entered-care", "placement-change",
             "secure-placement", "secure-review", "secure-ended", "icpc-held", "core-group", "cp-plan-ended"]
    ours = ("ms.pep-start", "ms.pep", "ms.pep-review", "review.secure", "cp.core-group")

    @settings(max_examples=150, deadline=None)
    @given(st.integers(0, 3000), st.lists(st.tuples(st.sampled_from(kinds), st.integers(0, 150)), max_size=14),
           st.integers(0, 400), st.dates(dt.date(2008, 1, 1), dt.date(2020, 1, 1)))
    def check(start, steps, tail, dob):
        day = dt.date(2018, 1, 1) + dt.timedelta(days=start)
        evs = [Event("entered-care", day, id=1)]
        for i, (kind, gap) in enumerate(steps):
            day += dt.timedelta(days=gap)
            evs.append(Event(kind, day, id=i + 2))
        as_of = day + dt.timedelta(days=tail)
        full = derive("C", evs, profile, as_of, dob=dob)
        due = derive("C", evs, profile, as_of, dob=dob, history=False)
        key = lambda o: (o.rule, o.due, o.status, o.cycle)  # noqa: E731
        assert sorted(map(key, (o for o in due.obligations if o.rule in ours))) == sorted(
            map(key, (o for o in full.obligations if o.rule in ours and o.status.is_open)))

    check()
