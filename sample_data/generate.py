"""Write irocli's sample caseload: children.csv, events.csv and reference_date.txt.

Deterministic (random.Random seeded per child) and stdlib only: the schedule below mirrors the
blackpool profile closely enough to place reviews and tasks around their due dates; the engine
itself is only used, when importable, to print a summary of what the data shows.

Usage: python sample_data/generate.py [OUTPUT_DIR]   (default: the folder of this script)
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import json
import random
import sys
from collections import Counter
from pathlib import Path

D = dt.date.fromisoformat
REF = D("2026-11-23")  # a Monday: the "today" the data is written for
SEED = 20261123

# England and Wales bank holidays (gov.uk), enough for the years the data spans.
BANK_HOLIDAYS = frozenset(D(s) for s in """
2023-01-02 2023-04-07 2023-04-10 2023-05-01 2023-05-08 2023-05-29 2023-08-28 2023-12-25 2023-12-26
2024-01-01 2024-03-29 2024-04-01 2024-05-06 2024-05-27 2024-08-26 2024-12-25 2024-12-26
2025-01-01 2025-04-18 2025-04-21 2025-05-05 2025-05-26 2025-08-25 2025-12-25 2025-12-26
2026-01-01 2026-04-03 2026-04-06 2026-05-04 2026-05-25 2026-08-31 2026-12-25 2026-12-28
2027-01-01 2027-03-26 2027-03-29 2027-05-03 2027-05-31 2027-08-30 2027-12-27 2027-12-28
""".split())

IROS = ("A. Khan", "B. Okafor", "C. Walsh")
SOCIAL_WORKERS = {
    "North": ("D. Price", "E. Hughes", "F. Morgan"),
    "South": ("G. Patel", "H. Reid", "J. Shaw"),
    "East": ("K. Doyle", "L. Grant", "M. Lowe"),
}
FIRST_NAMES = """Amelia Oliver Isla Noah Ava Leo Freya Arthur Poppy Theo Ivy Oscar Willow Finley
Daisy Harry Rosie Jack Evie Alfie Lily Charlie Florence Jacob Matilda Reuben Esme Ezra Maisie Jude
Phoebe Toby Hallie Ronnie Nancy Albie Elsie Arlo Mabel Rory Orla Louie Clara Stanley Bonnie Teddy
Ada Frankie Iris Hugo Lottie Caleb Martha Sonny Aria Kai Zara Ellis Nell Harvey Lyla
Bobby""".split()
SURNAMES = """Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans
Walker White Roberts Green Hall Wood Jackson Clarke Lewis Harris Martin Cooper King Baker Turner
Hill Ward Moore Parker Bennett Carter Mitchell Cook Bailey Bell Marshall Kelly Murphy Simpson Ellis
Dixon Mason Fletcher Hunt Palmer Holmes Rogers Stevens Lawrence Butler Russell Foster Barnes
Chapman Webb Gibson Lloyd Knight Hayes Warren Spencer Fox""".split()

# Kinds the engine dates on a future day by nature: they may lie after the reference date.
FORWARD = frozenset({"review-booked", "review-directed", "change-proposed"})
KIND_ORDER = {"entered-care": 0, "review-held": 3, "review-adjourned": 3, "left-care": 9,
              "adoption-order": 9}


# ---------------------------------------------------------------------------- date arithmetic
def is_working(d: dt.date) -> bool:
    return d.weekday() < 5 and d not in BANK_HOLIDAYS


def add_wd(d: dt.date, n: int) -> dt.date:
    step = 1 if n >= 0 else -1
    for _ in range(abs(n)):
        d += dt.timedelta(days=step)
        while not is_working(d):
            d += dt.timedelta(days=step)
    return d


def add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    y, m = d.year + y, m + 1
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def days(d: dt.date, n: int) -> dt.date:
    return d + dt.timedelta(days=n)


def workday_back(d: dt.date) -> dt.date:
    while not is_working(d):
        d -= dt.timedelta(days=1)
    return d


def workday_fwd(d: dt.date) -> dt.date:
    while not is_working(d):
        d += dt.timedelta(days=1)
    return d


def birthday(dob: dt.date, years: int) -> dt.date:
    return add_months(dob, 12 * years)


# The blackpool review steps (RULES §1, §1.1) and the sequences triggers start.
STEP = {
    "first": lambda d: add_wd(d, 20),
    "second": lambda d: days(d, 91),
    "subsequent": lambda d: days(d, 183),
    "placement-change": lambda d: add_wd(d, 20),
    "placement-order": lambda d: add_months(d, 3),
    "placed-for-adoption": lambda d: days(d, 28),
    "adoption-second": lambda d: add_months(d, 3),
}
REGULAR = ("first", "second", "subsequent")
TRIGGERS = {
    "placement-change": ("placement-change", "second", "subsequent"),
    "placement-order": ("placement-order", "subsequent"),
    "placed-for-adoption": ("placed-for-adoption", "adoption-second", "subsequent"),
}

QUALITY = {  # chance a task is done on time, late; otherwise not done
    "good": (0.92, 0.06),
    "fair": (0.82, 0.12),
    "poor": (0.66, 0.20),
}


# ---------------------------------------------------------------------------- one child's history
class Sim:
    """Walks one child's care forward, writing the events a case record would hold."""

    def __init__(self, cid: str, rng: random.Random, dob: dt.date, quality: str = "fair"):
        self.cid, self.rng, self.dob = cid, rng, dob
        self.p_on, self.p_late = QUALITY[quality]
        self.rows: list[tuple[dt.date, int, int, str, str, str]] = []
        self.in_care = False
        self.episodes: list[list[dt.date | None]] = []  # [start, end]
        self.pending: list[tuple[str, dt.date]] = []  # after-tasks not done yet
        self.pathway_done = False
        self.staying_put_done = False
        self.placed = False
        self.force: dict[str, str] = {}  # fate overrides for named tasks

    # -- recording
    def add(self, kind: str, d: dt.date, meeting: str = "", note: str = "") -> None:
        if d > REF and kind not in FORWARD:
            return  # not happened yet
        self.rows.append((d, KIND_ORDER.get(kind, 2), len(self.rows), kind, meeting, note))

    def fate(self, name: str | None = None) -> str:
        if name in self.force:
            return self.force.pop(name)
        x = self.rng.random()
        return "on-time" if x < self.p_on else "late" if x < self.p_on + self.p_late else "never"

    def sure(self, name: str) -> str:
        """Milestones get done in the end: on time or late (unless a scenario says otherwise)."""
        if name in self.force:
            return self.force.pop(name)
        return "on-time" if self.rng.random() < self.p_on else "late"

    def task(self, kind: str, due: dt.date, lo: dt.date, hi: dt.date = dt.date.max,
             lead: tuple[int, int] = (0, 5), late: tuple[int, int] = (1, 10),
             fate: str | None = None) -> dt.date | None:
        """Do a task on time, late or never; only what happened by REF is written."""
        fate = fate or self.fate(kind)
        if fate == "never":
            return None
        if fate == "on-time":
            d = workday_back(days(due, -self.rng.randint(*lead)))
        else:
            d = workday_fwd(days(due, self.rng.randint(*late)))
        if d < lo:
            d = workday_fwd(lo)
        if d > hi:
            d = workday_back(hi)
        if d < lo:
            return None
        self.add(kind, d)
        return d if d <= REF else None

    # -- episodes
    def enter(self, d: dt.date, note: str = "") -> None:
        self.add("entered-care", d, note=note)
        self.in_care = True
        self.episodes.append([d, None])
        self.seq, self.pos, self.cycle = REGULAR, 0, 1
        self.reqs = [STEP["first"](d)]
        self.opened, self.first_window = d, True
        self.adjourned: dt.date | None = None
        self.saved_due: dt.date | None = None
        self.placed = False
        self.task("iro-allocated", add_wd(d, 2), d, lead=(0, 2), late=(1, 6),
                  fate=self.sure("iro-allocated"))
        self.task("care-plan", add_wd(d, 10), d, lead=(0, 7), late=(1, 8),
                  fate=self.sure("care-plan"))

    def leave(self, kind: str, d: dt.date, note: str = "") -> None:
        self.resolve_pending(d)
        self.pathway(d)
        self.add(kind, d, note=note)
        self.in_care = False
        self.episodes[-1][1] = d

    def trigger(self, kind: str, d: dt.date, note: str = "") -> None:
        self.add(kind, d, note=note)
        if kind == "placed-for-adoption":
            self.placed = True
        if kind == "placement-order" and self.placed:
            return
        self.seq, self.pos = TRIGGERS[kind], 0
        self.reqs.append(STEP[self.seq[0]](d))

    def require(self, kind: str, by: dt.date, note: str = "") -> None:
        """review-directed / change-proposed: a review is needed by this date."""
        self.add(kind, by, note=note)
        self.reqs.append(by)

    def event(self, kind: str, d: dt.date, note: str = "") -> None:
        self.add(kind, d, note=note)

    def due(self) -> dt.date:
        return min(self.reqs)

    def adjourn(self, d: dt.date, note: str = "") -> None:
        self.add("review-adjourned", d, note=note)
        self.adjourned, self.saved_due = d, self.due()
        self.reqs = [add_wd(d, 20)]

    # -- reviews
    def hold(self, when: dt.date | None = None, delta: int = -2, meeting: bool = True,
             book: bool = False, auth: int | None = None, note: str = "") -> dt.date:
        """Hold the open review at `when` (else its due date + delta, on a working day).

        auth: for a review booked after its due date, days from the due date to the service
        manager's authorisation (None: never authorised).
        """
        due = self.due()
        r = when or workday_back(days(due, delta))
        assert r <= REF, (self.cid, r)
        self.before_tasks(r, hi=r)
        self.at_review_milestones()
        if book:
            self.add("review-booked", r)
            if r > due and auth is not None:
                a = workday_fwd(max(days(due, auth), days(self.opened, 1)))
                self.add("review-authorised", min(a, r), note="authorised by IRO service manager")
        self.resolve_pending(r)
        self.add("review-held", r, meeting="yes" if meeting else "no", note=note)
        self.after_tasks(r)
        counted = self.adjourned or r
        self.pos += 1
        self.reqs = [STEP[self.seq[min(self.pos, len(self.seq) - 1)]](counted)]
        self.opened, self.first_window, self.adjourned, self.saved_due = r, False, None, None
        self.cycle += 1
        return r

    def at_review_milestones(self) -> None:
        """Permanence plan by the second review, twin-track plan by the third."""
        kind = {2: "permanence-plan", 3: "twin-track"}.get(self.cycle)
        if kind is not None:
            due = self.saved_due or self.due()
            self.task(kind, due, days(self.opened, 1), lead=(5, 45), late=(3, 30),
                      fate=self.sure(kind))

    def run_until(self, until: dt.date, deltas=(-2, -3, -1, -4, 0), book: bool = False,
                  auth: int | None = None, no_meeting: tuple[int, ...] = ()) -> None:
        """Hold each review that falls before `until`, at its due date + the next delta."""
        i = 0
        while True:
            delta = deltas[i % len(deltas)]
            r = workday_back(days(self.due(), delta))
            if r >= until or r > REF:
                return
            self.hold(when=r, meeting=i not in no_meeting, book=book or delta > 0,
                      auth=auth if delta > 0 else None)
            i += 1

    def hold_each(self, deltas, book: bool = False, no_meeting: tuple[int, ...] = ()) -> None:
        """Hold len(deltas) reviews, each at its due date + its delta."""
        for i, delta in enumerate(deltas):
            self.hold(delta=delta, book=book or delta > 0, meeting=i not in no_meeting)

    def before_tasks(self, r: dt.date, hi: dt.date) -> None:
        lo = self.opened if self.first_window else days(self.opened, 1)
        first = self.cycle == 1
        self.task("child-consulted", add_wd(r, -20), lo, hi, lead=(0, 8))
        self.task("invitations-sent", days(r, -14), lo, hi, lead=(0, 6))
        visit = self.task("iro-visit", days(r, -1), lo, hi, lead=(2, 18), late=(1, 1))
        if visit is not None:
            self.task("visit-recorded", add_wd(visit, 2), visit, lead=(0, 2), late=(1, 6),
                      fate=self.after_fate("visit-recorded"))
        self.task("sw-documents", add_wd(r, -3 if first else -5), lo, hi, lead=(0, 3))
        self.task("iro-preparation", days(r, -3), lo, hi, lead=(0, 2))
        self.staying_put(r, hi)

    def after_fate(self, name: str) -> str:
        """After-tasks are done in the end: 'never' waits for the next review to be resolved."""
        if name in self.force:
            return self.force.pop(name)
        x = self.rng.random()
        return "on-time" if x < self.p_on else "late" if x < self.p_on + 0.85 * (1 - self.p_on) \
            else "pending"

    def after_tasks(self, h: dt.date) -> None:
        def do(kind: str, due: dt.date, lo: dt.date, lead, late) -> dt.date | None:
            fate = self.after_fate(kind)
            if fate == "pending":
                self.pending.append((kind, due))
                return None
            return self.task(kind, due, lo, lead=lead, late=late, fate=fate)

        dec = do("decisions-circulated", add_wd(h, 5), h, (0, 4), (1, 8))
        if dec is not None and self.rng.random() < 0.55:
            self.task("tm-response", add_wd(dec, 5), dec, lead=(0, 4), late=(1, 5), fate="on-time")
        do("care-plan-updated", add_wd(h, 10), h, (0, 8), (1, 12))
        full = do("full-record", add_wd(h, 15), h, (0, 8), (1, 10))
        do("record-distributed", add_wd(h, 20), full or h, (0, 5), (1, 10))

    def resolve_pending(self, before: dt.date) -> None:
        """Tasks left undone are caught up before the next review (or leaving care)."""
        for kind, due in self.pending:
            if due < before:
                d = workday_back(days(before, -self.rng.randint(1, 10)))
                self.add(kind, max(d, days(due, 1)))
        self.pending = [p for p in self.pending if p[1] >= before]

    def staying_put(self, r: dt.date, hi: dt.date) -> None:
        b16 = birthday(self.dob, 16)
        if self.staying_put_done or b16 > r:
            return
        self.staying_put_done = True
        self.task("staying-put-considered", r, b16, hi, lead=(3, 40), late=(1, 1),
                  fate=self.force.pop("staying-put", None) or ("on-time" if self.rng.random() < 0.85
                                                               else "never"))

    def pathway(self, end: dt.date | None) -> None:
        """Pathway needs assessment: 3 months after the later of 16 and 13 weeks in care."""
        start = self.episodes[-1][0]
        anchor = max(birthday(self.dob, 16), days(start, 91))
        if self.pathway_done or not (start <= anchor < (end or dt.date.max)):
            return
        self.pathway_done = True
        due = add_months(anchor, 3)
        self.task("pathway-assessment", due, start, end or dt.date.max, lead=(3, 40), late=(3, 40),
                  fate=self.sure("pathway"))

    def finish(self, book: dt.date | None = None, auth: int | None = None) -> None:
        """The open review as of REF: its booking and the before-tasks done so far."""
        if not self.in_care:
            return
        due = self.due()
        r = book or due
        if book is not None:
            self.add("review-booked", book)
            if book > due and auth is not None:
                a = workday_fwd(max(days(due, auth), days(self.opened, 1)))
                self.add("review-authorised", a, note="authorised by IRO service manager")
        self.before_tasks(r, hi=dt.date.max)
        self.at_review_milestones()
        self.pathway(None)

    def drop_last(self, kind: str) -> None:
        """Forget the latest event of a kind (a task still outstanding)."""
        i = max((row[0], i) for i, row in enumerate(self.rows) if row[3] == kind)[1]
        del self.rows[i]

    def events(self) -> list[tuple[dt.date, str, str, str]]:
        return [(d, k, m, n) for d, _, _, k, m, n in sorted(self.rows)]


