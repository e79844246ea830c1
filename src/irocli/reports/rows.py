"""The JSON/CSV contract of CONTRACT.md, defined once: every view renders these rows.

Imports only the stdlib and domain values.
"""

from __future__ import annotations

import datetime as dt

from irocli.domain import Child, Obligation

FIELDS = ("child_id", "obligation", "title", "due", "status", "days", "anchor", "iro", "team", "source", "owner",
          "cover")
CSV_FIELDS = ("child_id", "obligation", "title", "due", "status", "days", "anchor_kind",
              "anchor_date", "iro", "team", "source", "owner", "met_on", "cover")


def obligation_row(ob: Obligation, child: Child | None, as_of: dt.date) -> dict:
    """The CONTRACT row of one obligation (FIELDS but ``cover``, plus met_on once met): dates ISO, `days` calendar
    days from ``as_of`` to the due date (negative when overdue). The due list adds ``cover`` (compute.due_rows:
    the IRO covering the child on ``as_of``, else None; appended to the contract, so last)."""
    row = {
        "child_id": ob.child_id,
        "obligation": ob.rule,
        "title": ob.title,
        "due": ob.due.isoformat(),
        "status": ob.status.value,
        "days": ob.days(as_of),
        "anchor": {"kind": ob.anchor_kind, "date": ob.anchor_date.isoformat()},
        "iro": child.iro if child else None,
        "team": child.team if child else None,
        "source": ob.source,
        "owner": ob.owner,
    }
    if ob.met_on is not None:
        row["met_on"] = ob.met_on.isoformat()
    return row


def split_by_owner(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """The IRO's own obligations (owner iro) and those someone else must act on (RULES §6): the e-mail's
    "Yours" and "To chase", the caseload's counts."""
    yours = [r for r in rows if (r.get("owner") or "iro") == "iro"]
    chase = [r for r in rows if (r.get("owner") or "iro") != "iro"]
    return yours, chase


def explain_row(ob: Obligation, as_of: dt.date) -> dict:
    """`explain`'s row: obligation_row without iro and team, with the rule's offset and the arithmetic text."""
    d = ob.derivation
    row = obligation_row(ob, None, as_of)
    del row["iro"], row["team"]
    row["offset"] = d.offset
    row["arithmetic"] = d.arithmetic
    return row


# `explain --format csv`: one row per obligation, explain_row flattened; `child show --format csv`:
# the page's obligations (obligation_row and its arithmetic), events being `event list`'s.
EXPLAIN_CSV_FIELDS = (*(f for f in CSV_FIELDS if f not in ("iro", "team", "cover")), "offset", "arithmetic")
PAGE_CSV_FIELDS = (*(f for f in CSV_FIELDS if f != "cover"), "arithmetic")


def flat(row: dict) -> dict:
    """A row for CSV: anchor flattened to anchor_kind, anchor_date."""
    out = {k: v for k, v in row.items() if k != "anchor"}
    anchor = row.get("anchor") or {}
    out["anchor_kind"] = anchor.get("kind")
    out["anchor_date"] = anchor.get("date")
    return out


def sort_rows(rows: list[dict], by: str = "due") -> list[dict]:
    """Rows ordered by due date (then child, rule), by IRO (unallocated last) or by child."""
    if by == "iro":
        return sorted(rows, key=lambda r: (r.get("iro") or "~", r["due"], r["child_id"]))
    if by == "child":
        return sorted(rows, key=lambda r: (r["child_id"], r["due"]))
    return sorted(rows, key=lambda r: (r["due"], r["child_id"], r["obligation"]))


# `irocli caseload` (reports/caseload.py): one row per child. Dates ISO or None; review_days calendar days from the
# as-of day to the review's due date (negative when overdue); the four counts are of what `irocli due` lists for the
# child (overdue, or due within 28 days), split by owner (split_by_owner); problems a list of short texts (CSV: "; ").
CASELOAD_FIELDS = ("child_id", "initials", "iro", "team", "looked_after", "review_due", "review_booked", "review_days",
                   "own", "own_overdue", "to_chase", "to_chase_overdue", "last_visit", "last_contact",
                   "escalation_stage", "escalations_open", "cp_status", "problems", "cover")
