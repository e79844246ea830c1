"""Where the case system's own review due date and irocli's disagree, child by child.

The system's date comes from an extract (events of kind system-review-due; the latest per child);
irocli's is the child's open review obligation under the active profile. Imports the engine and
domain; the store is passed in; render.discrepancies_table draws the rows.
"""

from __future__ import annotations

import datetime as dt

from irocli.engine import REVIEW_TYPES, derive

FIELDS = ("child_id", "system_due", "irocli_due", "difference_days", "obligation", "title", "source",
          "arithmetic", "iro", "team")


def discrepancy_rows(store, profile, as_of: dt.date, *, iro: str | None = None, team: str | None = None
                     ) -> list[dict]:
    """One row per child whose latest system due date is not irocli's open review's due date.

    difference_days = system due - irocli due: positive when the case system allows longer than
    irocli's rule does. A child with no open review in irocli (not looked after on the as-of
    date) is left out: there is nothing to compare.
    """
    system = store.latest_event_dates("system-review-due", iro=iro, team=team)
    rows = []
    if not system:
        return rows
    for child, events in store.iter_caseload(iro=iro, team=team, child_ids=list(system)):
        system_due = system[child.id]
        outcome = derive(child.id, events, profile, as_of, dob=child.dob, history=False)
        review = next((o for o in outcome.open() if profile.rules[o.rule].type in REVIEW_TYPES), None)
        if review is None or review.due == system_due:
            continue
        rows.append({
            "child_id": child.id,
            "system_due": system_due.isoformat(),
            "irocli_due": review.due.isoformat(),
            "difference_days": (system_due - review.due).days,
            "obligation": review.rule,
            "title": review.title,
            "source": review.source,
            "arithmetic": review.derivation.arithmetic,
            "iro": child.iro,
            "team": child.team,
        })
    rows.sort(key=lambda r: r["child_id"])
    return rows