# ---------------------------------------------------------------------------- the caseload
def chain(entry: dt.date, deltas: list[int]) -> dt.date:
    """The due date of the open review after holding len(deltas) regular reviews."""
    due = STEP["first"](entry)
    for i, delta in enumerate(deltas):
        held = workday_back(days(due, delta))
        due = STEP[REGULAR[min(i + 1, 2)]](held)
    return due


def review_delta(rng: random.Random, quality: str) -> int:
    late = {"good": 0.06, "fair": 0.12, "poor": 0.25}[quality]
    x = rng.random()
    if x < late:
        return rng.randint(2, 28)
    if x < late + 0.12:
        return -rng.randint(8, 21)  # held early
    return -rng.randint(0, 7)


def entry_for(due: dt.date, deltas: list[int]) -> dt.date:
    """An entry date whose regular schedule, reviews held at due + delta, leaves `due` open."""
    n = len(deltas)
    entry = workday_back(days(due, -28 - 91 * (n >= 1) - 183 * max(n - 1, 0)))
    for _ in range(4):
        entry = workday_back(days(entry, (due - chain(entry, deltas)).days))
    near = [days(entry, k) for k in range(-10, 11) if is_working(days(entry, k))]
    return min(near, key=lambda e: (abs((chain(e, deltas) - due).days), e))


