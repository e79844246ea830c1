"""National overdue and refresh: `irocli overdue` read from the obligation table against the plain
driver reading the same rows, row for row against a plain-Python reference, and a full `db refresh`
against that reference's derivation.

    python bench/bench_recompute.py [--runs 3] [--children 84000] [--layout by-child|chronological]
                                    [--store PATH] [--no-refresh] [--refresh-runs N] [--cprofile]
                                    [--cprofile-refresh] [--no-phases]

The store (default bench-data/national.db, 84,000 children, ~1,000,000 events; n20000.db with
--children 20000) is brought to the current schema and its obligations stored first
(`irocli db refresh`, _bench.ensure_store), so the report reads the table as it would in use; the
bench says how many children the table serves and how many irocli would derive live.

1. overdue from the table. irocli: `irocli --db STORE --profile england overdue --format csv
   --as-of 2026-11-23`. Floor: bench/floor_read.py --overdue, stdlib sqlite3 running the same SQL
   as store/queries.py kept_obligations (open obligations due before the as-of day, shown by then,
   of children whose obligation_kept fingerprint matches, joined with child) and fetching every
   row, nothing else. Target: ≤ 1.5× the floor (issue 16).
2. the same answer. bench/reference_recompute.py derives the same overdue list from the events
   (stdlib sqlite3, bisect working days) and writes the same CSV; it is timed alongside (ratio
   printed for information). The warm-up runs write both CSVs to bench-data/, compared on
   (child_id, obligation, due) and byte for byte: a disagreement is printed loudly and the script
   exits 1 (run_all.py too), since a ratio of two different answers means nothing.
3. full refresh. `irocli --db STORE --profile england db refresh --all` (re-derives and rewrites
   every child's rows, rounds of 500 children, one transaction each) against the reference's wall
   time, interleaved, no warm-up (the store's pages are warm from step 1). Targets: ≤ 1.2× the
   reference, peak RSS ≤ 300 MiB.

Every figure is a whole process timed from outside in alternation (_bench.interleaved), 3 counted
runs after 1 warm-up unless told, stdout to /dev/null, peak RSS per run from wait4; ratios are of
medians. --cprofile / --cprofile-refresh profile one overdue / one refresh --all run (cProfile,
top functions by self and cumulative time). Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import AS_OF, DATA, bench_env, ensure_store, interleaved, irocli_cmd, machine_line, verdict  # noqa: E402

TARGET = 1.5  # overdue from the table / plain-driver read of the same rows
REFRESH_TARGET = 1.2  # db refresh --all / reference derivation
REFRESH_CEILING_MIB = 300
HERE = Path(__file__).resolve().parent

PHASES = r'''
import datetime as dt, sys, time


def main():  # locals, not module globals: the loop runs as it would inside irocli
    t0 = time.perf_counter()
    from irocli.profiles import load
    from irocli.store import Store
    from irocli.store.kept import fingerprint
    t1 = time.perf_counter()
    store = Store.open(sys.argv[1], read_only=True)
    profile = load("england")
    key = fingerprint(profile).key
    as_of = dt.date.fromisoformat(sys.argv[2])
    t2 = time.perf_counter()
    plan = store.kept_plan(key, as_of)
    t3 = time.perf_counter()
    n = 0
    settle = sys.argv[3] == "settle"
    for _child, ob in store.kept_obligations(key, as_of, open_only=True, due_by=as_of - dt.timedelta(days=1)):
        if not settle or ob.settle(as_of, False):
            n += 1
    t4 = time.perf_counter()
    print(f"{t1 - t0:.3f} {t2 - t1:.3f} {t3 - t2:.3f} {t4 - t3:.3f} {n} {len(plan.stale | plan.past)}")


main()
'''


def read_keys(path: Path) -> tuple[list[tuple[str, str, str]], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    try:
        i, o, d = header.index("child_id"), header.index("obligation"), header.index("due")
    except ValueError:
        sys.exit(f"{path}: no child_id/obligation/due columns in {header}")
    return sorted((r[i], r[o], r[d]) for r in body), rows


def compare(irocli_csv: Path, reference_csv: Path, show: int = 8) -> tuple[bool, str]:
    """(agree, what was found): the two CSVs agree when they hold the same (child_id, obligation, due)
    rows and are byte for byte identical (the reference writes irocli's CSV exactly: the other
    columns, the order and the line ends are part of the answer)."""
    a, a_rows = read_keys(irocli_csv)
    b, b_rows = read_keys(reference_csv)
    if a == b:
        if irocli_csv.read_bytes() == reference_csv.read_bytes():
            return True, (f"AGREE: {len(a):,} rows with the same (child_id, obligation, due); "
                          "files byte-for-byte identical")
        differ = next((i for i, (x, y) in enumerate(zip(a_rows, b_rows, strict=True)) if x != y), None)
        where = ("the same rows, different bytes (quoting or line ends)" if differ is None else
                 f"first difference at line {differ + 1}:\n    irocli:    {','.join(a_rows[differ])}\n"
                 f"    reference: {','.join(b_rows[differ])}")
        return False, (f"DISAGREE: {len(a):,} rows with the same (child_id, obligation, due), but other columns or "
                       f"the order differ; {where}")
    sa, sb = set(a), set(b)
    only_a, only_b = sorted(sa - sb), sorted(sb - sa)
    lines = [f"DISAGREE: irocli {len(a):,} rows, reference {len(b):,}; "
             f"{len(only_a):,} only in irocli, {len(only_b):,} only in the reference"]
    lines += [f"    irocli only:    {','.join(k)}" for k in only_a[:show]]
    lines += [f"    reference only: {','.join(k)}" for k in only_b[:show]]
    if not only_a and not only_b:
        lines.append("    (same set of keys, different multiplicity)")
    return False, "\n".join(lines)


def cprofile(cmd_args: list[str], env: dict, out: Path, top: int = 25) -> list[str]:
    import pstats

    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "irocli", *cmd_args],
                   env=env, stdout=subprocess.DEVNULL, check=False)
    lines = [f"cProfile of irocli (profiler overhead inflates small calls; {out}):"]
    stats = pstats.Stats(str(out))
    entries = []
    for (file, line, func), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():
        entries.append((tottime, cumtime, ncalls, f"{Path(file).name}:{line}({func})"
                        if file != "~" else func, file))
    total = max(e[1] for e in entries)
    lines.append(f"  by self time (total {total:.1f} s under the profiler):")
    for tottime, cumtime, ncalls, name, _ in sorted(entries, reverse=True)[:top]:
        lines.append(f"    {tottime:6.2f} s self {cumtime:6.2f} s cum {ncalls:>9,} calls  {name}")
    lines.append("  irocli functions by cumulative time:")
    own = [e for e in entries if "/irocli/" in e[4]]
    for tottime, cumtime, ncalls, name, _ in sorted(own, key=lambda e: -e[1])[:top]:
        lines.append(f"    {cumtime:6.2f} s cum {tottime:6.2f} s self {ncalls:>9,} calls  {name}")
    return lines


def phases(store: Path, env: dict, wall: float) -> list[str]:
    """In-process split of irocli overdue's time: imports, open + profile + fingerprint, kept_plan, the
    kept_obligations stream alone and with Obligation.settle."""
    best: dict[str, tuple[float, ...]] = {}
    for _ in range(2):  # the faster of two runs of each
        for mode in ("read", "settle"):
            proc = subprocess.run([sys.executable, "-c", PHASES, str(store), AS_OF, mode], env=env,
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                return [f"phases unavailable ({proc.stderr.strip().splitlines()[-1:]})"]
            imp, open_, plan, loop, _n, _live = (float(x) for x in proc.stdout.split())
            if mode not in best or loop < best[mode][3]:
                best[mode] = (imp, open_, plan, loop)
    (imp, open_, plan, read), (_, _, _, both) = best["read"], best["settle"]
    rest = wall - imp - open_ - plan - both
    return [f"in-process split (faster of 2 runs): imports {imp:.2f} s, open store + profile + fingerprint "
            f"{open_:.2f} s, kept_plan {plan:.2f} s, kept_obligations stream {read:.2f} s, with settle {both:.2f} s; "
            f"the remaining {rest:.2f} s of the {wall:.2f} s median is interpreter start and exit, Typer, "
            f"rows, sort and CSV"]


def coverage(store: Path) -> tuple[int, int]:
    """(children, children the table cannot serve as of AS_OF): no obligation_kept row, another
    fingerprint than the latest stored (meta), settled after AS_OF or valid only until it."""
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        total, live = con.execute(
            "SELECT count(*), coalesce(sum(k.child_id IS NULL OR k.fingerprint <> (SELECT value FROM meta"
            " WHERE key = 'obligations.fingerprint') OR k.settled_on > :d OR k.valid_until <= :d), 0)"
            " FROM child AS c LEFT JOIN obligation_kept AS k ON k.child_id = c.id", {"d": AS_OF}).fetchone()
    except sqlite3.Error:
        total, live = con.execute("SELECT count(*) FROM child").fetchone()[0], -1
    con.close()
    return total, live


def disagree_loudly(text: str) -> None:
    bar = "!" * 100
    print(f"{bar}\nOUTPUTS DISAGREE: irocli overdue and bench/reference_recompute.py give different answers;"
          f" the ratios compare two different answers.\n{text}\n{bar}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description="irocli overdue (from the table) and db refresh on the national store")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--children", type=int, default=84_000)
    ap.add_argument("--layout", choices=("by-child", "chronological"), default="by-child")
    ap.add_argument("--store", type=Path, help="default bench-data/national.db (…-chronological.db)")
    ap.add_argument("--no-refresh", dest="refresh", action="store_false", help="leave out db refresh --all")
    ap.add_argument("--refresh-runs", type=int, help="counted db refresh --all runs (default --runs)")
    ap.add_argument("--cprofile", action="store_true", help="also profile one irocli overdue run")
    ap.add_argument("--cprofile-refresh", action="store_true", help="also profile one db refresh --all run")
    ap.add_argument("--no-phases", dest="phases", action="store_false")
    args = ap.parse_args(argv)
    suffix = "" if args.layout == "by-child" else "-chronological"
    default = DATA / (f"national{suffix}.db" if args.children == 84_000 else f"n{args.children}{suffix}.db")
    store = ensure_store(args.store or default, args.children, layout=args.layout)
    env = bench_env()
    print(f"== national overdue and refresh  ({machine_line()})")
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    n_children = con.execute("SELECT count(*) FROM child").fetchone()[0]
    n_events = con.execute("SELECT count(*) FROM event WHERE voided_at IS NULL").fetchone()[0]
    n_obligations = con.execute("SELECT count(*) FROM obligation").fetchone()[0]
    con.close()
    total, live = coverage(store)
    print(f"  store {store}: {n_children:,} children, {n_events:,} events, {n_obligations:,} stored obligations, "
          f"{store.stat().st_size / 2**20:.0f} MiB, layout {args.layout}")
    print(f"  the table serves {total - live:,} of {total:,} children as of {AS_OF}; irocli derives {live:,} live")

    cli_args = ["--db", str(store), "--profile", "england", "overdue", "--format", "csv", "--as-of", AS_OF]
    iro_cmd = irocli_cmd() + cli_args
    floor_cmd = [sys.executable, str(HERE / "floor_read.py"), str(store), "--overdue", AS_OF]
    ref_cmd = [sys.executable, str(HERE / "reference_recompute.py"), str(store), "--as-of", AS_OF]
    FLOOR, IRO, REF = ("floor: plain sqlite3 read of the same rows", "irocli overdue --format csv",
                       "reference (stdlib sqlite3 + bisect)")
    outputs = {IRO: DATA / f"overdue-irocli{suffix}.csv", REF: DATA / f"overdue-reference{suffix}.csv",
               FLOOR: DATA / f"overdue-floor{suffix}.txt"}
    res = interleaved([(FLOOR, floor_cmd), (IRO, iro_cmd), (REF, ref_cmd)],
                      runs=args.runs, warmup=1, env=env, outputs=outputs)
    print("  overdue: " + str(args.runs) + " counted runs after 1 warm-up, interleaved; min / median")
    for r in res.values():
        print("  " + r.line("s"))
    floor_r, iro_r, ref_r = res[FLOOR], res[IRO], res[REF]
    ratio = iro_r.median / floor_r.median
    print(f"  overdue vs the plain-driver read of the same rows: {ratio:.2f}× "
          f"(target ≤ {TARGET}×: {verdict(ratio, TARGET)})")
    print(f"  overdue vs the reference's derivation (information): {iro_r.median / ref_r.median:.2f}×; "
          f"irocli peak RSS {iro_r.peak:.0f} MiB, floor {floor_r.peak:.0f} MiB, reference {ref_r.peak:.0f} MiB")
    floor_rows = outputs[FLOOR].read_text().split()[0]
    csv_rows = outputs[IRO].read_bytes().count(b"\r\n") - 1
    print(f"  rows: the floor read {int(floor_rows):,}, irocli wrote {csv_rows:,} "
          f"({'the same' if int(floor_rows) == csv_rows else 'irocli leaves out what lapses or is not shown'})")
    agree, text = compare(outputs[IRO], outputs[REF])
    print("  output check: " + text.replace("\n", "\n  "))
    if not agree:
        disagree_loudly(text)
    if args.phases:
        for line in phases(store, env, iro_r.median):
            print("  " + line)
    if args.cprofile:
        for line in cprofile(cli_args, env, DATA / f"overdue{suffix}.prof"):
            print("  " + line)
    print(f"  command: {' '.join(iro_cmd)}")
    results = [{"name": f"overdue from table ({n_children:,})", "target": TARGET, "ratio": ratio,
                "irocli_median": iro_r.median, "floor_median": floor_r.median, "irocli_peak": iro_r.peak,
                "floor_peak": floor_r.peak, "unit": "s", "agree": agree,
                "note": ("outputs agree with the reference" if agree else "OUTPUTS DISAGREE")
                + f"; {iro_r.median / ref_r.median:.2f}× the reference"}]

    if args.refresh:
        refresh_args = ["--db", str(store), "--profile", "england", "db", "refresh", "--all"]
        REFRESH = "irocli db refresh --all"
        runs = args.refresh_runs or args.runs
        res = interleaved([(REF, ref_cmd), (REFRESH, irocli_cmd() + refresh_args)], runs=runs, warmup=0, env=env)
        print(f"  refresh: {runs} counted runs, no warm-up, interleaved with the reference; min / median")
        for r in res.values():
            print("  " + r.line("s"))
        ref2, ref_refresh = res[REF], res[REFRESH]
        r_ratio = ref_refresh.median / ref2.median
        over = ref_refresh.peak > REFRESH_CEILING_MIB
        print(f"  db refresh --all vs the reference derivation: {r_ratio:.2f}× "
              f"(target ≤ {REFRESH_TARGET}×: {verdict(r_ratio, REFRESH_TARGET)}); "
              f"{n_children / ref_refresh.median:,.0f} children/s")
        print(f"  db refresh --all peak RSS {ref_refresh.peak:.0f} MiB (ceiling {REFRESH_CEILING_MIB} MiB: "
              f"{'OVER' if over else 'under'}); reference {ref2.peak:.0f} MiB")
        if set(ref_refresh.codes) != {0}:
            print(f"  db refresh --all FAILED: exit codes {sorted(set(ref_refresh.codes))}")
        if args.cprofile_refresh:
            for line in cprofile(refresh_args, env, DATA / f"refresh{suffix}.prof"):
                print("  " + line)
        results.append({"name": f"db refresh --all ({n_children:,})", "target": REFRESH_TARGET, "ratio": r_ratio,
                        "irocli_median": ref_refresh.median, "floor_median": ref2.median,
                        "irocli_peak": ref_refresh.peak, "floor_peak": ref2.peak, "unit": "s", "agree": agree,
                        "note": f"floor = reference derivation; peak {ref_refresh.peak:.0f} MiB "
                                f"vs {REFRESH_CEILING_MIB} MiB {'OVER' if over else 'ok'}"})
    return results


if __name__ == "__main__":
    sys.exit(0 if all(r["agree"] for r in main()) else 1)
