"""The page an IRO reads before a review: details, timeline, every obligation and flag."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from irocli.domain import Child, Flag
from irocli.engine import derive
from irocli.reports.rows import explain_row, obligation_row


@dataclass
class ChildPage:
    child: Child
    as_of: dt.date
    profile_name: str
    events: list[dict]
    obligations: list[dict]
    flags: list[Flag]

    def as_json(self) -> dict:
        c = self.child
        return {
            "child": {"id": c.id, "name": c.name, "dob": c.dob.isoformat() if c.dob else None,
                      "iro": c.iro, "social_worker": c.social_worker, "team": c.team},
            "as_of": self.as_of.isoformat(),
            "profile": self.profile_name,
            "events": self.events,
            "obligations": self.obligations,
            "flags": [{"rule": f.rule, "date": f.date.isoformat(), "message": f.message} for f in self.flags],
        }

    def renderable(self):
        from rich.text import Text

        from irocli.reports import render

        c = self.child
        open_rows = [r for r in self.obligations if r["status"] in ("due", "overdue")]
        done_rows = [r for r in self.obligations if r["status"] not in ("due", "overdue")]
        parts = [
            render.key_values([
                ("Child", f"{c.id}  {c.name}"),
                ("Date of birth", c.dob.isoformat() if c.dob else None),
                ("IRO", c.iro), ("Social worker", c.social_worker), ("Team", c.team),
                ("Profile", self.profile_name), ("As of", self.as_of.isoformat()),
            ]),
            Text(""),
        ]
        for flag in self.flags:
            parts.append(Text(f"! {flag.rule}: {flag.message}", style="overdue"))
        parts.append(render.events_table(self.events, "Timeline") if self.events
                     else render.nothing("Timeline: no events recorded."))
        parts.append(render.status_table(open_rows, "Open obligations", done=False) if open_rows
                     else render.nothing(f"Open obligations: none as of {self.as_of}."))
        parts.append(render.status_table(done_rows, "History (met, late, missed)") if done_rows
                     else render.nothing("History: nothing met, late or missed yet."))
        return render.stack(*parts)


def event_dict(stored) -> dict:
    e = stored.event
    return {
        # meeting says whether a review was held as a meeting: of other kinds it says nothing
        "id": e.id, "date": e.date.isoformat(), "kind": e.kind,
        "meeting": e.meeting if e.kind == "review-held" else None, "note": e.note,
        "recorded_at": _iso(stored.recorded_at), "recorded_by": stored.recorded_by,
        "voided_at": _iso(stored.voided_at), "void_reason": stored.void_reason,
    }


def _iso(value) -> str | None:
    if value is None:
        return None
    return value.isoformat(timespec="seconds") if isinstance(value, dt.datetime) else str(value)


def child_page(store, profile, child_id: str, as_of: dt.date) -> ChildPage:
    child = store.get_child(child_id)
    stored = store.list_events(child_id, include_voided=True)
    events = [s.event for s in stored if s.voided_at is None]
    outcome = derive(child_id, events, profile, as_of, dob=child.dob, history=True)
    rows = []
    for ob in outcome.obligations:
        row = obligation_row(ob, child, as_of)
        row["arithmetic"] = ob.derivation.arithmetic
        rows.append(row)
    return ChildPage(child, as_of, profile.name, [event_dict(s) for s in stored], rows, outcome.flags)


def explain(store, profile, child_id: str, as_of: dt.date) -> tuple[Child, list[dict], list[Flag]]:
    child = store.get_child(child_id)
    events = store.events_for([child_id]).get(child_id, [])
    outcome = derive(child_id, events, profile, as_of, dob=child.dob, history=True)
    return child, [explain_row(ob, as_of) for ob in outcome.obligations], outcome.flags
