"""Dispute resolution (escalation) ladders, RULES §5: pure, from a child's escalation events.

An escalation is opened by an `escalation-opened` event (its id is the escalation's id); later
events name it in details["escalation"]. The ladder, its stages, who responds and the time
limits are profile data (`[escalation]`). Imports only the domain, the calendar and errors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from irocli.engine.registry import applies
from irocli.errors import BadInput

if TYPE_CHECKING:
    from irocli.engine.derive import Run
    from irocli.profiles.schema import Ladder

STAGE_ORDER = ("informal", "1", "2", "3", "4")
REASONS = ("statutory", "procedure", "recommendations", "placement", "drift", "other", "safeguarding")
ESCALATION_KINDS = frozenset({
    "escalation-opened", "escalation-response", "escalation-escalated", "escalation-meeting",
    "escalation-actions", "escalation-resolved", "escalation-cafcass",
})


class StageError(BadInput):
    """A stage value the ladder refuses. Names the field ("stage", "to_stage"), never a CLI option:
    `naming(option)` gives the same message with the caller's own name for the value."""

    def __init__(self, field: str, template: str) -> None:
        self.field, self.template = field, template
        super().__init__(template.format(field=field))

    def naming(self, name: str) -> BadInput:
        """The same error naming the value as the caller knows it (the CLI: its option)."""
        return BadInput(self.template.format(field=name))


@dataclass(slots=True)
class StageVisit:
    """One stage an escalation reached: when it started, the timescale agreed when opened (informal
    only), the response, the meetings held at it and the day it ended (escalated further)."""

    stage: str
    started: dt.date
    agreed_due: dt.date | None = None
    responded: dt.date | None = None
    meetings: list[dt.date] = field(default_factory=list)
    ended: dt.date | None = None


@dataclass(slots=True)
class Escalation:
    """One escalation of one child, as its events tell it (never stored): opened with a reason at a
    stage, the stages it visited in order, and how it closed (resolved or referred to Cafcass)."""

    id: int
    child_id: str
    reason: str
    opened: dt.date
    visits: list[StageVisit]
    impact: str | None = None
    actions: str | None = None
    discussion: str | None = None
    resolved: dt.date | None = None
    outcome: str | None = None
    cafcass: dt.date | None = None
    actions_recorded: list[dt.date] = field(default_factory=list)

    @property
    def current(self) -> StageVisit:
        """The stage visit in progress (the last one)."""
        return self.visits[-1]

    @property
    def stage(self) -> str:
        """The key of the current stage ("informal", "1" .. "4")."""
        return self.current.stage

    @property
    def closed(self) -> dt.date | None:
        """The day its obligations closed: resolved, or referred to Cafcass."""
        days = [d for d in (self.resolved, self.cafcass) if d is not None]
        return min(days) if days else None

    def status(self, response_due: dt.date | None, as_of: dt.date) -> str:
        """resolved, cafcass, overdue (no response at the current stage and its due date before
        as_of) or open."""
        if self.resolved is not None:
            return "resolved"
        if self.cafcass is not None:
            return "cafcass"
        if response_due is not None and self.current.responded is None and response_due < as_of:
            return "overdue"
        return "open"


def ladder(profile) -> Ladder:
    """The profile's ladder (profiles.Ladder, built and checked once at load); BadInput naming the
    profile when it has none."""
    if profile.escalation is None:
        raise BadInput("the profile has no escalation ladder", where=f"{profile.origin}: escalation")
    return profile.escalation


def parse_stage(text: str, lad: Ladder, *, field: str = "stage") -> str:
    """A stage key ("informal", "1" .. "4") on this ladder; StageError naming `field` otherwise."""
    key = text.strip().lower()
    if key not in STAGE_ORDER:
        raise StageError(field, f"{{field}} must be one of {', '.join(STAGE_ORDER)} (got {_literal(text)})")
    if key not in lad.stages:
        raise StageError(field, f"stage {key} is not part of this profile's ladder ({', '.join(lad.stages)})")
    return key


def _literal(text: str) -> str:
    """text quoted as repr, safe inside a StageError template."""
    return repr(text).replace("{", "{{").replace("}", "}}")


def build(events, child_id: str) -> dict[int, Escalation]:
    """Every escalation of one child from its (non-voided) events, in date order, keyed by the id of the
    `escalation-opened` event. Malformed imported details (an unknown stage, an unparsable date) are
    ignored, never raised."""
    found: dict[int, Escalation] = {}
    keys: dict[str, int] = {}  # an imported escalation may be named by a key instead of an id
    for e in events:
        if e.kind not in ESCALATION_KINDS:
            continue
        d = e.details or {}
        if e.kind == "escalation-opened":
            visit = StageVisit(_stage(d.get("stage")), e.date, _date(d.get("due")))
            found[e.id] = Escalation(e.id, child_id, str(d.get("reason", "other")), e.date, [visit],
                                     d.get("impact"), d.get("actions"), d.get("discussion"))
            if d.get("key"):
                keys[str(d["key"])] = e.id
            continue
        ref = d.get("escalation")
        esc = found.get(ref) if isinstance(ref, int) else found.get(keys.get(str(ref)))
        if esc is None:
            continue
        if e.kind == "escalation-response":
            if esc.current.responded is None:
                esc.current.responded = e.date
        elif e.kind == "escalation-escalated":
            if str(d.get("to")) not in STAGE_ORDER:
                continue  # malformed (e.g. imported): ignored rather than breaking every report
            esc.current.ended = e.date
            esc.visits.append(StageVisit(str(d.get("to")), e.date))
        elif e.kind == "escalation-meeting":
            esc.current.meetings.append(e.date)
        elif e.kind == "escalation-actions":
            esc.actions_recorded.append(e.date)
        elif e.kind == "escalation-resolved":
            esc.resolved, esc.outcome = e.date, d.get("outcome") or e.note
        elif e.kind == "escalation-cafcass":
            esc.cafcass = e.date
    return found