def generic(cid: str, rng: random.Random, age: int, target: int, quality: str,
            n: int | None = None) -> tuple[dt.date, Sim]:
    """A child whose open review falls due `target` days from REF, after n regular reviews."""
    dob = days(REF, -age * 365 - rng.randint(1, 360))
    # the open review's interval must reach past REF: 20 WD, then 91 days, then 183 days
    least = 0 if target <= 20 else 1 if target <= 80 else 2
    if n is None:
        n = rng.choice((0, 1, 2, 2, 3, 3, 3, 4, 4, 5))
    n = max(n, least)
    deltas = [review_delta(rng, quality) for _ in range(n)]
    while True:
        entry = entry_for(days(REF, target), deltas)
        if entry >= days(dob, 3) or n == least:
            break
        deltas.pop()
        n -= 1
    assert entry <= REF, (cid, entry)
    if entry < dob:
        dob = days(entry, -rng.randint(0, 10))
    sim = Sim(cid, rng, dob, quality)
    sim.enter(entry)
    for delta in deltas:
        late = delta > 0
        auth = rng.choice((-6, -2, 3, 8)) if late and rng.random() < 0.7 else None
        sim.hold(delta=delta, meeting=rng.random() > 0.06,
                 book=rng.random() < (0.9 if late else 0.4), auth=auth)
    due = sim.due()
    booked = None
    if (due - REF).days <= 35 and rng.random() < 0.85:
        booked = workday_back(days(max(due, days(REF, 1)), rng.choice((-4, -2, -1, 0, 0, 0))))
        if due < REF:  # an overdue review, rebooked
            booked = workday_fwd(days(REF, rng.randint(2, 12)))
    sim.finish(book=booked, auth=rng.choice((None, -3, 2)) if booked and booked > due else None)
    return dob, sim


