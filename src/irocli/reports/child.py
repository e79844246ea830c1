"""The page an IRO reads before a review, and the child and event rows: documents only (render.py draws them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from irocli.domain import Child, Flag, allocation_history, allocation_periods, details_text
from irocli.engine import derive
from irocli.reports.rows import explain_row, obligation_row

CHILD_FIELDS = ("id", "name", "initials", "dob", "iro", "social_worker", "team")


def child_dict(child: Child) -> dict:
    """A child as a row of `child list`: CHILD_FIELDS, dates ISO, missing values None."""
    return {"id": child.id, "name": child.name, "initials": child.initials,
            "dob": child.dob.isoformat() if child.dob else None, "iro": child.iro,
            "social_worker": child.social_worker, "team": child.team}


@dataclass
class ChildPage:
    """`child show`'s document: the child, their events (event_dict rows, voided ones included) and
    every obligation (obligation_row plus arithmetic) with the engine's flags, as of a date."""

    child: Child
    as_of: dt.date
    profile_name: str
    events: list[dict]
    obligations: list[dict]
    flags: list[Flag]
    cover: dict | None = None  # the IRO covering the child on as_of: {"iro", "from", "to"} (`caseload cover`)
    allocations: list[dict] = field(default_factory=list)  # who reviewed the child when: [{"iro", "from", "to"}]
    dob_changed: dict | None = None  # the date of birth's latest change (reports.stewardship.dob_changed), or None

    def as_json(self) -> dict:
        """The page as JSON: child (with ``cover``: the covering IRO and the cover's dates, or null; and
        ``allocations``: who reviewed the child from which day to which, null where not known or current; and
        ``dob_changed``: {"at", "on", "by", "was", "via"} when the date of birth was changed after the child was
        added, else null: age milestones moved with it), as_of, profile, events, obligations, flags."""
        c = self.child
        return {
            "child": {"id": c.id, "name": c.name, "dob": c.dob.isoformat() if c.dob else None,
                      "iro": c.iro, "social_worker": c.social_worker, "team": c.team, "cover": self.cover,
                      "allocations": self.allocations, "dob_changed": self.dob_changed},
            "as_of": self.as_of.isoformat(),
            "profile": self.profile_name,
            "events": self.events,
            "obligations": self.obligations,
            "flags": [{"rule": f.rule, "date": f.date.isoformat(), "message": f.message} for f in self.flags],
        }

def event_dict(stored) -> dict:
    """A stored event as a row (EVENT_FIELDS): id, date, kind, meeting, note, who recorded it and when,
    whether and why it was voided, its details; then (migration 0007) ``amends`` (the id of the event it
    replaced, else None), ``amended_by`` (the id of the event that replaced it), ``batch`` (the import batch
    that wrote it; None: entered by hand) and ``voided_by`` (who voided it). Times ISO to the second."""
    e = stored.event
    return {
        # meeting says whether a review was held as a meeting: of other kinds it says nothing
        "id": e.id, "date": e.date.isoformat(), "kind": e.kind,
        "meeting": e.meeting if e.kind == "review-held" else None, "note": e.note,
        "recorded_at": _iso(stored.recorded_at), "recorded_by": stored.recorded_by,
        "voided_at": _iso(stored.voided_at), "void_reason": stored.void_reason,
        "details": details_text(e.kind, e.details) or None,
        "amends": stored.amends, "amended_by": stored.amended_by, "batch": stored.batch, "voided_by": stored.voided_by,
    }


def _iso(value) -> str | None:
    if value is None:
        return None
    return value.isoformat(timespec="seconds") if isinstance(value, dt.datetime) else str(value)


EVENT_FIELDS = ("id", "date", "kind", "meeting", "note", "recorded_at", "recorded_by", "voided_at", "void_reason",
                "details", "amends", "amended_by", "batch", "voided_by")  # the last four: migration 0007
KIND_FIELDS = ("kind", "meaning", "details")


def kind_rows() -> list[dict]:
    """`event kinds`: each kind (KIND_FIELDS), what it means, and the details it may carry as
    "name: value|value" ("" for none)."""
    from irocli.domain import EVENT_DETAILS, EVENT_KINDS

    return [{"kind": k, "meaning": v,
             "details": "; ".join(f"{n}: {d.shown}" for n, d in EVENT_DETAILS.get(k, {}).items())}
            for k, v in EVENT_KINDS.items()]


def child_page(store, profile, child_id: str, as_of: dt.date) -> ChildPage:
    """The page for one child as of a date (obligations derived with history; a changed date of birth marked:
    stewardship.dob_changed). BadInput for an unknown child."""
    from irocli.reports.stewardship import dob_changed

    child = store.get_child(child_id)
    stored = store.list_events(child_id, include_voided=True)
    events = [s.event for s in stored if s.voided_at is None]
    outcome = derive(child_id, events, profile, as_of, dob=child.dob, history=True)
    rows = []
    for ob in outcome.obligations:
        row = obligation_row(ob, child, as_of)
        row["arithmetic"] = ob.derivation.arithmetic
        rows.append(row)
    cover = store.covers_in_force(as_of).get(child_id)
    shown = None if cover is None else {"iro": cover.iro, "from": cover.start.isoformat(), "to": cover.end.isoformat()}
    periods = [{"iro": iro, "from": start and start.isoformat(), "to": end and end.isoformat()}
               for iro, start, end in allocation_periods(allocation_history(events))]
    return ChildPage(child, as_of, profile.name, [event_dict(s) for s in stored], rows, outcome.flags, shown, periods,
                     dob_changed(store.child_history(child_id)))


def explain(store, profile, child_id: str, as_of: dt.date) -> tuple[Child, list[dict], list[Flag]]:
    """The child, one reports.rows.explain_row per obligation (with history) and the engine's flags.
    BadInput for an unknown child."""
    child = store.get_child(child_id)
    events = store.events_for([child_id]).get(child_id, [])
    outcome = derive(child_id, events, profile, as_of, dob=child.dob, history=True)
    return child, [explain_row(ob, as_of) for ob in outcome.obligations], outcome.flags