def _stage(value) -> str:
    return str(value) if str(value) in STAGE_ORDER else "informal"


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def response_due(esc: Escalation, visit: StageVisit, lad: Ladder, cal) -> tuple[dt.date, str] | None:
    """(due date, how it was worked out) for the response at one stage visit, or None when the stage sets
    no time: the timescale agreed when opened, else the stage's `response` (calendar or working days)
    counted from the day the stage started, else esc.response's offset for an informal stage not on the
    ladder (RULES §5)."""
    if visit.agreed_due is not None:
        return visit.agreed_due, f"timescale agreed when opened: {visit.agreed_due}"
    stage = lad.stages.get(visit.stage)
    off = stage.response if stage is not None else (lad.default_response if visit.stage == "informal" else None)
    if off is None:
        return None
    due = cal.add(visit.started, off)
    return due, f"stage {visit.stage} started {off.describe(visit.started, due)}"


@applies("escalation")
def escalation_obligations(run: Run, rules: list) -> None:
    """The esc.* rules (response, meeting actions, cap, safeguarding) of every escalation, from the ladder."""
    if run.p.escalation is not None and run.by_kind.get("escalation-opened"):
        _obligations(run, ladder(run.p))


def _obligations(run: Run, lad: Ladder) -> None:
    rules = run.p.rules
    response, meeting_actions = rules.get("esc.response"), rules.get("esc.meeting-actions")
    cap, safeguarding = rules.get("esc.cap"), rules.get("esc.safeguarding")
    for esc in build(run.evs, run.child_id).values():
        closed = esc.closed
        for i, visit in enumerate(esc.visits):
            stage = lad.stages.get(visit.stage)
            source = stage.source if stage is not None and stage.source else None  # the stage's own, if any
            found = response_due(esc, visit, lad, run.cal)
            if found is not None and response is not None:
                due, basis = found
                ended = visit.ended or closed
                run.emit(response, due, "escalation-opened" if i == 0 else "escalation-escalated", visit.started,
                         met_on=visit.responded, missed=ended is not None and visit.responded is None,
                         basis=f"escalation {esc.id}: {basis}", cycle=f"esc{esc.id}.{visit.stage}", source=source)
            if stage is not None and stage.meeting_actions is not None and meeting_actions is not None:
                for meeting in visit.meetings:
                    due = run.cal.add(meeting, stage.meeting_actions)
                    done = next((d for d in esc.actions_recorded if d >= meeting), None)
                    run.emit(meeting_actions, due, "escalation-meeting", meeting, offset=stage.meeting_actions,
                             met_on=done, missed=done is None and closed is not None,
                             basis=f"escalation {esc.id}, stage {visit.stage} meeting",
                             cycle=f"esc{esc.id}.{visit.stage}.m{visit.meetings.index(meeting) + 1}", source=source)
        formal = next((v for v in esc.visits if v.stage != "informal"), None)
        if cap is not None and cap.offset is not None and formal is not None:
            due = run.cal.add(formal.started, cap.offset)
            run.emit(cap, due, "escalation-opened" if formal is esc.visits[0] else "escalation-escalated",
                     formal.started, offset=cap.offset, met_on=esc.resolved,
                     missed=esc.resolved is None and esc.cafcass is not None,
                     basis=f"escalation {esc.id}: formal process from stage {formal.stage}", cycle=f"esc{esc.id}")
        if esc.reason == "safeguarding" and safeguarding is not None and safeguarding.offset is not None:
            due = run.cal.add(esc.opened, safeguarding.offset)
            first = esc.visits[0].responded
            run.emit(safeguarding, due, "escalation-opened", esc.opened, offset=safeguarding.offset, met_on=first,
                     missed=first is None and closed is not None, basis=f"escalation {esc.id}: safeguarding",
                     cycle=f"esc{esc.id}")


def check_escalate(esc: Escalation, lad: Ladder, to: str | None) -> str:
    """The stage an escalation may move to: `to` (a later stage on the ladder), or the next one when
    `to` is None. BadInput when it is resolved or at the last stage; StageError (field "to_stage")
    when `to` is not a later stage of the ladder."""
    if esc.resolved is not None:
        raise BadInput(f"escalation {esc.id} was resolved on {esc.resolved}")
    if to is None:
        nxt = lad.next_after(esc.stage)
        if nxt is None:
            raise BadInput(f"escalation {esc.id} is at the last stage ({esc.stage}); refer it to Cafcass instead")
        return nxt
    to = parse_stage(to, lad, field="to_stage")
    if STAGE_ORDER.index(to) <= STAGE_ORDER.index(esc.stage):
        raise StageError("to_stage", f"escalation {esc.id} is at stage {esc.stage}: {{field}} must be a later stage")
    return to


def check_open(esc: Escalation, action: str) -> None:
    """BadInput when `action` (respond, escalate, resolve, cafcass, meeting, actions) cannot be recorded:
    the escalation is resolved, or referred to Cafcass (then it can only be resolved)."""
    if esc.resolved is not None:
        raise BadInput(f"escalation {esc.id} was already resolved on {esc.resolved}; cannot {action}")
    if esc.cafcass is not None and action in ("respond", "escalate", "meeting", "actions"):
        raise BadInput(f"escalation {esc.id} was referred to Cafcass on {esc.cafcass}; it can only be resolved")
