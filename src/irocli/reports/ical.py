"""The due list as an iCalendar file: one all-day event per obligation, for Outlook, and each booked review
meeting (a timed event when its `review-booked` event has a time, all-day otherwise).

Open obligations are those of `irocli due` (due within DAYS of the as-of date, or overdue). An
obligation that is no longer open (met, met late, missed) comes back once more with STATUS:CANCELLED
and the same UID, so a re-import takes it out of the calendar: those whose due date lies within DAYS
either side of the as-of date, or that were met within the last DAYS days (an overdue task exported
long ago and done yesterday must still be cancelled).

A UID names the obligation in its review cycle (child, rule, cycle: "C001.task.invitations.ep1.r2@irocli"),
never a date, so booking or rebooking a review moves the event instead of adding a second one. A booked
meeting's UID names the review it is for the same way ("C001.meeting.ep1.r2@irocli"): rebooking moves it.
Imports icalendar, never the CLI.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote

PRODID = "-//irocli//Statutory review deadlines//EN"
DOMAIN = "irocli"
# SEQUENCE (RFC 5545 3.8.7.4) must grow with each revision an organiser publishes. irocli keeps no
# record of what it published, so it counts minutes since this epoch at DTSTAMP: every export is a
# revision no older than the last one, and a calendar always takes the latest.
SEQUENCE_EPOCH = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
# A booked review's time is UK local time; one booked with a start alone lasts this long in the calendar.
LOCAL_TIME = "Europe/London"
MEETING_LENGTH = dt.timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Meeting:
    """A booked review meeting: the review obligation's row (its `cycle` names the review), the day booked
    (or held, once held on another day) and the time of day ("HH:MM" or "HH:MM-HH:MM", None: all day)."""

    row: dict
    day: dt.date
    time: str | None
    held: bool


def _part(text: str, *, dots: bool = True) -> str:
    """A UID component: letters, digits, '-', '_' (and '.' where allowed) kept, the rest %XX-escaped."""
    safe = "-_." if dots else "-_"
    out = quote(text.strip(), safe=safe)
    return out if dots else out.replace(".", "%2E")


def event_uid(row: dict) -> str:
    """A UID that survives a moved due date: child, rule and cycle, never a date.

    The child id is escaped whole (its dots too), so no id can pass for another child's rule. Where
    the obligation has no cycle, the anchor's kind stands in for it (still never its date).
    """
    parts = [_part(row["child_id"], dots=False), _part(row["obligation"])]
    if row.get("cycle"):
        parts.append(_part(row["cycle"]))
    else:
        parts.append("on-" + _part(row["anchor"]["kind"]))
    return ".".join(parts) + f"@{DOMAIN}"


def sequence(stamp: dt.datetime) -> int:
    """SEQUENCE for an export stamped ``stamp``: whole minutes since SEQUENCE_EPOCH (never negative)."""
    return max(0, int((stamp - SEQUENCE_EPOCH).total_seconds() // 60))


def summary(row: dict, initials: str | None) -> str:
    """Child id and initials (never the name), then what is due."""
    who = f"{row['child_id']} {initials}" if initials else row["child_id"]
    return f"{who}: {row['title']}"


def description(row: dict) -> str:
    """The event's DESCRIPTION: rule, source, due and status, anchor, arithmetic, owner and IRO, one a line."""
    status = row["status"] + (f" on {row['met_on']}" if row.get("met_on") else "")
    lines = [
        f"Rule: {row['obligation']}",
        f"Source: {row['source']}",
        f"Due: {row['due']} ({status})",
        f"Anchor: {row['anchor']['kind']} {row['anchor']['date']}",
    ]
    if row.get("arithmetic"):
        lines.append(f"Arithmetic: {row['arithmetic']}")
    if row.get("owner"):
        lines.append(f"Owner: {row['owner']}")
    if row.get("iro"):
        lines.append(f"IRO: {row['iro']}")
    return "\n".join(lines)


def is_open(row: dict) -> bool:
    """Whether the row is still to do (due or overdue), not met or missed."""
    return row["status"] in ("due", "overdue")


