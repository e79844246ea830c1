"""Plain-Python reference for the national recompute: the floor irocli's `overdue` is measured against.

    python bench/reference_recompute.py STORE [--as-of 2026-11-23] [-o OUT.csv]

Reads the store with stdlib sqlite3 (streamed, one child at a time), does the England profile's
arithmetic for every child and writes the same CSV as `irocli --profile england overdue --format
csv`: every open obligation due before the as-of date, sorted by (due, child, obligation).

What it computes, per episode of care (RULES.md §1.2 as src/irocli/engine reads it):
  review.first 20 working days after entered-care; review.second 3 months after the first review
  was held; review.subsequent 6 months after each later one (chained from held dates); the open
  review is the obligation. After each held review, task.decisions (5 WD) and
  task.record-distributed (20 WD), met by the first completing event in [held, next held). Before
  the open review, task.iro-visit (R - 1 day), met by an iro-visit since the last review.
  ms.care-plan (entered-care + 10 WD), ms.iro-before-first-review (by the first review's due date,
  met by iro-allocated within the episode); both are missed, not open, once the episode has ended.
  ms.pathway (16th birthday, or 13 weeks in care if later, + 3 months; not built more than a year
  ahead). left-care (or re-entering care) ends the episode and drops a review not yet held.
Not modelled, because bench/generate.py never emits them: placement-order and placed-for-adoption
restarts, adjournments, bookings, directed reviews and proposed changes. If the store has any,
the reference says so on stderr (its output would then not be comparable).

Working days: a sorted list of working-day ordinals built from irocli's cached bank-holiday table
(irocli.engine._bank_holidays: the holidays package's days, a committed table), one bisect per
deadline. Months: cached relativedelta instances, as the engine does.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sqlite3
import sys
import time
import tomllib
from bisect import bisect_left, bisect_right
from pathlib import Path

from dateutil.relativedelta import relativedelta

import irocli
from irocli.engine import _bank_holidays

FIELDS = ("child_id", "obligation", "title", "due", "status", "days", "anchor_kind", "anchor_date",
          "iro", "team", "source", "met_on")
NOT_MODELLED = frozenset({"placement-order", "placed-for-adoption", "review-adjourned", "review-booked",
                          "review-directed", "change-proposed"})
WALK_ORDER = {"entered-care": 0, "review-held": 3, "left-care": 9, "adoption-order": 9}


def working_day_index() -> list[int]:
    first, last = _bank_holidays.DEFAULT_FIRST_YEAR, _bank_holidays.DEFAULT_LAST_YEAR
    closed = {day.toordinal() for day in _bank_holidays.bank_holidays(first, last)}
    start = dt.date(first, 1, 1).toordinal()
    end = dt.date(last, 12, 31).toordinal()
    return [o for o in range(start, end + 1) if (o - 1) % 7 < 5 and o not in closed]


def rule_texts() -> dict[str, tuple[str, str]]:
    """Titles and sources from the shipped England profile (data, not arithmetic)."""
    path = Path(irocli.__file__).parent / "profiles" / "england.toml"
    with path.open("rb") as fh:
        rules = tomllib.load(fh)["rules"]
    return {rid: (r["title"], r["source"]) for rid, r in rules.items()}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="plain-Python England recompute (bench floor)")
    ap.add_argument("store", type=Path)
    ap.add_argument("--as-of", default="2026-11-23")
    ap.add_argument("-o", "--output", type=Path, help="CSV file (default stdout)")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    as_of = dt.date.fromisoformat(args.as_of)
    as_of_iso = as_of.isoformat()
    idx = working_day_index()
    fromordinal = dt.date.fromordinal
    fromiso = dt.date.fromisoformat
    one_day = dt.timedelta(days=1)
    thirteen_weeks = dt.timedelta(weeks=13)
    age_horizon = as_of + dt.timedelta(days=365)  # age milestones more than a year ahead are not built
    m3 = relativedelta(months=3)
    m6 = relativedelta(months=6)
    y16 = relativedelta(months=192)
    texts = rule_texts()

    def wd(day: dt.date, n: int) -> dt.date:  # n > 0 working days after day
        return fromordinal(idx[bisect_right(idx, day.toordinal()) + n - 1])

    def found(dates, start, stop, inclusive_start=True, inclusive_stop=False) -> bool:
        """Is there a date in the window from start to stop (stop None: open-ended)?"""
        if not dates:
            return False
        i = bisect_left(dates, start) if inclusive_start else bisect_right(dates, start)
        if i == len(dates):
            return False
        if stop is None:
            return True
        return dates[i] <= stop if inclusive_stop else dates[i] < stop

    out: list[tuple] = []  # (due, child, rule, anchor_kind, anchor_date)
    skipped: dict[str, int] = {}

    def child_obligations(cid: str, evs: list[tuple[str, dt.date]], dob: dt.date | None) -> None:
        by_kind: dict[str, list[dt.date]] = {}
        walk = []
        for k, d in evs:
            lst = by_kind.get(k)
            if lst is None:
                by_kind[k] = [d]
            else:
                lst.append(d)
            if k in WALK_ORDER:
                walk.append((d, WALK_ORDER[k], k))
            elif k in NOT_MODELLED:
                skipped[k] = skipped.get(k, 0) + 1
        walk.sort(key=lambda w: (w[0], w[1]))  # stable: same-day events keep their id order

        # the timeline: episodes of cycles; a cycle is [held, due, rule, anchor_kind, anchor_date,
        # opened, first_window, position in the sequence]
        episodes = []
        ep = cyc = None
        for d, _, k in walk:
            if k == "entered-care":
                if ep is not None:  # re-entered with no left-care: the old episode ends
                    ep[1] = d
                    if cyc[0] is None:
                        ep[2].pop()
                cyc = [None, wd(d, 20), "review.first", "entered-care", d, d, True, 0]
                ep = [d, None, [cyc]]
                episodes.append(ep)
            elif ep is None:
                continue
            elif k == "review-held":
                cyc[0] = d
                pos = cyc[7] + 1
                if pos == 1:
                    cyc = [None, d + m3, "review.second", "review-held", d, d, False, 1]
                else:
                    cyc = [None, d + m6, "review.subsequent", "review-held", d, d, False, pos]
                ep[2].append(cyc)
            else:  # left-care, adoption-order
                ep[1] = d
                if cyc[0] is None:
                    ep[2].pop()
                ep = cyc = None

        decisions = by_kind.get("decisions-circulated")
        distributed = by_kind.get("record-distributed")
        visits = by_kind.get("iro-visit")
        for start, end, cycles in episodes:
            last = len(cycles) - 1
            for i, c in enumerate(cycles):
                held = c[0]
                if held is None:
                    due = c[1]
                    if due < as_of:
                        out.append((due, cid, c[2], c[3], c[4]))
                    visit_due = max(due - one_day, c[5])  # never before the window opened
                    if visit_due < as_of and not found(visits, c[5], None, c[6]):
                        out.append((visit_due, cid, "task.iro-visit", c[2], due))
                    continue
                nxt = cycles[i + 1][0] if i < last else None
                due = wd(held, 5)
                if due < as_of and not found(decisions, held, nxt):
                    out.append((due, cid, "task.decisions", "review-held", held))
                due = wd(held, 20)
                if due < as_of and not found(distributed, held, nxt):
                    out.append((due, cid, "task.record-distributed", "review-held", held))
            if cycles and end is None:  # an ended episode's milestones are missed, not open
                due = cycles[0][1]
                if due < as_of and not found(by_kind.get("iro-allocated"), start, end, True, True):
                    out.append((due, cid, "ms.iro-before-first-review", cycles[0][2], due))

        entries = by_kind.get("entered-care", ())
        plans = by_kind.get("care-plan")
        for j, d in enumerate(entries):
            if any(start <= d <= end for start, end, _ in episodes if end is not None):
                continue  # the episode has ended: missed, not open
            due = wd(d, 10)
            nxt = entries[j + 1] if j + 1 < len(entries) else None
            if due < as_of and not found(plans, d, nxt):
                out.append((due, cid, "ms.care-plan", "entered-care", d))

        if dob is not None and episodes:
            bday = dob + y16
            for start, end, _ in episodes:
                anchor = max(bday, start + thirteen_weeks)
                if not (start <= anchor and (end is None or anchor < end)) or anchor > age_horizon:
                    continue
                due = anchor + m3
                if due < as_of and not found(by_kind.get("pathway-assessment"), start, end, True, True):
                    out.append((due, cid, "ms.pathway", "birthday" if anchor == bday else "eligible", anchor))
                break

    con = sqlite3.connect(f"file:{args.store}?mode=ro", uri=True)
    children = {cid: (dob, iro, team) for cid, dob, iro, team in
                con.execute("SELECT id, dob, iro, team FROM child")}
    t1 = time.perf_counter()
    n_events = 0
    cur = con.execute("SELECT child_id, kind, date, meeting FROM event WHERE voided_at IS NULL "
                      "ORDER BY child_id, date, id")
    current = None
    evs: list[tuple[str, dt.date]] = []
    for cid, kind, day, _meeting in cur:
        n_events += 1
        if cid != current:
            if current is not None:
                dob = children.get(current, (None,))[0]
                child_obligations(current, evs, fromiso(dob) if dob else None)
            current, evs = cid, []
        if day > as_of_iso:  # the engine ignores events after as_of (forward kinds aside)
            continue
        evs.append((kind, fromiso(day)))
    if current is not None:
        dob = children.get(current, (None,))[0]
        child_obligations(current, evs, fromiso(dob) if dob else None)
    con.close()
    t2 = time.perf_counter()

    out.sort(key=lambda r: (r[0], r[1], r[2]))
    fh = args.output.open("w", newline="", encoding="utf-8") if args.output else sys.stdout
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(FIELDS)
    for due, cid, rule, anchor_kind, anchor_date in out:
        _, iro, team = children[cid]
        title, source = texts[rule]
        w.writerow((cid, rule, title, due.isoformat(), "overdue", (due - as_of).days, anchor_kind,
                    anchor_date.isoformat(), iro or "", team or "", source, ""))
    if args.output:
        fh.close()
    else:
        fh.flush()
    t3 = time.perf_counter()
    print(f"reference: {len(children):,} children, {n_events:,} events, {len(out):,} overdue rows; "
          f"set-up+children {t1 - t0:.2f} s, read+compute {t2 - t1:.2f} s, sort+write {t3 - t2:.2f} s",
          file=sys.stderr)
    if skipped:
        print(f"reference: WARNING kinds not modelled were present: {skipped}", file=sys.stderr)


if __name__ == "__main__":
    main()
