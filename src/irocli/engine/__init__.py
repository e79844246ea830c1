"""The pure deadline engine: (events, profile, as-of date) in, obligations out.

No I/O, no SQL, no Typer, no Rich. RULES.md §1.2 is the reading followed here: episodes of care,
a review sequence chained from the date each review was actually held (or, if adjourned, was
scheduled), triggers that restart it, requirements raised by events, and the tasks and milestones
that hang off each review. What the numbers, ids and sources are is profile data.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import attrgetter

from irocli.domain import FORWARD_KINDS, WINDOW_KINDS, Event, Flag, Obligation, Outcome, Status
from irocli.engine import cp, escalation
from irocli.engine.calendar import Offset

__all__ = ["REVIEW_TYPES", "derive"]

# Rule types whose obligation is "the review itself": a child has at most one of these open.
# (review.rearranged-outside, review.po-9-months and review.long-term-foster are flags about it.)
REVIEW_TYPES = frozenset({"review", "requirement", "adjournment"})

_END = dt.date.max
# Age milestones are shown from a year ahead: further out, whether the child will still be
# looked after is not known.
_AGE_HORIZON = dt.timedelta(days=365)
# Obligations a `tracking-started` event silences before its date: tasks and milestones, which
# imported returns never record. Reviews, conferences and escalations are always derived.
_TASK_TYPES = frozenset({"before-review", "after-review", "after-event", "midpoint", "at-review", "age",
                         "first-review-after-age", "authorisation", "before-conference"})
# Tasks whose calendar-day dates move off a closed day (RULES §6): before-tasks back, the rest on.
# Statutory review dates, age milestones and conferences never move: the law sets that day.
_ROLL_BACK = frozenset({"before-review", "before-conference"})
_ROLL_ON = frozenset({"after-review", "after-event", "midpoint"})
_ROLLED = _ROLL_BACK | _ROLL_ON
# Kinds that open an episode of care: full-time care, or a series of short breaks (REG reg 48).
EPISODE_STARTS = ("entered-care", "short-breaks-started")
_ADULT = Offset(18, "years")  # CA 1989 s105(1): a child is a person under 18

# Same-day order: an episode opens first and closes last; bookings, triggers and requirements
# are raised before a review held that day meets them.
_ORDER = {"entered-care": 0, "short-breaks-started": 0, "review-held": 3, "review-adjourned": 3, "left-care": 9,
          "adoption-order": 9, "cp-plan-ended": 8, "escalation-opened": 1}


@dataclass(slots=True)
class _Req:
    rule: object  # profiles.Rule of type review/requirement/adjournment
    due: dt.date
    anchor_kind: str
    anchor_date: dt.date


@dataclass(slots=True)
class _Cycle:
    """The run-up to one review: from the previous review (or entering care) to this one."""

    episode: int
    number: int  # 1 = the first review of the episode
    opened: dt.date  # previous review held (or entered care): the task window opens here
    first_window: bool  # the window includes `opened` itself (entering care)
    reqs: list[_Req]
    held: dt.date | None = None
    counted: dt.date | None = None  # the date the clock counts from (adjourned: as scheduled)
    adjourned: tuple[dt.date, list[_Req]] | None = None
    booked: dt.date | None = None
    seq: tuple[str, ...] = ()
    pos: int = 0

    @property
    def review(self) -> _Req:
        return min(self.reqs, key=lambda r: r.due)


@dataclass(slots=True)
class _Episode:
    index: int
    start: dt.date
    end: dt.date | None = None
    short_breaks: bool = False  # a series of short breaks (REG reg 48), not full-time care
    # began on or before `start` (an imported return's first episode is not its start): where the
    # sequence stood when a window opened is unknown
    start_unknown: bool = False
    # a window opened on it with reviews before it unknown: how many were held is not known
    reviews_unknown: bool = False
    cycles: list[_Cycle] = field(default_factory=list)


def derive(
    child_id: str,
    events: Iterable[Event],
    profile,
    as_of: dt.date,
    *,
    dob: dt.date | None = None,
    history: bool = True,
) -> Outcome:
    """Every obligation of one child as of a date.

    Events after as_of are ignored, so a past as-of date shows the picture as it was then. With
    history=False only open obligations are built (the due list needs nothing else).
    """
    return _Run(child_id, _timeline(events, as_of), profile, as_of, dob, history).run()


_BY_DATE_ID = attrgetter("date", "id")


def _timeline(events: Iterable[Event], as_of: dt.date) -> list[Event]:
    """The events in the order the engine reads them, those not yet known left out.

    The store hands events over by date then id; the full sort key (same-day priority, the day
    a booking was recorded) is paid only when that order is not already the answer.
    """
    evs = [e for e in events if e.date <= as_of or e.kind in FORWARD_KINDS or e.kind in WINDOW_KINDS]
    plain = all(e.known_on is None and e.id is not None for e in evs)
    if plain:
        evs.sort(key=_BY_DATE_ID)
        order = _ORDER
        for a, b in zip(evs, evs[1:], strict=False):
            if a.date == b.date and order.get(a.kind, 2) > order.get(b.kind, 2):
                plain = False  # a same-day pair the engine must read the other way round
                break
    if not plain:
        evs = [e for e in evs if _known(e) <= as_of or (e.kind in FORWARD_KINDS and e.known_on is None)
               or e.kind in WINDOW_KINDS]
        evs.sort(key=_full_key)
    return evs


def _full_key(e: Event) -> tuple:
    known = _known(e)
    # recorded on a review's day for a later day: it belongs to the next review, so after it
    order = 4 if known != e.date else _ORDER.get(e.kind, 2)
    return known, order, e.id or 0


def _known(e: Event) -> dt.date:
    """The day an event takes its place in the timeline.

    A booking or a direction counts from the day it was recorded when that is before its own
    date; with no record of that, from its own date (never hidden by as_of).
    """
    if e.known_on is not None and e.known_on < e.date and e.kind in FORWARD_KINDS:
        return e.known_on
    return e.date


class _Run:
    def __init__(self, child_id, evs, profile, as_of, dob, history):
        self.child_id = child_id
        self.evs = evs
        self.p = profile
        self.cal = profile.calendar
        self.as_of = as_of
        self.dob = dob
        self.history = history
        self.out = Outcome(child_id)
        self.by_kind: dict[str, list[dt.date]] = {}
        for e in evs:
            self.by_kind.setdefault(e.kind, []).append(e.date)
        tracked = self.by_kind.get("tracking-started")
        self.tracked_from = max(tracked) if tracked else dt.date.min
        # RULES §6: an imported return is one window; nothing due before the earliest window
        # opened is judged (several years' returns chain into one history)
        windows = self.by_kind.get("history-known-from")
        self.known_from = min(windows) if windows else dt.date.min
        # RULES §6: looked-after obligations end on the 18th birthday, unless the IRO Service Manager
        # authorised a time-limited allocation beyond it (002): then the day after it ends
        self.adult_on = self.birthday(_ADULT) or _END
        extended = self.by_kind.get("post-18-allocation")
        if extended and self.adult_on != _END:
            self.adult_on = max(self.adult_on, max(extended) + dt.timedelta(days=1))
        self.types = profile.rules_by_type  # rule lists by type, worked out once per profile
        self.episodes: list[_Episode] = []
        self.bookings_outside: dict[int, tuple[_Cycle, dt.date, _Req]] = {}  # by id(cycle)

    # ------------------------------------------------------------------ output helpers
    def emit(self, rule, due, anchor_kind, anchor_date, *, offset=None, met_on=None,
             missed=False, basis=None, status=None, cycle=None) -> None:
        rolled = None
        if rule.type in _ROLLED and self.p.task_roll and (offset is None or offset.unit != "working days") \
                and not self.cal.is_working_day(due):
            # before-tasks move back; one clamped to the day its window opened (no offset) moves on
            back = rule.type in _ROLL_BACK and offset is not None
            rolled, due = due, (self.cal.previous_working_day(due) if back else self.cal.next_working_day(due))
        if due >= self.adult_on or due < self.known_from:
            return  # after the 18th birthday, or before the history known here: not judged
        if status is None:
            if met_on is not None:
                status = Status.MET if met_on <= due else Status.MET_LATE
            elif missed:
                status = Status.MISSED
            else:
                status = Status.OVERDUE if due < self.as_of else Status.DUE
        if not self.history and not status.is_open:
            return
        if (anchor_date <= self.tracked_from or due <= self.tracked_from) and rule.type in _TASK_TYPES:
            return  # imported history: the tasks around it were never recorded here
        if callable(basis):  # derivation text built only for obligations that are kept
            basis = basis()
        self.out.obligations.append(
            Obligation(self.child_id, rule.id, rule.title, rule.source, due, status,
                       anchor_kind, anchor_date, offset, met_on, basis, rule.owner, cycle, rolled)
        )

    def first_on_or_after(self, kinds, start: dt.date, inclusive=True, until=_END) -> dt.date | None:
        """The first event date of any of kinds in the window [start, until] ((start, …] if not inclusive)."""
        best = None
        for kind in kinds:
            dates = self.by_kind.get(kind)
            if not dates:
                continue
            i = bisect_left(dates, start)
            if not inclusive:
                while i < len(dates) and dates[i] == start:
                    i += 1
            if i < len(dates) and dates[i] <= until and (best is None or dates[i] < best):
                best = dates[i]
        return best

    def req(self, rule_id: str, anchor_kind: str, anchor_date: dt.date) -> _Req:
        rule = self.p.rules[rule_id]
        return _Req(rule, self.cal.add(anchor_date, rule.offset), anchor_kind, anchor_date)

    # ------------------------------------------------------------------ pass 1: the timeline
    def run(self) -> Outcome:
        if self.known_from > dt.date.min:
            self.out.flags.append(Flag("history.unknown", self.known_from, (
                f"history before {self.known_from} is unknown (an imported return's window): nothing due "
                "before it is judged")))
        self.walk()
        self.reviews()
        self.tasks()
        self.milestones()
        cp.obligations(self)
        if "escalation" in self.p.extra and self.by_kind.get("escalation-opened"):
            escalation.obligations(self, escalation.ladder(self.p))
        self.out.obligations.sort(key=lambda o: (o.due, o.rule))
        return self.out

    def walk(self) -> None:
        p = self.p
        plan = p.plan
        requirement_rules = plan.requirement_by_event
        adjourn_rule, auth_rule = plan.adjournment, plan.authorisation
        structural = plan.structural
        ep: _Episode | None = None
        cyc: _Cycle | None = None
        seen: set[str] = set()
        raised: set[str] = set()  # requirement rules raised in this episode
        closed_on: dt.date | None = None  # the day an episode last ended

        for e in self.evs:
            k, d = e.kind, e.date
            if k not in structural:
                continue  # tasks, visits, milestones: looked up by kind later, not walked
            if k in EPISODE_STARTS:
                if k == "short-breaks-started" and ep is not None:
                    if not ep.short_breaks:  # a series of short breaks while in full-time care
                        self.out.flags.append(Flag("episode", d, f"{k} on {d} while in care: ignored"))
                    continue
                if ep is not None:  # re-entered with no left-care recorded: the old episode ends
                    self.close(ep, cyc, d)
                    closed_on = d
                ep = _Episode(len(self.episodes), d, short_breaks=k != "entered-care",
                              start_unknown=bool(e.details and e.details.get("started") == "on-or-before"))
                if ep.start_unknown:
                    self.out.flags.append(Flag("history.unknown", d, (
                        f"{'series of short breaks' if ep.short_breaks else 'care'} began on or before {d} "
                        "(the first episode an imported return holds)")))
                self.episodes.append(ep)
                seen, raised = {k}, set()
                seq = p.short_break_sequence if ep.short_breaks else p.sequence
                cyc = _Cycle(ep.index, 1, d, True, [self.req(seq[0], k, d)], seq=seq, pos=0)
                ep.cycles.append(cyc)
                continue
            if k == "history-known-from":
                if d == self.known_from and ep is not None and ep.start < d:
                    ep.reviews_unknown = self.window_opens(cyc, d, ep.start_unknown)
                continue
            if ep is None:
                if k in ("review-held", "review-adjourned", "review-booked"):
                    self.out.flags.append(Flag("episode", d, f"{k} on {d} is outside an episode of care: ignored"))
                continue
            seen.add(k)
            if k in ("left-care", "adoption-order"):
                if d == ep.start and closed_on == d:
                    continue  # left and re-entered the same day: this ended the episode before
                self.close(ep, cyc, d)
                closed_on = d
                ep, cyc = None, None
            elif k == "review-held":
                if cyc.number > 1 and ep.cycles[-2].held == d and cyc.adjourned is None:
                    self.out.flags.append(Flag("review.duplicate", d, f"review held twice on {d}: counted once"))
                    continue
                if cyc.adjourned is not None:
                    cyc.counted = cyc.adjourned[0]
                else:
                    cyc.counted = d
                cyc.held = d
                seq, pos = cyc.seq, cyc.pos + 1
                rule_id = seq[min(pos, len(seq) - 1)]
                anchor_kind = "review-adjourned" if cyc.adjourned else "review-held"
                cyc = _Cycle(ep.index, cyc.number + 1, d, False,
                             [self.req(rule_id, anchor_kind, cyc.counted)], seq=seq, pos=pos)
                ep.cycles.append(cyc)
            elif k == "review-adjourned":
                if cyc.adjourned is not None or adjourn_rule is None:
                    self.out.flags.append(Flag(
                        "review.adjourn-once", d,
                        f"review adjourned again on {d}: a review may be adjourned only once; ignored",
                    ))
                    continue
                cyc.adjourned = (d, cyc.reqs)
                cyc.reqs = [self.req(adjourn_rule.id, k, d)]
            elif k == "review-booked":
                cyc.booked = d
                if auth_rule is not None and d > cyc.review.due:
                    self.bookings_outside[id(cyc)] = (cyc, d, cyc.review)
                else:  # re-booked within the timescale: no authorisation needed any more
                    self.bookings_outside.pop(id(cyc), None)
            elif k in requirement_rules:
                rule = requirement_rules[k]
                if (rule.unless and rule.unless in seen) or (rule.once and rule.id in raised):
                    continue  # e.g. authority to place: the order or s19 consent, whichever is first
                raised.add(rule.id)
                cyc.reqs.append(self.req(rule.id, k, d))
            elif k in p.triggers:
                trig = p.triggers[k]
                if trig.unless and trig.unless in seen:
                    continue
                cyc.seq, cyc.pos = trig.sequence, 0
                cyc.reqs.append(self.req(trig.sequence[0], k, d))

    def window_opens(self, cyc: _Cycle, day: dt.date, start_unknown: bool) -> bool:
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
                due = self.cal.add(due, self.p.rules[seq[min(pos, len(seq) - 1)]].offset)
        eve = day - dt.timedelta(days=1)
        cyc.reqs = kept + [self.req(seq[min(pos, len(seq) - 1)], "history-known-from", eve)]
        cyc.pos, cyc.opened, cyc.first_window = pos, day, True
        return True

    @staticmethod
    def close(ep: _Episode, cyc: _Cycle | None, day: dt.date) -> None:
        ep.end = day
        if cyc is not None and cyc.held is None:
            ep.cycles.pop()  # review obligations end with the episode

    # ------------------------------------------------------------------ pass 2: obligations
    def reviews(self) -> None:
        for ep in self.episodes:
            for cyc in ep.cycles:
                key = _cycle_key(cyc)
                if cyc.held is None:
                    r = cyc.review
                    self.emit(r.rule, r.due, r.anchor_kind, r.anchor_date, offset=r.rule.offset,
                              basis=_window_basis(r), cycle=key)
                    continue
                if not self.history:
                    continue
                if cyc.adjourned is not None:
                    a_date, saved = cyc.adjourned
                    for r in saved:
                        self.emit(r.rule, r.due, r.anchor_kind, r.anchor_date, offset=r.rule.offset,
                                  met_on=a_date, basis=f"adjourned on {a_date}, counted as held then", cycle=key)
                for r in cyc.reqs:
                    self.emit(r.rule, r.due, r.anchor_kind, r.anchor_date, offset=r.rule.offset,
                              met_on=cyc.held, basis=_window_basis(r), cycle=key)
            if ep.end is None and self.adult_on <= self.as_of:
                extended = self.by_kind.get("post-18-allocation")
                why = (f"the post-18 allocation ended on {max(extended)}" if extended
                       else f"turned 18 on {self.adult_on}")
                self.out.flags.append(Flag("episode.past-18", self.adult_on, f"{why}: record left-care"))
        live = {id(c) for ep in self.episodes for c in ep.cycles}
        for cyc, booked, r in self.bookings_outside.values():
            if id(cyc) not in live:
                continue  # the episode ended before the review: nothing to authorise
            rule = next(iter(self.types.get("authorisation", ())))
            done = self.first_on_or_after(rule.completed_by, cyc.opened)
            self.emit(rule, r.due, "review-booked", booked, met_on=done,
                      missed=cyc.held is not None and (done is None or done > cyc.held),
                      basis=f"review booked for {booked}, after its due date {r.due} ({r.rule.id})",
                      cycle=_cycle_key(cyc))

    def review_date(self, cyc: _Cycle) -> tuple[dt.date, str, object]:
        """R for the before-tasks: the day held, else the booked day, else the due date (and why, lazily)."""
        if cyc.held is not None:
            return cyc.held, "review-held", lambda: f"review held {cyc.held}"
        if cyc.booked is not None:
            return cyc.booked, "review-booked", lambda: f"review booked for {cyc.booked}"
        r = cyc.review
        return r.due, r.rule.id, lambda: f"{r.rule.id} due {r.due}"

    def tasks(self) -> None:
        before = self.types.get("before-review", ())
        after = self.types.get("after-review", ())
        midpoint = self.types.get("midpoint", ())
        for ep in self.episodes:
            cycles = ep.cycles
            for i, cyc in enumerate(cycles):
                held = cyc.held
                if held is not None and not self.history:
                    # only after-tasks of past reviews can still be open
                    nxt = cycles[i + 1].held if i + 1 < len(cycles) else None
                    self.after_tasks(after, held, nxt, _cycle_key(cyc))
                    continue
                r_date, r_kind, r_why = self.review_date(cyc)
                until = held if held is not None else _END
                for rule in before:
                    first = cyc.number == 1 and rule.first_offset is not None
                    off = rule.first_offset if first else rule.offset
                    due = self.cal.add(r_date, off)
                    def basis(why=r_why, first=first):
                        return f"R = {why()}" + (" (initial review)" if first else "")
                    if due < cyc.opened:  # e.g. a first review held early: not before care began
                        due, off = cyc.opened, None
                        basis = (f"R = {r_why()}; {r_date} - {rule.offset} falls before the window "
                                 f"opened on {cyc.opened}")
                    done = self.first_on_or_after(rule.completed_by, cyc.opened, cyc.first_window, until)
                    self.emit(rule, due, r_kind, r_date, offset=off, met_on=done, missed=held is not None,
                              basis=basis, cycle=_cycle_key(cyc))
                if cyc.number > 1:
                    start = cycles[i - 1].counted or cyc.opened  # the clock: as scheduled if adjourned
                    due_next = (cyc.review if cyc.adjourned is None else min(cyc.adjourned[1], key=_due)).due
                    for rule in midpoint:
                        mid = start + dt.timedelta(days=(due_next - start).days // 2)
                        done = self.first_on_or_after(rule.completed_by, start, False, until)
                        self.emit(rule, mid, "review-held", start, met_on=done, missed=held is not None,
                                  basis=f"midpoint of {start} and next review due {due_next}",
                                  cycle=_cycle_key(cyc))
                if held is not None:
                    nxt = cycles[i + 1].held if i + 1 < len(cycles) else None
                    self.after_tasks(after, held, nxt, _cycle_key(cyc))
        for rule in self.types.get("after-event", ()):
            dates = self.by_kind.get(rule.event, ())
            for j, d in enumerate(dates):
                until = dates[j + 1] - dt.timedelta(days=1) if j + 1 < len(dates) else _END
                due = self.cal.add(d, rule.offset)
                done = self.first_on_or_after(rule.completed_by, d, True, until)
                if done is None and rule.lapse == "deemed-met" and due < self.as_of:
                    self.emit(rule, due, rule.event, d, offset=rule.offset, status=Status.MET,
                              met_on=due, basis="no response by the due date: deemed agreed",
                              cycle=f"{rule.event}.{j + 1}")
                    continue
                closed = rule.closed_by and self.first_on_or_after(rule.closed_by, d, True, until)
                self.emit(rule, due, rule.event, d, offset=rule.offset, met_on=done,
                          missed=bool(closed) or (not rule.closed_by and self.ended_after(d)),
                          cycle=f"{rule.event}.{j + 1}")

    def ended_after(self, day: dt.date) -> bool:
        """Whether the episode that day falls in has ended (its milestones can no longer be met)."""
        for ep in self.episodes:
            if ep.start <= day and ep.end is not None and day <= ep.end:
                return True
        return False

    def after_tasks(self, rules, held: dt.date, next_held: dt.date | None, cycle: str) -> None:
        until = next_held - dt.timedelta(days=1) if next_held is not None else _END
        for rule in rules:
            due = self.cal.add(held, rule.offset)
            done = self.first_on_or_after(rule.completed_by, held, True, until)
            self.emit(rule, due, "review-held", held, offset=rule.offset, met_on=done, cycle=cycle)

    def birthday(self, age) -> dt.date | None:
        if self.dob is None:
            return None
        day = self.cal.add(self.dob, age)
        if self.p.leap_birthday == "mar-01" and self.dob.month == 2 and self.dob.day == 29 \
                and day.month == 2 and day.day == 28:
            day += dt.timedelta(days=1)
        return day

    def milestones(self) -> None:
        for rule in self.types.get("at-review", ()):
            for ep in self.episodes:
                if len(ep.cycles) < rule.position or ep.reviews_unknown:
                    continue  # (which review is the first, second… is unknown before a window)
                cyc = ep.cycles[rule.position - 1]
                key = f"ep{ep.index + 1}"
                if rule.when == "held":  # judged against the day the review is held (RULES §3)
                    r_date, r_kind, r_why = self.review_date(cyc)
                    done = self.first_on_or_after(rule.completed_by, dt.date.min, True, r_date)
                    self.emit(rule, r_date, r_kind, r_date, met_on=done, missed=ep.end is not None, cycle=key,
                              basis=lambda n=rule.position, w=r_why: f"before the {_ordinal(n)} review ({w()})")
                    continue
                r = cyc.review if cyc.adjourned is None else min(cyc.adjourned[1], key=lambda q: q.due)
                done = self.first_on_or_after(rule.completed_by, ep.start, True, ep.end or _END)
                self.emit(rule, r.due, r.rule.id, r.due, met_on=done, missed=ep.end is not None, cycle=key,
                          basis=lambda r=r, n=rule.position: f"by the {_ordinal(n)} review ({r.rule.id} due {r.due})")
        for rule in self.types.get("first-review-after-age", ()):
            bday = self.birthday(rule.age)
            if bday is None:
                continue
            for ep in self.episodes:
                if ep.short_breaks:
                    continue  # age milestones are for children in full-time care (REG reg 48)
                cyc = next((c for c in ep.cycles if self.review_date(c)[0] >= bday), None)
                if cyc is None:
                    continue
                r_date, r_kind, _ = self.review_date(cyc)
                done = self.first_on_or_after(rule.completed_by, bday)
                self.emit(rule, r_date, r_kind, r_date, met_on=done, missed=ep.end is not None,
                          basis=f"birthday {bday} ({rule.age}); the first review after it", cycle=f"ep{ep.index + 1}")
                break
        for rule in self.types.get("age", ()):
            bday = self.birthday(rule.age)
            if bday is None:
                continue
            for ep in self.episodes:
                if ep.short_breaks:
                    continue
                anchor = bday
                if rule.eligible_after is not None:
                    anchor = max(bday, self.cal.add(ep.start, rule.eligible_after))
                end = ep.end or _END
                if not (ep.start <= anchor < end) or anchor > self.as_of + _AGE_HORIZON:
                    continue
                due = self.cal.add(anchor, rule.offset)
                done = self.first_on_or_after(rule.completed_by, ep.start, True, end)
                self.emit(rule, due, "birthday" if anchor == bday else "eligible", anchor,
                          offset=rule.offset, met_on=done, missed=ep.end is not None,
                          basis=f"aged {rule.age} on {bday}" + (
                              f"; eligible {anchor}" if anchor != bday else ""), cycle=f"ep{ep.index + 1}")
                break
        for rule in self.types.get("placement-order-check", ()):
            self.placement_order_checks(rule)
        for rule in self.types.get("meeting-interval", ()):
            self.meeting_intervals(rule)

    def placement_order_checks(self, rule) -> None:
        placed = self.by_kind.get("placed-for-adoption", [])
        for n, order in enumerate(self.by_kind.get(rule.event, ()), 1):
            check = self.cal.add(order, rule.offset)
            if any(order <= d <= check for d in placed):
                continue
            ep = next((e for e in self.episodes if e.start <= order < (e.end or _END)), None)
            if ep is None or (ep.end is not None and ep.end <= check):
                continue
            cyc = next((c for c in ep.cycles if (c.held or c.review.due) >= check), None)
            if cyc is not None:
                r = cyc.review
                self.emit(rule, r.due, rule.event, order, met_on=cyc.held,
                          basis=f"{order} + {rule.offset} = {check}, not placed; "
                                f"the review then open ({r.rule.id}) is due {r.due}", cycle=f"{rule.event}.{n}")
                continue
            # the open review falls before the check: project the schedule forward
            if ep.end is not None or not ep.cycles:
                continue  # the episode ended before a review could consider it
            last = ep.cycles[-1]
            due, pos = last.review.due, last.pos
            while due < check:
                pos += 1
                due = self.cal.add(due, self.p.rules[last.seq[min(pos, len(last.seq) - 1)]].offset)
            self.emit(rule, due, rule.event, order,
                      basis=f"{order} + {rule.offset} = {check}, not placed; the first review due "
                            f"after it, if each is held on its due date, is due {due}", cycle=f"{rule.event}.{n}")

    def meeting_intervals(self, rule) -> None:
        if rule.event not in self.by_kind:
            return
        meetings = sorted(e.date for e in self.evs if e.kind == "review-held" and e.meeting)
        ends = self.by_kind.get("placement-change", []) + self.by_kind.get("left-care", []) \
            + self.by_kind.get("adoption-order", [])
        for n, start in enumerate(self.by_kind.get(rule.event, ()), 1):
            end = min((d for d in ends if d > start), default=_END)
            anchor_kind, last, k = rule.event, start, 0
            while True:
                k += 1
                due = self.cal.add(last, rule.offset)
                if due >= end:
                    break
                i = bisect_left(meetings, last)
                while i < len(meetings) and meetings[i] <= last:
                    i += 1
                met = meetings[i] if i < len(meetings) and meetings[i] < end else None
                self.emit(rule, due, anchor_kind, last, offset=rule.offset, met_on=met,
                          cycle=f"{rule.event}.{n}.{k}")
                if met is None:
                    break
                anchor_kind, last = "review-held", met


def _cycle_key(cyc: _Cycle) -> str:
    """A review's place in its episode: stable when it is booked or rebooked (never a date)."""
    return f"ep{cyc.episode + 1}.r{cyc.number}"


def _window_basis(r: _Req) -> str | None:
    if r.anchor_kind != "history-known-from":
        return None
    return (f"history before {r.anchor_date + dt.timedelta(days=1)} is unknown (an imported return's window): "
            f"a review due before then may have been held as late as {r.anchor_date}")


def _due(req: _Req) -> dt.date:
    return req.due


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third"}.get(n, f"{n}th")
