"""Between reviews: what the IRO monitors (RULES §7; CA 1989 s25B): the social worker's statutory visits
(the ordinary ones, and a placement's own regime: placed with a parent, temporary approval, a care order
at home, an adoptive placement, the long-term option), the child's health assessments, placement plans and
the IRO told of each placement and of its end, and a temporary approval's expiry.

Each function applies the profile's rules of one type to the placements of every episode of full-time
care (a series of short breaks, REG reg 48, has its own visiting arrangements and none of these).
Obligations end with the episode: one due after the child left care is not derived, one due before
it and not met is missed (history only), never overdue.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from irocli.domain import EPISODE_END_KINDS
from irocli.engine.episodes import END, Episode
from irocli.engine.registry import applies

if TYPE_CHECKING:
    from irocli.engine.derive import Run

_DAY = dt.timedelta(days=1)


class Placement(NamedTuple):
    """One placement within an episode of full-time care: the kind and date that started it and its
    last day (the day before the next placement starts, or the day the episode ended; None while open)."""

    episode: int  # the episode's index
    number: int  # 1 = the episode's first placement
    kind: str
    start: dt.date
    last: dt.date | None


def placements(run: Run, kinds: tuple[str, ...], every: bool = False) -> list[Placement]:
    """Each placement of each episode of full-time care, started by the episode's start or by an event
    of `kinds` (e.g. entered-care, placement-change) within it; two starts on one day are one placement.
    For the due list (run.history False) only the open placement: an ended one owes nothing open
    (`every`: all of them all the same, for a rule that must see the earlier ones). Worked out once per
    child for the rules that share `kinds` (run.memo); treat the list as read-only."""
    key = ("placements", kinds, run.history or every)
    found = run.memo.get(key)
    if found is None:
        found = run.memo[key] = list(_placements(run, kinds, run.history or every))
    return found


def _placements(run: Run, kinds: tuple[str, ...], history: bool) -> Iterator[Placement]:
    """placements, worked out."""
    for ep in run.episodes:
        if ep.short_breaks or (ep.end is not None and not history):
            continue  # REG reg 48: reg 28 visits are for full-time care
        end = ep.end if ep.end is not None else END
        starts: dict[dt.date, str] = {ep.start: ep.started_by}
        for kind in kinds:
            dates = run.by_kind.get(kind)
            if not dates:
                continue
            for d in dates[bisect_left(dates, ep.start):bisect_left(dates, end)]:
                starts.setdefault(d, kind)
        ordered = sorted(starts)
        for n, start in enumerate(ordered):
            if n + 1 < len(ordered) and not history:
                continue
            last = ordered[n + 1] - _DAY if n + 1 < len(ordered) else ep.end
            yield Placement(ep.index, n + 1, starts[start], start, last)


def _dates(run: Run, kinds: tuple[str, ...], first: dt.date, last: dt.date | None) -> list[dt.date]:
    """The distinct dates of events of `kinds` from `first` to `last` (None: no end), ascending."""
    found: set[dt.date] = set()
    for kind in kinds:
        dates = run.by_kind.get(kind)
        if dates:
            found.update(dates[bisect_left(dates, first):bisect_right(dates, last or END)])
    return sorted(found)


def _kind_on(run: Run, kinds: tuple[str, ...], day: dt.date) -> str:
    """The first of `kinds` with an event on `day` (a recorded exception such as a declined health
    assessment anchors the next as the assessment would, and the explanation names it)."""
    for kind in kinds:
        dates = run.by_kind.get(kind)
        if dates:
            i = bisect_left(dates, day)
            if i < len(dates) and dates[i] == day:
                return kind
    return kinds[0]


@applies("placement-start")
def placement_start(run: Run, rules: list) -> None:
    """Counted on from the start of each placement (the rule's `event` kinds, and the episode's start)
    by the rule's offset (calendar or working days); met by the first completing event in that placement,
    so a new placement restarts the clock (REG reg 28(2)(a): a visit within one week of the start of each
    placement). A placement that ended before its due date with none owes nothing; one that ended after
    it, missed.

    With window = "before-start" an event dated before the placement starts also meets it (REG reg 9(2):
    the placement plan before the placement, else within 5 working days; reg 13: the IRO told before it).
    The earliest it may be is the day after the previous placement's start, or after the event that met
    that placement if later; for an episode's first placement, the day after the previous episode ended.
    One made after a placement's due date and within the offset before the next placement starts is the
    next placement's (the plan or notice of a planned move), not the earlier one's late one. So one event
    never meets two placements.

    `yields_to` names visit-regime rules: a placement whose regime is in force from the day it starts
    owes this rule nothing (the regime's own first visit replaces it: one visit, one obligation)."""
    for rule in rules:
        if rule.window == "before-start":
            _before_or_after_start(run, rule)
            continue
        for p in placements(run, rule.events):
            if _yielded(run, rule, p, p.start):
                continue  # the placement's own regime counts its first visit (visit-regime)
            due = run.cal.add(p.start, rule.offset)
            done = run.first_on_or_after(rule.completed_by, p.start, True, p.last or END)
            if done is None and p.last is not None and p.last < due:
                continue  # moved on (or left care) before the visit fell due
            run.emit(rule, due, p.kind, p.start, offset=rule.offset, met_on=done,
                     missed=done is None and p.last is not None, cycle=f"ep{p.episode + 1}.p{p.number}")


def _start_notices(run: Run, rule) -> list[tuple[Placement, dt.date | None]]:
    """Each placement (every one, for the windows) with the event that met a placement-start rule with
    window = "before-start" for it (None: none yet). See placement_start. Once per child and rule (run.memo:
    placement-end's `follows` reads the same)."""
    key = ("notices", rule.id)
    if key not in run.memo:
        run.memo[key] = list(_assign_notices(run, rule))
    return run.memo[key]


def _assign_notices(run: Run, rule) -> Iterator[tuple[Placement, dt.date | None]]:
    """_start_notices, worked out."""
    met: dt.date | None = None  # the event that met the previous placement of the episode
    prev_start = dt.date.min
    every = placements(run, rule.events, every=True)
    for n, p in enumerate(every):
        if p.number == 1:  # from the day after the previous episode ended (the day itself, if it began then)
            before = run.episodes[p.episode - 1].end if p.episode > 0 else None
            earliest = min(before + _DAY, p.start) if before is not None else dt.date.min
        else:
            earliest = max(prev_start, met or prev_start) + _DAY
        prev_start = p.start
        found = _dates(run, rule.completed_by, earliest, p.last)
        nxt = every[n + 1] if n + 1 < len(every) and every[n + 1].episode == p.episode else None
        if nxt is not None and found:
            # one made after this placement's due date and within the offset before the next placement's
            # start is that move's (a plan or notice ahead of a planned move), not this placement's late one
            due = run.cal.add(p.start, rule.offset)
            lead = run.cal.add(nxt.start, rule.offset._replace(n=-rule.offset.n))
            found = [d for d in found if d <= due or d < lead]
        met = found[0] if found else None
        yield p, met


def _before_or_after_start(run: Run, rule) -> None:
    """placement-start with window = "before-start" (see placement_start)."""
    for p, done in _start_notices(run, rule):
        if not run.history and p.last is not None:
            continue  # the due list: only the open placement
        if _yielded(run, rule, p, p.start):
            continue
        due = run.cal.add(p.start, rule.offset)
        if done is None and p.last is not None and p.last < due:
            continue  # moved on (or left care) before it fell due
        basis = (f"placement from {p.start}; {done} is before it" if done is not None and done < p.start
                 else None)
        run.emit(rule, due, p.kind, p.start, offset=rule.offset, met_on=done,
                 missed=done is None and p.last is not None, basis=basis, cycle=f"ep{p.episode + 1}.p{p.number}")


@applies("visit-interval")
def visit_interval(run: Run, rules: list) -> None:
    """Counted on from each completing event (a visit) in a placement: the next is due within the rule's
    offset (calendar days, weeks or months), met by the next visit in the same placement. After the
    placement's first `long_term_after` (e.g. 1 year), a visit made once a `long_term_event` has marked
    the placement long-term (intended to last until 18) starts the `long_term_offset` interval instead
    (REG reg 28(2)(b)-(c): 6 weeks in the first year, then 3 months if long-term, else 6 weeks). The
    interval is chosen by the day of the visit it counts from, and the basis says which applied.

    `yields_to` names visit-regime rules: from a visit made while the placement's own regime is in force
    (placed with a parent, temporary approval, …) that rule counts the next visit, not this one; so a visit
    never raises two competing intervals."""
    for rule in rules:
        long_term = (rule.long_term_offset is not None and rule.long_term_after is not None
                     and rule.long_term_event is not None)
        for p in placements(run, rule.events):
            visits = _dates(run, rule.completed_by, p.start, p.last)
            if not visits:
                continue  # the placement's first visit is another rule's (placement-start)
            regime = _yielded(run, rule, p)
            year_ends = run.cal.add(p.start, rule.long_term_after) if long_term else None
            marked = _dates(run, (rule.long_term_event,), p.start, p.last) if long_term else []
            first = 0 if run.history else len(visits) - 1  # only the last visit's can be open
            for i in range(first, len(visits)):
                v = visits[i]
                if regime is not None and v >= regime:
                    continue  # the placement's own regime counts on from this visit (visit-regime)
                offset, why = rule.offset, None
                if year_ends is not None and v >= year_ends:
                    since = next((d for d in marked if d <= v), None)
                    if since is not None:
                        offset = rule.long_term_offset
                        why = (f"placement from {p.start}; visit {v} on or after {year_ends} ({rule.long_term_after} "
                               f"from its start), {rule.long_term_event} from {since}")
                if why is None:
                    why = f"placement from {p.start}; visit {v}"
                    if year_ends is not None and v < year_ends:
                        why += f" before {year_ends} ({rule.long_term_after} from its start)"
                due = run.cal.add(v, offset)
                nxt = visits[i + 1] if i + 1 < len(visits) else None
                if nxt is None and p.last is not None and p.last < due:
                    continue  # the placement ended before the next visit fell due
                run.emit(rule, due, rule.completed_by[0], v, offset=offset, met_on=nxt,
                         missed=nxt is None and p.last is not None, basis=why,
                         cycle=f"ep{p.episode + 1}.p{p.number}.v{i + 1}")


def _first_mark(run: Run, kinds: tuple[str, ...], first: dt.date, last: dt.date | None) -> tuple[str, dt.date] | None:
    """The earliest event of `kinds` from `first` to `last` (None: no end), with its kind."""
    best: tuple[str, dt.date] | None = None
    for kind in kinds:
        found = _dates(run, (kind,), first, last)
        if found and (best is None or found[0] < best[1]):
            best = (kind, found[0])
    return best


def regime_start(run: Run, rule, p: Placement) -> tuple[str, dt.date] | None:
    """The kind and day a visit-regime (or regime-expiry) rule's regime comes into force in a placement:
    its first `regime` event dated from the placement's start to its last day, but no sooner than
    `regime_after` from its start (a long-term foster placement of at least a year). None: not in force."""
    if not any(k in run.by_kind for k in rule.regime):
        return None  # the child's record has no such regime at all
    mark = _first_mark(run, rule.regime, p.start, p.last)
    if mark is None:
        return None
    if rule.regime_after is not None:
        after = run.cal.add(p.start, rule.regime_after)
        if p.last is not None and after > p.last:
            return None
        return mark[0], max(mark[1], after)
    return mark


def _in_force(run: Run, rule) -> Iterator[tuple[Placement, str, dt.date]]:
    """Each placement in which the rule's regime comes into force, with the kind and day it does
    (regime_start)."""
    if not any(k in run.by_kind for k in rule.regime):
        return  # no such regime in the child's record
    for p in placements(run, rule.events):
        start = regime_start(run, rule, p)
        if start is not None:
            yield p, *start


def _yielded(run: Run, rule, p: Placement, on: dt.date | None = None) -> dt.date | None:
    """The earliest day a visit-regime rule the rule yields to (`yields_to`, those switched on) is in force
    in the placement; with `on`, only if that is on or before it. None: no regime applies."""
    days: list[dt.date] = []
    if not rule.yields_to:
        return None
    for other in rule.yields_to:
        regime = run.p.rules.get(other)
        start = regime_start(run, regime, p) if regime is not None else None
        if start is not None and (on is None or start[1] <= on):
            days.append(start[1])
    return min(days) if days else None


@applies("visit-regime")
def visit_regime(run: Run, rules: list) -> None:
    """A placement's own visiting regime (RULES §7), in force from its first `regime` event dated in the
    placement (regime_start), until the placement ends:

    - a visit within `first_offset` of that day (REG reg 28(5): within one week of the care order; AAR
      reg 36(4)(a): within one week of placement for adoption), met by the first visit from it;
    - from each visit, the next within `until_review_offset` (e.g. 1 week) while that falls due on or
      before the first review held after the regime began (or none is held yet): "at least once a week
      until the first review" (REG reg 28(3), (4); AAR reg 36(4)(a)); a review held on the day the regime
      began decided it and is not that first review;
    - else within `offset` (6 weeks, 4 weeks, 6 months); a rule with no `offset` derives nothing after the
      first review (AAR reg 36(4)(a): then as the review decides).

    Visit rules that name this one in `yields_to` stand back from that day. Calendar days, weeks or months;
    a visit deadline never moves off a closed day. Ends with the placement as visit-interval does."""
    for rule in rules:
        for p, kind, since in _in_force(run, rule):
            visits = _dates(run, rule.completed_by, since, p.last)
            cycle = f"ep{p.episode + 1}.p{p.number}"
            if rule.first_offset is not None:
                due = run.cal.add(since, rule.first_offset)
                done = visits[0] if visits else None
                if not (done is None and p.last is not None and p.last < due):
                    run.emit(rule, due, kind, since, offset=rule.first_offset, met_on=done,
                             missed=done is None and p.last is not None, cycle=cycle,
                             basis=f"placement from {p.start}; {kind} on {since}")
            review = run.first_on_or_after(("review-held",), since, False, p.last or END)
            first = 0 if run.history else max(len(visits) - 1, 0)
            for i in range(first, len(visits)):
                v = visits[i]
                offset, why = _regime_interval(run, rule, kind, since, v, review)
                if offset is None:
                    continue  # after the first review: as the review decides
                due = run.cal.add(v, offset)
                nxt = visits[i + 1] if i + 1 < len(visits) else None
                if nxt is None and p.last is not None and p.last < due:
                    continue  # the placement ended before the next visit fell due
                run.emit(rule, due, rule.completed_by[0], v, offset=offset, met_on=nxt,
                         missed=nxt is None and p.last is not None, basis=why, cycle=f"{cycle}.v{i + 1}")


def _regime_interval(run: Run, rule, kind: str, since: dt.date, v: dt.date,
                     review: dt.date | None) -> tuple:
    """The interval a visit-regime rule counts from visit `v` (None: none derived) and why."""
    head = f"{kind} from {since}; visit {v}"
    weekly = rule.until_review_offset
    if weekly is not None and (review is None or run.cal.add(v, weekly) <= review):
        held = "no review held since" if review is None else f"the next due by the first review, held {review}"
        return weekly, f"{head}, {held}"
    if weekly is None:
        return rule.offset, head
    return rule.offset, f"{head}, the first review held {review}"


@applies("regime-expiry")
def regime_expiry(run: Run, rules: list) -> None:
    """A time-limited approval (REG reg 24-25: a connected person approved temporarily, for 16 weeks)
    marked by the first `regime` event in a placement: it expires `offset` after that day, or `extension`
    later where an `extended_by` event is dated from the day after it to the original expiry (one
    extension: a later one adds nothing). Met by a completing event in the placement (full approval);
    unmet at expiry it is overdue. A placement that ended before the expiry owes nothing; one that ended
    after it without approval, missed. Calendar days or weeks (16 weeks = 112 days)."""
    for rule in rules:
        for p, kind, since in _in_force(run, rule):
            expiry = run.cal.add(since, rule.offset)
            due, anchor_kind, anchor, offset, basis = expiry, kind, since, rule.offset, None
            ext = _first_mark(run, rule.extended_by, since + _DAY, expiry) if rule.extension else None
            if ext is not None:
                due, anchor_kind, anchor, offset = run.cal.add(expiry, rule.extension), ext[0], expiry, rule.extension
                basis = f"{kind} {since} + {rule.offset} = {expiry}; {ext[0]} on {ext[1]}"
            done = run.first_on_or_after(rule.completed_by, since, True, p.last or END)
            if done is None and p.last is not None and p.last < due:
                continue  # the placement ended before the approval expired
            run.emit(rule, due, anchor_kind, anchor, offset=offset, met_on=done, basis=basis,
                     missed=done is None and p.last is not None, cycle=f"ep{p.episode + 1}.p{p.number}")


@applies("placement-end")
def placement_end(run: Run, rules: list) -> None:
    """Counted on from the day each placement ends by the rule's offset ("0 days": by that day; REG reg
    14(2)-(4): the IRO told before a placement ends, or as soon as practicable in an emergency). A
    placement ends the day the next one starts (a move; the rule's `event` kinds) or the day the episode
    of care ends; an open placement owes nothing yet.

    Met by a completing event in the placement dated after the one that met the `follows` rule for it
    (the notice of its start, notify.placement-iro; without it, after its first day) and by the due date;
    one after it, while the child is in the next placement, meets it late. So one notice of a move dated on
    the move day, or before it within the old placement, tells the IRO of both the old placement's end and
    the new one's start (its window under `follows` begins after the old placement's notice), and no notice
    tells of two ends: the notice that told of the following move ahead of it is that move's.
    Not told by the time the next placement ended (or, for the last placement, by the day the episode
    ended): missed (history), never overdue."""
    if not run.history and not any(ep.end is None and not ep.short_breaks for ep in run.episodes):
        return  # the due list: only a move within an open episode of full-time care can leave one open
    for rule in rules:
        follows = run.p.rules.get(rule.follows) if rule.follows else None
        told = {(p.episode, p.start): done for p, done in _start_notices(run, follows)} if follows else {}
        ps = list(placements(run, rule.events, every=True))
        for i, p in enumerate(ps):
            if p.last is None:
                continue  # still open: not ended
            if i + 1 < len(ps) and ps[i + 1].episode == p.episode:  # a move: told by the end of the next placement
                ends, kind, until = ps[i + 1].start, ps[i + 1].kind, ps[i + 1].last
            else:  # the episode ended: told by its last day
                ends, kind, until = p.last, _end_kind(run, p.last), p.last
            if not run.history and until is not None:
                continue  # the due list: it can no longer be open
            if i + 2 < len(ps) and ps[i + 2].episode == p.episode and until is not None:
                # the notice that told of the following move ahead of it is that move's, not this end's late one
                ahead = told.get((p.episode, ps[i + 2].start))
                if ahead is not None and ahead < ps[i + 2].start:
                    until = min(until, ahead - _DAY)
            start_notice = told.get((p.episode, p.start))
            earliest = max(p.start, start_notice or p.start) + _DAY
            due = run.cal.add(ends, rule.offset)
            done = run.first_on_or_after(rule.completed_by, earliest, True, until or END)
            run.emit(rule, due, kind, ends, offset=rule.offset, met_on=done, missed=done is None and until is not None,
                     basis=f"placement from {p.start} ends {ends}", cycle=f"ep{p.episode + 1}.p{p.number}")


def _end_kind(run: Run, day: dt.date) -> str:
    """The kind that ended an episode on `day` (re-entering care with no left-care recorded ends it too)."""
    return next((k for k in sorted(EPISODE_END_KINDS) if day in run.by_kind.get(k, ())), "entered-care")


def _full_time(run: Run) -> Iterator[tuple[Episode, dt.date | None]]:
    """Each episode of full-time care (not a series of short breaks, REG reg 48: regs 7 and 28 do not
    apply) with its last day (None while open)."""
    for ep in run.episodes:
        if not ep.short_breaks and (ep.end is None or run.history):  # the due list: only an open episode
            yield ep, ep.end


@applies("episode-start")
def episode_start(run: Run, rules: list) -> None:
    """Counted on from the start of each episode of full-time care by the rule's offset (e.g. 20 working
    days for the initial health assessment); met by the first completing event in the episode (so the
    first health-assessment of an episode is its initial one). An episode that ended before the due date
    with none owes nothing; one that ended after it, missed.

    With `lookback` (calendar units), the last completing event in that long before the start (in an
    earlier episode of care or not) meets it instead (RULES §7: no initial health assessment is needed for a child
    assessed in the 3 months before coming into care)."""
    for rule in rules:
        for ep, last in _full_time(run):
            due = run.cal.add(ep.start, rule.offset)
            done, basis = run.first_on_or_after(rule.completed_by, ep.start, True, last or END), None
            if rule.lookback is not None:
                before = _lookback(run, rule, ep)
                if before is not None:
                    done = before
                    basis = (f"{before} is within the {rule.lookback} before the episode began "
                             f"({run.cal.add(ep.start, rule.lookback._replace(n=-rule.lookback.n))} to {ep.start})")
            if done is None and last is not None and last < due:
                continue  # left care before it fell due
            run.emit(rule, due, ep.started_by, ep.start, offset=rule.offset, met_on=done,
                     missed=done is None and last is not None, basis=basis, cycle=f"ep{ep.index + 1}")


def _lookback(run: Run, rule, ep: Episode) -> dt.date | None:
    """The last completing event from `rule.lookback` before episode `ep` began to the day before it (in
    an earlier episode of care or not: an assessment is one whoever arranged it); None if there is none."""
    earliest = run.cal.add(ep.start, rule.lookback._replace(n=-rule.lookback.n))
    found = _dates(run, rule.completed_by, earliest, ep.start - _DAY)
    return found[-1] if found else None


@applies("assessment-interval")
def assessment_interval(run: Run, rules: list) -> None:
    """Counted on from each completing event in an episode of full-time care: the next is due `offset`
    after it (calendar months, corresponding date) if that falls before the birthday of `age`, else
    `offset_after_age` after it (REG reg 7: review health assessments 6-monthly before the 5th birthday,
    12-monthly from it); met by the next completing event in the episode. Without a date of birth the
    age is unknown and no date is derived. With `lookback`, the last completing event in that long before
    the episode began counts as its first (as episode-start's lookback)."""
    episodes = list(_full_time(run))
    for rule in rules if episodes else ():
        bday = run.birthday(rule.age)
        if bday is None:
            continue
        for ep, last in episodes:
            done = _dates(run, rule.completed_by, ep.start, last)
            before = _lookback(run, rule, ep) if rule.lookback is not None else None
            if before is not None:
                done.insert(0, before)  # the assessment that stood for the initial one counts on
            first = 0 if run.history else max(len(done) - 1, 0)
            for i in range(first, len(done)):
                a = done[i]
                offset = rule.offset
                due = run.cal.add(a, offset)
                if due >= bday:
                    offset = rule.offset_after_age
                    due = run.cal.add(a, offset)
                    why = f"{a} + {rule.offset} is not before the birthday at {rule.age} ({bday}): {offset}"
                else:
                    why = f"{a} + {rule.offset} falls before the birthday at {rule.age} ({bday})"
                nxt = done[i + 1] if i + 1 < len(done) else None
                if nxt is None and last is not None and last < due:
                    continue  # left care before the next fell due
                run.emit(rule, due, _kind_on(run, rule.completed_by, a), a, offset=offset, met_on=nxt,
                         missed=nxt is None and last is not None, basis=why, cycle=f"ep{ep.index + 1}.{i + 1}")


@applies("age-band-interval")
def age_band_interval(run: Run, rules: list) -> None:
    """At least every `offset` (e.g. 12 months) while the child is aged from `age` to before `until_age`,
    in an episode of full-time care: the first counted from the later of the episode's start and the
    birthday of `age`, then from each completing event (e.g. the SDQ yearly from 4 to 16 inclusive, none
    due on or after the 17th birthday). Without a date of birth no date is derived."""
    episodes = list(_full_time(run))
    for rule in rules if episodes else ():
        starts, stops = run.birthday(rule.age), run.birthday(rule.until_age)
        if starts is None or stops is None:
            continue
        for ep, last in episodes:
            begin = max(ep.start, starts)
            if begin >= stops or (last is not None and begin > last):
                continue
            begin_kind = ep.started_by if begin == ep.start else "birthday"
            done = _dates(run, rule.completed_by, begin, last)
            anchors = [(begin_kind, begin)] + [(rule.completed_by[0], d) for d in done if d > begin]
            first = 0 if run.history else len(anchors) - 1
            for i in range(first, len(anchors)):
                kind, a = anchors[i]
                due = run.cal.add(a, rule.offset)
                if due >= stops:
                    break  # aged past the band by then
                nxt = anchors[i + 1][1] if i + 1 < len(anchors) else None
                if nxt is None and last is not None and last < due:
                    break  # left care before it fell due
                run.emit(rule, due, kind, a, offset=rule.offset, met_on=nxt, missed=nxt is None and last is not None,
                         basis=f"aged {rule.age} on {starts}, {rule.until_age} on {stops}",
                         cycle=f"ep{ep.index + 1}.{i + 1}")