def specials(rng_for) -> dict[str, tuple[dt.date, Sim]]:
    """Children whose histories show each rule at least once (dates hand-chosen)."""
    out: dict[str, tuple[dt.date, Sim]] = {}

    def new(key: str, dob: str, quality: str = "good") -> Sim:
        sim = Sim(key, rng_for(key), D(dob), quality)
        out[key] = (D(dob), sim)
        return sim

    # Placement move in the past: the sequence restarts (20 WD, 91 days, 183 days).
    s = new("move-past", "2017-03-14")
    s.enter(D("2025-01-13"))
    s.run_until(D("2025-09-22"))
    s.trigger("placement-change", D("2025-09-22"), note="move to new foster carers")
    s.run_until(REF)
    s.finish()

    # A recent placement move: the review after the move is due within the week.
    s = new("move-now", "2013-08-02", "fair")
    s.enter(D("2024-06-03"))
    s.run_until(D("2026-10-28"), deltas=(-1, -5, 6, -3, -2))
    s.drop_last("record-distributed")  # the last review's record not sent yet
    s.trigger("placement-change", D("2026-10-28"), note="placement ended at carers' request")
    s.finish(book=D("2026-11-24"))

    # Placement order, not placed for adoption 9 months on: the next review must reconsider.
    s = new("po-not-placed", "2024-03-19")
    s.enter(D("2024-11-04"))
    s.run_until(D("2025-09-08"))
    s.trigger("placement-order", D("2025-09-08"))
    s.run_until(REF)
    s.finish(book=workday_back(days(s.due(), -1)))

    # Placement order, placed for adoption, adoption order: the episode ends.
    s = new("adopted", "2024-05-06")
    s.enter(D("2024-09-09"))
    s.run_until(D("2025-03-10"))
    s.trigger("placement-order", D("2025-03-10"))
    s.run_until(D("2025-07-14"))
    s.trigger("placed-for-adoption", D("2025-07-14"), note="placed with adopters")
    s.run_until(D("2026-08-17"))
    s.leave("adoption-order", D("2026-08-17"))

    # Placed for adoption recently: first review within 4 weeks of placement.
    s = new("placed-now", "2025-03-11")
    s.enter(D("2025-06-02"))
    s.run_until(D("2026-03-16"))
    s.trigger("placement-order", D("2026-03-16"))
    s.run_until(D("2026-10-30"))
    s.trigger("placed-for-adoption", D("2026-10-30"), note="introductions complete")
    s.finish(book=D("2026-11-26"))

    # An adjourned review completed within 20 working days; counted from the scheduled date.
    s = new("adjourned-past", "2015-01-27", "fair")
    s.enter(D("2024-10-14"))
    s.run_until(D("2025-09-01"))
    s.adjourn(workday_back(days(s.due(), -2)), note="carer unwell")
    s.hold(when=add_wd(s.adjourned, 11))
    s.run_until(REF)
    s.finish()

    # An adjourned review not yet completed.
    deltas = [-1, -3, -2]
    s = new("adjourned-open", "2018-06-30", "fair")
    s.enter(entry_for(D("2026-11-06"), deltas))
    s.hold_each(deltas, no_meeting=(2,))
    s.adjourn(workday_back(days(s.due(), -2)), note="reports not ready")
    s.finish(book=D("2026-11-26"))

    # A review booked after its due date, authorised in advance, then held late.
    s = new("rearranged-authorised", "2012-10-05")
    s.enter(D("2025-02-24"))
    s.run_until(D("2025-12-01"))
    s.hold(delta=13, book=True, auth=-5, note="rearranged: school exams")
    s.run_until(REF)
    s.finish()

    # A review booked after its due date, no authorisation recorded, now overdue.
    deltas = [-3, 4, -1]
    s = new("rearranged-unauthorised", "2020-04-22", "poor")
    s.enter(entry_for(D("2026-11-16"), deltas))
    s.hold_each(deltas, book=True)
    s.finish(book=D("2026-12-03"))

    # The IRO directs a review before the next one falls due.
    deltas = [-2, -4, -3, -2]
    s = new("directed", "2014-09-17")
    s.enter(entry_for(days(REF, 95), deltas))
    s.hold_each(deltas)
    s.require("review-directed", D("2026-12-11"), note="IRO concern about school place")
    s.finish()

    # A significant change proposed: a review is needed before it.
    deltas = [-2, -5, -1]
    s = new("change-proposed", "2016-12-01", "fair")
    s.enter(entry_for(days(REF, 60), deltas))
    s.hold_each(deltas)
    s.require("change-proposed", D("2026-11-27"), note="plan to return home proposed")
    s.finish(book=D("2026-11-26"))

    # Long-term foster home: reviews continue, but a meeting is needed at least yearly.
    s = new("long-term-foster", "2014-02-11")
    s.enter(D("2024-04-15"))
    s.run_until(D("2025-05-12"))
    s.event("long-term-foster", D("2025-05-12"), note="matched long term")
    s.hold()
    s.hold(meeting=False, note="no meeting: IRO saw young person and carers")
    s.hold(meeting=False, note="no meeting: young person's wish")
    s.run_until(REF)
    s.finish()

    # A care leaver: left care at 17 to live with family.
    s = new("left-care", "2009-05-18")
    s.force["pathway"] = "on-time"
    s.enter(D("2024-10-07"))
    s.run_until(D("2026-07-20"))
    s.leave("left-care", D("2026-07-20"), note="moved to live with extended family")

    # A review before returning home; then back into care: a new episode, first review again.
    s = new("re-entered", "2019-07-09", "fair")
    s.force["twin-track"] = "on-time"
    s.enter(D("2024-12-02"))
    s.run_until(D("2025-07-01"))
    s.require("change-proposed", D("2025-07-14"), note="return home proposed")
    s.hold(when=D("2025-07-14"))
    s.leave("left-care", D("2025-07-21"), note="returned home")
    s.enter(D("2026-02-16"), note="came back into care")
    s.run_until(REF)
    s.finish()

    # Sixteen in September: pathway assessment due within the month, Staying Put at the review.
    deltas = [-2, -3, -2, -3]
    s = new("pathway-soon", "2010-09-01", "fair")
    s.force["pathway"] = "never"
    s.force["staying-put"] = "never"
    s.enter(entry_for(D("2026-12-03"), deltas))
    s.hold_each(deltas[:3])
    s.hold(delta=deltas[3], meeting=False, note="no meeting: young person declined one")
    s.finish(book=D("2026-12-02"))

    # Sixteen in June: pathway assessment overdue.
    s = new("pathway-overdue", "2010-06-15", "poor")
    s.force["pathway"] = "never"
    s.enter(D("2024-11-11"))
    s.run_until(REF, deltas=(-1, -4, 9, -2), book=True, auth=4)
    s.drop_last("care-plan-updated")
    s.finish()

    # Born on 29 February; once the IRO directed an earlier review.
    s = new("leap-day", "2012-02-29")
    s.enter(D("2025-05-19"))
    s.run_until(D("2026-02-02"))
    s.require("review-directed", workday_back(days(s.due(), -30)), note="IRO concern about contact")
    s.hold(when=s.due())
    s.run_until(REF)
    s.finish()
    return out


