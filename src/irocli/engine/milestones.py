"""Milestones: at a given review, at an age, and checks that count from an event (RULES §3).

Each function applies the profile's rules of one type to the episodes the walk built.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from irocli.engine.episodes import END, Episode, scheduled_review
from irocli.engine.registry import applies

if TYPE_CHECKING:
    from irocli.engine.derive import Run

# Age milestones are shown from a year ahead: further out, whether the child will still be
# looked after is not known.
_AGE_HORIZON = dt.timedelta(days=365)


@applies("at-review")
def at_review(run: Run, rules: list) -> None:
    """By the n-th review of an episode: its due date, or (when = "held") the day it is held."""
    for rule in rules:
        for ep in run.episodes:
            if len(ep.cycles) < rule.position or ep.reviews_unknown:
                continue  # (which review is the first, second… is unknown before a window)
            cyc = ep.cycles[rule.position - 1]
            key = f"ep{ep.index + 1}"
            if rule.when == "held":  # judged against the day the review is held (RULES §3)
                r_date, r_kind, r_why = run.review_date(cyc)
                done = run.first_on_or_after(rule.completed_by, dt.date.min, True, r_date)
                run.emit(rule, r_date, r_kind, r_date, met_on=done, missed=ep.end is not None, cycle=key,
                         basis=lambda n=rule.position, w=r_why: f"before the {_ordinal(n)} review ({w()})")
                continue
            r = scheduled_review(cyc)
            done = run.first_on_or_after(rule.completed_by, ep.start, True, ep.end or END)
            run.emit(rule, r.due, r.rule.id, r.due, met_on=done, missed=ep.end is not None, cycle=key,
                     basis=lambda r=r, n=rule.position: f"by the {_ordinal(n)} review ({r.rule.id} due {r.due})")


def _by_birthday(run: Run, rules: list) -> Iterator[tuple[Any, dt.date, list[Episode]]]:
    """Each age rule with the day the child reaches its age and the episodes of full-time care
    (age milestones are not for a series of short breaks, REG reg 48); rules are skipped without a dob."""
    full_time = [ep for ep in run.episodes if not ep.short_breaks]
    for rule in rules:
        bday = run.birthday(rule.age)
        if bday is not None:
            yield rule, bday, full_time


@applies("first-review-after-age")
def first_review_after_age(run: Run, rules: list) -> None:
    """At the first review on or after the birthday of the rule's age (full-time care only, REG reg 48)."""
    for rule, bday, episodes in _by_birthday(run, rules):
        for ep in episodes:
            cyc = next((c for c in ep.cycles if run.review_date(c)[0] >= bday), None)
            if cyc is None:
                continue
            r_date, r_kind, _ = run.review_date(cyc)
            done = run.first_on_or_after(rule.completed_by, bday)
            run.emit(rule, r_date, r_kind, r_date, met_on=done, missed=ep.end is not None,
                     basis=f"birthday {bday} ({rule.age}); the first review after it", cycle=f"ep{ep.index + 1}")
            break


@applies("age")
def age(run: Run, rules: list) -> None:
    """Counted from a birthday (or from becoming eligible after it), within an episode; shown a year ahead."""
    for rule, bday, episodes in _by_birthday(run, rules):
        for ep in episodes:
            anchor = bday
            if rule.eligible_after is not None:
                anchor = max(bday, run.cal.add(ep.start, rule.eligible_after))
            end = ep.end or END
            if not (ep.start <= anchor < end):
                continue
            due = run.cal.add(anchor, rule.offset)
            done = run.first_on_or_after(rule.completed_by, ep.start, True, end)
            run.emit(rule, due, "birthday" if anchor == bday else "eligible", anchor,
                     offset=rule.offset, met_on=done, missed=ep.end is not None,
                     basis=f"aged {rule.age} on {bday}" + (
                         f"; eligible {anchor}" if anchor != bday else ""), cycle=f"ep{ep.index + 1}",
                     shown_from=anchor - _AGE_HORIZON)
            break


@applies("placement-order-check")
def placement_order_checks(run: Run, rules: list) -> None:
    """A placement order not followed by a placement in time: considered at the review then open."""
    for rule in rules:
        _placement_order_check(run, rule)


def _placement_order_check(run: Run, rule) -> None:
    placed = run.by_kind.get("placed-for-adoption", [])
    for n, order in enumerate(run.by_kind.get(rule.event, ()), 1):
        check = run.cal.add(order, rule.offset)
        if any(order <= d <= check for d in placed):
            continue
        ep = next((e for e in run.episodes if e.start <= order < (e.end or END)), None)
        if ep is None or (ep.end is not None and ep.end <= check):
            continue
        cyc = next((c for c in ep.cycles if (c.held or c.review.due) >= check), None)
        if cyc is not None:
            r = cyc.review
            run.emit(rule, r.due, rule.event, order, met_on=cyc.held,
                     basis=f"{rule.offset.describe(order, check)}, not placed; "
                           f"the review then open ({r.rule.id}) is due {r.due}", cycle=f"{rule.event}.{n}")
            continue
        # the open review falls before the check: project the schedule forward
        if ep.end is not None or not ep.cycles:
            continue  # the episode ended before a review could consider it
        last = ep.cycles[-1]
        due, pos = last.review.due, last.pos
        while due < check:
            pos += 1
            due = run.cal.add(due, run.p.rules[last.seq[min(pos, len(last.seq) - 1)]].offset)
        run.emit(rule, due, rule.event, order,
                 basis=f"{rule.offset.describe(order, check)}, not placed; the first review due "
                       f"after it, if each is held on its due date, is due {due}", cycle=f"{rule.event}.{n}")


@applies("meeting-interval")
def meeting_intervals(run: Run, rules: list) -> None:
    """Review meetings at most the rule's offset apart, counted from the rule's event and then from each
    meeting, until a kind of [policies] meeting-interval-ends (a placement change, leaving care)."""
    for rule in rules:
        _meeting_interval(run, rule)


def _meeting_interval(run: Run, rule) -> None:
    if rule.event not in run.by_kind:
        return
    meetings = sorted(e.date for e in run.evs if e.kind == "review-held" and e.meeting)
    # the kinds that end the run ([policies] meeting-interval-ends)
    ends = [d for kind in sorted(run.p.policies.meeting_interval_ends.values) for d in run.by_kind.get(kind, ())]
    for n, start in enumerate(run.by_kind.get(rule.event, ()), 1):
        end = min((d for d in ends if d > start), default=END)
        anchor_kind, last, k = rule.event, start, 0
        while True:
            k += 1
            due = run.cal.add(last, rule.offset)
            if due >= end:
                break
            i = bisect_left(meetings, last)
            while i < len(meetings) and meetings[i] <= last:
                i += 1
            met = meetings[i] if i < len(meetings) and meetings[i] < end else None
            run.emit(rule, due, anchor_kind, last, offset=rule.offset, met_on=met, cycle=f"{rule.event}.{n}.{k}")
            if met is None:
                break
            anchor_kind, last = "review-held", met


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third"}.get(n, f"{n}th")
