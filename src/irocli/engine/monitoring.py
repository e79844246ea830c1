"""Between reviews: what the IRO monitors (RULES §7; CA 1989 s25B): the social worker's statutory visits
and the child's health assessments.

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


def placements(run: Run, kinds: tuple[str, ...], every: bool = False) -> Iterator[Placement]:
    """Each placement of each episode of full-time care, started by the episode's start or by an event
    of `kinds` (e.g. entered-care, placement-change) within it; two starts on one day are one placement.
    For the due list (run.history False) only the open placement: an ended one owes nothing open
    (`every`: all of them all the same, for a rule that must see the earlier ones)."""
    history = run.history or every
    for ep in run.episodes:
        if ep.short_breaks or (ep.end is not None and not history):
            continue  # REG reg 48: reg 28 visits are for full-time care
        end = ep.end if ep.end is not None else END
        starts: dict[dt.date, str] = {ep.start: "entered-care"}
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
    So one event never meets two placements."""
    for rule in rules:
        if rule.window == "before-start":
            _before_or_after_start(run, rule)
            continue
        for p in placements(run, rule.events):
            due = run.cal.add(p.start, rule.offset)
            done = run.first_on_or_after(rule.completed_by, p.start, True, p.last or END)
            if done is None and p.last is not None and p.last < due:
                continue  # moved on (or left care) before the visit fell due
            run.emit(rule, due, p.kind, p.start, offset=rule.offset, met_on=done,
                     missed=done is None and p.last is not None, cycle=f"ep{p.episode + 1}.p{p.number}")


def _before_or_after_start(run: Run, rule) -> None:
    """placement-start with window = "before-start" (see placement_start)."""
    met: dt.date | None = None  # the event that met the previous placement of the episode
    prev_start = dt.date.min
    for p in placements(run, rule.events, every=True):
        if p.number == 1:
            before = run.episodes[p.episode - 1].end if p.episode > 0 else None
            earliest = before + _DAY if before is not None else dt.date.min
        else:
            earliest = max(prev_start, met or prev_start) + _DAY
        prev_start = p.start
        found = _dates(run, rule.completed_by, earliest, p.last)
        done = found[0] if found else None
        met = done
        if not run.history and p.last is not None:
            continue  # the due list: only the open placement
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
    interval is chosen by the day of the visit it counts from, and the basis says which applied."""
    for rule in rules:
        long_term = (rule.long_term_offset is not None and rule.long_term_after is not None
                     and rule.long_term_event is not None)
        for p in placements(run, rule.events):
            visits = _dates(run, rule.completed_by, p.start, p.last)
            if not visits:
                continue  # the placement's first visit is another rule's (placement-start)
            year_ends = run.cal.add(p.start, rule.long_term_after) if long_term else None
            marked = _dates(run, (rule.long_term_event,), p.start, p.last) if long_term else []
            first = 0 if run.history else len(visits) - 1  # only the last visit's can be open
            for i in range(first, len(visits)):
                v = visits[i]
                offset, why = rule.offset, None
                if year_ends is not None and v >= year_ends:
                    since = next((d for d in marked if d <= v), None)
                    if since is not None:
                        offset = rule.long_term_offset
                        why = (f"placement from {p.start}; visit {v} after its first {rule.long_term_after} "
                               f"({year_ends}), {rule.long_term_event} from {since}")
                if why is None:
                    why = (f"placement from {p.start}; visit {v} in its first {rule.long_term_after} (to {year_ends})"
                           if year_ends is not None and v < year_ends else f"placement from {p.start}; visit {v}")
                due = run.cal.add(v, offset)
                nxt = visits[i + 1] if i + 1 < len(visits) else None
                if nxt is None and p.last is not None and p.last < due:
                    continue  # the placement ended before the next visit fell due
                run.emit(rule, due, rule.completed_by[0], v, offset=offset, met_on=nxt,
                         missed=nxt is None and p.last is not None, basis=why,
                         cycle=f"ep{p.episode + 1}.p{p.number}.v{i + 1}")


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

    With `lookback` (calendar units), the last completing event in that long before the start, and after
    any earlier episode, meets it instead (RULES §7: no initial health assessment is needed for a child
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
            run.emit(rule, due, "entered-care", ep.start, offset=rule.offset, met_on=done,
                     missed=done is None and last is not None, basis=basis, cycle=f"ep{ep.index + 1}")


def _lookback(run: Run, rule, ep: Episode) -> dt.date | None:
    """The last completing event from `rule.lookback` before episode `ep` began to the day before it, and
    after the previous episode ended; None if there is none."""
    earliest = run.cal.add(ep.start, rule.lookback._replace(n=-rule.lookback.n))
    if ep.index > 0 and run.episodes[ep.index - 1].end is not None:
        earliest = max(earliest, run.episodes[ep.index - 1].end + _DAY)
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
            begin_kind = "entered-care" if begin == ep.start else "birthday"
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
