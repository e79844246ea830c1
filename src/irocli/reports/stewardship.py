"""What people see of the record's stewardship (migration 0007): a child's history (`irocli child history`), the
changed date of birth `child show` marks, and every write in a window (`irocli db audit`). Rows only: render.py
draws them, output.emit writes them. Imports only the stdlib, domain and errors at module level.

Times: JSON and CSV give UTC as ISO 8601 with Z ("2026-11-30T06:18:21Z"); `child history`'s table shows London
time to the minute (as `event list` does); `db audit`'s window is of London calendar days, its times UTC.
Sources: UK GDPR art. 5(1)(d) (accuracy) and art. 30 (records of processing); issue 18 ("Data stewardship").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from irocli.errors import FieldError

LONDON = "Europe/London"
HISTORY_FIELDS = ("at", "by", "field", "old", "new", "via", "batch")
AUDIT_FIELDS = ("at", "who", "action", "child", "event", "batch", "detail")
ADDED = "added"  # stewardship.ADDED: the field of a child's creation row


def utc_iso(at: dt.datetime) -> str:
    """A timezone-aware time as UTC ISO 8601 to the second with Z: "2026-11-30T06:18:21Z"."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def london(at: dt.datetime) -> dt.datetime:
    """A timezone-aware time in Europe/London (GMT or BST)."""
    from zoneinfo import ZoneInfo

    return at.astimezone(ZoneInfo(LONDON))


# -- a child's history -----------------------------------------------------------------------------------------


def history_rows(changes: Sequence) -> list[dict]:
    """`child history`'s rows (HISTORY_FIELDS), oldest first, from queries.ChildChange values: ``at`` UTC ISO with
    Z, ``by`` who, ``field`` (name, dob, iro, social_worker, team; "added" for the creation, old and new null),
    ``old`` and ``new`` as stored (a date ISO; null: not known), ``via`` (child add, child update, import,
    transfer, iro rename, allocation event, import undo) and ``batch`` (the import batch id, else null)."""
    return [{"at": utc_iso(c.at), "by": c.by, "field": c.field, "old": c.old, "new": c.new, "via": c.via,
             "batch": c.batch} for c in changes]


def dob_changed(changes: Sequence) -> dict | None:
    """The latest change of the date of birth after the child's creation (a `dob` row of queries.ChildChange;
    the creation row is "added", so a dob given when the child was added is no change), as `child show` marks
    it: {"at": UTC ISO with Z, "on": its London day ISO, "by": who, "was": the date before (ISO, or null: not
    known), "via": what changed it}; None when the date of birth never changed."""
    last = next((c for c in reversed(changes) if c.field == "dob"), None)
    if last is None:
        return None
    return {"at": utc_iso(last.at), "on": london(last.at).date().isoformat(), "by": last.by, "was": last.old,
            "via": last.via}


def child_history(store, child_id: str) -> list[dict]:
    """history_rows of one child (Store.child_history). BadInput (exit 2) for an unknown child."""
    return history_rows(store.child_history(child_id))


# -- the audit -------------------------------------------------------------------------------------------------


def audit_window(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The London calendar days ``start`` to ``end`` (both included) as naive UTC bounds [from, to): London
    midnight starting ``start`` and London midnight after ``end`` (so a day of a clock change is 23 or 25
    hours). FieldError (fields to, from) when ``end`` is before ``start``."""
    from zoneinfo import ZoneInfo

    if end < start:
        raise FieldError(f"{{to}} {end} is before {{from_}} {start}")
    zone = ZoneInfo(LONDON)

    def midnight(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), zone).astimezone(dt.UTC).replace(tzinfo=None)

    return midnight(start), midnight(end + dt.timedelta(days=1))


def audit(store, start: dt.date, end: dt.date) -> list[dict]:
    """`db audit`'s rows (AUDIT_FIELDS): every write from London day ``start`` to ``end`` (both included), in
    time order: ``at`` UTC ISO with Z, ``who``, ``action`` (queries.AUDIT_ACTIONS), ``child``, ``event`` and
    ``batch`` ids (null where none) and ``detail`` (audit_detail: no name or date of birth, only ids, event
    kinds and dates, field names, file names with a short hash, counts and reasons). An import is one row.
    FieldError (to, from) when ``end`` is before ``start``."""
    low, high = audit_window(start, end)
    return [{"at": utc_iso(e.at), "who": e.who, "action": e.action, "child": e.child, "event": e.event,
             "batch": e.batch, "detail": audit_detail(e)} for e in store.audit(low, high)]


SHORT_HASH = 12  # hex digits of a file's SHA-256 shown (import_batch keeps all 64)


def audit_detail(entry) -> str:
    """One line saying what a queries.AuditEntry did, from its facts: "review-held on 2025-04-15",
    "amends event 12 (review-held 2025-04-15 → 2025-04-16); reason: typed wrong", "dob via child update",
    "native: children.csv 1a2b3c4d5e6f, events.csv 9f8e7d6c5b4a; children added 2, events added 5"."""
    f, action = entry.facts, entry.action
    if action == "event added":
        return f"{f['kind']} on {f['date']}"
    if action == "event amended":
        old, new = f.get("old_date"), f["date"]
        moved = (f"{f['kind']} {old} → {new}" if old is not None and old != new
                 else f"{f['kind']} on {new}, note changed")
        return f"amends event {f['amends']} ({moved})" + _reason(f.get("reason"))
    if action == "event voided":
        return f"{f['kind']} on {f['date']}" + _reason(f.get("reason"))
    if action in ("child added", "child changed"):
        return (f"via {f['via']}" if action == "child added" else f"{f['field']} via {f['via']}")
    if action == "import":
        if entry.batch is None:
            ids = f"event {f['first']}" if f["count"] == 1 else f"events {f['first']}–{f['last']}"
            return (f"{f['count']} keyed event{'' if f['count'] == 1 else 's'} ({ids}) of "
                    f"{f['children']} {'child' if f['children'] == 1 else 'children'}, no import batch "
                    "(imported before migration 0007, or by a script)")
        return _import_detail(f)
    if action == "import undone":
        return f"{f['kind']} import undone" + _reason(f.get("reason"))
    if action == "cover recorded":
        return f"cover {f['start']} to {f['end']}"
    if action == "iro renamed":
        return (f"{' / '.join(f['old'])} → {f['new']}: {f['children']} child(ren), {f['allocations']} allocation(s), "
                f"{f['covers']} cover(s)")
    if action == "profile set":
        return f"rule profile {f['old'] or 'none'} → {f['new']}"
    return ""


def _reason(reason: str | None) -> str:
    return f"; reason: {reason}" if reason else ""


def _import_detail(facts: dict) -> str:
    files = ", ".join(f"{entry.get('name')} {(entry.get('sha256') or 'not read')[:SHORT_HASH]}"
                      for entry in facts["files"]) or "no files"
    mapped = facts.get("map")
    if mapped:
        files += f"; map {mapped.get('name')} {(mapped.get('sha256') or 'not read')[:SHORT_HASH]}"
    counts = ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in (facts.get("counts") or {}).items())
    return f"{facts['kind']}: {files}" + (f"; {counts}" if counts else "")
