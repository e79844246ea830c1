"""irocli calendar: the .ics parses, holds the `due` rows, and keeps its UIDs across re-exports."""

from __future__ import annotations

import json
import os
import stat

from icalendar import Calendar

ARGS = ("--as-of", "2025-03-25", "--within", "40")


def events(result, *, cancelled: bool = False) -> list:
    """The file's events: the open ones, or with cancelled=True every one."""
    cal = Calendar.from_ical(result.stdout_bytes)
    return [ev for ev in cal.walk("VEVENT") if cancelled or str(ev.get("STATUS")) != "CANCELLED"]


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
    result = caseload("calendar", *ARGS)
    after = uids(result)
    gone = before.pop(("C001", "task.record-distributed"))
    assert after == before
    assert gone not in after.values()
    # ... and it comes back once more, cancelled under the same UID, so a re-import removes it
    [ev] = [e for e in events(result, cancelled=True) if str(e["UID"]) == gone]
    assert str(ev["STATUS"]) == "CANCELLED"
    assert [str(c) for c in ev["CATEGORIES"].cats] == ["met-late"]


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
    assert result.stderr.strip() == "Error: --within must be a whole number from 0 to 3660 (got 'soon')"


def test_uids_name_child_rule_and_cycle_never_a_date(caseload):
    # C001: episode 1, first review held 2025-01-22; its record is the first review's task, the
    # second review and the IRO's contact before it are cycle ep1.r2; the care plan follows the
    # first entry to care.
    found = uids(caseload("calendar", *ARGS))
    assert found[("C001", "task.record-distributed")] == "C001.task.record-distributed.ep1.r1@irocli"
    assert found[("C001", "review.second")] == "C001.review.second.ep1.r2@irocli"
    assert found[("C001", "task.iro-contact-child")] == "C001.task.iro-contact-child.ep1.r2@irocli"
    assert found[("C001", "ms.care-plan")] == "C001.ms.care-plan.entered-care.1@irocli"
    assert not any("2025" in uid for uid in found.values())


def test_unsafe_child_ids_are_escaped_in_the_uid(cli):
    cli("init", "--profile", "england")
    cli.add_child_as_imported("A.1 b/c", "Zed Quinn", "2012-01-01")
    cli("event", "add", "A.1 b/c", "entered-care", "2025-03-03")
    found = uids(cli("calendar", *ARGS))
    # summary's first word is the id up to its space: "A.1"
    assert found[("A.1", "review.first")] == "A%2E1%20b%2Fc.review.first.ep1.r1@irocli"


def test_dtstamp_and_sequence_on_every_event(caseload):
    for ev in events(caseload("calendar", *ARGS), cancelled=True):
        stamp = ev.decoded("DTSTAMP")
        assert stamp.tzinfo is not None and stamp.utcoffset().total_seconds() == 0
        assert int(ev["SEQUENCE"]) > 0
        assert str(ev["STATUS"]) in ("CONFIRMED", "CANCELLED")


def _contact(caseload, as_of):
    """C001's IRO contact before its second review, as (UID, start, status) in the calendar."""
    evs = [e for e in events(caseload("calendar", "--as-of", as_of, "--within", "28"), cancelled=True)
           if key(e)[:2] == ("C001", "task.iro-contact-child") and str(e["UID"]).endswith(".ep1.r2@irocli")]
    [ev] = evs
    return str(ev["UID"]), ev.decoded("DTSTART").isoformat(), str(ev["STATUS"])


def test_booking_and_rebooking_a_review_moves_the_task_under_one_uid(caseload):
    # england: the IRO speaks to the child the day before R (RULES §2), calendar days rolled back
    # off closed days. Unbooked, R is review.second's due date 2025-04-22: the day before is Easter
    # Monday, then a weekend and Good Friday, so 2025-04-17.
    uid = "C001.task.iro-contact-child.ep1.r2@irocli"
    assert _contact(caseload, "2025-04-16") == (uid, "2025-04-17", "CONFIRMED")
    caseload("event", "add", "C001", "review-booked", "2025-04-10")  # R = Thu 10 April: Wed 9th
    assert _contact(caseload, "2025-04-16") == (uid, "2025-04-09", "CONFIRMED")
    caseload("event", "add", "C001", "review-booked", "2025-04-15")  # rebooked to Tue 15th: Mon 14th
    assert _contact(caseload, "2025-04-16") == (uid, "2025-04-14", "CONFIRMED")
    # the contact is recorded: the same event comes back cancelled, so Outlook drops it
    caseload("event", "add", "C001", "iro-contact", "2025-04-14")
    assert _contact(caseload, "2025-04-16") == (uid, "2025-04-14", "CANCELLED")


def test_cancelled_window_is_within_days_either_side(caseload):
    # C001's first-review decisions (due 2025-01-29, met 2025-01-27): cancelled as of 2025-02-20
    # with --within 28 (due 22 days ago), gone as of 2025-03-25 (due 55 days ago, met 57 days ago).
    def decisions(as_of):
        return [str(e["STATUS"]) for e in events(caseload("calendar", "--as-of", as_of, "--within", "28"),
                                                 cancelled=True)
                if key(e)[:2] == ("C001", "task.decisions")]
    assert decisions("2025-02-20") == ["CANCELLED"]
    assert decisions("2025-03-25") == []


def test_a_dash_for_the_output_file_means_stdout(caseload, tmp_path, monkeypatch):
    """`-o -` is stdout, as Unix tools read it: the same calendar, and no file named "-" made. A command
    that writes its report to stdout already (the KPI's --html) or a copy (db backup) refuses it instead."""
    monkeypatch.chdir(tmp_path)
    dashed = caseload("calendar", "--as-of", "2025-03-01", "-o", "-")
    plain = caseload("calendar", "--as-of", "2025-03-01")
    assert uids(dashed) == uids(plain) and uids(plain)
    assert not (tmp_path / "-").exists()
    for args, option in ((("report", "kpi", "--html", "-"), "--html"), (("db", "backup", "-"), "TARGET")):
        refused = caseload(*args, ok=False)
        assert (refused.exit_code, refused.stderr) == (2, f"Error: {option} needs a file name: '-' (stdout) is not "
                                                          "one here\n")
    assert not (tmp_path / "-").exists()
