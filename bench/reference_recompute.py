"""Plain-Python reference for the national recompute: the floor irocli's `overdue` is measured against.

    python bench/reference_recompute.py STORE [--as-of 2026-11-23] [-o OUT.csv]

Reads the store with stdlib sqlite3 (streamed, one child at a time), does the England profile's
arithmetic for every child and writes the same CSV as `irocli --profile england overdue --format
csv` (byte for byte): every open obligation due before the as-of date, sorted by (due, child,
obligation). It is written from RULES.md and profiles/england.toml, not from the engine's code,
and models only what bench/generate.py can produce.

Episodes of care: entered-care opens one (re-entering with no left-care ends the one before),
left-care / adoption-order ends it and drops a review not yet held. Nothing is due on or after the
18th birthday. What is derived, per child:

  every episode
    task.decisions (5 WD) and task.record-distributed (20 WD) after each held review, met by the
    first completing event in [held, next held).
    ms.care-plan: 10 WD after each entered-care, met by a care-plan before the next entry; missed
    (not open) once the episode has ended.
    ms.pathway: 16th birthday, or 13 weeks in care if later, + 3 months, in the first episode that
    holds that day (not built more than a year ahead); met by a pathway-assessment in the episode,
    missed once it has ended.
  the open episode only (everything else of an ended episode is met, missed or never owed)
    review.first (20 WD after entering care), review.second (3 months after the first review held),
    review.subsequent (6 months after each later one): the review not yet held.
    task.iro-contact-child: the day before that review (never before its window opened), moved back
    to a working day; met by an iro-visit / iro-contact / iro-contact-declined in the window.
    ms.iro-before-first-review: the first review's due date while it is not held; met by any
    iro-allocated (or review-held) on or before it.
    Placements: the episode's start and each placement-change in it. The open placement owes
    visit.sw-first (1 week), ms.placement-plan and notify.placement-iro (5 WD); when it is not the
    first, notify.placement-end of the one before (due the day it ended).
    health.iha (20 WD after entering care).
    health.sdq: 12 months from the later of entering care and the 4th birthday, unless that falls
    on or after the 17th birthday.
    School age ([terms] of the profile): from the school year after the one the 4th birthday falls
    in to the one the 16th falls in. ms.pep-start / ms.pep: 10 / 20 WD from the later of entering
    care and the first day of school age (if that is by the as-of date and within school age);
    ms.pep-review: the last day of each term that begins after the episode began, of school age,
    by the as-of date.

Not modelled, because bench/generate.py never emits their kinds: social worker's visits (sw-visit:
visit.sw-first met, visit.sw-interval), visit regimes and temporary approvals, health assessments
and SDQs (health.iha met, health.rha), PEPs (ms.pep* met), placement plans and IRO notices (met,
and which placement a notice belongs to), secure accommodation, remands, short breaks, placement
orders and adoption restarts, adjournments, bookings, directed reviews and proposed changes,
missing episodes, child protection, escalations, imported-history windows. If the store holds any
kind outside what is modelled, the reference names it on stderr (its output would then not be
comparable).

Working days: a sorted list of working-day ordinals built from irocli's cached bank-holiday table
(irocli.engine._bank_holidays: the holidays package's days, a committed table), one bisect per
deadline. Months: cached relativedelta instances, results cached by (day, months); birthdays by
replacing the year (29 February: 28 February in a common year, the profile's leap_birthday). Titles,
sources, owners and the school terms are read from the shipped england.toml (data, not arithmetic).
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
from operator import itemgetter
from pathlib import Path

from dateutil.relativedelta import relativedelta

import irocli
from irocli.engine import _bank_holidays

FIELDS = ("child_id", "obligation", "title", "due", "status", "days", "anchor_kind", "anchor_date",
          "iro", "team", "source", "owner", "met_on")
VISIT_KINDS = ("iro-visit", "iro-contact", "iro-contact-declined")  # task.iro-contact-child
MODELLED = frozenset({"entered-care", "left-care", "adoption-order", "review-held", "decisions-circulated",
                      "record-distributed", "iro-allocated", "care-plan", "placement-change", "pathway-assessment",
                      *VISIT_KINDS})
WALK_ORDER = {"entered-care": 0, "review-held": 3, "left-care": 9, "adoption-order": 9}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # CSV cells a spreadsheet would run get a leading '


def working_day_index() -> list[int]:
    first, last = _bank_holidays.DEFAULT_FIRST_YEAR, _bank_holidays.DEFAULT_LAST_YEAR
    closed = {day.toordinal() for day in _bank_holidays.bank_holidays(first, last)}
    start = dt.date(first, 1, 1).toordinal()
    end = dt.date(last, 12, 31).toordinal()
    return [o for o in range(start, end + 1) if (o - 1) % 7 < 5 and o not in closed]


def profile_data() -> tuple[dict[str, tuple[str, str, str]], dict]:
    """(title, source, owner) of each rule, and the [terms] table, from the shipped England profile."""
    path = Path(irocli.__file__).parent / "profiles" / "england.toml"
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return {rid: (r["title"], r["source"], r["owner"]) for rid, r in data["rules"].items()}, data["terms"]


def safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


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
    idx_set = frozenset(idx)
    fromordinal = dt.date.fromordinal
    fromiso = dt.date.fromisoformat
    one_day = dt.timedelta(days=1)
    one_week = dt.timedelta(weeks=1)
    thirteen_weeks = dt.timedelta(weeks=13)
    age_horizon = as_of + dt.timedelta(days=365)  # age milestones more than a year ahead are not built
    texts, terms_table = profile_data()

    # school terms: (month, day) pairs; a pattern day before the year's start is in the next calendar year
    sy_month, sy_day = (int(x) for x in terms_table["year_starts"].split("-"))
    year_starts = (sy_month, sy_day)
    if terms_table.get("years"):
        sys.exit("reference: [terms] years (a school year's own dates) are not modelled")
    pattern = [(tuple(int(x) for x in t["first"].split("-")), tuple(int(x) for x in t["last"].split("-")))
               for t in terms_table["pattern"]]
    year_terms: dict[int, list[tuple[dt.date, dt.date]]] = {}

    def pattern_day(year: int, md: tuple[int, int]) -> dt.date:
        return dt.date(year if md >= year_starts else year + 1, *md)

    def terms_of(year: int) -> list[tuple[dt.date, dt.date]]:  # school year `year`'s (first, last) days
        found = year_terms.get(year)
        if found is None:
            found = year_terms[year] = [(pattern_day(year, f), pattern_day(year, la)) for f, la in pattern]
        return found

    def school_year(day: dt.date) -> int:
        return day.year if (day.month, day.day) >= year_starts else day.year - 1

    months_cache: dict[tuple[dt.date, int], dt.date] = {}
    rd = {n: relativedelta(months=n) for n in (3, 6, 12)}

    def add_months(day: dt.date, n: int) -> dt.date:
        key = (day, n)
        found = months_cache.get(key)
        if found is None:
            found = months_cache[key] = day + rd[n]
        return found

    def birthday(dob: dt.date, years: int) -> dt.date:  # 29 February: 28 February in a common year (feb-28)
        try:
            return dob.replace(year=dob.year + years)
        except ValueError:
            return dob.replace(year=dob.year + years, day=28)

    def wd(day: dt.date, n: int) -> dt.date:  # n > 0 working days after day
        return fromordinal(idx[bisect_right(idx, day.toordinal()) + n - 1])

    def before_working_day(day: dt.date) -> dt.date:  # day, or the working day before it
        o = day.toordinal()
        return day if o in idx_set else fromordinal(idx[bisect_left(idx, o) - 1])

    def after_working_day(day: dt.date) -> dt.date:  # day, or the working day after it
        o = day.toordinal()
        return day if o in idx_set else fromordinal(idx[bisect_right(idx, o)])

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
            elif k not in MODELLED:
                skipped[k] = skipped.get(k, 0) + 1
        walk.sort(key=lambda w: (w[0], w[1]))  # stable: same-day events keep their id order
        # nothing is due on or after the 18th birthday; an overdue row is due before the as-of date
        limit = min(as_of, birthday(dob, 18)) if dob is not None else as_of

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
                    cyc = [None, add_months(d, 3), "review.second", "review-held", d, d, False, 1]
                else:
                    cyc = [None, add_months(d, 6), "review.subsequent", "review-held", d, d, False, pos]
                ep[2].append(cyc)
            else:  # left-care, adoption-order
                ep[1] = d
                if cyc[0] is None:
                    ep[2].pop()
                ep = cyc = None
        if not episodes:
            return

        # after each held review, in every episode
        decisions = by_kind.get("decisions-circulated")
        distributed = by_kind.get("record-distributed")
        for _, _, cycles in episodes:
            last = len(cycles) - 1
            for i, c in enumerate(cycles):
                held = c[0]
                if held is None:
                    continue
                nxt = cycles[i + 1][0] if i < last else None
                due = wd(held, 5)
                if due < limit and not found(decisions, held, nxt):
                    out.append((due, cid, "task.decisions", "review-held", held))
                due = wd(held, 20)
                if due < limit and not found(distributed, held, nxt):
                    out.append((due, cid, "task.record-distributed", "review-held", held))

        entries = by_kind["entered-care"]
        plans = by_kind.get("care-plan")
        for j, d in enumerate(entries):
            owner_ep = None  # the last episode begun on or before d (on a day one ends and one begins: the new one)
            for e in reversed(episodes):
                if e[0] <= d:
                    owner_ep = e
                    break
            if owner_ep is not None and owner_ep[1] is not None and d <= owner_ep[1]:
                continue  # the episode has ended: missed, not open
            due = wd(d, 10)
            nxt = entries[j + 1] if j + 1 < len(entries) else None
            if due < limit and not found(plans, d, nxt):
                out.append((due, cid, "ms.care-plan", "entered-care", d))

        bday16 = birthday(dob, 16) if dob is not None else None
        if bday16 is not None:
            for start, end, _ in episodes:
                anchor = max(bday16, start + thirteen_weeks)
                if not (start <= anchor and (end is None or anchor < end)) or anchor > age_horizon:
                    continue
                due = add_months(anchor, 3)
                if end is None and due < limit and \
                        not found(by_kind.get("pathway-assessment"), start, None):
                    out.append((due, cid, "ms.pathway", "birthday" if anchor == bday16 else "eligible", anchor))
                break  # the first episode holding the day has it, whatever its status

        start, end, cycles = episodes[-1]
        if end is not None:
            return  # everything else of an ended episode is met, missed or never owed

        # the review not yet held, the IRO's contact before it, the IRO appointed by the first
        c = cycles[-1]
        review_due = c[1]
        if review_due < limit:
            out.append((review_due, cid, c[2], c[3], c[4]))
        opened = c[5]
        contact = review_due - one_day
        if contact < opened:  # never before the window opened; then moved on, not back
            contact = after_working_day(opened)
        else:
            contact = before_working_day(contact)
        if contact < limit and not (found(by_kind.get("iro-visit"), opened, None, c[6])
                                    or found(by_kind.get("iro-contact"), opened, None, c[6])
                                    or found(by_kind.get("iro-contact-declined"), opened, None, c[6])):
            out.append((contact, cid, "task.iro-contact-child", c[2], review_due))
        if len(cycles) == 1 and review_due < limit and \
                not found(by_kind.get("iro-allocated"), dt.date.min, review_due, True, True) and \
                not found(by_kind.get("review-held"), dt.date.min, review_due, True, True):
            out.append((review_due, cid, "ms.iro-before-first-review", c[2], review_due))

        # the open placement
        moves = by_kind.get("placement-change")
        place = start
        if moves and moves[-1] > start:
            place = moves[-1]
        if place != start:
            kind = "placement-change"
            if place < limit:  # the placement before it ended that day: the IRO told of its end
                out.append((place, cid, "notify.placement-end", kind, place))
        else:
            kind = "entered-care"
        due = place + one_week
        if due < limit:
            out.append((due, cid, "visit.sw-first", kind, place))
        due = wd(place, 5)
        if due < limit:
            out.append((due, cid, "ms.placement-plan", kind, place))
            out.append((due, cid, "notify.placement-iro", kind, place))

        due = wd(start, 20)
        if due < limit:
            out.append((due, cid, "health.iha", "entered-care", start))
        if dob is None:
            return

        bday4 = birthday(dob, 4)
        bday17 = birthday(dob, 17)
        begin = max(start, bday4)
        if begin < bday17:
            due = add_months(begin, 12)
            if due < bday17 and due < limit:
                out.append((due, cid, "health.sdq", "entered-care" if begin == start else "birthday", begin))

        first_year, last_year = school_year(bday4) + 1, school_year(bday16)
        if first_year > last_year:
            return
        age_first, age_last = terms_of(first_year)[0][0], terms_of(last_year)[-1][1]
        begin = max(start, age_first)
        if begin <= age_last and begin <= as_of:
            kind = "entered-care" if begin == start else "school-age"
            due = wd(begin, 10)
            if due < limit:
                out.append((due, cid, "ms.pep-start", kind, begin))
            due = wd(begin, 20)
            if due < limit:
                out.append((due, cid, "ms.pep", kind, begin))
        for year in range(max(school_year(start), first_year), last_year + 1):
            for first, last in terms_of(year):
                if first > as_of:
                    return
                if first > start and last < limit:
                    out.append((last, cid, "ms.pep-review", "term-end", last))

    con = sqlite3.connect(f"file:{args.store}?mode=ro", uri=True)
    children = {cid: (dob, iro, team) for cid, dob, iro, team in
                con.execute("SELECT id, dob, iro, team FROM child")}
    t1 = time.perf_counter()
    n_events = 0
    cur = con.execute("SELECT child_id, kind, date FROM event WHERE voided_at IS NULL ORDER BY child_id, date, id")
    current = None
    evs: list[tuple[str, dt.date]] = []
    for cid, kind, day in cur:
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

    out.sort(key=itemgetter(0, 1, 2))
    texts = {rid: (safe(title), safe(source), safe(owner)) for rid, (title, source, owner) in texts.items()}
    iso: dict[dt.date, tuple[str, int]] = {}  # a date's text and its days from as-of, worked out once

    def text_of(day: dt.date) -> tuple[str, int]:
        found = iso.get(day)
        if found is None:
            found = iso[day] = (day.isoformat(), (day - as_of).days)
        return found

    fh = args.output.open("w", newline="", encoding="utf-8") if args.output else sys.stdout
    w = csv.writer(fh, lineterminator="\r\n")
    w.writerow(FIELDS)
    for due, cid, rule, anchor_kind, anchor_date in out:
        _, iro, team = children[cid]
        title, source, owner = texts[rule]
        due_text, days = text_of(due)
        w.writerow((cid, rule, title, due_text, "overdue", days, anchor_kind, text_of(anchor_date)[0],
                    safe(iro or ""), safe(team or ""), source, owner, ""))
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
