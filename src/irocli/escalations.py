"""Escalations as the IRO records them: check each step against the ladder, then append an event.

The state of an escalation is never stored, only derived (engine/escalation.py) from its events,
so every step is on record with who took it and when. The reports here are rows for the views.
"""

from __future__ import annotations

import datetime as dt

from irocli.engine import escalations as ladder_rules
from irocli.errors import BadInput


def _find(store, esc_id: int):
    try:
        stored = store.get_event(esc_id)
    except BadInput:
        stored = None
    if stored is None or stored.event.kind != "escalation-opened" or stored.voided:
        raise BadInput(f"unknown escalation {esc_id}")
    child_id = stored.event.child_id
    events = store.events_for([child_id])[child_id]
    return child_id, ladder_rules.build(events, child_id)[esc_id]


def _not_before(day: dt.date, start: dt.date, what: str) -> None:
    if day < start:
        raise BadInput(f"--date {day} is before {what} ({start})")


def open_escalation(store, profile, child_id: str, *, reason: str, stage: str, day: dt.date,
                    due: dt.date | None, impact: str | None, actions: str | None, discussion: str | None,
                    by: str | None, as_of: dt.date | None = None) -> int:
    lad = ladder_rules.ladder(profile)
    if reason not in ladder_rules.REASONS:
        raise BadInput(f"--reason must be one of {', '.join(ladder_rules.REASONS)} (got {reason!r})")
    try:
        stage = ladder_rules.parse_stage(stage, lad)
    except ladder_rules.StageError as error:  # the engine names the field; the user typed --stage
        raise error.naming("--stage") from None
    if due is not None and due < day:
        raise BadInput(f"--due {due} is before the escalation opens ({day})")
    if due is not None and stage != "informal":
        raise BadInput(f"--due is the timescale agreed informally; stage {stage} has the ladder's own time limit")
    details = {"reason": reason, "stage": stage, "due": due.isoformat() if due else None,
               "impact": impact, "actions": actions, "discussion": discussion}
    store.get_child(child_id)
    return store.add_event(child_id, "escalation-opened", day, recorded_by=by, as_of=as_of,
                           details={k: v for k, v in details.items() if v is not None})


def record(store, profile, esc_id: int, action: str, *, day: dt.date, note: str | None = None,
           to_stage: str | None = None, outcome: str | None = None, by: str | None = None,
           as_of: dt.date | None = None) -> dict:
    """respond | escalate | resolve | cafcass | meeting | actions; returns what was recorded.

    With ``as_of`` (the day of entry) the date is checked as store.add_event does."""
    lad = ladder_rules.ladder(profile)
    child_id, esc = _find(store, esc_id)
    ladder_rules.check_open(esc, action)
    _not_before(day, esc.current.started, f"stage {esc.stage} started")
    details: dict = {"escalation": esc_id, "stage": esc.stage}
    if action == "respond":
        if esc.current.responded is not None:
            raise BadInput(f"escalation {esc_id} already has a response at stage {esc.stage} "
                           f"({esc.current.responded})")
        kind = "escalation-response"
    elif action == "escalate":
        try:
            details["to"] = ladder_rules.check_escalate(esc, lad, to_stage)
        except ladder_rules.StageError as error:  # the engine names the field; the user typed --to-stage
            raise error.naming("--to-stage") from None
        kind = "escalation-escalated"
    elif action == "resolve":
        if not outcome or not outcome.strip():
            raise BadInput("--outcome is required to resolve an escalation")
        details["outcome"] = outcome.strip()
        kind = "escalation-resolved"
    elif action == "cafcass":
        if esc.cafcass is not None:
            raise BadInput(f"escalation {esc_id} was already referred to Cafcass on {esc.cafcass}")
        kind = "escalation-cafcass"
    elif action == "meeting":
        kind = "escalation-meeting"
    elif action == "actions":
        kind = "escalation-actions"
    else:  # pragma: no cover - the CLI offers only the actions above
        raise BadInput(f"unknown escalation action {action!r}")
    store.add_event(child_id, kind, day, note=note, recorded_by=by, details=details, as_of=as_of)
    return {"escalation_id": esc_id, "child_id": child_id, "action": action, **details}


def praise(store, child_id: str, day: dt.date, note: str, by: str | None = None,
           as_of: dt.date | None = None) -> int:
    if not note or not note.strip():
        raise BadInput("--note is required: what was the good practice?")
    store.get_child(child_id)
    return store.add_event(child_id, "praise", day, note=note.strip(), recorded_by=by, as_of=as_of)


