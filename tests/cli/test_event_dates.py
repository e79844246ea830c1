"""Dates people mistype, refused at entry (event add, praise, escalations), on each backend.

Hand-checked: C001 is born 2015-06-01 and in care from 2020-01-06; 2099-01-15 is after any today.
"""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def born(cli):
    """C001, born 2015-06-01, in care from 2020-01-06."""
    cli("init", "--profile", "england")
    cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "2015-06-01", "--iro", "A. Khan")
    cli("event", "add", "C001", "entered-care", "2020-01-06")
    return cli


def test_an_event_after_today_is_refused_and_nothing_is_written(born):
    before = born.digest()
    result = born("event", "add", "C001", "review-held", "2099-01-15", ok=False)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("Error: review-held on 2099-01-15 for C001 is after ")
    assert result.stderr.endswith(": only a booking (change-proposed, post-18-allocation, review-booked, "
                                  "review-directed) may be dated in the future\n")
    assert born.digest() == before


def test_the_day_after_today_is_refused_and_today_is_accepted(born):
    from irocli.cli._context import today

    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    assert born("event", "add", "C001", "iro-visit", tomorrow, ok=False).exit_code == 2
    born("event", "add", "C001", "iro-visit", "today")
    assert born.events("C001")[-1] == ("iro-visit", today().isoformat())


@pytest.mark.parametrize("kind", ["review-booked", "review-directed", "change-proposed"])
def test_a_booking_may_be_dated_in_the_future(born, kind):
    born("event", "add", "C001", kind, "2099-01-15")
    assert born.events("C001")[-1] == (kind, "2099-01-15")


def test_an_event_before_birth_is_refused_without_showing_the_birth_date(born):
    before = born.digest()
    result = born("event", "add", "C001", "iro-visit", "2015-05-31", ok=False)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == ("Error: iro-visit on 2015-05-31 for C001 is before the child's date of birth: "
                             "only child-protection work may start before birth\n")
    assert born.digest() == before


def test_child_protection_work_may_start_before_birth(born):
    born("event", "add", "C001", "strategy-discussion", "2015-03-01")
    born("event", "add", "C001", "icpc-held", "2015-05-31")
    born("event", "add", "C001", "iro-visit", "2015-06-01")  # on the day of birth: fine
    assert born.events("C001")[:3] == [("strategy-discussion", "2015-03-01"), ("icpc-held", "2015-05-31"),
                                       ("iro-visit", "2015-06-01")]


@pytest.mark.parametrize("args", [
    ("praise", "C001", "--date", "2099-01-15", "--note", "life-story work"),
    ("escalation", "open", "C001", "--reason", "drift", "--date", "2099-01-15"),
    ("praise", "C001", "--date", "2015-05-31", "--note", "life-story work"),
    ("escalation", "open", "C001", "--reason", "drift", "--date", "2015-05-31"),
], ids=["praise-future", "escalation-future", "praise-before-birth", "escalation-before-birth"])
def test_praise_and_escalations_are_checked_the_same_way(born, args):
    before = born.digest()
    result = born(*args, ok=False)
    assert (result.exit_code, result.stdout) == (2, "")
    assert "for C001 is " in result.stderr and len(result.stderr.splitlines()) == 1
    assert born.digest() == before


def test_an_escalation_response_after_today_is_refused(born):
    esc = born("escalation", "open", "C001", "--reason", "drift", "--date", "2025-03-03").stdout.strip()
    result = born("escalation", "respond", esc, "--date", "2099-01-15", ok=False)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("Error: escalation-response on 2099-01-15 for C001 is after ")


def test_the_placeholder_birth_date_is_stored_as_unknown(cli):
    cli("init")
    added = cli("child", "add", "C001", "--name", "Sam Jones", "--dob", "1900-01-01")
    assert added.stderr == ("Added child C001.\nNote: C001: 1900-01-01 is the case systems' placeholder: "
                            "date of birth stored as unknown.\n")
    cli("child", "add", "C002", "--name", "Ava Smith", "--dob", "2010-02-28")
    updated = cli("child", "update", "C002", "--dob", "1900-01-01")
    assert "Note: C002: 1900-01-01 is the case systems' placeholder" in updated.stderr
    assert "2010-02-28" not in updated.stderr
    assert cli.rows("SELECT id, dob FROM child ORDER BY id") == [("C001", None), ("C002", None)]
    cli("event", "add", "C001", "entered-care", "2020-01-06")  # no birth date to be before


def test_a_second_adjournment_of_one_review_warns_naming_the_first(born):
    first = born("event", "add", "C001", "review-adjourned", "2020-02-03").stdout.strip()
    second = born("event", "add", "C001", "review-adjourned", "2020-02-10")
    assert second.exit_code == 0 and second.stdout.strip().isdigit()  # recorded all the same
    assert second.stderr == (f"Recorded review-adjourned on 2020-02-10 for C001 (event {second.stdout.strip()}).\n"
                             f"Warning: C001: this review was already adjourned (event {first} on 2020-02-03); "
                             "a review may be adjourned only once (review.adjourn-once).\n")
    assert "Sam" not in second.stderr and "2015-06-01" not in second.stderr
    third = born("event", "add", "C001", "review-adjourned", "2020-02-17")
    assert f"(event {first} on 2020-02-03)" in third.stderr  # still the first one named
    born("event", "add", "C001", "review-held", "2020-02-24")
    later = born("event", "add", "C001", "review-adjourned", "2020-08-20")  # the next review: once is allowed
    assert "Warning" not in later.stderr


def test_a_voided_first_adjournment_is_no_first(born):
    first = born("event", "add", "C001", "review-adjourned", "2020-02-03").stdout.strip()
    born("event", "void", first, "--reason", "wrong child")
    assert "Warning" not in born("event", "add", "C001", "review-adjourned", "2020-02-10").stderr
