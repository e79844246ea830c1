"""What-if planning for one child's open review: the deadlines a chosen review date implies.

Pure functions over store reads and the engine: the hypothetical events exist only in memory and
are never written to the store. Imports the engine and domain; render.review_plan draws the result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from irocli.domain import FORWARD_KINDS, Child, Event, Flag, Obligation
from irocli.engine import REVIEW_TYPES, derive
from irocli.errors import BadInput, FieldError
from irocli.reports.rows import obligation_row

# Events after which a review may next be held: the run-up to the open review starts at the last.
_WINDOW_OPENERS = ("entered-care", "review-held", "review-adjourned")
# Anchored on the held review but not following from it: the review itself and its own run-up.
_NOT_AFTER = REVIEW_TYPES | {"before-review"}


@dataclass
class ReviewPlan:
    """The plan for one child's open review held on ``review_on``: the open review's row, the
    before-tasks counted back from that day (each with ``too_late``) and what follows it (the next
    review first), each an obligation_row with its arithmetic; dates ISO, days in calendar days."""

    child: Child
    as_of: dt.date
    profile_name: str
    review_on: dt.date
    basis: str  # how review_on was chosen
    open_review: dict
    before: list[dict]  # before-tasks counted back from review_on, each with too_late
    after: list[dict]  # the next review, then what hangs off holding it on review_on
    flags: list[Flag] = field(default_factory=list)

    @property
    def in_time(self) -> bool:
        """Whether the planned day is on or before the open review's due date."""
        return self.review_on.isoformat() <= self.open_review["due"]

    @property
    def too_late(self) -> list[dict]:
        """The before-tasks whose due date has already passed on the as-of date."""
        return [r for r in self.before if r["too_late"]]

    def as_json(self) -> dict:
        """The plan as `plan --format json` prints it."""
        return {
            "child_id": self.child.id,
            "as_of": self.as_of.isoformat(),
            "profile": self.profile_name,
            "review_on": self.review_on.isoformat(),
            "basis": self.basis,
            "in_time": self.in_time,
            "open_review": self.open_review,
            "before": self.before,
            "after": self.after,
            "too_late": len(self.too_late),
            "flags": [{"rule": f.rule, "date": f.date.isoformat(), "message": f.message} for f in self.flags],
        }


def latest_working_day(calendar, day: dt.date) -> dt.date:
    """day itself when it is a working day, else the working day before it."""
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def plan_review(store, profile, child_id: str, as_of: dt.date, *, review_on: dt.date | None = None,
                latest: bool = False) -> ReviewPlan:
    """The deadlines that follow if the child's open review is held on review_on (or, with
    latest, on the latest working day on or before its due date).

    Raises BadInput for an unknown child, no open review, both or neither of review_on/latest, or a
    day not after the event that opened the review window.
    """
    if (review_on is None) == (not latest):
        raise FieldError("give either {review_on} DATE or {latest}")
    child = store.get_child(child_id)  # BadInput for an unknown child
    known = [e for e in store.events_for([child_id]).get(child_id, []) if _known_by(e, as_of)]
    current = _open_review(derive(child_id, known, profile, as_of, dob=child.dob, history=False), profile)
    if current is None:
        raise BadInput(f"{child_id} has no open review on {as_of} to plan")
    if latest:
        review_on = latest_working_day(profile.calendar, current.due)
        basis = f"the latest working day on or before {current.rule} due {current.due}"
    else:
        basis = "as asked"
    opened = max((e for e in known if e.kind in _WINDOW_OPENERS), key=lambda e: e.date,
                 default=Event("entered-care", current.anchor_date))
    if review_on <= opened.date:
        field = "{review_on}" if not latest else "{latest}"
        raise FieldError(f"{field}: {review_on} is not after {opened.kind} on {opened.date}")
    # A plan replaces any booking: R for the before-tasks is the planned day.
    base = [e for e in known if e.kind != "review-booked"]

    booked = derive(child_id, [*base, Event("review-booked", review_on, child_id=child_id)], profile, as_of,
                    dob=child.dob, history=True)
    before = []
    for ob in booked.obligations:
        if _type(profile, ob) == "before-review" and (ob.anchor_kind, ob.anchor_date) == ("review-booked",
                                                                                          review_on):
            row = _row(ob, child, as_of)
            row["too_late"] = ob.status.value == "overdue"
            before.append(row)

    # Events after as_of were left out above, so deriving as of the planned day adds only the plan.
    held = derive(child_id, [*base, Event("review-held", review_on, child_id=child_id)], profile,
                  max(as_of, review_on), dob=child.dob, history=True)
    nxt = _open_review(held, profile)
    after = [_row(nxt, child, as_of)] if nxt is not None else []
    after += [_row(ob, child, as_of) for ob in held.obligations
              if (ob.anchor_kind, ob.anchor_date) == ("review-held", review_on)
              and _type(profile, ob) not in _NOT_AFTER]
    flags = [f for f in booked.flags + held.flags if f.date >= opened.date]
    return ReviewPlan(child, as_of, profile.name, review_on, basis, _row(current, child, as_of),
                      sorted(before, key=_order), after[:1] + sorted(after[1:], key=_order),
                      _unique(flags))


def _known_by(e: Event, as_of: dt.date) -> bool:
    """Whether the event was known on as_of (the engine's reading: a booking from when recorded)."""
    if e.kind in FORWARD_KINDS:
        if e.known_on is None:
            return True
        return (e.known_on if e.known_on < e.date else e.date) <= as_of
    return e.date <= as_of


def _open_review(outcome, profile) -> Obligation | None:
    return next((ob for ob in outcome.obligations
                 if ob.status.is_open and _type(profile, ob) in REVIEW_TYPES), None)


def _type(profile, ob: Obligation) -> str | None:
    rule = profile.rules.get(ob.rule)
    return rule.type if rule is not None else None


def _row(ob: Obligation, child: Child, as_of: dt.date) -> dict:
    row = obligation_row(ob, child, as_of)
    row["arithmetic"] = ob.derivation.arithmetic
    return row


def _order(row: dict) -> tuple:
    return row["due"], row["obligation"]


def _unique(flags: list[Flag]) -> list[Flag]:
    seen, out = set(), []
    for f in flags:
        if (f.rule, f.date, f.message) not in seen:
            seen.add((f.rule, f.date, f.message))
            out.append(f)
    return out
