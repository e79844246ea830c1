"""Secure accommodation between reviews (RULES §7, review.secure): while a child is kept in secure
accommodation (Children Act 1989 s25), a panel reviews the placement within one month of its start and
then at intervals of not more than three months (Children (Secure Accommodation) Regulations 1991
reg 15 [confirm]).

The rule type is general, a stay and the reviews within it: a stay starts at an event of the rule's
`event` kind and lasts until the first of its `closed_by` kinds after that day (or the next start).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from typing import TYPE_CHECKING

from irocli.engine.episodes import END
from irocli.engine.registry import applies

if TYPE_CHECKING:
    from irocli.engine.derive import Run

_DAY = dt.timedelta(days=1)


def stays(run: Run, rule) -> Iterator[tuple[dt.date, dt.date | None]]:
    """Each stay of `rule`: (first day, last day or None while it lasts). A stay starts on each event of
    `rule.event` dated in an episode of full-time care and ends on the first `rule.closed_by` event dated
    after its first day (a placement change the same day is the move into it), the day before the next
    start, or when the episode ends (a child not looked after has no secure accommodation review here)."""
    starts = run.by_kind.get(rule.event, [])
    for i, start in enumerate(starts):
        if i and starts[i - 1] == start:
            continue  # two on one day are one stay
        ep = next((e for e in reversed(run.episodes) if e.start <= start), None)
        if ep is None or ep.short_breaks or (ep.end is not None and ep.end < start):
            continue  # not in full-time care that day
        ends = [d for kind in rule.closed_by for d in _after(run.by_kind.get(kind, []), start)]
        nxt = next((d for d in starts[i + 1:] if d > start), None)
        if nxt is not None:
            ends.append(nxt - _DAY)
        if ep.end is not None:
            ends.append(ep.end)
        yield start, (min(ends) if ends else None)


def _after(dates: list[dt.date], day: dt.date) -> list[dt.date]:
    """The first of the ascending `dates` after `day` (a list of at most one)."""
    i = bisect_right(dates, day)
    return dates[i:i + 1]


@applies("stay-interval")
def stay_interval(run: Run, rules: list) -> None:
    """During each stay (see stays): the first completing event due `first_offset` after the stay's start
    (1 month, corresponding date), each later one `offset` after the one before (3 months, counted from the
    day it was actually held), each met by the next completing event in the stay, late if after its due
    date. A stay that ended before one fell due owes nothing; one that ended after it, with none, missed."""
    for rule in rules:
        for n, (start, last) in enumerate(stays(run, rule), 1):
            if last is not None and not run.history:
                continue  # the due list: only a stay that lasts
            held = _dates(run, rule.completed_by, start, last)
            anchors = [(rule.event, start)] + [(rule.completed_by[0], d) for d in held]
            for i, (kind, anchor) in enumerate(anchors):
                offset = rule.first_offset if i == 0 else rule.offset
                due = run.cal.add(anchor, offset)
                nxt = anchors[i + 1][1] if i + 1 < len(anchors) else None
                if nxt is None and last is not None and last < due:
                    break  # the stay ended before the next fell due
                run.emit(rule, due, kind, anchor, offset=offset, met_on=nxt,
                         missed=nxt is None and last is not None,
                         basis=f"{rule.event} from {start}" + (f" to {last}" if last is not None else ""),
                         cycle=f"stay{n}.{i + 1}")


def _dates(run: Run, kinds: tuple[str, ...], first: dt.date, last: dt.date | None) -> list[dt.date]:
    """The distinct dates of events of `kinds` from `first` to `last` (None: no end), ascending."""
    found: set[dt.date] = set()
    for kind in kinds:
        dates = run.by_kind.get(kind, [])
        found.update(dates[bisect_left(dates, first):bisect_right(dates, last or END)])
    return sorted(found)
