"""National recompute: `irocli overdue` over 84,000 children and ~1,000,000 events against a
plain-Python reference (target: ≤ 1.5× the reference, peak memory ≤ 500 MiB).

    python bench/bench_recompute.py [--runs 3] [--layout by-child|chronological] [--cprofile]

irocli: `irocli --db STORE --profile england overdue --format csv --as-of 2026-11-23`, which
derives every child's obligations. Reference: bench/reference_recompute.py (stdlib sqlite3 read,
the same England arithmetic on a bisect working-day index, the same CSV). Both are timed as whole
processes in alternation, 3 counted runs after 1 warm-up, stdout to /dev/null; peak RSS per run
from wait4. The warm-up runs write their CSVs to bench-data/, and the two are compared on
(child_id, obligation, due): a disagreement is printed, it is a finding. Prints figures only.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import AS_OF, DATA, bench_env, ensure_store, interleaved, irocli_cmd, machine_line, verdict  # noqa: E402

TARGET = 1.5
MEMORY_CEILING_MIB = 500
HERE = Path(__file__).resolve().parent

PHASES = r'''
import datetime as dt, sys, time


def main():  # locals, not module globals: the loop runs as it would inside irocli
    t0 = time.perf_counter()
    from irocli.engine import derive
    from irocli.profiles import load
    from irocli.store import Store
    t1 = time.perf_counter()
    store = Store.open(sys.argv[1])
    profile = load("england")
    as_of = dt.date.fromisoformat(sys.argv[2])
    derive_too = sys.argv[3] == "derive"
    n = 0
    t2 = time.perf_counter()
    for child, events in store.iter_caseload():
        if derive_too:
            n += len(derive(child.id, events, profile, as_of, dob=child.dob, history=False).obligations)
        else:
            n += len(events)
    t3 = time.perf_counter()
    print(f"{t1 - t0:.3f} {t2 - t1:.3f} {t3 - t2:.3f} {n}")


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
    a, a_rows = read_keys(irocli_csv)
    b, b_rows = read_keys(reference_csv)
    if a == b:
        identical = a_rows == b_rows
        return True, (f"AGREE: {len(a):,} rows with the same (child_id, obligation, due)"
                      + ("; files byte-for-byte identical" if identical and
                         irocli_csv.read_bytes() == reference_csv.read_bytes()
                         else "; other columns or order differ"))
    sa, sb = set(a), set(b)
    only_a, only_b = sorted(sa - sb), sorted(sb - sa)
    lines = [f"DISAGREE: irocli {len(a):,} rows, reference {len(b):,}; "
             f"{len(only_a):,} only in irocli, {len(only_b):,} only in the reference"]
    lines += [f"    irocli only:    {','.join(k)}" for k in only_a[:show]]
    lines += [f"    reference only: {','.join(k)}" for k in only_b[:show]]
    if not only_a and not only_b:
        lines.append("    (same set of keys, different multiplicity)")
    return False, "\n".join(lines)


def phases(store: Path, env: dict, wall: float) -> list[str]:
    """In-process split of irocli's time: store stream alone, then stream + derive."""
    best: dict[str, tuple[float, float, float]] = {}
    for _ in range(2):  # the faster of two runs of each
        for mode in ("read", "derive"):
            proc = subprocess.run([sys.executable, "-c", PHASES, str(store), AS_OF, mode], env=env,
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                return [f"phases unavailable ({proc.stderr.strip().splitlines()[-1:]})"]
            imp, open_, loop, _n = (float(x) for x in proc.stdout.split())
            if mode not in best or loop < best[mode][2]:
                best[mode] = (imp, open_, loop)
    (imp, open_, read), (_, _, both) = best["read"], best["derive"]
    rest = wall - imp - open_ - both
    return [f"in-process split (faster of 2 runs): imports {imp:.2f} s, open store + load profile {open_:.2f} s, "
            f"store.iter_caseload() alone {read:.2f} s, with derive(history=False) {both:.2f} s "
            f"(derive ≈ {both - read:.2f} s); the remaining {rest:.2f} s of the {wall:.2f} s median is "
            f"interpreter start and exit, Typer, rows, sort and CSV"]


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


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description="irocli overdue over the national store vs a plain-Python reference")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--children", type=int, default=84_000)
    ap.add_argument("--layout", choices=("by-child", "chronological"), default="by-child")
    ap.add_argument("--store", type=Path, help="default bench-data/national.db (…-chronological.db)")
    ap.add_argument("--cprofile", action="store_true", help="also profile one irocli run")
    ap.add_argument("--no-phases", dest="phases", action="store_false")
    args = ap.parse_args(argv)
    suffix = "" if args.layout == "by-child" else "-chronological"
    default = DATA / (f"national{suffix}.db" if args.children == 84_000 else f"n{args.children}{suffix}.db")
    store = ensure_store(args.store or default, args.children, layout=args.layout)
    env = bench_env()
    print(f"== national recompute  ({machine_line()})")
    import sqlite3

    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    n_children = con.execute("SELECT count(*) FROM child").fetchone()[0]
    n_events = con.execute("SELECT count(*) FROM event WHERE voided_at IS NULL").fetchone()[0]
    con.close()
    print(f"  store {store}: {n_children:,} children, {n_events:,} events, "
          f"{store.stat().st_size / 2**20:.0f} MiB, layout {args.layout}")
    cli_args = ["--db", str(store), "--profile", "england", "overdue", "--format", "csv", "--as-of", AS_OF]
    iro_cmd = irocli_cmd() + cli_args
    ref_cmd = [sys.executable, str(HERE / "reference_recompute.py"), str(store), "--as-of", AS_OF]
    outputs = {"irocli overdue --format csv": DATA / "overdue-irocli.csv",
               "reference (stdlib sqlite3 + bisect)": DATA / "overdue-reference.csv"}
    res = interleaved([("reference (stdlib sqlite3 + bisect)", ref_cmd),
                       ("irocli overdue --format csv", iro_cmd)],
                      runs=args.runs, warmup=1, env=env, outputs=outputs)
    for r in res.values():
        print("  " + r.line("s"))
    ref_r, iro_r = res["reference (stdlib sqlite3 + bisect)"], res["irocli overdue --format csv"]
    ratio = iro_r.median / ref_r.median
    agree, text = compare(outputs["irocli overdue --format csv"], outputs["reference (stdlib sqlite3 + bisect)"])
    print(f"  ratio of medians: {ratio:.2f}× (target ≤ {TARGET}×: {verdict(ratio, TARGET)})")
    print(f"  irocli peak RSS {iro_r.peak:.0f} MiB (ceiling {MEMORY_CEILING_MIB} MiB: "
          f"{'under' if iro_r.peak <= MEMORY_CEILING_MIB else 'OVER'}); reference {ref_r.peak:.0f} MiB")
    print("  output check: " + text.replace("\n", "\n  "))
    if args.phases:
        for line in phases(store, env, iro_r.median):
            print("  " + line)
    if args.cprofile:
        for line in cprofile(cli_args, env, DATA / f"overdue{suffix}.prof"):
            print("  " + line)
    print(f"  command: {' '.join(iro_cmd)}")
    return {"name": f"national recompute ({n_children:,}, {args.layout})", "target": TARGET,
            "ratio": ratio, "irocli_median": iro_r.median, "floor_median": ref_r.median,
            "irocli_peak": iro_r.peak, "floor_peak": ref_r.peak, "unit": "s", "agree": agree,
            "note": ("outputs agree" if agree else "OUTPUTS DISAGREE") +
                    f"; peak {iro_r.peak:.0f} MiB vs {MEMORY_CEILING_MIB} MiB"}


if __name__ == "__main__":
    main()
