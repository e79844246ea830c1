"""`irocli iro list`: each IRO's caseload on a day against the profile's caseload band, from the allocation
history (who was allocated on that day, not today's IRO) and the covers in force that day.

Pure over what Store.iro_service reads; plain dicts come out (JSON as is, CSV flat, render.iro_table draws them).
"""

from __future__ import annotations

import datetime as dt

from irocli.domain import iro_on, name_key
from irocli.reports.kpi import _band, episodes, in_care_on

FIELDS = ("iro", "looked_after", "allocated", "band", "band_low", "band_high", "covering", "covered", "source")
UNALLOCATED = None  # the row of children no IRO was allocated to on the day (iro null)


def caseloads(service, covers, profile, day: dt.date) -> list[dict]:
    """One row per IRO (FIELDS) as of ``day``, by name (any case), then a row with ``iro`` None for the children
    looked after with no IRO allocated that day (when there are any).

    ``service``: Store.iro_service's (child, episode events, allocation history) triples; ``covers``: the cover
    rows in force on ``day`` (queries.Cover). The IRO of a child on the day is domain.iro_on's: its latest
    allocation by then, the first's before it, the IRO named on it when its history names no one.
    ``looked_after``: the children allocated to the IRO on the day
    who were in an episode of care (reports.kpi.episodes, the KPI's caseload rule: entered-care to left-care or
    adoption order, the day of leaving not in care); ``allocated``: every child allocated to them that day, in
    care or not (a child not yet born that day is nobody's); ``band``: below, within or above the profile's [kpi]
    caseload_band (``band_low`` to
    ``band_high`` looked-after children, both included; ``source``: the profile's own, e.g. IRO Handbook 2010
    para 7.15); ``covering``: children they cover that day for an IRO on leave (a cover counts while the IRO
    covered is the child's IRO that day; the later recorded where two overlap); ``covered``: their own
    children someone else covers that day. Names of one person spelt two ways count apart (`iro rename`)."""
    low, high = profile.kpi.caseload_band
    rows: dict[str | None, dict] = {}

    def row(iro: str | None) -> dict:
        if iro not in rows:
            rows[iro] = {"iro": iro, "looked_after": 0, "allocated": 0, "band": None, "band_low": low,
                         "band_high": high, "covering": 0, "covered": 0, "source": profile.kpi.caseload_source}
        return rows[iro]

    allocated: dict[str, str | None] = {}
    for child, events, history in service:
        if child.dob is not None and child.dob > day:
            continue  # not born yet on the day: nobody's caseload
        iro = iro_on(child.iro, history, day)
        allocated[child.id] = iro
        looked_after = in_care_on(episodes(events, day), day)
        if iro is None and not looked_after:
            continue
        entry = row(iro)
        entry["allocated"] += iro is not None
        entry["looked_after"] += looked_after
    in_force: dict[str, object] = {}
    for cover in covers:  # by id: a later cover replaces an earlier one
        current = allocated.get(cover.child_id)
        if current is not None and name_key(current) == name_key(cover.absent):
            in_force[cover.child_id] = cover
    for child_id, cover in in_force.items():
        row(cover.iro)["covering"] += 1
        row(allocated[child_id])["covered"] += 1
    out = []
    for iro in sorted((k for k in rows if k is not None), key=lambda k: (k.casefold(), k)):
        entry = rows[iro]
        entry["band"] = _band(entry["looked_after"], (low, high))
        out.append(entry)
    if None in rows:
        out.append(rows[None])
    return out
