"""The national store on SQLite and on PostgreSQL: national overdue, one IRO's due, an LA-wide overdue,
each read from the obligation table.

    python bench/bench_scale.py [--runs 3] [--pg URL]

The store is bench-data/national.db (84,000 children, ~1,000,000 events; generate.py), brought to
the current schema with its obligations stored (_bench.ensure_store). For PostgreSQL it is copied
(COPY of child and event) into a database of a throwaway cluster this script starts from Debian's
postgresql package (tests/pgcluster.py), or into the empty database at --pg URL (its password, if
any, from $IROCLI_BENCH_PG instead of the command line), and `irocli db refresh` stores its
obligations there (timed, printed). Then, on each backend, three irocli commands, each against its
floor, timed as whole processes in alternation:

  national overdue  irocli overdue --format csv          floor: the overdue rows of every child
  one IRO's due     irocli due --iro LA000-IRO00         floor: that IRO's rows due within 28 days
  LA-wide overdue   irocli overdue --team LA000 (CSV)    floor: that LA's overdue rows

The floor (bench/floor_read.py --overdue) runs the SQL irocli's reports run on the obligation
table (store/queries.py kept_obligations) with the plain driver (sqlite3, psycopg 3) and fetches
the rows, nothing else: the ratio says what irocli's start-up, store layer and output add to
reading the data. Prints figures; asserts nothing. The store's URL reaches irocli in IROCLI_DB.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import AS_OF, DATA, ROOT, bench_env, ensure_store, interleaved, irocli_cmd, machine_line  # noqa: E402

HERE = Path(__file__).resolve().parent
CHILD = ("id", "name", "dob", "iro", "social_worker", "team", "created_at", "updated_at")
EVENT = ("id", "child_id", "kind", "date", "meeting", "note", "source_key", "recorded_at", "recorded_by",
         "voided_at", "void_reason", "details")
CASES = [  # (name, irocli arguments, floor arguments)
    ("national overdue (table)", ["overdue", "--format", "csv"], ["--overdue", AS_OF]),
    ("one IRO's due (60 children)", ["due", "--iro", "LA000-IRO00"],
     ["--overdue", AS_OF, "--within", "28", "--iro", "LA000-IRO00"]),
    ("LA-wide overdue (2,500 children)", ["overdue", "--team", "LA000", "--format", "csv"],
     ["--overdue", AS_OF, "--team", "LA000"]),
]


def copy_to_postgres(sqlite_path: Path, url: str) -> None:
    """irocli migrates the empty database; the rows go over with COPY; then ANALYZE."""
    import subprocess

    import psycopg

    proc = subprocess.run(irocli_cmd() + ["init", "--profile", "england"], env=bench_env(IROCLI_DB=url),
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"irocli init on PostgreSQL failed: {proc.stderr.strip()}")
    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    have = {row[1] for row in source.execute("PRAGMA table_info(event)")}
    event_cols = [c for c in EVENT if c in have]
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1)) as conn:
        with conn.cursor() as cur:
            for table, cols in (("child", CHILD), ("event", tuple(event_cols))):
                meeting = cols.index("meeting") if "meeting" in cols else None
                with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    for row in source.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY rowid"):
                        if meeting is not None:
                            row = (*row[:meeting], bool(row[meeting]), *row[meeting + 1:])
                        copy.write_row(row)
            cur.execute("SELECT setval('event_id_seq', (SELECT max(id) FROM event))")
        conn.commit()
        conn.autocommit = True
        conn.execute("ANALYZE")
    source.close()
    started = time.perf_counter()
    proc = subprocess.run(irocli_cmd() + ["--profile", "england", "db", "refresh"], env=bench_env(IROCLI_DB=url),
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"irocli db refresh on PostgreSQL failed (exit {proc.returncode}): {proc.stderr.strip()}")
    said = proc.stderr.strip().splitlines()
    print(f"  PostgreSQL: {said[-1] if said else 'refreshed'} ({time.perf_counter() - started:.0f} s, "
          "db refresh, one run)", flush=True)


def run_cases(label: str, store_arg: str, env: dict, runs: int) -> list[dict]:
    results = []
    for name, cli_args, floor_args in CASES:
        iro_cmd = irocli_cmd() + ["--profile", "england", *cli_args, "--as-of", AS_OF]
        floor_cmd = [sys.executable, str(HERE / "floor_read.py"), store_arg, *floor_args]
        res = interleaved([("floor", floor_cmd), ("irocli", iro_cmd)], runs=runs, warmup=1, env=env)
        floor, iro = res["floor"], res["irocli"]
        codes = sorted(set(iro.codes) | set(floor.codes))
        results.append({"backend": label, "name": name, "irocli": iro.median, "floor": floor.median,
                        "ratio": iro.median / floor.median, "peak": iro.peak, "codes": codes})
        print(f"  {label:<10} {name:<34} irocli {iro.median:6.2f} s  floor {floor.median:6.2f} s  "
              f"ratio {iro.median / floor.median:5.2f}×  peak {iro.peak:5.0f} MiB  exit {codes}", flush=True)
    return results


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pg", help="an empty PostgreSQL database to use instead of a throwaway cluster")
    args = ap.parse_args(argv)
    DATA.mkdir(exist_ok=True)
    store = ensure_store(DATA / "national.db", 84_000)
    print(f"== scale: national store on SQLite and PostgreSQL  ({machine_line()})")
    results = run_cases("SQLite", str(store), bench_env(IROCLI_DB=str(store)), args.runs)

    cluster = None
    url = args.pg or os.environ.get("IROCLI_BENCH_PG")
    if url is None:
        sys.path.insert(0, str(ROOT / "tests"))
        from pgcluster import Cluster, bindir

        if bindir() is None:
            print("  PostgreSQL: not installed (Debian's postgresql package); skipped")
            return results
        cluster = Cluster(bindir()).start()
        url = cluster.new_database()
    try:
        started = time.perf_counter()
        try:
            copy_to_postgres(store, url)
        except RuntimeError as error:  # the SQLite figures stand; say loudly why PostgreSQL has none
            print(f"  PostgreSQL: NOT MEASURED: {error}", flush=True)
            print(f"{'!' * 100}\nPostgreSQL: {error}\n{'!' * 100}", file=sys.stderr, flush=True)
            return results
        print(f"  PostgreSQL: store copied and refreshed in {time.perf_counter() - started:.0f} s", flush=True)
        results += run_cases("PostgreSQL", "-", bench_env(IROCLI_DB=url), args.runs)
    finally:
        if cluster is not None:
            cluster.stop()
    print("  ratio = irocli median / floor median (the floor reads the same rows with the plain driver)")
    return results


if __name__ == "__main__":
    main()
