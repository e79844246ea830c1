"""irocli calendar: the .ics parses, holds the `due` rows, and keeps its UIDs across re-exports."""

from __future__ import annotations

import json
import os
import stat

from icalendar import Calendar

ARGS = ("--as-of", "2025-03-25", "--within", "40")


def events(result) -> list:
    cal = Calendar.from_ical(result.stdout_bytes)
    return list(cal.walk("VEVENT"))


def rule_of(ev) -> str:
    return str(ev["DESCRIPTION"]).splitlines()[0].removeprefix("Rule: ")


def key(ev) -> tuple[str, str, str]:
    """(child id, rule id, due date) of one event, read back from the file."""
    return str(ev["SUMMARY"]).split()[0], rule_of(ev), ev.decoded("DTSTART").isoformat()


def uids(result) -> dict[tuple[str, str], str]:
    return {(k[0], k[1]): str(ev["UID"]) for ev in events(result) for k in [key(ev)]}


def test_one_all_day_event_per_due_row(caseload):
    rows = json.loads(caseload("due", *ARGS, "--format", "json").stdout)
    result = caseload("calendar", *ARGS)
    evs = events(result)
    assert len(evs) == len(rows) > 0
    assert sorted(key(ev) for ev in evs) == sorted((r["child_id"], r["obligation"], r["due"]) for r in rows)
    by = {(r["child_id"], r["obligation"]): r for r in rows}
    for ev in evs:
        row = by[key(ev)[:2]]
        start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        assert (end - start).days == 1 and not hasattr(start, "hour")  # all-day
        assert [str(c) for c in ev["CATEGORIES"].cats] == ["overdue" if row["status"] == "overdue" else "due"]
        assert row["title"] in str(ev["SUMMARY"])
        assert str(ev["UID"]).endswith("@irocli")
        assert ev.get("DTSTAMP") is not None
        text = str(ev["DESCRIPTION"])
        assert row["source"] in text and "Arithmetic: " in text


def test_hand_checked_event(caseload):
    # C001's first-review record: 2025-01-22 + 20 WD = 2025-02-19, overdue on 2025-03-25
    [ev] = [e for e in events(caseload("calendar", *ARGS)) if key(e)[:2] == ("C001", "task.record-distributed")]
    assert str(ev["SUMMARY"]) == "C001 SJ: Review record sent to the child and attendees"
    assert ev.decoded("DTSTART").isoformat() == "2025-02-19"
    assert [str(c) for c in ev["CATEGORIES"].cats] == ["overdue"]
    assert "2025-01-22 + 20 working days = 2025-02-19" in str(ev["DESCRIPTION"])


def test_children_appear_only_as_id_and_initials(caseload):
    text = caseload("calendar", *ARGS).stdout
    for name in ("Sam Jones", "Ava Smith", "Leo Brown", "Jones", "Smith"):
        assert name not in text
    assert "C001 SJ:" in text and "C002 AS:" in text


def test_re_export_keeps_the_uids(caseload):
    first = uids(caseload("calendar", *ARGS))
    assert uids(caseload("calendar", *ARGS)) == first
    assert len(set(first.values())) == len(first)


def test_recording_a_met_event_leaves_the_other_uids_alone(caseload):
    before = uids(caseload("calendar", *ARGS))
    assert ("C001", "task.record-distributed") in before
    caseload("event", "add", "C001", "record-distributed", "2025-03-24")
    after = uids(caseload("calendar", *ARGS))
    gone = before.pop(("C001", "task.record-distributed"))
    assert after == before
    assert gone not in after.values()


def test_a_moved_due_date_keeps_its_uid(caseload):
    # review.second after the review held 2025-01-22: england 3 months = 2025-04-22;
    # blackpool 91 days = 2025-04-23. Same child, rule and anchor: the same event, moved.
    args = ("calendar", "--as-of", "2025-04-01")
    england = {key(e)[:2]: (str(e["UID"]), key(e)[2]) for e in events(caseload(*args))}
    blackpool = {key(e)[:2]: (str(e["UID"]), key(e)[2])
                 for e in events(caseload("--profile", "blackpool", *args))}
    assert england[("C001", "review.second")] == (england[("C001", "review.second")][0], "2025-04-22")
    assert blackpool[("C001", "review.second")] == (england[("C001", "review.second")][0], "2025-04-23")


def test_output_file_is_private_and_stdout_empty(caseload, tmp_path):
    target = tmp_path / "deadlines.ics"
    result = caseload("calendar", *ARGS, "--iro", "B. Okafor", "-o", str(target))
    assert result.stdout == ""
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    evs = list(Calendar.from_ical(target.read_bytes()).walk("VEVENT"))
    rows = json.loads(caseload("due", *ARGS, "--iro", "B. Okafor", "--format", "json").stdout)
    assert len(evs) == len(rows) and {str(e["SUMMARY"]).split()[0] for e in evs} <= {"C003"}
    assert f"Wrote {len(rows)} events to {target}" in result.stderr


def test_an_existing_file_is_narrowed_to_0600(caseload, tmp_path):
    target = tmp_path / "old.ics"
    target.write_text("stale")
    os.chmod(target, 0o644)
    caseload("calendar", *ARGS, "-o", str(target))
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_bad_within_is_exit_2(caseload):
    result = caseload("calendar", "--within", "soon", ok=False)
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: --within must be a whole number of 0 or more (got 'soon')"
