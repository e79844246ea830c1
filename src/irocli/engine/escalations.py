"""Dispute resolution (escalation) ladders, RULES §5: pure, from a child's escalation events.

An escalation is opened by an `escalation-opened` event (its id is the escalation's id); later
events name it in details["escalation"]. The ladder, its stages, who responds and the time
limits are profile data (`[escalation]`). Imports only the domain, the calendar and errors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from irocli.engine.calendar import Offset
from irocli.engine.registry import applies
from irocli.errors import BadInput

if TYPE_CHECKING:
    from irocli.engine.derive import Run

STAGE_ORDER = ("informal", "1", "2", "3", "4")
REASONS = ("statutory", "procedure", "recommendations", "placement", "drift", "other", "safeguarding")
ESCALATION_KINDS = frozenset({
    "escalation-opened", "escalation-response", "escalation-escalated", "escalation-meeting",
    "escalation-actions", "escalation-resolved", "escalation-cafcass",
})


@dataclass(frozen=True, slots=True)
class Stage:
    key: str  # "informal", "1" .. "4"
    title: str
    responder: str
    response: Offset | None  # None: no response time set (e.g. a Cafcass referral stage)
    source: str
    meeting_actions: Offset | None = None


@dataclass(frozen=True)
class Ladder:
    stages: dict[str, Stage]
    informal_default: Offset | None
    cap: Offset | None
    safeguarding: Offset | None
    source: str
    default: bool  # a documented default, not the authority's own ladder

    def next_after(self, stage: str) -> str | None:
        later = [s for s in STAGE_ORDER[STAGE_ORDER.index(stage) + 1:] if s in self.stages]
        return later[0] if later else None


@dataclass(slots=True)
class StageVisit:
    stage: str
    started: dt.date
    agreed_due: dt.date | None = None
    responded: dt.date | None = None
    meetings: list[dt.date] = field(default_factory=list)
    ended: dt.date | None = None


@dataclass(slots=True)
class Escalation:
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
        return self.visits[-1]

    @property
    def stage(self) -> str:
        return self.current.stage

    @property
    def closed(self) -> dt.date | None:
        """The day its obligations closed: resolved, or referred to Cafcass."""
        days = [d for d in (self.resolved, self.cafcass) if d is not None]
        return min(days) if days else None

    def status(self, response_due: dt.date | None, as_of: dt.date) -> str:
        if self.resolved is not None:
            return "resolved"
        if self.cafcass is not None:
            return "cafcass"
        if response_due is not None and self.current.responded is None and response_due < as_of:
            return "overdue"
        return "open"


def ladder(profile) -> Ladder:
    """The profile's ladder, validated; a bad value is one line naming file and key."""
    raw = profile.extra.get("escalation")
    where = f"{profile.origin}: escalation"
    if not isinstance(raw, dict) or not isinstance(raw.get("stages"), dict):
        raise BadInput("the profile has no escalation ladder", where=where)

    def offset(value, key):
        # "agreed": the IRO gives the timescale when opening; "none": this stage sets no time
        if value is None or value in ("agreed", "none"):
            return None
        return Offset.parse(str(value), where=f"{where}.{key}")

    stages = {}
    for key, st in raw["stages"].items():
        k = f"stages.{key}"
        if key not in STAGE_ORDER:
            raise BadInput(f"stage must be one of {', '.join(STAGE_ORDER)}", where=f"{where}.{k}")
        if not isinstance(st, dict):
            raise BadInput("must be a table", where=f"{where}.{k}")
        for name in st:
            if name not in ("title", "responder", "response", "source", "meeting_actions"):
                raise BadInput("unknown key", where=f"{where}.{k}.{name}")
        stages[key] = Stage(key, str(st.get("title", key)), str(st.get("responder", "")),
                            offset(st.get("response"), f"{k}.response"), str(st.get("source", raw.get("source", ""))),
                            offset(st.get("meeting_actions"), f"{k}.meeting_actions"))
    for name in raw:
        if name not in ("stages", "informal_default", "cap", "safeguarding", "source", "default"):
            raise BadInput("unknown key", where=f"{where}.{name}")
    return Ladder(stages, offset(raw.get("informal_default"), "informal_default"), offset(raw.get("cap"), "cap"),
                  offset(raw.get("safeguarding"), "safeguarding"), str(raw.get("source", "")),
                  bool(raw.get("default", False)))


def parse_stage(text: str, lad: Ladder, *, option: str = "--stage") -> str:
    key = text.strip().lower()
    if key not in STAGE_ORDER:
        raise BadInput(f"{option} must be one of {', '.join(STAGE_ORDER)} (got {text!r})")
    if key not in lad.stages:
        raise BadInput(f"stage {key} is not part of this profile's ladder ({', '.join(lad.stages)})")
    return key


