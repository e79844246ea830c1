"""Obligations for a caseload: read from the obligation table the store keeps, derived live where it cannot
answer (store/kept.py says which). The store is passed in, so this module opens nothing itself.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from irocli.domain import Child, Event, Obligation


def caseload(store, profile, as_of: dt.date, *, iro=None, team=None, history=False, due_by: dt.date | None = None,
             notices: Notices | None = None, covers: bool = False) -> Iterator[tuple[Child, Obligation]]:
    """(child, obligation) for every obligation of every child (only ``iro``'s or ``team``'s when given; with
    ``covers``, ``iro``'s are also the children that IRO covers on ``as_of``, store/queries.match_filters) as of
    ``as_of``; ``history`` keeps those met or missed; without it, ``due_by`` leaves out open ones due after it.

    Read from the obligation table (store/kept.py) for each child whose stored rows are current and answer for
    ``as_of``; derived live (engine.derive) for the others: those stale (another profile, calendar or engine,
    never stored: ``notices`` is told once, naming `irocli db refresh`) and those with an event recorded after
    ``as_of`` (the table holds what is known now) or an as-of day past the school terms derived (silently: both
    are the table's limits, not faults); ``notices.deriving`` counts the children derived live.
    Either way each obligation is the engine's, seen from ``as_of`` (Obligation.settle). Raises what the store
    raises."""
    notices = notices or Notices()
    key, plan = _plan(store, profile, as_of, iro, team, notices, covers=covers)
    for child, ob in store.kept_obligations(key, as_of, iro=iro, team=team, open_only=not history, due_by=due_by,
                                            covers=covers):
        if ob.settle(as_of, history):
            yield child, ob
    live = plan.live
    if not live:
        return
    from irocli.engine import derive
    # Millions of short-lived, acyclic objects: the cyclic collector only costs time here.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with notices.deriving(len(live)) as done:
            for child, events in store.iter_caseload(iro=iro, team=team, child_ids=live,
                                                     covers_on=as_of if covers else None):
                for ob in derive(child.id, events, profile, as_of, dob=child.dob, history=history).obligations:
                    yield child, ob
                done(1)
    finally:
        if was_enabled:
            gc.enable()


def with_obligations(store, profile, as_of: dt.date, *, iro=None, team=None, notices: Notices | None = None,
                     covers: bool = False) -> Iterator[tuple[Child, list[Event], list[Obligation]]]:
    """(child, events, obligations) for every child (only ``iro``'s or ``team``'s; with ``covers``, ``iro``'s are
    also the children that IRO covers on ``as_of``), in id order: the events as store.iter_caseload streams them,
    the obligations (history included) as caseload gives them -- from the table where it answers, merged by child
    id, else derived live. For reports that need both (the KPI, `irocli caseload`)."""
    notices = notices or Notices()
    key, plan = _plan(store, profile, as_of, iro, team, notices, covers=covers)
    live = plan.live
    from irocli.engine import derive

    stored = store.kept_obligations(key, as_of, iro=iro, team=team, covers=covers)
    pending = next(stored, None)
    with notices.deriving(len(live)) as done:
        for child, events in store.iter_caseload(iro=iro, team=team, covers_on=as_of if covers else None):
            if child.id in live:
                yield child, events, derive(child.id, events, profile, as_of, dob=child.dob, history=True).obligations
                done(1)
                continue
            obligations = []
            while pending is not None and pending[0].id == child.id:
                if pending[1].settle(as_of):
                    obligations.append(pending[1])
                pending = next(stored, None)
            yield child, events, obligations


def _plan(store, profile, as_of: dt.date, iro, team, notices: Notices, covers: bool = False):
    """The fingerprint ``profile`` stores rows under, and which children the table cannot serve as of ``as_of``
    (queries.KeptPlan; ``covers``: with those ``iro`` covers that day); ``notices`` told of stale ones."""
    from irocli.store.kept import fingerprint

    key = fingerprint(profile).key
    plan = store.kept_plan(key, as_of, iro=iro, team=team, covers=covers)
    if plan.stale:
        notices.stale(len(plan.stale))
    return key, plan


class Notices:
    """What a report tells the person running it while it reads obligations (the CLI's says it on stderr; this
    one says nothing): ``stale(count)`` once, when children's stored obligations were stale and so derived
    live; ``deriving(total)`` a context manager around deriving ``total`` children live, giving a function
    called with the number done after each."""

    def stale(self, count: int) -> None:
        """``count`` children's stored obligations were stale (see stale_message)."""

    @contextmanager
    def deriving(self, total: int) -> Iterator[Callable[[int], None]]:
        """Around deriving ``total`` children live: yields the function told how many more are done."""
        yield _nothing


def _nothing(_done: int) -> None:
    pass


def stale_message(count: int) -> str:
    """What a report says once when it derived stale children live."""
    children = "1 child's" if count == 1 else f"{count:,} children's"
    return (f"{children} stored obligations are missing or were derived with another profile, calendar or "
            "irocli: derived live; `irocli db refresh` stores them")


def due_rows(store, profile, as_of: dt.date, *, within: int | None, iro=None, team=None,
             arithmetic: bool = False, owner: str | None = None, notices: Notices | None = None) -> list[dict]:
    """Open obligations due within `within` calendar days (None: only overdue), plus everything
    overdue, as reports.rows.obligation_row dicts in caseload order (sort them with rows.sort_rows).

    A child has one open review obligation at a time (the engine guarantees it). Each row's ``cover`` names the
    IRO covering the child on ``as_of`` (Store.cover), else None; ``iro`` takes in the children it covers. With
    arithmetic=True each row also carries how its date was worked out (for the calendar). With
    ``owner``, only the obligations that owner must act on (RULES §6). ``notices``: see caseload.
    """
    from irocli.reports.rows import obligation_row

    horizon = as_of + dt.timedelta(days=within) if within is not None else as_of - dt.timedelta(days=1)
    rows = []
    covers = store.covers_in_force(as_of)
    for child, ob in caseload(store, profile, as_of, iro=iro, team=team, due_by=horizon, notices=notices,
                              covers=True):
        if ob.status.is_open and ob.due <= horizon:
            row = obligation_row(ob, child, as_of)
            row["cover"] = covers[child.id].iro if child.id in covers else None
            if arithmetic:
                row["arithmetic"] = ob.derivation.arithmetic
            rows.append(row)
    return rows if owner is None else [row for row in rows if row["owner"] == owner]


def child_initials(store, *, iro=None, team=None, as_of: dt.date | None = None) -> dict[str, str]:
    """Child id → initials, for the children a due list may name (only ``iro``'s or ``team``'s; with ``as_of``, the
    children ``iro`` covers that day too)."""
    return {c.id: c.initials for c in store.list_children(iro=iro, team=team, covers_on=as_of)}
