"""Generate a synthetic irocli store for the benchmarks (PERFORMANCE.md §3), deterministically.

    python bench/generate.py PATH [--children N] [--seed S] [--force]
    python bench/generate.py PATH --small          # 2,500 children, one LA (LA000)
    python bench/generate.py PATH --small --irocli-src OLD/src   # created by another irocli's init

Default: 84,000 children in 153 local authorities (LA000 has 2,500, the rest about 536 each),
IROs of at most 60 children named LA000-IRO00…, team = LA. Each child enters care on a day in
2019-01-01..2025-09-30; the first review is held 12-30 days later, the second 85-95 days after
that, then one every 170-190 days up to the cut-off 2026-11-20 (or until the child leaves care);
0-6 placement changes; for each held review, decisions-circulated (usually within 5 working days,
sometimes late or missing) and record-distributed (usually within 20 working days, sometimes late
or missing); iro-allocated and care-plan at the start (sometimes late or missing); an IRO visit
for some pending reviews; a pathway assessment for most children who turn 16 in care.

Event budget: with every child in care up to the cut-off, those rules give about 30 events per
child (2.5 M for 84,000). The issue's store has about 1,000,000 events (12 per child), so most
children leave care (a left-care event) after a stay drawn from an exponential distribution;
about an eighth are still in care at the cut-off. --all-in-care drops the leavers (the heavy variant).

The store is created by irocli itself (`irocli --db PATH init --profile england`, i.e. alembic),
then filled with stdlib sqlite3 executemany in one transaction, then ANALYZE. Events are inserted
grouped by child (as a bulk import would, and as PERFORMANCE.md §3 measured);
--layout chronological inserts them in date order across children instead, as a store that grew
day by day would hold them (one child's rows scattered through the table).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import bench_env, irocli_cmd  # noqa: E402

ENTRY_FIRST = dt.date(2019, 1, 1)
ENTRY_LAST = dt.date(2025, 9, 30)
CUTOFF = dt.date(2026, 11, 20)
LA000_SIZE = 2500
IRO_SIZE = 60
# Chosen so that the default store has about 12 events per child (see the module docstring).
STAY_PROB = 0.12  # in care at the cut-off whatever happens
MEAN_STAY_DAYS = 112  # the others: exponential stay, floor of 7 days

FIRST_NAMES = ("Alex", "Amira", "Ben", "Chloe", "Daniel", "Ella", "Finn", "Grace", "Harry", "Isla",
               "Jack", "Kai", "Leah", "Mason", "Nia", "Oscar", "Priya", "Ruby", "Sam", "Tyler",
               "Zara", "Aaliyah", "Kacper", "Ola", "Yusuf")
SURNAMES = ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
            "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
            "Khan", "Ahmed", "Nowak", "Okafor", "Murphy", "Hughes", "Edwards")

EVENT_COLUMNS = ("id", "child_id", "kind", "date", "meeting", "note", "source_key", "recorded_at",
                 "recorded_by", "voided_at", "void_reason")
CHILD_COLUMNS = ("id", "name", "dob", "iro", "social_worker", "team", "created_at", "updated_at")
# Same-day order the engine uses (entered-care first, left-care last): ids follow it.
_ORDER = {"entered-care": 0, "review-held": 3, "left-care": 9}


def la_sizes(children: int, las: int) -> list[int]:
    if children <= LA000_SIZE or las <= 1:
        return [children]
    rest = children - LA000_SIZE
    base, extra = divmod(rest, las - 1)
    return [LA000_SIZE] + [base + (1 if i < extra else 0) for i in range(las - 1)]


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def child_events(rng: random.Random, all_in_care: bool) -> tuple[dt.date, list[tuple[str, dt.date, int]]]:
    """One child's dob and events (kind, date, meeting)."""
    span = (ENTRY_LAST - ENTRY_FIRST).days
    d = dt.timedelta
    entered = ENTRY_FIRST + d(days=rng.randint(0, span))
    dob = entered - d(days=rng.randint(0, 17 * 365 + 180))
    left = None
    if not all_in_care and rng.random() >= STAY_PROB:
        stay = 7 + int(rng.expovariate(1.0 / MEAN_STAY_DAYS))
        if entered + d(days=stay) <= CUTOFF:
            left = entered + d(days=stay)
    end = left or CUTOFF + d(days=1)  # reviews and placement moves happen before end

    evs: list[tuple[str, dt.date, int]] = [("entered-care", entered, 1)]
    if rng.random() < 0.95:
        lag = rng.randint(0, 10) if rng.random() < 0.93 else rng.randint(20, 45)
        evs.append(("iro-allocated", entered + d(days=lag), 1))
    if rng.random() < 0.92:
        lag = rng.randint(1, 13) if rng.random() < 0.9 else rng.randint(15, 40)
        evs.append(("care-plan", entered + d(days=lag), 1))

    held: list[dt.date] = []
    day = entered + d(days=rng.randint(12, 30))
    while day < end:
        held.append(day)
        day += d(days=rng.randint(85, 95) if len(held) == 1 else rng.randint(170, 190))
    for h in held:
        evs.append(("review-held", h, 0 if rng.random() < 0.05 else 1))
        if rng.random() < 0.9:
            lag = rng.randint(0, 6) if rng.random() < 0.85 else rng.randint(8, 30)
            evs.append(("decisions-circulated", h + d(days=lag), 1))
        if rng.random() < 0.85:
            lag = rng.randint(3, 26) if rng.random() < 0.85 else rng.randint(29, 60)
            evs.append(("record-distributed", h + d(days=lag), 1))
    if left is None and rng.random() < 0.5:
        # an IRO visit ahead of the review still to come
        start = (held[-1] if held else entered) + d(days=1)
        if start <= CUTOFF:
            evs.append(("iro-visit", start + d(days=rng.randint(0, min(150, (CUTOFF - start).days))), 1))

    stay_days = (end - entered).days
    moves = min(rng.randint(0, 6), 1 + stay_days // 120)
    for _ in range(moves):
        if stay_days > 2:
            evs.append(("placement-change", entered + d(days=rng.randint(1, stay_days - 1)), 1))

    sixteen = add_years(dob, 16)
    eligible = max(sixteen, entered + d(weeks=13))
    if eligible < end and rng.random() < 0.8:
        evs.append(("pathway-assessment", eligible + d(days=rng.randint(0, 120)), 1))
    if left is not None:
        evs.append(("left-care", left, 1))
    # nothing is recorded after the cut-off (it has not happened yet)
    evs = [e for e in evs if e[1] <= CUTOFF]
    evs.sort(key=lambda e: (e[1], _ORDER.get(e[0], 2)))
    return dob, evs


def generate(children: int, las: int, seed: int, all_in_care: bool, layout: str = "by-child"):
    """Child rows and event tuples, deterministically. layout "by-child": events in child order
    (a bulk import of a case system's export); "chronological": in date order across children
    (a store that grew day by day, so one child's rows are scattered through the table)."""
    rng = random.Random(seed)
    child_rows = []
    events = []
    n = 0
    for la_index, size in enumerate(la_sizes(children, las)):
        la = f"LA{la_index:03d}"
        for k in range(size):
            n += 1
            cid = f"C{n:06d}"
            dob, evs = child_events(rng, all_in_care)
            name = f"{FIRST_NAMES[rng.randrange(len(FIRST_NAMES))]} {SURNAMES[rng.randrange(len(SURNAMES))]}"
            created = f"{evs[0][1].isoformat()} 09:00:00.000000"
            child_rows.append((cid, name, dob.isoformat(), f"{la}-IRO{k // IRO_SIZE:02d}",
                               f"{la}-SW{k // 20:03d}", la, created, created))
            for pos, (kind, day, meeting) in enumerate(evs):
                events.append((day, _ORDER.get(kind, 2), n, pos, cid, kind, meeting))
    if layout == "chronological":
        events.sort()
    return child_rows, events


def create_store(path: Path, irocli_src: Path | None = None) -> None:
    """An empty store migrated by irocli itself (the irocli whose package is under irocli_src when
    given, e.g. an older commit's src/ for bench_write.py, else the installed one)."""
    if irocli_src is None:
        cmd, env = irocli_cmd(), bench_env()
    else:
        cmd, env = [sys.executable, "-m", "irocli"], bench_env(PYTHONPATH=str(irocli_src))
    cmd = cmd + ["--db", str(path), "init", "--profile", "england"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"could not create the store with {' '.join(cmd)} (exit {proc.returncode}):\n"
                 f"{proc.stderr.strip()}")


def create_raw_schema(con: sqlite3.Connection) -> None:
    """Development only: the schema from the brief, without alembic (irocli may refuse it)."""
    con.executescript("""
        CREATE TABLE child (id TEXT PRIMARY KEY, name TEXT NOT NULL, dob DATE, iro TEXT,
            social_worker TEXT, team TEXT, created_at DATETIME, updated_at DATETIME);
        CREATE TABLE event (id INTEGER PRIMARY KEY, child_id TEXT NOT NULL REFERENCES child(id),
            kind TEXT NOT NULL, date DATE NOT NULL, meeting BOOLEAN NOT NULL, note TEXT,
            source_key TEXT UNIQUE, recorded_at DATETIME NOT NULL, recorded_by TEXT,
            voided_at DATETIME, void_reason TEXT);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE INDEX ix_event_child_date ON event (child_id, date);
        CREATE INDEX ix_child_iro ON child (iro);
        CREATE INDEX ix_child_team ON child (team);
        INSERT INTO meta VALUES ('profile', 'england');
    """)


def columns(con: sqlite3.Connection, table: str) -> list[tuple[str, bool, object]]:
    """(name, not null, default) for each column."""
    rows = con.execute(f"PRAGMA table_info({table})").fetchall()
    if not rows:
        sys.exit(f"the store has no {table!r} table: is irocli's migration complete?")
    return [(r[1], bool(r[3]), r[4]) for r in rows]


def insert_sql(con: sqlite3.Connection, table: str, known: tuple[str, ...]) -> tuple[str, list[str]]:
    cols = columns(con, table)
    names = [c for c, _, _ in cols]
    missing = [c for c, notnull, default in cols if notnull and default is None and c not in known
               and not (table == "event" and c == "id")]
    if missing:
        sys.exit(f"{table} has NOT NULL columns this generator does not fill: {missing}")
    use = [c for c in known if c in names]
    absent = [c for c in known if c not in names]
    if absent:
        print(f"note: {table} has no column(s) {absent}; left out", file=sys.stderr)
    return f"INSERT INTO {table} ({', '.join(use)}) VALUES ({', '.join('?' * len(use))})", use


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--children", type=int, default=84_000)
    ap.add_argument("--las", type=int, default=153, help="local authorities (LA000 has 2,500)")
    ap.add_argument("--small", action="store_true", help="2,500 children, one LA (LA000)")
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--all-in-care", action="store_true",
                    help="nobody leaves care (about 30 events per child instead of 12)")
    ap.add_argument("--layout", choices=("by-child", "chronological"), default="by-child",
                    help="insertion order of events: grouped by child (default, as PERFORMANCE.md §3) "
                         "or by date across children (rows of one child scattered)")
    ap.add_argument("--force", action="store_true", help="replace PATH if it exists")
    ap.add_argument("--irocli-src", type=Path, metavar="DIR",
                    help="create the store with the irocli package under DIR (an older commit's src/)")
    ap.add_argument("--raw-schema", action="store_true",
                    help="development only: create the tables here instead of through irocli")
    args = ap.parse_args(argv)
    if args.small:
        args.children, args.las = LA000_SIZE, 1

    path: Path = args.path
    if path.exists():
        if not args.force:
            sys.exit(f"{path} exists (use --force to replace it)")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    if args.raw_schema:
        con = sqlite3.connect(path)
        create_raw_schema(con)
        con.commit()
        con.close()
    else:
        create_store(path, args.irocli_src)
    t1 = time.perf_counter()
    child_rows, events = generate(args.children, args.las, args.seed, args.all_in_care, args.layout)
    t2 = time.perf_counter()

    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA cache_size = -262144")  # 256 MiB: the event index is filled out of order
    child_sql, child_use = insert_sql(con, "child", CHILD_COLUMNS)
    event_sql, event_use = insert_sql(con, "event", EVENT_COLUMNS)
    child_idx = [CHILD_COLUMNS.index(c) for c in child_use]
    event_idx = [EVENT_COLUMNS.index(c) for c in event_use]

    def event_rows():
        for i, (day, _order, _n, _pos, cid, kind, meeting) in enumerate(events, start=1):
            iso = day.isoformat()
            full = (i, cid, kind, iso, meeting, None, None, f"{iso} 17:00:00.000000", "bench", None, None)
            yield tuple(full[j] for j in event_idx)

    con.execute("BEGIN")
    con.executemany(child_sql, (tuple(r[j] for j in child_idx) for r in child_rows))
    con.executemany(event_sql, event_rows())
    con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('bench.children', ?)", (str(args.children),))
    con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('bench.seed', ?)", (str(args.seed),))
    con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('bench.layout', ?)", (args.layout,))
    con.execute("COMMIT")
    t3 = time.perf_counter()
    con.execute("ANALYZE")
    con.close()
    t4 = time.perf_counter()

    kinds: dict[str, int] = {}
    for e in events:
        kinds[e[5]] = kinds.get(e[5], 0) + 1
    in_care = args.children - kinds.get("left-care", 0)
    size = path.stat().st_size / 2**20
    print(f"{path}: {args.children:,} children in {len(la_sizes(args.children, args.las))} LAs, "
          f"{len(events):,} events ({len(events) / args.children:.2f} per child), "
          f"{in_care:,} in care at {CUTOFF}, {size:.1f} MiB, layout {args.layout}")
    print("  " + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])))
    print(f"  store {t1 - t0:.2f} s, generate {t2 - t1:.2f} s, insert+commit {t3 - t2:.2f} s, "
          f"ANALYZE {t4 - t3:.2f} s")


if __name__ == "__main__":
    main()
