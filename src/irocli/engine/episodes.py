"""Pass 1, the walk over a child's events: episodes of care and the review cycles within them.

One handler per event kind (`on_review_held`, …); what a requirement or a trigger raises is
profile data. Builds the state the rule families read; emits no obligations (only flags).
Imports only the domain and the calendar's values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from irocli.domain import EPISODE_END_KINDS, REMAND_KINDS, Event, Flag

if TYPE_CHECKING:
    from irocli.engine.derive import Run

END = dt.date.max
# Kinds that open an episode of care: full-time care, or a series of short breaks (REG reg 48).
EPISODE_STARTS = ("entered-care", "short-breaks-started")
_REVIEW_KINDS = ("review-held", "review-adjourned", "review-booked")


@dataclass(slots=True)
class Req:
    """A review-type obligation raised in a cycle: its rule, due date and what it counts from."""

    rule: object  # profiles.Rule of type review/requirement/adjournment
    due: dt.date
    anchor_kind: str
    anchor_date: dt.date


@dataclass(slots=True)
class Cycle:
    """The run-up to one review: from the previous review (or entering care) to this one."""

    episode: int
    number: int  # 1 = the first review of the episode
    opened: dt.date  # previous review held (or entered care): the task window opens here
    first_window: bool  # the window includes `opened` itself (entering care)
    reqs: list[Req]
    held: dt.date | None = None
    counted: dt.date | None = None  # the date the clock counts from (adjourned: as scheduled)
    adjourned: tuple[dt.date, list[Req]] | None = None
    booked: dt.date | None = None
    booking: Event | None = None  # the review-booked event that set `booked` (its details: the meeting's time)
    seq: tuple[str, ...] = ()
    pos: int = 0

    @property
    def review(self) -> Req:
        """The review obligation this cycle awaits: the earliest due of those raised in it."""
        return min(self.reqs, key=lambda r: r.due)


@dataclass(slots=True)
class Episode:
    """One episode of care (or series of short breaks) and its review cycles."""

    index: int
    start: dt.date
    end: dt.date | None = None
    short_breaks: bool = False  # a series of short breaks (REG reg 48), not full-time care
    # began on or before `start` (an imported return's first episode is not its start): where the
    # sequence stood when a window opened is unknown
    start_unknown: bool = False
    # a window opened on it with reviews before it unknown: how many were held is not known
    reviews_unknown: bool = False
    cycles: list[Cycle] = field(default_factory=list)
    started_by: str = "entered-care"  # the kind that began it (a remand outside care begins one too)


@dataclass(slots=True)
class _Walk:
    """Where the walk stands: the open episode and cycle, and what this episode has seen."""

    run: Run
    ep: Episode | None = None
    cyc: Cycle | None = None
    seen: set[str] = field(default_factory=set)
    raised: set[str] = field(default_factory=set)  # requirement rules raised in this episode
    closed_on: dt.date | None = None  # the day an episode last ended


def walk(run: Run) -> None:
    """Read the timeline once, building run.episodes (and the bookings needing authorisation)."""
    plan = run.p.plan
    requirement_rules = plan.requirement_by_event
    triggers = run.p.triggers
    structural = plan.structural
    w = _Walk(run)
    for e in run.evs:
        k = e.kind
        if k not in structural:
            continue  # tasks, visits, milestones: looked up by kind later, not walked
        handler = _BEFORE_EPISODE.get(k)
        if handler is None and w.ep is None and k in REMAND_KINDS:
            handler = on_episode_start  # remanded: looked after from this day (domain.REMAND_KINDS)
        if handler is not None:
            handler(w, e)
            continue
        if w.ep is None:
            if k in _REVIEW_KINDS:
                run.out.flags.append(Flag("episode", e.date, f"{k} on {e.date} is outside an episode of care: ignored"))
            continue
        w.seen.add(k)
        handler = _IN_EPISODE.get(k)
        if handler is not None:
            handler(w, e)
        elif k in requirement_rules:
            on_requirement(w, e, requirement_rules[k])
        elif k in triggers:
            on_trigger(w, e, triggers[k])


def on_episode_start(w: _Walk, e: Event) -> None:
    """entered-care / short-breaks-started (or a remand outside care): a new episode and its first review
    cycle."""
    run, k, d = w.run, e.kind, e.date
    if k == "short-breaks-started" and w.ep is not None:
        if not w.ep.short_breaks:  # a series of short breaks while in full-time care
            run.out.flags.append(Flag("episode", d, f"{k} on {d} while in care: ignored"))
        return
    if w.ep is not None:  # re-entered with no left-care recorded: the old episode ends
        close(w.ep, w.cyc, d)
        w.closed_on = d
    ep = Episode(len(run.episodes), d, short_breaks=k == "short-breaks-started",
                 start_unknown=bool(e.details and e.details.get("started") == "on-or-before"), started_by=k)
    if ep.start_unknown:
        run.out.flags.append(Flag("history.unknown", d, (
            f"{'series of short breaks' if ep.short_breaks else 'care'} began on or before {d} "
            "(the first episode an imported return holds)")))
    run.episodes.append(ep)
    w.ep = ep
    w.seen, w.raised = {k}, set()
    seq = run.p.short_break_sequence if ep.short_breaks else run.p.sequence
    w.cyc = Cycle(ep.index, 1, d, True, [run.req(seq[0], k, d)], seq=seq, pos=0)
    ep.cycles.append(w.cyc)


def on_history_known_from(w: _Walk, e: Event) -> None:
    """history-known-from: an imported return's window opens (RULES §6)."""
    d, ep = e.date, w.ep
    if d == w.run.known_from and ep is not None and ep.start < d:
        ep.reviews_unknown = window_opens(w.run, w.cyc, d, ep.start_unknown)