def build(rng: random.Random):
    def rng_for(key: str) -> random.Random:
        return random.Random(f"{SEED}:{key}")

    cases = [(key, dob, sim) for key, (dob, sim) in specials(rng_for).items()]
    # (age, days from REF to the open review, quality): overdue, this week, this month, later.
    kept = ("good", "fair")
    plan = [(rng.randint(0, 17), rng.randint(-34, -3), "poor") for _ in range(4)]
    plan += [(rng.randint(0, 17), rng.randint(0, 7), rng.choice(kept)) for _ in range(4)]
    plan += [(rng.randint(0, 17), rng.randint(8, 28), rng.choice(kept)) for _ in range(7)]
    plan += [(rng.choice((15, 16, 17)), rng.randint(29, 180), "good") for _ in range(4)]
    plan += [(rng.randint(0, 14), rng.randint(29, 182), rng.choice(kept + ("good", "poor")))
             for _ in range(22)]
    for i, (age, target, quality) in enumerate(plan):
        dob, sim = generic(f"g{i}", rng_for(f"g{i}"), age, target, quality)
        cases.append((f"g{i}", dob, sim))
    # Two sibling pairs: same dates, same IRO and social worker.
    for i, j in ((5, 40), (12, 30)):
        key, dob, sim = cases[len(cases) - len(plan) + i]
        twin = Sim(f"{key}-sib", rng_for(f"{key}-sib"), dob, "fair")
        twin.rows = [row for row in sim.rows if row[3] not in ("staying-put-considered",
                                                                "pathway-assessment")]
        sib_dob = days(dob, j * 30)
        if sib_dob > sim.rows[0][0]:
            sib_dob = days(sim.rows[0][0], -j)
        cases.append((f"{key}-sib", sib_dob, twin))

    rng.shuffle(cases)
    firsts = rng.sample(FIRST_NAMES, len(cases))
    surnames = iter(rng.sample(SURNAMES, len(cases)))
    children, events = [], []
    teams = list(SOCIAL_WORKERS)
    assigned: dict[str, tuple[str, str, str, str]] = {}
    load: Counter[str] = Counter()
    for n, (key, dob, sim) in enumerate(cases):
        cid = f"C{n + 1:03d}"
        if key.endswith("-sib") and key[:-4] in assigned:
            surname, iro, sw, team = assigned[key[:-4]]
        else:
            sib = f"{key}-sib"
            prior = assigned.get(sib)
            if prior:
                surname, iro, sw, team = prior
            else:
                surname = next(surnames)
                iro = IROS[n % 3]
                team = teams[rng.randrange(3)]
                sw = min(SOCIAL_WORKERS[team], key=lambda name: (load[name], name))
        load[sw] += 1
        assigned[key] = (surname, iro, sw, team)
        children.append((cid, f"{firsts[n]} {surname}", dob, iro, sw, team))
        events += [(cid, d, k, m, note) for d, k, m, note in sim.events()]
    return children, events


