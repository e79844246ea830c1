"""The due list as an iCalendar file: one all-day event per open obligation, for Outlook.

Built from the same rows as `irocli due` (reports/compute.py). Imports icalendar, never the CLI.
"""

from __future__ import annotations

import datetime as dt
import hashlib

PRODID = "-//irocli//Statutory review deadlines//EN"


def event_uid(row: dict) -> str:
    """A UID that survives a moved due date: child, obligation and anchor, never the due date.

    Re-importing the file then updates the event in the calendar instead of adding a second one.
    """
    anchor = row["anchor"]
    key = "|".join((row["child_id"], row["obligation"], anchor["kind"], anchor["date"]))
    return f"{hashlib.sha1(key.encode('utf-8')).hexdigest()}@irocli"


def summary(row: dict, initials: str | None) -> str:
    """Child id and initials (never the name), then what is due."""
    who = f"{row['child_id']} {initials}" if initials else row["child_id"]
    return f"{who}: {row['title']}"


def description(row: dict) -> str:
    lines = [
        f"Rule: {row['obligation']}",
        f"Source: {row['source']}",
        f"Due: {row['due']} ({row['status']})",
        f"Anchor: {row['anchor']['kind']} {row['anchor']['date']}",
    ]
    if row.get("arithmetic"):
        lines.append(f"Arithmetic: {row['arithmetic']}")
    if row.get("iro"):
        lines.append(f"IRO: {row['iro']}")
    return "\n".join(lines)


def build(rows: list[dict], initials: dict[str, str], *, stamp: dt.datetime | None = None,
          name: str = "irocli deadlines") -> bytes:
    """The .ics bytes for rows in the `due` contract shape (with optional `arithmetic`).

    Args:
        initials: child id -> initials, the only part of a child's name that may appear.
        stamp: DTSTAMP for every event (UTC); now when not given.
    """
    from icalendar import Calendar, Event

    stamp = stamp or dt.datetime.now(dt.UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for row in rows:
        due = dt.date.fromisoformat(row["due"])
        ev = Event()
        ev.add("uid", event_uid(row))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", due)
        ev.add("dtend", due + dt.timedelta(days=1))
        ev.add("summary", summary(row, initials.get(row["child_id"])))
        ev.add("description", description(row))
        ev.add("categories", ["overdue" if row["status"] == "overdue" else "due"])
        ev.add("transp", "TRANSPARENT")  # a deadline, not a meeting: the day stays free
        cal.add_component(ev)
    return cal.to_ical()


def calendar_file(store, profile, as_of: dt.date, *, within: int, iro=None, team=None,
                  stamp: dt.datetime | None = None) -> tuple[bytes, int]:
    """The .ics for a caseload's open obligations and how many events it holds."""
    from irocli.reports.compute import due_rows
    from irocli.reports.rows import sort_rows

    rows = sort_rows(due_rows(store, profile, as_of, within=within, iro=iro, team=team, arithmetic=True))
    initials = {c.id: c.initials for c in store.list_children(iro=iro, team=team)}
    return build(rows, initials, stamp=stamp), len(rows)
