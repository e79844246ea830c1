"""Secure accommodation (RULES §7, review.secure): while a child is kept in secure accommodation (CA 1989 s25), a
panel review within one month of the start, then at intervals of not more than three months (Children (Secure
Accommodation) Regulations 1991 reg 15 [confirm]). Hand-checked dates; months by the corresponding date (§0).
"""

from __future__ import annotations

import pytest
from tests.engine.support import Child, D, events

CARE = ("entered-care", "2024-01-02")


def secure(*evs, as_of: str) -> list[tuple[str, str, str | None]]:
    """(due, status, met_on) of each review.secure obligation, in order."""
    c = Child("england", events(CARE, *evs), as_of=as_of)
    return [(str(o.due), o.status.value, str(o.met_on) if o.met_on else None) for o in c.obs
            if o.rule == "review.secure"]


@pytest.mark.parametrize("start, due", [
    ("2025-01-31", "2025-02-28"),  # 31 Jan + 1 month: no 31 Feb, so the last day of February
    ("2024-01-31", "2024-02-29"),  # ... in a leap year, 29 Feb
    ("2025-03-31", "2025-04-30"),  # no 31 April
    ("2025-05-15", "2025-06-15"),  # the corresponding date
    ("2025-12-31", "2026-01-31"),  # across the new year
])
def test_first_panel_review_within_one_month_of_the_start(start, due):
    assert secure(("secure-placement", start), as_of=start) == [(due, "due", None)]


def test_then_every_three_months_from_each_review_held():
    # start Fri 2025-01-31: due 2025-02-28, held 02-20; + 3 months = 2025-05-20, held that day; + 3 = 2025-08-20
    rows = secure(("secure-placement", "2025-01-31"), ("secure-review", "2025-02-20"), ("secure-review", "2025-05-20"),
                  as_of="2025-09-01")
    assert rows == [("2025-02-28", "met", "2025-02-20"), ("2025-05-20", "met", "2025-05-20"),
                    ("2025-08-20", "overdue", None)]


def test_a_late_review_is_met_late_and_the_next_counts_from_it():
    # due 2025-02-28, held Mon 2025-03-03 (3 days late): the next is 2025-03-03 + 3 months = 2025-06-03
    rows = secure(("secure-placement", "2025-01-31"), ("secure-review", "2025-03-03"), as_of="2025-03-04")
    assert rows == [("2025-02-28", "met-late", "2025-03-03"), ("2025-06-03", "due", None)]


def test_month_end_reviews_chain_from_the_actual_date():
    # start 2024-10-31 + 1 month = 2024-11-30 (no 31 Nov), held then; + 3 months = 2025-02-28 (DATES.md), held
    # then; + 3 months = 2025-05-28, not 31 May
    rows = secure(("secure-placement", "2024-10-31"), ("secure-review", "2024-11-30"), ("secure-review", "2025-02-28"),
                  as_of="2025-03-01")
    assert rows == [("2024-11-30", "met", "2024-11-30"), ("2025-02-28", "met", "2025-02-28"),
                    ("2025-05-28", "due", None)]


@pytest.mark.parametrize("ended_by", ["secure-ended", "placement-change", "left-care"])
def test_the_stay_ends_and_nothing_more_is_owed(ended_by):
    # reviewed 02-20 (next due 05-20); left secure accommodation 2025-04-01, before it fell due: nothing owed
    rows = secure(("secure-placement", "2025-01-31"), ("secure-review", "2025-02-20"), (ended_by, "2025-04-01"),
                  as_of="2025-09-01")
    assert rows == [("2025-02-28", "met", "2025-02-20")]


def test_ending_after_a_review_fell_due_without_one_leaves_it_missed():
    rows = secure(("secure-placement", "2025-01-31"), ("secure-review", "2025-02-20"), ("secure-ended", "2025-06-01"),
                  as_of="2025-09-01")
    assert rows == [("2025-02-28", "met", "2025-02-20"), ("2025-05-20", "missed", None)]


def test_a_placement_change_on_the_day_of_the_secure_placement_is_the_move_into_it():
    rows = secure(("placement-change", "2025-01-31"), ("secure-placement", "2025-01-31"), as_of="2025-03-10")
    assert rows == [("2025-02-28", "overdue", None)]


def test_a_later_secure_placement_starts_its_own_clock():
    # left 2025-04-01; placed again Tue 2025-07-01 + 1 month = 2025-08-01; the review of 02-20 was the first stay's
    c = Child("england", events(CARE, ("secure-placement", "2025-01-31"), ("secure-review", "2025-02-20"),
                                ("secure-ended", "2025-04-01"), ("secure-placement", "2025-07-01")), as_of="2025-07-02")
    first, second = c.of("review.secure")
    assert (first.cycle, second.cycle) == ("stay1.1", "stay2.1")
    assert (second.due, second.status.value, second.anchor_kind, second.anchor_date) == (
        D("2025-08-01"), "due", "secure-placement", D("2025-07-01"))
    assert (second.owner, second.source) == ("local-authority", "Children (Secure Accommodation) Regulations 1991 "
                                             "reg 15 [confirm]")
    assert second.derivation.arithmetic == "secure-placement from 2025-07-01; 2025-07-01 + 1 month = 2025-08-01"


def test_the_due_list_holds_only_the_open_review_of_a_lasting_stay():
    from irocli.engine import derive
    from irocli.profiles import load

    evs = events(CARE, ("secure-placement", "2025-01-31"), ("secure-review", "2025-02-20"))
    out = derive("C1", evs, load("england"), D("2025-03-01"), history=False)
    assert [(o.rule, str(o.due)) for o in out.obligations if o.rule == "review.secure"] == [
        ("review.secure", "2025-05-20")]


@pytest.mark.parametrize("evs", [
    pytest.param([("entered-care", "2024-01-08"), ("left-care", "2024-12-02"), ("secure-placement", "2025-01-06")],
                 id="after-leaving-care"),
    pytest.param([("secure-placement", "2025-01-06")], id="never-in-care"),
    pytest.param([("secure-placement", "2025-01-06"), ("entered-care", "2025-03-03")], id="before-entering-care"),
])
def test_no_secure_review_for_a_child_not_looked_after(evs):
    c = Child("england", events(*evs), as_of="2025-06-30", dob="2010-01-01")
    c.assert_absent("review.secure")


def test_a_secure_stay_ends_with_the_episode():
    # placed in secure accommodation Mon 2025-01-06 (first review by 02-06); left care 2025-01-20 with no
    # secure-ended recorded: the stay ended then, before the review fell due: nothing owed
    c = Child("england", events(("entered-care", "2024-06-03"), ("secure-placement", "2025-01-06"),
                                ("left-care", "2025-01-20")), as_of="2025-06-30", dob="2010-01-01")
    c.assert_absent("review.secure")
