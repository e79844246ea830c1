"""Escalations as the IRO records them: check each step against the ladder, then append an event.

The state of an escalation is never stored, only derived (engine/escalations.py) from its events,
so every step is on record with who took it and when. The only writer of escalation events; their
rows for the reports are in reports/escalations.py.
"""

from __future__ import annotations

import datetime as dt

from irocli.engine import escalations as ladder_rules
from irocli.errors import BadInput, FieldError
from irocli.reports.escalations import find as _find


def _not_before(day: dt.date, start: dt.date, what: str) -> None:
    """BadInput unless ``day`` is on or after ``start``."""
    if day < start:
        raise FieldError(f"{{date}} {day} is before {FieldError.quote(what)} ({start})")


def open_escalation(store, profile, child_id: str, *, reason: str, stage: str, day: dt.date,
                    due: dt.date | None, impact: str | None, actions: str | None, discussion: str | None,
                    by: str | None, as_of: dt.date | None = None) -> int:
    """Record an escalation-opened event for the child at ``stage`` on ``day``; returns its id (the
    escalation's). ``due``: the response date agreed informally (informal stage only).

    Raises BadInput for an unknown reason, stage or child, a due date before ``day`` or on a formal
    stage, or a date the store refuses (after ``as_of``, before birth).
    """
    lad = ladder_rules.ladder(profile)
    if reason not in ladder_rules.REASONS:
        choices = ", ".join(ladder_rules.REASONS)
        raise FieldError(f"{{reason}} must be one of {choices} (got {FieldError.quote(repr(reason))})")
    try:
        stage = ladder_rules.parse_stage(stage, lad)
    except ladder_rules.StageError as error:  # the engine names the field; the user typed --stage
        raise error.naming("--stage") from None
    if due is not None and due < day:
        raise FieldError(f"{{due}} {due} is before the escalation opens ({day})")
    if due is not None and stage != "informal":
        raise FieldError(f"{{due}} is the timescale agreed informally; stage {FieldError.quote(stage)} "
                         "has the ladder's own time limit")
    details = {"reason": reason, "stage": stage, "due": due.isoformat() if due else None,
               "impact": impact, "actions": actions, "discussion": discussion}
    store.get_child(child_id)
    return store.add_event(child_id, "escalation-opened", day, recorded_by=by, as_of=as_of,
                           details={k: v for k, v in details.items() if v is not None})


def record(store, profile, esc_id: int, action: str, *, day: dt.date, note: str | None = None,
           to_stage: str | None = None, outcome: str | None = None, by: str | None = None,
           as_of: dt.date | None = None) -> dict:
    """Record one step of escalation ``esc_id``: respond | escalate | resolve | cafcass | meeting | actions.

    Returns what was recorded: {escalation_id, child_id, action, escalation, stage, and "to" or
    "outcome" where they apply}. With ``as_of`` (the day of entry) the date is checked as
    store.add_event does. Raises BadInput for an unknown or closed escalation, a step the ladder does
    not allow, a date before the current stage started, or a second response or Cafcass referral.
    """
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
            raise FieldError("{outcome} is required to resolve an escalation")
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
    """Record good practice for a child (a praise event, counted beside the monthly themes); returns
    the event's id. BadInput for an empty note, an unknown child or a date the store refuses."""
    if not note or not note.strip():
        raise FieldError("{note} is required: what was the good practice?")
    store.get_child(child_id)
    return store.add_event(child_id, "praise", day, note=note.strip(), recorded_by=by, as_of=as_of)
