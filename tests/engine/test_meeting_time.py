"""domain.meeting_time: a booked review's time of day, as `--time` and imports give it."""

from __future__ import annotations

import pytest

from irocli.domain import check_details, meeting_time


@pytest.mark.parametrize(("given", "stored"), [
    ("10:30", "10:30"),
    ("9:05", "09:05"),
    (" 09:00 - 10:15 ", "09:00-10:15"),
    ("00:00", "00:00"),
    ("23:59", "23:59"),
    ("13:00-13:01", "13:00-13:01"),
])
def test_times_kept_zero_padded(given, stored):
    assert meeting_time(given) == stored


@pytest.mark.parametrize("given", ["24:00", "10:60", "10", "10:3", "10.30", "1030", "10:30-10:30", "11:00-10:59",
                                   "10:00-11:00-12:00", "-10:00", "ten:30", "", "10:30-", "１０:30"])
def test_not_a_time(given):
    assert meeting_time(given) is None


def test_a_file_carries_the_time_checked_alike():
    assert check_details("review-booked", {"time": "9:30"}) == {"time": "09:30"}