def build(events, child_id: str) -> dict[int, Escalation]:
    """Every escalation of one child from its (non-voided) events, in date order."""
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
    """When the stage's response falls due, and how that was worked out."""
    if visit.agreed_due is not None:
        return visit.agreed_due, f"timescale agreed when opened: {visit.agreed_due}"
    stage = lad.stages.get(visit.stage)
    off = stage.response if stage is not None else None
    if off is None and visit.stage == "informal":
        off = lad.informal_default
    if off is None:
        return None
    due = cal.add(visit.started, off)
    return due, f"stage {visit.stage} started {off.describe(visit.started, due)}"


@applies("escalation")
def escalation_obligations(run: Run, rules: list) -> None:
    """The esc.* rules (response, meeting actions, cap, safeguarding) of every escalation, from the ladder."""
    if "escalation" in run.p.extra and run.by_kind.get("escalation-opened"):
        _obligations(run, ladder(run.p))


def _obligations(run: Run, lad: Ladder) -> None:
    rules = run.p.rules
    for esc in build(run.evs, run.child_id).values():
        closed = esc.closed
        for i, visit in enumerate(esc.visits):
            found = response_due(esc, visit, lad, run.cal)
            rule = rules.get("esc.response")
            if found is not None and rule is not None:
                due, basis = found
                ended = visit.ended or closed
                run.emit(rule, due, "escalation-opened" if i == 0 else "escalation-escalated", visit.started,
                         met_on=visit.responded, missed=ended is not None and visit.responded is None,
                         basis=f"escalation {esc.id}: {basis}", cycle=f"esc{esc.id}.{visit.stage}")
            stage = lad.stages.get(visit.stage)
            rule = rules.get("esc.meeting-actions")
            if stage is not None and stage.meeting_actions is not None and rule is not None:
                for meeting in visit.meetings:
                    due = run.cal.add(meeting, stage.meeting_actions)
                    done = next((d for d in esc.actions_recorded if d >= meeting), None)
                    run.emit(rule, due, "escalation-meeting", meeting, offset=stage.meeting_actions,
                             met_on=done, missed=done is None and closed is not None,
                             basis=f"escalation {esc.id}, stage {visit.stage} meeting",
                             cycle=f"esc{esc.id}.{visit.stage}.m{visit.meetings.index(meeting) + 1}")
        rule = rules.get("esc.cap")
        formal = next((v for v in esc.visits if v.stage != "informal"), None)
        if lad.cap is not None and rule is not None and formal is not None:
            due = run.cal.add(formal.started, lad.cap)
            run.emit(rule, due, "escalation-opened" if formal is esc.visits[0] else "escalation-escalated",
                     formal.started, offset=lad.cap, met_on=esc.resolved,
                     missed=esc.resolved is None and esc.cafcass is not None,
                     basis=f"escalation {esc.id}: formal process from stage {formal.stage}", cycle=f"esc{esc.id}")
        rule = rules.get("esc.safeguarding")
        if esc.reason == "safeguarding" and lad.safeguarding is not None and rule is not None:
            due = run.cal.add(esc.opened, lad.safeguarding)
            first = esc.visits[0].responded
            run.emit(rule, due, "escalation-opened", esc.opened, offset=lad.safeguarding, met_on=first,
                     missed=first is None and closed is not None, basis=f"escalation {esc.id}: safeguarding",
                     cycle=f"esc{esc.id}")


def check_escalate(esc: Escalation, lad: Ladder, to: str | None) -> str:
    """The stage an escalation may move to, or BadInput saying why not."""
    if esc.resolved is not None:
        raise BadInput(f"escalation {esc.id} was resolved on {esc.resolved}")
    if to is None:
        nxt = lad.next_after(esc.stage)
        if nxt is None:
            raise BadInput(f"escalation {esc.id} is at the last stage ({esc.stage}); refer it to Cafcass instead")
        return nxt
    to = parse_stage(to, lad, option="--to-stage")
    if STAGE_ORDER.index(to) <= STAGE_ORDER.index(esc.stage):
        raise BadInput(f"escalation {esc.id} is at stage {esc.stage}: --to-stage must be a later stage")
    return to


def check_open(esc: Escalation, action: str) -> None:
    if esc.resolved is not None:
        raise BadInput(f"escalation {esc.id} was already resolved on {esc.resolved}; cannot {action}")
    if esc.cafcass is not None and action in ("respond", "escalate", "meeting", "actions"):
        raise BadInput(f"escalation {esc.id} was referred to Cafcass on {esc.cafcass}; it can only be resolved")