def on_episode_end(w: _Walk, e: Event) -> None:
    """left-care / adoption-order: the episode ends, and an unheld review with it."""
    d = e.date
    if d == w.ep.start and w.closed_on == d:
        return  # left and re-entered the same day: this ended the episode before
    close(w.ep, w.cyc, d)
    w.closed_on = d
    w.ep, w.cyc = None, None


def on_review_held(w: _Walk, e: Event) -> None:
    """review-held: the cycle's review is met; the next cycle counts from it (as scheduled if adjourned)."""
    run, d, ep, cyc = w.run, e.date, w.ep, w.cyc
    if cyc.number > 1 and ep.cycles[-2].held == d and cyc.adjourned is None:
        run.out.flags.append(Flag("review.duplicate", d, f"review held twice on {d}: counted once"))
        return
    cyc.counted = cyc.adjourned[0] if cyc.adjourned is not None else d
    cyc.held = d
    seq, pos = cyc.seq, cyc.pos + 1
    rule_id = seq[min(pos, len(seq) - 1)]
    anchor_kind = "review-adjourned" if cyc.adjourned else "review-held"
    w.cyc = Cycle(ep.index, cyc.number + 1, d, False, [run.req(rule_id, anchor_kind, cyc.counted)], seq=seq, pos=pos)
    ep.cycles.append(w.cyc)


def on_review_adjourned(w: _Walk, e: Event) -> None:
    """review-adjourned: once per review; the adjournment rule replaces what was due."""
    run, d, cyc = w.run, e.date, w.cyc
    adjourn_rule = run.p.plan.adjournment
    if cyc.adjourned is not None or adjourn_rule is None:
        run.out.flags.append(Flag(
            "review.adjourn-once", d,
            f"review adjourned again on {d}: a review may be adjourned only once; ignored",
        ))
        return
    cyc.adjourned = (d, cyc.reqs)
    cyc.reqs = [run.req(adjourn_rule.id, e.kind, d)]


def on_review_booked(w: _Walk, e: Event) -> None:
    """review-booked: R for the before-tasks; a booking after the due date needs authorisation."""
    run, d, cyc = w.run, e.date, w.cyc
    cyc.booked, cyc.booking = d, e
    if run.p.plan.authorisation is not None and d > cyc.review.due:
        run.bookings_outside[id(cyc)] = (cyc, d, cyc.review)
    else:  # re-booked within the timescale: no authorisation needed any more
        run.bookings_outside.pop(id(cyc), None)


def on_requirement(w: _Walk, e: Event, rule) -> None:
    """A kind that raises a requirement rule (e.g. a placement change) into the open cycle."""
    if (rule.unless and rule.unless in w.seen) or (rule.once and rule.id in w.raised):
        return  # e.g. authority to place: the order or s19 consent, whichever is first
    w.raised.add(rule.id)
    w.cyc.reqs.append(w.run.req(rule.id, e.kind, e.date))


def on_trigger(w: _Walk, e: Event, trig) -> None:
    """A trigger kind: the review sequence restarts from its first step."""
    if trig.unless and trig.unless in w.seen:
        return
    w.cyc.seq, w.cyc.pos = trig.sequence, 0
    w.cyc.reqs.append(w.run.req(trig.sequence[0], e.kind, e.date))


_BEFORE_EPISODE: dict[str, Callable[[_Walk, Event], None]] = {
    "entered-care": on_episode_start,
    "short-breaks-started": on_episode_start,
    "history-known-from": on_history_known_from,
}
_IN_EPISODE: dict[str, Callable[[_Walk, Event], None]] = {
    **dict.fromkeys(EPISODE_END_KINDS, on_episode_end),
    "review-held": on_review_held,
    "review-adjourned": on_review_adjourned,
    "review-booked": on_review_booked,
}


def window_opens(run: Run, cyc: Cycle, day: dt.date, start_unknown: bool) -> bool:
    """RULES §6: the history before ``day`` is unknown (a return's window opened then).

    A review due before it may have been held on any day up to the day before; the next one is
    placed by the latest date such a review could set. Walking the sequence as if each review
    were held on its due date finds the position open at ``day``; a requirement due in the
    window stands as it is. Where the episode began on or before its recorded start, any
    position is possible: the sequence's last step (6-monthly) from the day before. Returns
    whether reviews may have been held before ``day`` (the count of reviews is then unknown).
    """
    seq = cyc.seq
    if start_unknown:
        kept, pos = [], len(seq) - 1
    else:
        if cyc.review.due >= day:
            return False
        kept = [r for r in cyc.reqs if r.due >= day]
        due, pos = cyc.review.due, cyc.pos
        while due < day:
            pos += 1
            due = run.cal.add(due, run.p.rules[seq[min(pos, len(seq) - 1)]].offset)
    eve = day - dt.timedelta(days=1)
    cyc.reqs = kept + [run.req(seq[min(pos, len(seq) - 1)], "history-known-from", eve)]
    cyc.pos, cyc.opened, cyc.first_window = pos, day, True
    return True


def close(ep: Episode, cyc: Cycle | None, day: dt.date) -> None:
    """End an episode on ``day``; review obligations end with it."""
    ep.end = day
    if cyc is not None and cyc.held is None:
        ep.cycles.pop()


def cycle_key(cyc: Cycle) -> str:
    """A review's place in its episode: stable when it is booked or rebooked (never a date)."""
    return f"ep{cyc.episode + 1}.r{cyc.number}"


def scheduled_review(cyc: Cycle) -> Req:
    """The review a cycle awaits, as scheduled before any adjournment."""
    return cyc.review if cyc.adjourned is None else min(cyc.adjourned[1], key=_due)


def _due(req: Req) -> dt.date:
    return req.due