# RULES §7 (issue 15): the social worker's visits, health assessments and SDQs, written in a pass of
# their own (one random stream per child) so that the review history above stays as it was.
S7_QUALITY = {  # chance each is on time, late; otherwise the series stops there (overdue or missed)
    "good": (0.90, 0.09),
    "fair": (0.80, 0.17),
    "poor": (0.62, 0.30),
}


def placements(evs: list[tuple[dt.date, str]]) -> list[list]:
    """A child's episodes from its sorted (date, kind) events: [start, end or None, [placement starts]]."""
    episodes: list[list] = []
    for d, k in evs:
        if k == "entered-care":
            episodes.append([d, None, [d]])
        elif k in ("left-care", "adoption-order") and episodes and episodes[-1][1] is None:
            episodes[-1][1] = d
        elif k == "placement-change" and episodes and episodes[-1][1] is None and d > episodes[-1][0]:
            episodes[-1][2].append(d)
    return episodes


def dated_kinds(events) -> dict[str, list[tuple[dt.date, str]]]:
    """Each child's (date, kind) pairs, in the order of `events` (child, date, kind, meeting, note)."""
    by_child: dict[str, list[tuple[dt.date, str]]] = {}
    for cid, d, kind, _m, _n in events:
        by_child.setdefault(cid, []).append((d, kind))
    return by_child


def stream(name: str) -> tuple[random.Random, float, float]:
    """A random stream of its own for one pass and child (seeded apart, so one pass never shifts
    another's rows) and the chances, drawn from it, that each thing is done on time or late."""
    rng = random.Random(f"{SEED}:{name}")
    p_on, p_late = S7_QUALITY[rng.choice(("good", "good", "good", "fair", "fair", "poor"))]
    return rng, p_on, p_late


def between_reviews(children, events) -> list[tuple]:
    """(child, date, kind, meeting, note) rows of sw-visit, health-assessment and sdq for each child:
    a visit within a week of each placement and then within 6 weeks (3 months after the first year of
    a long-term placement), the initial health assessment within 20 working days of entering care and
    reviews 6- or 12-monthly (before / from the 5th birthday), an SDQ yearly from 4 to 16; each on
    time, late, or (the series stopping) never."""
    by_child = dated_kinds(events)
    rows = []
    for cid, _name, dob, *_ in children:
        rng, p_on, p_late = stream(f"s7:{cid}")

        def when(due: dt.date, lo: dt.date, early: int, late: int, stops: float = 1.0,
                 rng=rng, p_on=p_on, p_late=p_late) -> dt.date | None:
            x = rng.random()
            if x < p_on:
                return max(lo, workday_back(days(due, -rng.randint(0, early))))
            if x < p_on + p_late or rng.random() >= stops:
                return workday_fwd(days(due, rng.randint(1, late)))
            return None

        evs = sorted(by_child.get(cid, []))
        long_term = [d for d, k in evs if k == "long-term-foster"]
        episodes = placements(evs)
        for start, end, starts in episodes:
            last_day = min(end or REF, REF)
            for n, ps in enumerate(starts):  # REG reg 28(2): visits in each placement
                pl_last = min(starts[n + 1] - dt.timedelta(days=1), last_day) if n + 1 < len(starts) else last_day
                v = when(days(ps, 7), ps, 6, 9)
                while v is not None and v <= pl_last:
                    rows.append((cid, v, "sw-visit", "", ""))
                    settled = v >= add_months(ps, 12) and any(ps <= d <= v for d in long_term)
                    due = add_months(v, 3) if settled else days(v, 42)
                    v = when(due, days(v, 14), 20, 25, stops=0.15)  # a visit every few weeks: rarely none
            ha = when(add_wd(start, 20), days(start, 1), 12, 25)  # REG reg 7: initial, then reviews
            while ha is not None and ha <= last_day:
                rows.append((cid, ha, "health-assessment", "", ""))
                due = add_months(ha, 6) if add_months(ha, 6) < birthday(dob, 5) else add_months(ha, 12)
                ha = when(due, days(ha, 30), 30, 45)
            begin, stop = max(start, birthday(dob, 4)), birthday(dob, 17)
            if begin < stop:  # the SDQ: yearly from 4 to 16
                sdq = when(add_months(begin, 12), days(begin, 1), 40, 30)
                while sdq is not None and sdq <= last_day and sdq < stop:
                    rows.append((cid, sdq, "sdq", "", ""))
                    sdq = when(add_months(sdq, 12), days(sdq, 30), 40, 30)
    return rows