def build(rows: list[dict], initials: dict[str, str], *, stamp: dt.datetime | None = None,
          name: str = "irocli deadlines", meetings: list[Meeting] = ()) -> bytes:
    """The .ics bytes for rows in the `due` contract shape (with optional `arithmetic`, `cycle`), and
    ``meetings``: booked reviews, timed (Europe/London, with its VTIMEZONE) when a time was recorded.

    Rows that are not open (met, met-late, missed) become cancelled events.

    Args:
        initials: child id -> initials, the only part of a child's name that may appear.
        stamp: DTSTAMP for every event (UTC); now when not given.
    """
    from icalendar import Calendar, Event

    stamp = (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    seq = sequence(stamp)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    seen: set[str] = set()
    for row in rows:
        uid = event_uid(row)
        if uid in seen:  # two obligations of one rule in one cycle: never one UID for both
            n = 2
            while f"{uid.removesuffix('@' + DOMAIN)}.{n}@{DOMAIN}" in seen:
                n += 1
            uid = f"{uid.removesuffix('@' + DOMAIN)}.{n}@{DOMAIN}"
        seen.add(uid)
        due = dt.date.fromisoformat(row["due"])
        ev = Event()
        ev.add("uid", uid)
        ev.add("dtstamp", stamp)
        ev.add("sequence", seq)
        ev.add("dtstart", due)
        ev.add("dtend", due + dt.timedelta(days=1))
        ev.add("summary", summary(row, initials.get(row["child_id"])))
        ev.add("description", description(row))
        ev.add("categories", [row["status"]])
        ev.add("status", "CONFIRMED" if is_open(row) else "CANCELLED")
        ev.add("transp", "TRANSPARENT")  # a deadline, not a meeting: the day stays free
        cal.add_component(ev)
    for meeting in meetings:
        cal.add_component(_meeting_event(meeting, initials.get(meeting.row["child_id"]), stamp, seq))
    if meetings:
        cal.add_missing_timezones()
    return cal.to_ical()


def meeting_uid(row: dict) -> str:
    """A booked meeting's UID: child and the review's cycle (never a date), so rebooking moves it."""
    cycle = _part(row["cycle"]) if row.get("cycle") else "on-" + _part(row["anchor"]["kind"])
    return f"{_part(row['child_id'], dots=False)}.meeting.{cycle}@{DOMAIN}"


def _meeting_event(meeting: Meeting, initials: str | None, stamp: dt.datetime, seq: int):
    """The VEVENT of a booked review: busy time, at its time in UK local time or all day."""
    from zoneinfo import ZoneInfo

    from icalendar import Event

    row = meeting.row
    who = f"{row['child_id']} {initials}" if initials else row["child_id"]
    ev = Event()
    ev.add("uid", meeting_uid(row))
    ev.add("dtstamp", stamp)
    ev.add("sequence", seq)
    if meeting.time is None:
        ev.add("dtstart", meeting.day)
        ev.add("dtend", meeting.day + dt.timedelta(days=1))
    else:
        zone = ZoneInfo(LOCAL_TIME)
        start_text, _, end_text = meeting.time.partition("-")
        start = dt.datetime.combine(meeting.day, dt.time.fromisoformat(start_text), tzinfo=zone)
        end = (dt.datetime.combine(meeting.day, dt.time.fromisoformat(end_text), tzinfo=zone) if end_text
               else start + MEETING_LENGTH)
        ev.add("dtstart", start)
        ev.add("dtend", end)
    ev.add("summary", f"{who}: {row['title']} ({'held' if meeting.held else 'booked'})")
    lines = [f"Review: {row['obligation']} due {row['due']}", f"Source: {row['source']}"]
    if meeting.time is not None and "-" not in meeting.time:
        lines.append("Time: start recorded, no end: shown an hour long")
    if row.get("iro"):
        lines.append(f"IRO: {row['iro']}")
    ev.add("description", "\n".join(lines))
    ev.add("categories", ["review-meeting"])
    ev.add("status", "CONFIRMED")
    ev.add("transp", "OPAQUE")  # a meeting: the time is busy
    return ev


def calendar_rows(store, profile, as_of: dt.date, *, within: int, iro=None, team=None, notices=None,
                  reviews: list | None = None) -> list[dict]:
    """Open obligations due within `within` days or overdue (as `irocli due`), and those no longer
    open whose due date is within `within` days either side of as_of or that were met within the
    last `within` days (to cancel). Each row carries `arithmetic` and `cycle`. ``notices``: compute.caseload's.
    ``reviews``, when given, receives (child, row) for every review obligation still open or met within the last
    `within` days, whatever its due date (their meetings may be booked within the window)."""
    from irocli.reports.compute import caseload
    from irocli.reports.rows import obligation_row, sort_rows

    horizon = as_of + dt.timedelta(days=within)
    since = as_of - dt.timedelta(days=within)
    review_rules = {r.id for r in profile.of_type("review")} if reviews is not None else set()
    rows = []
    for child, ob in caseload(store, profile, as_of, iro=iro, team=team, history=True, notices=notices):
        if ob.rule in review_rules and (ob.status.is_open or (ob.met_on is not None and since <= ob.met_on)):
            row = obligation_row(ob, child, as_of)
            row["cycle"] = ob.cycle
            reviews.append((child, row))
        if ob.status.is_open:
            wanted = ob.due <= horizon
        else:
            wanted = since <= ob.due <= horizon or (ob.met_on is not None and since <= ob.met_on <= as_of)
        if wanted:
            row = obligation_row(ob, child, as_of)
            row["arithmetic"] = ob.derivation.arithmetic
            row["cycle"] = ob.cycle
            rows.append(row)
    return sort_rows(rows)


def calendar_file(store, profile, as_of: dt.date, *, within: int, iro=None, team=None,
                  stamp: dt.datetime | None = None, notices=None) -> tuple[bytes, int, int]:
    """The .ics for a caseload, how many open events (booked meetings included) and how many cancelled ones
    it holds."""
    reviews: list[tuple] = []
    rows = calendar_rows(store, profile, as_of, within=within, iro=iro, team=team, notices=notices, reviews=reviews)
    found = meetings(store, profile, reviews, as_of, within=within)
    initials = {c.id: c.initials for c in store.list_children(iro=iro, team=team)}
    still_open = sum(1 for r in rows if is_open(r))
    return build(rows, initials, stamp=stamp, meetings=found), still_open + len(found), len(rows) - still_open


def meetings(store, profile, reviews: list[tuple], as_of: dt.date, *, within: int) -> list[Meeting]:
    """The booked meetings of ``reviews`` (calendar_rows' (child, review row) pairs) on a day within ``within`` days
    either side of ``as_of``: an open review's booking; a review held within the window, on the day it was held
    (at the booked time when held on the booked day). Which booking counts is the engine's reading of the
    events (engine.derive.walked: a review cycle's `booking`); the time is that booking's `time` detail."""
    from irocli.engine.derive import walked
    from irocli.engine.episodes import cycle_key

    since, horizon = as_of - dt.timedelta(days=within), as_of + dt.timedelta(days=within)
    by_child: dict[str, tuple] = {}
    for child, row in reviews:
        by_child.setdefault(child.id, (child, []))[1].append(row)
    events = store.events_for(by_child)
    found = []
    for child_id, (child, rows) in by_child.items():
        timeline = events.get(child_id, [])
        if not any(e.kind == "review-booked" for e in timeline):
            continue
        walk = walked(child_id, timeline, profile, as_of, dob=child.dob)
        cycles = {cycle_key(c): c for ep in walk.episodes for c in ep.cycles}
        for row in rows:
            cycle = cycles.get(row.get("cycle"))
            if cycle is None or cycle.booking is None:
                continue
            day = cycle.held or cycle.booked
            time = (cycle.booking.details or {}).get("time") if day == cycle.booked else None
            if since <= day <= horizon:
                found.append(Meeting(row, day, time, cycle.held is not None))
    return sorted(found, key=lambda m: (m.day, m.time or "", m.row["child_id"]))
