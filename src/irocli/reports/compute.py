"""Obligations for a caseload: the store streams children and events, the engine derives.

Imports the engine; the store is passed in, so this module opens nothing itself.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator

from irocli.domain import Child, Obligation
from irocli.engine import derive


def caseload(store, profile, as_of: dt.date, *, iro=None, team=None, history=False
             ) -> Iterator[tuple[Child, Obligation]]:
    # Millions of short-lived, acyclic objects: the cyclic collector only costs time here.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for child, events in store.iter_caseload(iro=iro, team=team):
            for ob in derive(child.id, events, profile, as_of, dob=child.dob, history=history).obligations:
                yield child, ob
    finally:
        if was_enabled:
            gc.enable()


def due_rows(store, profile, as_of: dt.date, *, within: int | None, iro=None, team=None,
             arithmetic: bool = False) -> list[dict]:
    """Open obligations due within `within` days (None: only overdue), plus everything overdue.

    A child has one open review obligation at a time (the engine guarantees it). With
    arithmetic=True each row also carries how its date was worked out (for the calendar).
    """
    from irocli.reports.rows import obligation_row

    horizon = as_of + dt.timedelta(days=within) if within is not None else as_of - dt.timedelta(days=1)
    rows = []
    for child, ob in caseload(store, profile, as_of, iro=iro, team=team):
        if ob.status.is_open and ob.due <= horizon:
            row = obligation_row(ob, child, as_of)
            if arithmetic:
                row["arithmetic"] = ob.derivation.arithmetic
            rows.append(row)
    return rows