# ---------------------------------------------------------------------------------- reports

LIST_FIELDS = ("escalation_id", "child_id", "stage", "opened", "stage_started", "response_due", "status",
               "days", "reason", "iro", "team", "days_at_stage", "responder", "resolved", "outcome")


def escalations(store, profile, as_of: dt.date, *, iro=None, team=None):
    """(child, escalation) for every escalation opened on or before as_of."""
    for child, events in store.iter_caseload(iro=iro, team=team):
        known = [e for e in events if e.date <= as_of]
        if not any(e.kind == "escalation-opened" for e in known):
            continue
        for esc in ladder_rules.build(known, child.id).values():
            yield child, esc


def row(child, esc, lad, cal, as_of: dt.date) -> dict:
    """One escalation as the list shows it. `days` (to the response due, negative when late) is None
    once the response is in or the escalation resolved; days at the stage stop at its resolution."""
    found = ladder_rules.response_due(esc, esc.current, lad, cal)
    due = found[0] if found else None
    stage = lad.stages.get(esc.stage)
    waiting = due is not None and esc.resolved is None and esc.current.responded is None
    until = min(as_of, esc.resolved) if esc.resolved is not None else as_of
    return {
        "escalation_id": esc.id, "child_id": child.id, "stage": esc.stage, "opened": esc.opened.isoformat(),
        "stage_started": esc.current.started.isoformat(), "response_due": due.isoformat() if due else None,
        "status": esc.status(due, as_of), "days": (due - as_of).days if waiting else None, "reason": esc.reason,
        "iro": child.iro, "team": child.team, "days_at_stage": (until - esc.current.started).days,
        "responder": stage.responder if stage else None,
        "resolved": esc.resolved.isoformat() if esc.resolved else None, "outcome": esc.outcome,
    }


_STATUS_ORDER = {"overdue": 0, "open": 1, "cafcass": 2, "resolved": 3}


def list_rows(store, profile, as_of: dt.date, *, open_only=False, iro=None, team=None) -> list[dict]:
    """The escalation-stage report: overdue first, then by response due."""
    lad = ladder_rules.ladder(profile)
    rows = [row(c, e, lad, profile.calendar, as_of) for c, e in escalations(store, profile, as_of, iro=iro, team=team)]
    if open_only:
        rows = [r for r in rows if r["status"] in ("open", "overdue")]
    return sorted(rows, key=lambda r: (_STATUS_ORDER[r["status"]], r["response_due"] or "9999", r["escalation_id"]))


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def clinic_rows(store, profile, as_of: dt.date, *, iro=None, team=None) -> list[dict]:
    """The weekly issues-resolution clinic: every open escalation, and those resolved this week."""
    start, end = week_of(as_of)
    out = []
    for r in list_rows(store, profile, as_of, iro=iro, team=team):
        if r["status"] in ("open", "overdue", "cafcass"):
            out.append({**r, "clinic": "open"})
        elif r["resolved"] and start.isoformat() <= r["resolved"] <= end.isoformat():
            out.append({**r, "clinic": "resolved this week"})
    return out


def themes(store, profile, month: str, *, iro=None, team=None) -> list[dict]:
    """Monthly themes: escalations opened in the month by reason and highest stage, praise beside."""
    try:
        first = dt.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise BadInput(f"--month {month!r} is not a month (expected YYYY-MM)") from None
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    counts: dict[str, dict] = {r: {"reason": r, "opened": 0, "resolved": 0, "cafcass": 0,
                                   **{f"stage_{s}": 0 for s in ladder_rules.STAGE_ORDER}}
                               for r in ladder_rules.REASONS}
    praise_count = 0
    for child, events in store.iter_caseload(iro=iro, team=team):
        praise_count += sum(1 for e in events if e.kind == "praise" and first <= e.date <= last)
        for esc in ladder_rules.build([e for e in events if e.date <= last], child.id).values():
            if not (first <= esc.opened <= last):
                continue
            c = counts[esc.reason if esc.reason in counts else "other"]
            c["opened"] += 1
            top = max(esc.visits, key=lambda v: ladder_rules.STAGE_ORDER.index(v.stage)).stage
            c[f"stage_{top}"] += 1
            c["resolved"] += esc.resolved is not None
            c["cafcass"] += esc.cafcass is not None
    rows = [c for c in counts.values() if c["opened"]]
    rows.append({"reason": "praise (good practice)", "opened": praise_count})
    return rows
