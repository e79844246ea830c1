"""`irocli caseload`: one row per child of a caseload, what needs attention first. Rows only (render.caseload_table
draws them); reads through the Store and reports/compute.py, never SQL of its own.

**Which children.** The children of the IRO / team as `irocli due` chooses them (the same names matched the same
way; an unknown name is BadInput) who, on the as-of day, are looked after (an episode of care or a series of short
breaks open, as the engine's walk finds it) or have any obligation open, whatever its due date (a child protection
plan's next conference, a task left after care ended). A child whose care ended with nothing left open, or with no
events at all, has no row.

**What is outstanding** is exactly what `irocli due` lists for the child with its default window: the open
obligations overdue or due within WINDOW (28) days, the review itself among them when it falls in the window, read
by reports/compute.py from the obligation table (derived live where it cannot answer), so the two reports always
agree. They are split by owner with rows.split_by_owner: the IRO's own (owner "iro") and those to chase (any other).

**Order** (attention_key): an overdue review first; then more of the IRO's own tasks overdue; then the review due
soonest (the most overdue first; a child with no open review after those with one); then the child's id.
"""

from __future__ import annotations

import datetime as dt

from irocli.domain import Child, Event, Obligation

WINDOW = 28  # days ahead: `irocli due`'s default --within, so "outstanding" is what `due` lists
VISIT_KINDS = ("iro-visit",)
# The IRO spoke to the child: a contact, or a visit (RULES §2: task.iro-contact-child counts a visit too).
CONTACT_KINDS = ("iro-contact", "iro-visit")
# What the problems column says for each data problem, in the order it lists them.
PAST_18 = "open episode past 18"
HISTORY_UNKNOWN = "history unknown"
NO_DOB = "no date of birth"


def caseload_rows(store, profile, as_of: dt.date, *, iro: str | None = None, team: str | None = None,
                  notices=None) -> list[dict]:
    """One rows.CASELOAD_FIELDS dict per child on the caseload (see the module's docstring for which children and
    what counts), sorted by attention_key. ``notices``: compute.Notices (stale rows derived live). Raises BadInput
    for an IRO or team no child has, and what the store raises."""
    from irocli.engine.derive import walked
    from irocli.reports.compute import with_obligations

    rows = []
    covers = store.covers_in_force(as_of)  # `caseload cover`: who covers a child that day
    for child, events, obligations in with_obligations(store, profile, as_of, iro=iro, team=team, notices=notices,
                                                       covers=True):
        open_ = [ob for ob in obligations if ob.status.is_open]
        walk = walked(child.id, events, profile, as_of, dob=child.dob)
        looked_after = bool(walk.episodes) and walk.episodes[-1].end is None
        if looked_after or open_:
            row = child_row(child, events, open_, walk, profile, as_of, looked_after=looked_after)
            row["cover"] = covers[child.id].iro if child.id in covers else None
            rows.append(row)
    return sorted(rows, key=attention_key)


def child_row(child: Child, events: list[Event], open_: list[Obligation], walk, profile, as_of: dt.date, *,
              looked_after: bool) -> dict:
    """The caseload row of one child: ``events`` as stored (non-voided), ``open_`` the child's open obligations
    seen from ``as_of``, ``walk`` engine.derive.walked's for the same day."""
    from irocli.engine import REVIEW_TYPES
    from irocli.engine.conferences import plan_status
    from irocli.engine.episodes import cycle_key
    from irocli.reports.rows import obligation_row, split_by_owner

    reviews = [ob for ob in open_ if _rule_type(profile, ob) in REVIEW_TYPES]
    review = min(reviews, key=lambda ob: ob.due) if reviews else None  # the engine keeps one open at a time
    booked = None
    if review is not None:
        cycles = {cycle_key(c): c for ep in walk.episodes for c in ep.cycles}
        cycle = cycles.get(review.cycle)
        booked = cycle.booked if cycle is not None and cycle.held is None else None
    horizon = as_of + dt.timedelta(days=WINDOW)
    yours, chase = split_by_owner([obligation_row(ob, child, as_of) for ob in open_ if ob.due <= horizon])
    stage, escalations_open = open_escalation(events, child.id, as_of)
    return {
        "child_id": child.id, "initials": child.initials, "iro": child.iro, "team": child.team,
        "looked_after": looked_after,
        "review_due": _iso(review.due if review else None), "review_booked": _iso(booked),
        "review_days": review.days(as_of) if review else None,
        "own": len(yours), "own_overdue": _overdue(yours), "to_chase": len(chase), "to_chase_overdue": _overdue(chase),
        "last_visit": _iso(_latest(walk.timeline, VISIT_KINDS, as_of)),
        "last_contact": _iso(_latest(walk.timeline, CONTACT_KINDS, as_of)),
        "escalation_stage": stage, "escalations_open": escalations_open,
        "cp_status": plan_status(walk.timeline)[0],
        "problems": problems(child, walk.flags),
    }


def open_escalation(events: list[Event], child_id: str, as_of: dt.date) -> tuple[str | None, int]:
    """(the furthest stage any open escalation has reached, or None; how many are open) as of ``as_of``. Open: neither
    resolved nor referred to Cafcass (as `escalation list --open` counts them), as reports/escalations.py rebuilds
    them from the events."""
    from irocli.engine.escalations import STAGE_ORDER
    from irocli.reports.escalations import known_escalations

    if not any(e.kind == "escalation-opened" for e in events):
        return None, 0
    still = [esc for esc in known_escalations(events, child_id, as_of) if esc.closed is None]
    if not still:
        return None, 0
    return max((esc.stage for esc in still), key=STAGE_ORDER.index), len(still)


def problems(child: Child, flags) -> list[str]:
    """The child's data problems as short texts, [] for none: an episode still open past the 18th birthday (or the
    post-18 allocation; the engine's episode.past-18 flag), history unknown (the engine's history.unknown flag: an
    imported return's window, or care that began on or before its recorded start) and no date of birth.
    A `tracking-started` mark alone is none: it says tasks before it were not imported, which is how imports work."""
    rules = {f.rule for f in flags}
    found = []
    if "episode.past-18" in rules:
        found.append(PAST_18)
    if "history.unknown" in rules:
        found.append(HISTORY_UNKNOWN)
    if child.dob is None:
        found.append(NO_DOB)
    return found


def attention_key(row: dict) -> tuple:
    """What needs attention first: an overdue review; then more of the IRO's own tasks overdue; then the review due
    soonest (most overdue first, no open review last); then the child's id."""
    days = row["review_days"]
    return (not (days is not None and days < 0), -row["own_overdue"], days is None, days or 0, row["child_id"])


def csv_row(row: dict) -> dict:
    """A caseload row for CSV: its problems joined with "; " ("" for none)."""
    return {**row, "problems": "; ".join(row["problems"])}


def _rule_type(profile, ob: Obligation) -> str | None:
    rule = profile.rules.get(ob.rule)
    return rule.type if rule is not None else None


def _overdue(rows: list[dict]) -> int:
    return sum(1 for r in rows if r["status"] == "overdue")


def _latest(timeline: list[Event], kinds: tuple[str, ...], as_of: dt.date) -> dt.date | None:
    return max((e.date for e in timeline if e.kind in kinds and e.date <= as_of), default=None)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None
