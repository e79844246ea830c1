"""The engine's entry point, `derive`, and the run state every rule family reads and emits into.

Pass 1 walks the events (episodes.py); pass 2 calls, for each rule type the profile uses, the
function registered for it (registry.py). No I/O, no SQL, no Typer, no Rich.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter

from irocli.domain import (
    EPISODE_END_KINDS,
    FORWARD_KINDS,
    REMAND_KINDS,
    WINDOW_KINDS,
    Event,
    Flag,
    Obligation,
    Outcome,
    Status,
)

# the rule families: imported for their @applies registrations
from irocli.engine import conferences, education, escalations, milestones, monitoring, reviews, secure, tasks  # noqa: F401
from irocli.engine.calendar import Calendar, Offset
from irocli.engine.episodes import END, Cycle, Episode, Req, walk
from irocli.engine.registry import RULE_TYPES

_ADULT = Offset(18, "years")  # CA 1989 s105(1): a child is a person under 18

# Same-day order: an episode opens first and closes last; bookings, triggers and requirements
# are raised before a review held that day meets them.
_ORDER = {"entered-care": 0, "short-breaks-started": 0, "review-held": 3, "review-adjourned": 3, "left-care": 9,
          "adoption-order": 9, "cp-plan-ended": 8, "escalation-opened": 1}


def derive(
    child_id: str,
    events: Iterable[Event],
    profile,
    as_of: dt.date,
    *,
    dob: dt.date | None = None,
    history: bool = True,
) -> Outcome:
    """Every obligation of one child as of a date: an Outcome whose obligations are sorted by (due, rule id),
    each with its rule, anchor, offset (calendar or working days) and arithmetic, plus flags for the IRO.

    `events` are the child's (non-voided) events in any order; `profile` a loaded profiles.Profile;
    `dob` the date of birth (age milestones and the 18th birthday need it). Events after as_of are
    ignored, so a past as-of date shows the picture as it was then. With history=False only open
    obligations are built (the due list needs nothing else). Pure: raises nothing for any events.

    The same as `derive_kept` over the events known by as_of, each obligation then seen from as_of
    (`Obligation.settle`): the obligation table holds derive_kept's rows, so the table and this agree by construction.
    """
    run = Run(child_id, _timeline(events, as_of), profile, as_of, dob, history, as_of)
    _run(run)
    run.out.obligations = [o for o in run.out.obligations if o.settle(as_of, history)]
    return run.out


def derive_kept(child_id: str, events: Iterable[Event], profile, *, dob: dt.date | None = None,
                horizon: dt.date) -> Outcome:
    """The obligations of one child as the obligation table keeps them: derived from every event given (the
    store's, as known now), the history included, each open one with its status left to the reader
    (`Obligation.settle` with the report's as-of day). School terms are derived up to ``horizon`` (a date, say a year
    ahead); the Outcome's valid_until is the first day of the first term left out (None: none), from which
    these rows no longer answer. Flags that depend on the as-of day (past 18) are not for the table."""
    run = Run(child_id, _timeline(events, dt.date.max), profile, dt.date.max, dob, True, horizon)
    _run(run)
    return run.out


@dataclass(frozen=True, slots=True)
class Walked:
    """Pass 1 alone for one child as of a date (`walked`): the episodes of care, each with its review cycles
    (episodes.Episode: the last one open, ``end`` None, while the child is looked after; a cycle's ``booked`` is the
    day its review is booked for), the flags the walk raises (history.unknown, episode.past-18, …) and the
    timeline read (the events known by the as-of day, in the engine's reading order)."""

    episodes: list[Episode]
    flags: list[Flag]
    timeline: list[Event]


def walked(child_id: str, events: Iterable[Event], profile, as_of: dt.date, *, dob: dt.date | None = None) -> Walked:
    """The walk `derive` starts with, no rule applied: for reports that need a
    child's episodes, bookings and flags beside obligations read from the obligation table. Pure."""
    run = Run(child_id, _timeline(events, as_of), profile, as_of, dob, False, as_of)
    _walk(run)
    return Walked(run.episodes, run.out.flags, run.evs)


def _walk(run: Run) -> None:
    if run.known_from > dt.date.min:
        run.out.flags.append(Flag("history.unknown", run.known_from, (
            f"history before {run.known_from} is unknown (an imported return's window): nothing due "
            "before it is judged")))
    walk(run)
    run.flag_past_18()


def _run(run: Run) -> None:
    _walk(run)
    for rtype, rules in run.types.items():
        RULE_TYPES[rtype](run, rules)
    run.out.obligations.sort(key=lambda o: (o.due, o.rule))


def settled_on(events: Iterable[Event]) -> dt.date:
    """The first as-of day from which every one of ``events`` is known (date.min for none): a report as of that
    day or later sees the same timeline as derive_kept, so the obligation table answers it (see _timeline)."""
    last = dt.date.min
    for e in events:
        if e.kind in WINDOW_KINDS or (e.kind in FORWARD_KINDS and e.known_on is None):
            continue  # in every timeline, whatever the as-of day
        day = _known(e)
        if day > last:
            last = day
    return last


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


def _carried(evs: list[Event], day: dt.date) -> frozenset[str]:
    """The event kinds the imports that wrote the `tracking-started` events of ``day`` carried (their details'
    "carried"; none for one recorded before imports said so): a rule whose first completing kind is one
    of them is judged in the imported history too, since the import brought what meets it (SSD visits,
    health assessments); one that a carried kind meets only by the way (the IRO appointed before the
    first review, met by the review held) is not."""
    return frozenset(kind for e in evs if e.kind == "tracking-started" and e.date == day
                     for kind in (e.details or {}).get("carried", ()))


class Run:
    """One child's derivation in progress: the inputs, what the walk built, and the output."""

    child_id: str
    evs: list[Event]  # the timeline, in reading order
    p: object  # profiles.Profile
    cal: Calendar
    as_of: dt.date
    horizon: dt.date  # school terms beginning after it are not derived (out.valid_until says from when)
    dob: dt.date | None
    history: bool  # False: only open obligations are kept
    out: Outcome
    by_kind: dict[str, list[dt.date]]  # event dates by kind, ascending
    tracked_from: dt.date  # the last tracking-started (date.min: none)
    known_from: dt.date  # the earliest imported window opened (date.min: none)
    adult_on: dt.date  # the day looked-after obligations end
    types: dict[str, list]  # the profile's rules by type, in file order
    episodes: list[Episode]
    bookings_outside: dict[int, tuple[Cycle, dt.date, Req]]  # reviews booked after their due date, by id(cycle)

    __slots__ = ("child_id", "evs", "p", "cal", "as_of", "horizon", "dob", "history", "out", "by_kind", "tracked_from",
                 "known_from", "adult_on", "types", "episodes", "bookings_outside", "_cp", "_untracked", "_rolled",
                 "_roll_back", "_carried", "memo")

    def __init__(self, child_id: str, evs: list[Event], profile, as_of: dt.date, dob: dt.date | None,
                 history: bool, horizon: dt.date) -> None:
        self.child_id = child_id
        self.evs = evs
        self.p = profile
        self.cal = profile.calendar
        self.as_of = as_of
        self.horizon = horizon
        self.dob = dob
        self.history = history
        self.out = Outcome(child_id)
        self.by_kind = {}
        for e in evs:
            self.by_kind.setdefault(e.kind, []).append(e.date)
        entered = self.by_kind.get("entered-care")
        if entered and any(not set(entered).isdisjoint(self.by_kind.get(k, ())) for k in EPISODE_END_KINDS):
            self._drop_same_day_stays()
        tracked = self.by_kind.get("tracking-started")
        self.tracked_from = max(tracked) if tracked else dt.date.min
        self._carried = _carried(evs, self.tracked_from) if tracked else frozenset()
        # RULES §6: an imported return is one window; nothing due before the earliest window
        # opened is judged (several years' returns chain into one history)
        windows = self.by_kind.get("history-known-from")
        self.known_from = min(windows) if windows else dt.date.min
        # RULES §6: looked-after obligations end on the 18th birthday, unless the IRO Service Manager
        # authorised a time-limited allocation beyond it (002): then the day after it ends
        self.adult_on = self.birthday(_ADULT) or END
        extended = self.by_kind.get("post-18-allocation")
        if extended and self.adult_on != END:
            self.adult_on = max(self.adult_on, max(extended) + dt.timedelta(days=1))
        self.types = profile.rules_by_type  # rule lists by type, worked out once per profile
        policies = profile.policies  # [policies]: which types tracking silences, which roll off closed days
        self._untracked = policies.untracked_types.values
        self._rolled = policies.rolled if profile.task_roll else frozenset()
        self._roll_back = policies.roll_back.values
        self.episodes = []
        self.bookings_outside = {}
        self._cp = None  # conferences.py's state, built once for its three rule types
        self.memo: dict = {}  # what several rules of one child share (its placements, its school age), by key

    def _drop_same_day_stays(self) -> None:
        """A child who entered and left care on one day, with no episode open before, was never looked
        after (CA 1989 s22(2): a stay of 24 hours or less; RULES §7): those two events are left out of the
        timeline, so nothing is derived from them, and a flag says so. Left and re-entered the same day
        (an episode open before) is continuous care and stays."""
        ends = {d for k in EPISODE_END_KINDS for d in self.by_kind.get(k, ())}
        stays: set[dt.date] = set()
        kept, open_ = [], False
        for e in self.evs:
            if e.kind == "entered-care" and not open_ and e.date in ends:
                stays.add(e.date)  # entered-care reads before a same-day ending (_ORDER)
                continue
            if e.kind in EPISODE_END_KINDS and e.date in stays and not open_:
                continue
            if e.kind in ("entered-care", "short-breaks-started") or e.kind in REMAND_KINDS:
                open_ = True
            elif e.kind in EPISODE_END_KINDS:
                open_ = False
            kept.append(e)
        if not stays:
            return
        self.evs = kept
        self.by_kind = {}
        for e in kept:
            self.by_kind.setdefault(e.kind, []).append(e.date)
        for d in sorted(stays):
            self.out.flags.append(Flag("episode", d, (
                f"entered and left care on {d}: a stay of 24 hours or less is not looked after "
                "(CA 1989 s22(2)); nothing derived from it")))

    def emit(self, rule, due: dt.date, anchor_kind: str, anchor_date: dt.date, *, offset: Offset | None = None,
             met_on: dt.date | None = None, missed: bool = False, basis: str | Callable[[], str] | None = None,
             status: Status | None = None, cycle: str | None = None, source: str | None = None,
             shown_from: dt.date | None = None, lapses: bool = False) -> None:
        """Add one obligation of `rule` due on `due` (a date; `offset` the distance from the anchor,
        calendar or working days) unless it falls outside what is judged (after 18, before known
        history, before tracking started for an untracked type). A calendar-day date of a rolled type
        on a closed day moves to a working day (RULES §6; [policies] roll-back-types / roll-on-types).
        `source` cites something narrower than the rule's own source (an escalation stage); `shown_from`
        the first as-of day it is shown (a milestone a year ahead); `lapses` that it is deemed met once due
        (both applied by `Obligation.settle`, never here, so that the obligation table can keep the row)."""
        rolled = None
        if rule.roll and rule.type in self._rolled and (offset is None or offset.unit != "working days") \
                and not self.cal.is_working_day(due):
            # before-tasks move back; one clamped to the day its window opened (no offset) moves on
            back = rule.type in self._roll_back and offset is not None
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
        if (anchor_date <= self.tracked_from or due <= self.tracked_from) and rule.type in self._untracked \
                and not (rule.completed_by and rule.completed_by[0] in self._carried):
            return  # imported history: the tasks around it were never recorded here
        if callable(basis):  # derivation text built only for obligations that are kept
            basis = basis()
        self.out.obligations.append(
            Obligation(self.child_id, rule.id, rule.title, source or rule.source, due, status,
                       anchor_kind, anchor_date, offset, met_on, basis, rule.owner, cycle, rolled, shown_from, lapses)
        )

    def first_on_or_after(self, kinds, start: dt.date, inclusive: bool = True, until: dt.date = END) -> dt.date | None:
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

    def req(self, rule_id: str, anchor_kind: str, anchor_date: dt.date) -> Req:
        """A review-type rule's obligation counted from an anchor."""
        rule = self.p.rules[rule_id]
        return Req(rule, self.cal.add(anchor_date, rule.offset), anchor_kind, anchor_date)

    def birthday(self, age: Offset) -> dt.date | None:
        """The day the child reaches an age (29 February per the profile's leap_birthday); None without a dob."""
        if self.dob is None:
            return None
        day = self.cal.add(self.dob, age)
        if self.p.leap_birthday == "mar-01" and self.dob.month == 2 and self.dob.day == 29 \
                and day.month == 2 and day.day == 28:
            day += dt.timedelta(days=1)
        return day

    def review_date(self, cyc: Cycle) -> tuple[dt.date, str, Callable[[], str]]:
        """R for the before-tasks: the day held, else the booked day, else the due date (and why, lazily)."""
        if cyc.held is not None:
            return cyc.held, "review-held", lambda: f"review held {cyc.held}"
        if cyc.booked is not None:
            return cyc.booked, "review-booked", lambda: f"review booked for {cyc.booked}"
        r = cyc.review
        return r.due, r.rule.id, lambda: f"{r.rule.id} due {r.due}"

    def ended_after(self, day: dt.date) -> bool:
        """Whether the episode that day falls in has ended (its milestones can no longer be met); on the day
        one episode ended and the next began, the day is the new one's."""
        for ep in reversed(self.episodes):
            if ep.start <= day:
                return ep.end is not None and day <= ep.end
        return False

    def flag_past_18(self) -> None:
        """An episode still open after the 18th birthday (or the post-18 allocation): record left-care."""
        for ep in self.episodes:
            if ep.end is None and self.adult_on <= self.as_of:
                extended = self.by_kind.get("post-18-allocation")
                why = (f"the post-18 allocation ended on {max(extended)}" if extended
                       else f"turned 18 on {self.adult_on}")
                self.out.flags.append(Flag("episode.past-18", self.adult_on, f"{why}: record left-care"))