def plans_and_notices(children, events) -> list[tuple]:
    """(child, date, kind, meeting, note) rows of placement-plan and iro-notified for each placement (REG
    regs 9 and 13: before it, else within 5 working days; now and then the day before, late or never), and
    for a few children aged 11 or more a missing-episode or two in the last half year with a return
    interview within 72 hours, late or never. A pass of its own (one random stream per child, seeded apart
    from the others), so every earlier row stays as it was."""
    by_child = dated_kinds(events)
    rows = []
    for cid, _name, dob, *_ in children:
        rng, p_on, p_late = stream(f"plans:{cid}")
        episodes = placements(sorted(by_child.get(cid, [])))
        for start, end, starts in episodes:
            last_day = min(end or REF, REF)
            for n, ps in enumerate(starts):
                pl_last = min(starts[n + 1] - dt.timedelta(days=1), last_day) if n + 1 < len(starts) else last_day
                earliest = max(starts[n - 1] + dt.timedelta(days=1), dob) if n else dob
                for kind in ("placement-plan", "iro-notified"):
                    x = rng.random()
                    if x < p_on:
                        d = days(ps, -1) if rng.random() < 0.2 else add_wd(ps, rng.randint(0, 5))
                    elif x < p_on + p_late:
                        d = add_wd(ps, 5 + rng.randint(1, 8))
                    else:
                        continue
                    if earliest <= d <= pl_last:
                        rows.append((cid, d, kind, "", ""))
            if end is None and birthday(dob, 11) <= REF and rng.random() < 0.25:
                for _ in range(rng.randint(1, 2)):
                    back = days(REF, -rng.randint(2, 180))
                    if back <= start:
                        continue
                    rows.append((cid, back, "missing-episode", "", ""))
                    x = rng.random()
                    if x < p_on:
                        rows.append((cid, days(back, rng.randint(0, 3)), "return-interview", "", ""))
                    elif x < p_on + p_late:
                        rows.append((cid, days(back, rng.randint(4, 9)), "return-interview", "", ""))
    return [r for r in rows if r[1] <= REF]


def casework(children, events) -> list[tuple]:
    """Escalations, praise and child protection for a few children in care at REF (blackpool).

    (child, date, kind, meeting, note, details): escalations at several stages, one overdue,
    one at Cafcass, one resolved; a child on a child protection plan whose first review
    conference falls due tomorrow, and one awaiting an initial conference.
    """
    last = {}
    for cid, _d, kind, _m, _n in events:
        last[cid] = kind
    in_care = [c[0] for c in children if last.get(c[0]) not in ("left-care", "adoption-order")]
    a, b, c, d, e, f, g = in_care[3], in_care[9], in_care[15], in_care[21], in_care[27], in_care[33], in_care[39]

    def esc(key, stage, reason, impact):
        return {"key": key, "stage": stage, "reason": reason, "impact": impact}

    rows = [
        # overdue: stage 1 response was due 5 WD after Mon 9 Nov (16 Nov), none yet
        (a, D("2026-11-09"), "escalation-opened", "", "care plan not updated",
         esc("E1", "1", "drift", "permanence plan delayed")),
        # referred to Cafcass after stages 1, 2 and 4
        (b, D("2026-09-14"), "escalation-opened", "", "", esc("E2", "1", "placement", "placement unstable")),
        (b, D("2026-09-18"), "escalation-response", "", "TM replied", {"escalation": "E2"}),
        (b, D("2026-09-28"), "escalation-escalated", "", "", {"escalation": "E2", "to": "2"}),
        (b, D("2026-10-12"), "escalation-escalated", "", "", {"escalation": "E2", "to": "4"}),
        (b, D("2026-10-26"), "escalation-cafcass", "", "legal advice taken", {"escalation": "E2"}),
        # resolved
        (c, D("2026-10-05"), "escalation-opened", "", "", esc("E3", "1", "recommendations", "contact not arranged")),
        (c, D("2026-10-09"), "escalation-response", "", "", {"escalation": "E3"}),
        (c, D("2026-10-16"), "escalation-resolved", "", "", {"escalation": "E3", "outcome": "contact restarted"}),
        # stage 2 response due Wed 25 Nov (in two days)
        (d, D("2026-11-18"), "escalation-opened", "", "", esc("E4", "2", "statutory", "health assessment late")),
        # safeguarding: service manager contact within 24 hours, made the same day
        (e, D("2026-11-20"), "escalation-opened", "", "", esc("E5", "1", "safeguarding", "missing episode")),
        (e, D("2026-11-20"), "escalation-response", "", "SM contacted", {"escalation": "E5"}),
        (a, D("2026-10-20"), "praise", "", "excellent life-story work", None),
        (c, D("2026-11-03"), "praise", "", "child's views well recorded", None),
        # child protection: plan from an ICPC on 24 Aug; first review conference due 24 Nov
        (f, D("2026-08-03"), "strategy-discussion", "", "", None),
        (f, D("2026-08-24"), "icpc-held", "", "", None),
        (f, D("2026-09-10"), "cp-plan-follow-up", "", "", None),
        # strategy discussion on 16 Nov: ICPC due 15 WD later, 7 Dec
        (g, D("2026-11-16"), "strategy-discussion", "", "", None),
    ]
    return rows


# The school terms of england.toml's [terms] (autumn 1 Sep-31 Dec, spring 1 Jan-31 Mar, summer 1 Apr-31 Jul).
TERMS = (((9, 1), (12, 31)), ((1, 1), (3, 31)), ((4, 1), (7, 31)))


