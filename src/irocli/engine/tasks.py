"""Tasks around each review (before, midpoint, after) and after an event (RULES §2).

Each function applies the profile's rules of one type to every review cycle the walk built.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from irocli.engine.episodes import END, Cycle, cycle_key, scheduled_review
from irocli.engine.registry import applies

if TYPE_CHECKING:
    from irocli.engine.derive import Run


def _cycles(run: Run) -> Iterator[tuple[Cycle | None, Cycle, Cycle | None]]:
    """Every review cycle of every episode with the cycles either side of it in that episode
    (None at either end): (before, cycle, after)."""
    for ep in run.episodes:
        cycles = ep.cycles
        for i, cyc in enumerate(cycles):
            yield (cycles[i - 1] if i else None), cyc, (cycles[i + 1] if i + 1 < len(cycles) else None)


@applies("before-review")
def before_review(run: Run, rules: list) -> None:
    """Counted back from R, the review's day (held, else booked, else due), by the rule's offset
    (first_offset for an episode's first review) in calendar or working days; never before the
    window opened (RULES §2). A calendar-day date on a closed day rolls back (RULES §6)."""
    for ep in run.episodes:
        for cyc in ep.cycles:
            held = cyc.held
            if held is not None and not run.history:
                continue  # only after-tasks of past reviews can still be open
            r_date, r_kind, r_why = run.review_date(cyc)
            until = held if held is not None else END
            for rule in rules:
                first = cyc.number == 1 and rule.first_offset is not None
                off = rule.first_offset if first else rule.offset
                due = run.cal.add(r_date, off)

                def basis(why=r_why, first=first):
                    return f"R = {why()}" + (" (initial review)" if first else "")
                if due < cyc.opened:  # e.g. a first review held early: not before care began
                    due, off = cyc.opened, None
                    basis = (f"R = {r_why()}; {r_date} - {rule.offset} falls before the window "
                             f"opened on {cyc.opened}")
                done = run.first_on_or_after(rule.completed_by, cyc.opened, cyc.first_window, until)
                run.emit(rule, due, r_kind, r_date, offset=off, met_on=done, missed=held is not None,
                         basis=basis, cycle=cycle_key(cyc))


@applies("midpoint")
def midpoint(run: Run, rules: list) -> None:
    """Halfway (calendar days, rounded down) between a review and the next one's due date (as scheduled,
    if adjourned); done strictly after the review (RULES §2)."""
    for before, cyc, _ in _cycles(run):
        held = cyc.held
        if (held is not None and not run.history) or cyc.number == 1 or before is None:
            continue
        until = held if held is not None else END
        start = before.counted or cyc.opened  # the clock: as scheduled if adjourned
        due_next = scheduled_review(cyc).due
        for rule in rules:
            mid = start + dt.timedelta(days=(due_next - start).days // 2)
            done = run.first_on_or_after(rule.completed_by, start, False, until)
            run.emit(rule, mid, "review-held", start, met_on=done, missed=held is not None,
                     basis=f"midpoint of {start} and next review due {due_next}", cycle=cycle_key(cyc))


@applies("after-review")
def after_review(run: Run, rules: list) -> None:
    """Counted on from the day a review was held by the rule's offset (calendar or working days); done
    before the next review is held (RULES §2)."""
    for _, cyc, after in _cycles(run):
        held = cyc.held
        if held is None:
            continue
        next_held = after.held if after is not None else None
        until = next_held - dt.timedelta(days=1) if next_held is not None else END
        for rule in rules:
            due = run.cal.add(held, rule.offset)
            done = run.first_on_or_after(rule.completed_by, held, True, until)
            run.emit(rule, due, "review-held", held, offset=rule.offset, met_on=done, cycle=cycle_key(cyc))


@applies("after-event")
def after_event(run: Run, rules: list) -> None:
    """Counted on from each event of the rule's kind, until the next one (deemed met if the rule lapses so)."""
    for rule in rules:
        dates = run.by_kind.get(rule.event, ())
        for j, d in enumerate(dates):
            until = dates[j + 1] - dt.timedelta(days=1) if j + 1 < len(dates) else END
            due = run.cal.add(d, rule.offset)
            done = run.first_on_or_after(rule.completed_by, d, True, until)
            closed = rule.closed_by and run.first_on_or_after(rule.closed_by, d, True, until)
            # deemed met once due with nothing done (Obligation.settle, as of the report's day)
            run.emit(rule, due, rule.event, d, offset=rule.offset, met_on=done,
                     missed=bool(closed) or (not rule.closed_by and run.ended_after(d)),
                     cycle=f"{rule.event}.{j + 1}", lapses=done is None and rule.lapse == "deemed-met")
