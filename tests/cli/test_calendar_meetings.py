"""irocli calendar: booked review meetings, timed when `review-booked --time` gave a time (UK local time),
all day otherwise; one event per review, moved by a rebooking."""

from __future__ import annotations

import datetime as dt
import json

from icalendar import Calendar


def meetings(result) -> list:
    cal = Calendar.from_ical(result.stdout_bytes)
    return [ev for ev in cal.walk("VEVENT") if [str(c) for c in ev["CATEGORIES"].cats] == ["review-meeting"]]


def test_a_booking_with_a_time_is_a_timed_event_in_uk_time(caseload):
    # C001's second review is due 2025-04-22 (first held 2025-01-22). Booked for Thu 10 April 2025 at
    # 10:30 (BST, UTC+1: 09:30 UTC), an hour long as no end was given.
    caseload("event", "add", "C001", "review-booked", "2025-04-10", "--time", "10:30")
    [ev] = meetings(caseload("calendar", "--as-of", "2025-04-16", "--within", "28"))
    start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
    assert str(start.tzinfo) == "Europe/London"
    assert start.astimezone(dt.UTC) == dt.datetime(2025, 4, 10, 9, 30, tzinfo=dt.UTC)
    assert end.astimezone(dt.UTC) == dt.datetime(2025, 4, 10, 10, 30, tzinfo=dt.UTC)
    assert str(ev["SUMMARY"]) == "C001 SJ: Second review (booked)"
    assert str(ev["UID"]) == "C001.meeting.ep1.r2@irocli"
    assert (str(ev["STATUS"]), str(ev["TRANSP"])) == ("CONFIRMED", "OPAQUE")
    cal = Calendar.from_ical(caseload("calendar", "--as-of", "2025-04-16", "--within", "28").stdout_bytes)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]


def test_a_winter_booking_with_an_end_is_in_gmt(caseload):
    # C003's first review is due 2025-05-13; C002's 2025-03-31. C002 booked Fri 28 March 2025 (GMT: the
    # clocks go forward on Sunday 30 March) 14:00-15:30, so 14:00-15:30 UTC.
    caseload("event", "add", "C002", "review-booked", "2025-03-28", "--time", "14:00-15:30")
    [ev] = meetings(caseload("calendar", "--as-of", "2025-03-28", "--within", "28"))
    assert ev.decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(2025, 3, 28, 14, 0, tzinfo=dt.UTC)
    assert ev.decoded("DTEND").astimezone(dt.UTC) == dt.datetime(2025, 3, 28, 15, 30, tzinfo=dt.UTC)
    assert str(ev["SUMMARY"]) == "C002 AS: First review (booked)"


def test_a_booking_without_a_time_is_all_day(caseload):
    caseload("event", "add", "C003", "review-booked", "2025-05-06")
    [ev] = meetings(caseload("calendar", "--as-of", "2025-05-06", "--within", "28"))
    start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
    assert (start, end) == (dt.date(2025, 5, 6), dt.date(2025, 5, 7))
    cal = Calendar.from_ical(caseload("calendar", "--as-of", "2025-05-06", "--within", "28").stdout_bytes)
    assert cal.walk("VTIMEZONE") == []  # no timed event, no time zone


def test_rebooking_moves_the_one_meeting_and_a_booking_outside_the_window_is_left_out(caseload):
    caseload("event", "add", "C001", "review-booked", "2025-04-10", "--time", "10:30")
    caseload("event", "add", "C001", "review-booked", "2025-04-15")  # rebooked, no time given: all day
    [ev] = meetings(caseload("calendar", "--as-of", "2025-04-16", "--within", "28"))
    assert (str(ev["UID"]), ev.decoded("DTSTART")) == ("C001.meeting.ep1.r2@irocli", dt.date(2025, 4, 15))
    assert meetings(caseload("calendar", "--as-of", "2025-05-31", "--within", "28")) == []  # 46 days before


def test_a_review_held_on_the_booked_day_keeps_its_timed_meeting(caseload):
    caseload("event", "add", "C001", "review-booked", "2025-04-10", "--time", "10:30")
    caseload("event", "add", "C001", "review-held", "2025-04-10")
    [ev] = meetings(caseload("calendar", "--as-of", "2025-04-20", "--within", "28"))
    assert str(ev["SUMMARY"]) == "C001 SJ: Second review (held)"
    assert str(ev["UID"]) == "C001.meeting.ep1.r2@irocli"
    assert ev.decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(2025, 4, 10, 9, 30, tzinfo=dt.UTC)
    assert meetings(caseload("calendar", "--as-of", "2025-06-01", "--within", "28")) == []  # 52 days ago


def test_the_meeting_is_on_the_day_the_engine_reads_as_booked(caseload):
    """The booking the calendar shows is the one the engine counts: the IRO's talk with the child is the
    day before R (task.iro-contact-child, anchored on the booking), so its anchor is the meeting's day.
    Recorded after the days they name, bookings take their places by date: the latest date counts."""
    for day, counted in (("2025-04-11", "2025-04-11"), ("2025-04-08", "2025-04-11"), ("2025-04-15", "2025-04-15")):
        caseload("event", "add", "C001", "review-booked", day)
        obligations = json.loads(caseload("explain", "C001", "--as-of", "2025-04-16", "--format", "json").stdout)
        [contact] = [o for o in obligations
                     if o["obligation"] == "task.iro-contact-child" and o["anchor"]["kind"] == "review-booked"]
        [ev] = meetings(caseload("calendar", "--as-of", "2025-04-16", "--within", "28"))
        assert contact["anchor"]["date"] == ev.decoded("DTSTART").isoformat() == counted


def test_time_is_refused_when_malformed_or_for_another_kind(caseload):
    form = "not HH:MM or HH:MM-HH:MM (24-hour clock, the end after the start)"
    for value, message in (("25:00", f"--time 25:00: {form}"), ("10.30", f"--time 10.30: {form}"),
                           ("11:00-10:00", f"--time 11:00-10:00: {form}")):
        result = caseload("event", "add", "C001", "review-booked", "2025-04-10", "--time", value, ok=False)
        assert (result.exit_code, result.stderr) == (2, f"Error: {message}\n")
    result = caseload("event", "add", "C001", "review-held", "2025-04-10", "--time", "10:00", ok=False)
    assert (result.exit_code, result.stderr) == (2, "Error: --time is for review-booked events only, not review-held\n")
    result = caseload("event", "add", "C001", "review-booked", "2025-04-10", "--time", "10:00",
                      "--detail", "time=11:00", ok=False)
    assert (result.exit_code, result.stderr) == (2, "Error: --time and --detail time both given: give one\n")
    assert sorted(e["kind"] for e in json.loads(caseload("event", "list", "C001", "--format", "json").stdout)) == [
        "decisions-circulated", "entered-care", "iro-allocated", "review-held"]  # nothing written


def test_the_time_is_kept_zero_padded_and_listed(caseload):
    caseload("event", "add", "C001", "review-booked", "2025-04-10", "--time", "9:05-10:00")
    [booked] = [e for e in json.loads(caseload("event", "list", "C001", "--format", "json").stdout)
                if e["kind"] == "review-booked"]
    assert booked["details"] == "time=09:05-10:00"
