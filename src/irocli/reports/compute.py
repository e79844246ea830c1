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
    """(child, obligation) for every obligation of every child (only ``iro``'s or ``team``'s when given)
    derived as of ``as_of``; ``history`` keeps those met or missed. Raises what the store raises."""
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
             arithmetic: bool = False, owner: str | None = None) -> list[dict]:
    """Open obligations due within `within` calendar days (None: only overdue), plus everything
    overdue, as reports.rows.obligation_row dicts in caseload order (sort them with rows.sort_rows).

    A child has one open review obligation at a time (the engine guarantees it). With
    arithmetic=True each row also carries how its date was worked out (for the calendar). With
    ``owner``, only the obligations that owner must act on (RULES §6).
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
    return rows if owner is None else [row for row in rows if row["owner"] == owner]


def child_initials(store, *, iro=None, team=None) -> dict[str, str]:
    """Child id → initials, for the children a due list may name (only ``iro``'s or ``team``'s)."""
    return {c.id: c.initials for c in store.list_children(iro=iro, team=team)}
