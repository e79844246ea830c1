"""reports.ical.booking: which review-booked event a review's meeting is, read as the engine reads bookings."""

from __future__ import annotations

import datetime as dt

from irocli.domain import Event
from irocli.reports.ical import booking


def _booked(day: str, known: str | None, event_id: int):
    return Event("review-booked", dt.date.fromisoformat(day), event_id, "C1",
                 known_on=dt.date.fromisoformat(known) if known else None, details={"time": "10:00"})


def test_the_booking_that_counts_is_the_latest_known():
    # Anchor (the review before) 2026-06-01. Booked on 1 Oct for 10 Nov, rebooked on 5 Oct for 3 Nov: the
    # rebooking counts though its date is earlier. A booking recorded before the anchor belongs to the review
    # before; one for a day on or before the anchor is no booking of this review.
    anchor = dt.date(2026, 6, 1)
    first, second = _booked("2026-11-10", "2026-10-01", 1), _booked("2026-11-03", "2026-10-05", 2)
    early, stale = _booked("2026-11-20", "2026-05-20", 3), _booked("2026-05-30", "2026-05-01", 4)
    assert booking([first, second, early, stale], anchor) is second
    assert booking([early, stale], anchor) is None
    # held on 2 Nov: only bookings known by then count; one recorded on 3 Nov is the next review's
    late = _booked("2026-11-12", "2026-11-03", 5)
    assert booking([first, second, late], anchor, held_on=dt.date(2026, 11, 2)) is second
    assert booking([late], anchor, held_on=dt.date(2026, 11, 2)) is None
    # none known after the as-of day
    assert booking([first, second], anchor, as_of=dt.date(2026, 10, 3)) is first
