"""Child protection conferences, RULES §4: pure, from a child's CP events.

A strategy discussion raises the initial conference (ICPC) deadline; an ICPC starts a plan whose
review conferences (RCPC) follow a sequence, chained from the day each was held, until the plan
ends. A child can be on a plan and looked after at once: this runs beside the review schedule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from irocli.engine.registry import applies

if TYPE_CHECKING:
    from irocli.engine.derive import Run


@dataclass(slots=True)
class Conference:
    """One child protection conference due (RULES §4): an ICPC counted from a strategy discussion, or a
    review conference counted from the conference before it; `held` is the day it took place."""

    kind: str  # "icpc" or "rcpc"
    rule: object
    due: dt.date
    anchor_kind: str
    anchor_date: dt.date
    opened: dt.date  # the window for before-conference steps opens here
    held: dt.date | None = None
    basis: str | None = None


@dataclass(slots=True)
class _State:
    pending: Conference | None = None  # an ICPC awaited
    plan_from: dt.date | None = None
    position: int = 0
    conferences: list[Conference] = field(default_factory=list)


def _conferences(run: Run) -> list[Conference]:
    """The child's conferences in order, worked out once per run for the three conference rule types."""
    if run._cp is None:
        run._cp = _build(run)
    return run._cp


@applies("icpc")
def initial_conferences(run: Run, rules: list) -> None:
    """The initial conference (ICPC), due from the strategy discussion (first or last, per the profile)."""
    _emit(run, "icpc")


@applies("conference-review")
def review_conferences(run: Run, rules: list) -> None:
    """Review conferences (RCPC) of a plan, each chained from the conference held before it."""
    _emit(run, "rcpc")


def _emit(run: Run, kind: str) -> None:
    for n, conf in enumerate(_conferences(run), 1):
        if conf.kind == kind:
            run.emit(conf.rule, conf.due, conf.anchor_kind, conf.anchor_date, offset=conf.rule.offset,
                     met_on=conf.held, basis=conf.basis, cycle=f"cp{n}")


def _build(run: Run) -> list[Conference]:
    p = run.p
    icpc_rule = next(iter(p.of_type("icpc")), None)
    sequence = [p.rules[r] for r in p.cp.sequence if r in p.rules]
    anchor = p.cp.icpc_anchor
    if (icpc_rule is None and not sequence) or not (
            "strategy-discussion" in run.by_kind or "icpc-held" in run.by_kind):
        return []  # no child protection events: nothing to derive
    st = _State()
    for e in run.evs:
        k, d = e.kind, e.date
        if k == "strategy-discussion" and st.plan_from is None and icpc_rule is not None:
            if st.pending is None or anchor == "last":
                basis = f"{anchor} strategy discussion of this enquiry ({anchor} is the profile's setting)"
                if st.pending is not None:
                    st.conferences.remove(st.pending)
                st.pending = Conference("icpc", icpc_rule, run.cal.add(d, icpc_rule.offset), k, d, d, basis=basis)
                st.conferences.append(st.pending)
        elif k == "icpc-held":
            if st.pending is not None:
                st.pending.held = d
                st.pending = None
            previous = _open(st)
            if previous is not None:
                st.conferences.remove(previous)  # a new plan's clock replaces the old one's
            st.plan_from, st.position = d, 0
            _next_review(run, st, sequence, "icpc-held", d)
        elif k == "rcpc-held" and st.plan_from is not None:
            open_conf = _open(st)
            if open_conf is not None:
                open_conf.held = d
            st.position += 1
            _next_review(run, st, sequence, "rcpc-held", d)
        elif k == "no-icpc" and st.pending is not None:
            st.conferences.remove(st.pending)  # the enquiry ended without a conference
            st.pending = None
        elif k == "cp-plan-ended" and st.plan_from is not None:
            open_conf = _open(st)
            if open_conf is not None and open_conf.kind == "rcpc":
                st.conferences.remove(open_conf)  # no more review conferences once the plan ends
            st.plan_from = None
    return st.conferences


PLAN, AWAITED, NONE = "CP plan", "ICPC awaited", "none"


def plan_status(timeline) -> tuple[str, dt.date | None]:
    """Where child protection stands after ``timeline`` (events known by the as-of day, in the engine's reading
    order: derive.walked's), read as the conferences above are built: (PLAN, the ICPC's day) from an `icpc-held`
    until a `cp-plan-ended`; (AWAITED, the strategy discussion's day) from a `strategy-discussion` outside a plan
    until an ICPC is held or `no-icpc` ends the enquiry; else (NONE, None)."""
    plan_from: dt.date | None = None
    pending: dt.date | None = None
    for e in timeline:
        k = e.kind
        if k == "strategy-discussion" and plan_from is None and pending is None:
            pending = e.date
        elif k == "icpc-held":
            plan_from, pending = e.date, None
        elif k == "no-icpc":
            pending = None
        elif k == "cp-plan-ended":
            plan_from = None
    if plan_from is not None:
        return PLAN, plan_from
    if pending is not None:
        return AWAITED, pending
    return NONE, None


def _open(st: _State) -> Conference | None:
    return next((c for c in reversed(st.conferences) if c.held is None and c.kind == "rcpc"), None)


def _next_review(run: Run, st: _State, sequence, anchor_kind: str, day: dt.date) -> None:
    if not sequence:
        return
    rule = sequence[min(st.position, len(sequence) - 1)]
    st.conferences.append(Conference("rcpc", rule, run.cal.add(day, rule.offset), anchor_kind, day, day))


@applies("before-conference")
def before_conference(run: Run, rules: list) -> None:
    """Convening steps before each conference (dudley's appendices), counted back from it."""
    for n, conf in enumerate(_conferences(run), 1):
        r_date = conf.held or conf.due
        r_why = f"{conf.kind} held {conf.held}" if conf.held else f"{conf.rule.id} due {conf.due}"
        until = conf.held or dt.date.max
        for rule in rules:
            if rule.conference != conf.kind:
                continue
            due = run.cal.add(r_date, rule.offset)
            start = due if rule.window == "on-the-day" else conf.opened
            done = run.first_on_or_after(rule.completed_by, start, True, until)
            run.emit(rule, due, conf.kind, r_date, offset=rule.offset, met_on=done,
                     missed=conf.held is not None, basis=f"R = {r_why}", cycle=f"cp{n}")