def terms_between(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The school terms (first day, last day) that begin after `first` and on or before `last`."""
    found = []
    for year in range(first.year - 1, last.year + 1):
        for (m1, d1), (m2, d2) in TERMS:
            begin, end = dt.date(year, m1, d1), dt.date(year, m2, d2)
            if first < begin <= last:
                found.append((begin, end))
    return sorted(found)


def education_and_regimes(children, events) -> list[tuple]:
    """(child, date, kind, meeting, note) rows of the PEP for each child of school age in care (started
    within 10 working days, complete within 20, reviewed each term after the one care began in; on time,
    late or never), and for a few children whose placement began in the last 16 weeks a temporary
    approval of a connected person (REG reg 24), now and then approved since. A pass of its own (one random
    stream per child, seeded apart from the others), so every earlier row stays as it was."""
    by_child = dated_kinds(events)
    rows = []
    for cid, _name, dob, *_ in children:
        rng, p_on, p_late = stream(f"pep:{cid}")
        for start, end, starts in placements(sorted(by_child.get(cid, []))):
            last_day = min(end or REF, REF)
            # school age as england.toml: from 1 September after the 4th birthday's school year to 31 July of
            # the 16th birthday's (a school year runs 1 September to 31 August)
            b4, b16 = birthday(dob, 4), birthday(dob, 16)
            first = dt.date(b4.year + (b4.month >= 9), 9, 1)
            school_ends = dt.date(b16.year + (b16.month >= 9), 7, 31)
            begin = max(start, first)
            if begin <= min(school_ends, last_day):
                recent = begin > days(REF, -365)  # a PEP never made is a recent episode's (no 800-day-old rows)
                for kind, wd in (("pep-started", 10), ("pep", 20)):
                    x = rng.random()
                    d = (add_wd(begin, rng.randint(3, wd)) if x < p_on
                         else add_wd(begin, wd + rng.randint(1, 10)) if x < p_on + p_late or not recent else None)
                    if d is not None and d <= last_day:
                        rows.append((cid, d, kind, "", ""))
                for term_begins, term_end in terms_between(begin, min(last_day, school_ends)):
                    if rng.random() < p_on + p_late / 2:
                        d = days(term_begins, rng.randint(14, (term_end - term_begins).days))
                        if d <= last_day:
                            rows.append((cid, d, "pep-review", "", ""))
            current = starts[-1]
            if end is None and days(REF, -112) < current and rng.random() < 0.6:
                rows.append((cid, current, "temporary-approval", "", ""))
                if rng.random() < 0.4:
                    approved = days(current, rng.randint(20, 60))
                    if approved <= REF:
                        rows.append((cid, approved, "foster-approved", "", ""))
    return [r for r in rows if r[1] <= REF]


# SSDA903 participation codes (DfE guide; `irocli event add … review-held --participation`): PN0 a child under
# 4, PN1 attended and spoke for themself, PN2-PN7 other ways of taking part or none. Shares made up.
PARTICIPATION = (("PN1", 45), ("PN2", 10), ("PN3", 12), ("PN4", 10), ("PN5", 6), ("PN6", 5), ("PN7", 4))
MEETING_TIMES = ("09:30-11:00", "10:00-11:30", "13:30-15:00", "14:00", "15:30-16:30")


def event_details(children, events) -> list[dict | None]:
    """Each event row's details, from a random stream of its own per child (the events stay as they were):
    a review held carries its participation code (PN0 under 4; about one in ten not recorded), a review
    booked from two months before the reference date on often carries its time."""
    dobs = {c[0]: c[2] for c in children}
    streams: dict[str, random.Random] = {}
    out: list[dict | None] = []
    for cid, d, kind, _meeting, _note in events:
        rng = streams.setdefault(cid, random.Random(f"{SEED}-details-{cid}"))
        if kind == "review-held":
            if rng.random() < 0.1:
                out.append(None)
            elif birthday(dobs[cid], 4) > d:
                out.append({"participation": "PN0"})
            else:
                codes, weights = zip(*PARTICIPATION, strict=True)
                out.append({"participation": rng.choices(codes, weights)[0]})
        elif kind == "review-booked" and d >= days(REF, -60) and rng.random() < 0.7:
            out.append({"time": rng.choice(MEETING_TIMES)})
        else:
            out.append(None)
    return out


def write(out_dir: Path) -> None:
    rng = random.Random(SEED)
    children, events = build(rng)
    extra = casework(children, events)
    # each child's §7 rows after its own rows of the same day; the children's order unchanged
    order = {c[0]: n for n, c in enumerate(children)}
    added = (events + between_reviews(children, events) + plans_and_notices(children, events)
             + education_and_regimes(children, events))
    events = sorted(added, key=lambda row: (order[row[0]], row[1]))
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "reference_date.txt").write_text(REF.isoformat() + "\n", encoding="utf-8")
    with (out_dir / "children.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("id", "name", "dob", "iro", "social_worker", "team"))
        for cid, name, dob, iro, sw, team in children:
            w.writerow((cid, name, dob.isoformat(), iro, sw, team))
    with (out_dir / "events.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("child_id", "kind", "date", "meeting", "note", "details"))
        for (cid, d, kind, meeting, note), extra_details in zip(events, event_details(children, events), strict=True):
            w.writerow((cid, kind, d.isoformat(), meeting, note,
                        json.dumps(extra_details, sort_keys=True) if extra_details else ""))
        for cid, d, kind, meeting, note, details in extra:
            w.writerow((cid, kind, d.isoformat(), meeting, note,
                        json.dumps(details, sort_keys=True) if details else ""))


def summary(out_dir: Path) -> str | None:
    """Per-status counts under the blackpool profile at REF, when irocli is importable."""
    try:
        from irocli.domain import Event
        from irocli.engine import derive
        from irocli.profiles import load
    except ImportError:
        return None
    profile = load("blackpool")
    with (out_dir / "children.csv").open(encoding="utf-8") as fh:
        dobs = {r["id"]: D(r["dob"]) for r in csv.DictReader(fh)}
    evs: dict[str, list] = {}
    with (out_dir / "events.csv").open(encoding="utf-8") as fh:
        for i, r in enumerate(csv.DictReader(fh)):
            evs.setdefault(r["child_id"], []).append(
                Event(r["kind"], D(r["date"]), id=i + 1, meeting=r["meeting"] != "no",
                      details=json.loads(r["details"]) if r.get("details") else None))
    counts: Counter[str] = Counter()
    for cid, dob in dobs.items():
        for o in derive(cid, evs.get(cid, []), profile, REF, dob=dob).obligations:
            counts[o.status.value] += 1
    return ", ".join(f"{k}: {counts[k]}" for k in ("overdue", "due", "met", "met-late", "missed"))


def main(argv: list[str]) -> int:
    out_dir = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    write(out_dir)
    print(f"wrote sample data for {REF} to {out_dir}", file=sys.stderr)
    text = summary(out_dir)
    if text:
        print(f"blackpool at {REF}: {text}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
