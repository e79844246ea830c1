"""Escalations as rows and documents: the list, the clinic, the monthly themes, one escalation, and
the counts by stage the KPI report uses. Reads only; escalations.py records the steps.

Every escalation is rebuilt from its events by engine/escalations.build, through `known_escalations`.
Imports the engine and domain; the store is passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from irocli.domain import Child, Event
from irocli.engine import escalations as ladder_rules
from irocli.errors import BadInput, FieldError

LIST_FIELDS = ("escalation_id", "child_id", "stage", "opened", "stage_started", "response_due", "status",
               "days", "reason", "iro", "team", "days_at_stage", "responder", "resolved", "outcome")
CLINIC_FIELDS = ("clinic", *LIST_FIELDS)
THEME_FIELDS = ("reason", "opened", "stage_informal", "stage_1", "stage_2", "stage_3", "stage_4", "resolved",
                "cafcass")
STAGE_FIELDS = ("escalation_id", "child_id", "reason", "stage", "title", "started", "responded")
_STATUS_ORDER = {"overdue": 0, "open": 1, "cafcass": 2, "resolved": 3}


def known_escalations(events: Iterable[Event], child_id: str, until: dt.date) -> list[ladder_rules.Escalation]:
    """The child's escalations as known on ``until`` (events dated after it left out), in date order."""
    return list(ladder_rules.build([e for e in events if e.date <= until], child_id).values())


def find(store, esc_id: int) -> tuple[str, ladder_rules.Escalation]:
    """(child id, escalation) of the escalation opened by event ``esc_id``, from all its events.
    BadInput "unknown escalation N" when that event is not an unvoided escalation-opened."""
    try:
        stored = store.get_event(esc_id)
    except BadInput:
        stored = None
    if stored is None or stored.event.kind != "escalation-opened" or stored.voided:
        raise BadInput(f"unknown escalation {esc_id}")
    child_id = stored.event.child_id
    events = store.events_for([child_id])[child_id]
    return child_id, ladder_rules.build(events, child_id)[esc_id]


def escalations(store, profile, as_of: dt.date, *, iro=None, team=None
                ) -> Iterator[tuple[Child, ladder_rules.Escalation]]:
    """(child, escalation) for every escalation opened on or before as_of."""
    for child, events in store.iter_caseload(iro=iro, team=team):
        if not any(e.kind == "escalation-opened" and e.date <= as_of for e in events):
            continue
        for esc in known_escalations(events, child.id, as_of):
            yield child, esc


def row(child: Child, esc, lad, cal, as_of: dt.date) -> dict:
    """One escalation as the list shows it (LIST_FIELDS; dates ISO). `days` (calendar days to the
    response due, negative when late) is None once the response is in or the escalation resolved;
    days at the stage (calendar) stop at its resolution."""
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


def show_document(store, profile, esc_id: int, as_of: dt.date) -> dict:
    """`escalation show`: the list row plus impact, actions, discussion, cafcass (ISO date or None) and
    stages [{stage, title, started, responded}] in the order reached. BadInput for an unknown id."""
    child_id, esc = find(store, esc_id)
    lad = ladder_rules.ladder(profile)
    data = row(store.get_child(child_id), esc, lad, profile.calendar, as_of)
    data.update(impact=esc.impact, actions=esc.actions, discussion=esc.discussion,
                cafcass=esc.cafcass.isoformat() if esc.cafcass else None,
                stages=[{"stage": v.stage,
                         "title": lad.stages[v.stage].title if v.stage in lad.stages else v.stage,
                         "started": v.started.isoformat(),
                         "responded": v.responded.isoformat() if v.responded else None}
                        for v in esc.visits])
    return data


def stage_rows(data: dict) -> list[dict]:
    """`escalation show --format csv`: one row per stage reached (STAGE_FIELDS)."""
    return [{**data, **stage} for stage in data["stages"]]


def list_rows(store, profile, as_of: dt.date, *, open_only=False, iro=None, team=None) -> list[dict]:
    """The escalation-stage report: `row`s, overdue first, then by response due; ``open_only``:
    only those open or overdue."""
    lad = ladder_rules.ladder(profile)
    rows = [row(c, e, lad, profile.calendar, as_of) for c, e in escalations(store, profile, as_of, iro=iro, team=team)]
    if open_only:
        rows = [r for r in rows if r["status"] in ("open", "overdue")]
    return sorted(rows, key=lambda r: (_STATUS_ORDER[r["status"]], r["response_due"] or "9999", r["escalation_id"]))


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The Monday and Sunday of the week holding ``day``."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def clinic_rows(store, profile, as_of: dt.date, *, iro=None, team=None) -> list[dict]:
    """The weekly issues-resolution clinic (CLINIC_FIELDS): every open escalation ("open"), and those
    resolved in the week of ``as_of`` ("resolved this week")."""
    start, end = week_of(as_of)
    out = []
    for r in list_rows(store, profile, as_of, iro=iro, team=team):
        if r["status"] in ("open", "overdue", "cafcass"):
            out.append({**r, "clinic": "open"})
        elif r["resolved"] and start.isoformat() <= r["resolved"] <= end.isoformat():
            out.append({**r, "clinic": "resolved this week"})
    return out


def themes(store, profile, month: str, *, iro=None, team=None) -> list[dict]:
    """Monthly themes (THEME_FIELDS): escalations opened in the month (YYYY-MM) by reason and highest
    stage reached, then a praise row. BadInput when ``month`` is not YYYY-MM."""
    try:
        first = dt.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise FieldError(f"{{month}} {FieldError.quote(repr(month))} is not a month (expected YYYY-MM)") from None
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    counts: dict[str, dict] = {r: {"reason": r, "opened": 0, "resolved": 0, "cafcass": 0,
                                   **{f"stage_{s}": 0 for s in ladder_rules.STAGE_ORDER}}
                               for r in ladder_rules.REASONS}
    praise_count = 0
    for child, events in store.iter_caseload(iro=iro, team=team):
        praise_count += sum(1 for e in events if e.kind == "praise" and first <= e.date <= last)
        for esc in known_escalations(events, child.id, last):
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


def stage_counts(escs: Iterable[ladder_rules.Escalation], start: dt.date, end: dt.date) -> list[dict]:
    """For the KPI report: per stage, escalations opened at it, escalated to it and resolved at it
    in [start, end] (both counted); stages with none left out, in ladder order."""
    counts = {s: {"stage": s, "opened": 0, "escalated_to": 0, "resolved": 0} for s in ladder_rules.STAGE_ORDER}
    for e in escs:
        if start <= e.opened <= end:
            counts[e.visits[0].stage]["opened"] += 1
        for visit in e.visits[1:]:
            if start <= visit.started <= end:
                counts[visit.stage]["escalated_to"] += 1
        if e.resolved is not None and start <= e.resolved <= end:
            counts[e.stage]["resolved"] += 1
    return [r for r in counts.values() if r["opened"] or r["escalated_to"] or r["resolved"]]
