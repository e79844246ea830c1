"""Review obligations (RULES §1.2): the review itself, requirements raised by events, the
adjourned review's new date, and the authorisation a review booked late needs.

The walk (episodes.py) builds each cycle's reviews; these functions emit them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from irocli.engine.episodes import Req, cycle_key
from irocli.engine.registry import applies

if TYPE_CHECKING:
    from irocli.engine.derive import Run

# Rule types whose obligation is "the review itself": a child has at most one of these open.
# (review.rearranged-outside, review.po-9-months and review.long-term-foster are flags about it.)
REVIEW_TYPES = frozenset({"review", "requirement", "adjournment"})


@applies("review", "requirement", "adjournment")
def review_obligations(run: Run, rules: list) -> None:
    """Each cycle's reviews of these rules' type: open, met when held, met by an adjournment."""
    rtype = rules[0].type
    for ep in run.episodes:
        for cyc in ep.cycles:
            key = cycle_key(cyc)
            if cyc.held is None:
                r = cyc.review
                if r.rule.type == rtype:
                    run.emit(r.rule, r.due, r.anchor_kind, r.anchor_date, offset=r.rule.offset,
                             basis=_window_basis(r), cycle=key)
                continue
            if not run.history:
                continue
            if cyc.adjourned is not None:
                a_date, saved = cyc.adjourned
                for r in saved:
                    if r.rule.type == rtype:
                        run.emit(r.rule, r.due, r.anchor_kind, r.anchor_date, offset=r.rule.offset,
                                 met_on=a_date, basis=f"adjourned on {a_date}, counted as held then", cycle=key)
            for r in cyc.reqs:
                if r.rule.type == rtype:
                    run.emit(r.rule, r.due, r.anchor_kind, r.anchor_date, offset=r.rule.offset,
                             met_on=cyc.held, basis=_window_basis(r), cycle=key)


@applies("authorisation")
def authorisation(run: Run, rules: list) -> None:
    """A review booked after its due date: the booking must be authorised before it is held."""
    rule = rules[0]
    live = {id(c) for ep in run.episodes for c in ep.cycles}
    for cyc, booked, r in run.bookings_outside.values():
        if id(cyc) not in live:
            continue  # the episode ended before the review: nothing to authorise
        done = run.first_on_or_after(rule.completed_by, cyc.opened)
        run.emit(rule, r.due, "review-booked", booked, met_on=done,
                 missed=cyc.held is not None and (done is None or done > cyc.held),
                 basis=f"review booked for {booked}, after its due date {r.due} ({r.rule.id})",
                 cycle=cycle_key(cyc))


def _window_basis(r: Req) -> str | None:
    if r.anchor_kind != "history-known-from":
        return None
    return (f"history before {r.anchor_date + dt.timedelta(days=1)} is unknown (an imported return's window): "
            f"a review due before then may have been held as late as {r.anchor_date}")
