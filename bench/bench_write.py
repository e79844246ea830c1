"""The cost of a write with the obligation table kept current: `irocli event add` on the 2,500-child
store with the current code against the same command run by the pre-table code (target: ≤ 1.3×).

    python bench/bench_write.py [--runs 10] [--store bench-data/la000.db]
                                [--old-store bench-data/la000-r0003.db] [--old-commit 6cf18e8]
                                [--child ID] [--date YYYY-MM-DD] [--cprofile]

Current: `python -m irocli --db NEW --profile england event add CHILD sw-visit DATE`, on a copy of
the store brought to the current schema with its obligations stored (_bench.ensure_store), so the
write re-derives and rewrites that child's rows in its transaction (store/kept.py). Before: the
same command run by the code of the pre-table commit (6cf18e8, extracted with `git archive` into a
temporary directory and put first on PYTHONPATH), on its own copy of the same store at schema
revision 0003, taken before any upgrade (bench-data/la000-r0003.db; made with generate.py
--irocli-src from that commit's code when absent). Both copies are fresh for each invocation of
this script; each run adds one event to the same child (the child with the most events that is
still in care, unless --child), dated DATE (default 2026-11-20, never after today).

Whole processes timed from outside in alternation (_bench.interleaved), 10 counted runs after 1
warm-up, stdout to /dev/null, peak RSS per run from wait4; the ratio is of medians (the median of
the paired ratios and the ratio of minima are printed beside it, for information). Afterwards the
bench checks that every run recorded its event, that the new copy kept the child's rows (its
obligation_kept row rewritten) and that the old copy is still at revision 0003. --cprofile profiles
one more run of each (cProfile, top functions). Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import DATA, ROOT, bench_env, ensure_store, interleaved, machine_line, revision, verdict  # noqa: E402

TARGET = 1.3
OLD_COMMIT = "6cf18e8"  # the last commit before the obligation table (migration 0004)
OLD_REVISION = "0003"
HERE = Path(__file__).resolve().parent


def extract(commit: str, into: Path) -> Path:
    """src/ of ``commit`` (git archive of this repository) under ``into``, with that commit's migrations/ as
    the package irocli.migrations inside it (as a wheel ships them: otherwise this checkout's editable install
    lends the old code today's migrations, and its `init` makes a store at today's revision); returns
    into/src."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "src", "migrations"], capture_output=True,
                             check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    (into / "migrations").rename(into / "src" / "irocli" / "migrations")
    return into / "src"


def copy_store(src: Path, dst: Path) -> Path:
    """An online backup of src at dst (sqlite3's backup API, like `sqlite3 SRC ".backup DST"`)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    target = sqlite3.connect(dst)
    source.backup(target)
    target.close()
    source.close()
    return dst


def old_store(path: Path, old_src: Path) -> Path:
    """The store at revision 0003 for the pre-table code: path when it is at that revision, else
    generated there by generate.py with the old code's `init` (the same seed and size as la000)."""
    if path.exists() and revision(path) == OLD_REVISION:
        return path
    print(f"generating {path.name} with the code of {OLD_COMMIT} …", flush=True)
    subprocess.run([sys.executable, str(HERE / "generate.py"), str(path), "--force", "--small",
                    "--irocli-src", str(old_src)], check=True, env=bench_env())
    if revision(path) != OLD_REVISION:
        sys.exit(f"{path} is at revision {revision(path)}, not {OLD_REVISION}")
    return path


def busiest_child(store: Path) -> str:
    """The child with the most events among those still in care (no left-care), ties by id."""
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    row = con.execute(
        "SELECT e.child_id FROM event AS e WHERE e.voided_at IS NULL AND e.child_id NOT IN"
        " (SELECT child_id FROM event WHERE kind = 'left-care' AND voided_at IS NULL)"
        " GROUP BY e.child_id ORDER BY count(*) DESC, e.child_id LIMIT 1").fetchone()
    con.close()
    if row is None:
        sys.exit(f"{store}: no child with events in care")
    return row[0]


def facts(store: Path, child: str) -> tuple[int, str | None]:
    """(the child's non-voided events, its obligation_kept.derived_at or None)."""
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    n = con.execute("SELECT count(*) FROM event WHERE child_id = ? AND voided_at IS NULL", (child,)).fetchone()[0]
    try:
        row = con.execute("SELECT derived_at FROM obligation_kept WHERE child_id = ?", (child,)).fetchone()
    except sqlite3.Error:
        row = None
    con.close()
    return n, None if row is None else row[0]


def profile_one(cmd_args: list[str], env: dict, out: Path, top: int = 18) -> list[str]:
    import pstats

    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "irocli", *cmd_args],
                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    stats = pstats.Stats(str(out))
    entries = [(tottime, cumtime, ncalls, f"{Path(file).name}:{line}({func})" if file != "~" else func, file)
               for (file, line, func), (_cc, ncalls, tottime, cumtime, _c) in stats.stats.items()]
    total = max(e[1] for e in entries)
    lines = [f"cProfile ({out}; total {total:.2f} s under the profiler), irocli functions by cumulative time:"]
    own = [e for e in entries if "/irocli/" in e[4]]
    for tottime, cumtime, ncalls, name, _ in sorted(own, key=lambda e: -e[1])[:top]:
        lines.append(f"  {cumtime:6.3f} s cum {tottime:6.3f} s self {ncalls:>7,} calls  {name}")
    return lines


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--store", type=Path, default=DATA / "la000.db")
    ap.add_argument("--old-store", type=Path, default=DATA / f"la000-r{OLD_REVISION}.db")
    ap.add_argument("--old-commit", default=OLD_COMMIT)
    ap.add_argument("--child")
    ap.add_argument("--date", type=dt.date.fromisoformat, default=dt.date(2026, 11, 20))
    ap.add_argument("--cprofile", action="store_true", help="also profile one run of each")
    args = ap.parse_args(argv)
    DATA.mkdir(exist_ok=True)
    day = min(args.date, dt.date.today())
    with tempfile.TemporaryDirectory(prefix="irocli-old-") as tmp:
        old_src = extract(args.old_commit, Path(tmp))
        base_old = old_store(args.old_store, old_src)
        base_new = ensure_store(args.store, 2_500, small=True)
        new = copy_store(base_new, DATA / "write-new.db")
        old = copy_store(base_old, DATA / "write-old.db")
        child = args.child or busiest_child(new)
        n_new, kept_before = facts(new, child)
        n_old, _ = facts(old, child)
        print(f"== event add with the obligation table kept  ({machine_line()})")
        print(f"  stores: {new} (revision {revision(new)}, from {base_new.name}), {old} (revision {revision(old)}, "
              f"from {base_old.name}); child {child} with {n_new} events (old copy {n_old}); date {day}")
        tail = ["--profile", "england", "event", "add", child, "sw-visit", day.isoformat()]
        NEW, OLD = "event add, current code (table kept)", f"event add, pre-table code ({args.old_commit})"
        new_args, old_args = ["--db", str(new), *tail], ["--db", str(old), *tail]
        envs = {NEW: bench_env(), OLD: bench_env(PYTHONPATH=str(old_src))}
        res = interleaved([(OLD, [sys.executable, "-m", "irocli", *old_args]),
                           (NEW, [sys.executable, "-m", "irocli", *new_args])],
                          runs=args.runs, warmup=1, envs=envs)
        for r in res.values():
            print("  " + r.line("ms"))
        new_r, old_r = res[NEW], res[OLD]
        ratio = new_r.median / old_r.median
        print(f"  ratio of medians: {ratio:.2f}× (target ≤ {TARGET}×: {verdict(ratio, TARGET)}); "
              f"the table costs {1000 * (new_r.median - old_r.median):+.0f} ms a write")
        paired = statistics.median(n / o for n, o in zip(new_r.wall, old_r.wall, strict=True))
        print(f"  (information, steadier on a busy machine) median of the {args.runs} paired ratios {paired:.2f}×, "
              f"ratio of minima {new_r.min / old_r.min:.2f}×")
        added = args.runs + 1
        n_new2, kept_after = facts(new, child)
        n_old2, _ = facts(old, child)
        problems = []
        if set(new_r.codes) != {0} or set(old_r.codes) != {0}:
            problems.append(f"exit codes current {sorted(set(new_r.codes))}, before {sorted(set(old_r.codes))}")
        if n_new2 - n_new != added or n_old2 - n_old != added:
            problems.append(f"events added: current {n_new2 - n_new}, before {n_old2 - n_old}, expected {added}")
        if kept_after is None or kept_after == kept_before:
            problems.append(f"the current code did not rewrite {child}'s obligation_kept row")
        if revision(old) != OLD_REVISION:
            problems.append(f"the old copy is at revision {revision(old)}, not {OLD_REVISION}")
        print("  check: " + ("; ".join(problems) if problems else
                             f"each run recorded its event ({added} each); {child}'s rows kept "
                             f"(derived_at {kept_before} -> {kept_after}); old copy still at {OLD_REVISION}"))
        if args.cprofile:
            for line in profile_one(new_args, envs[NEW], DATA / "event-add-current.prof"):
                print("  " + line)
            for line in profile_one(old_args, envs[OLD], DATA / "event-add-before.prof"):
                print("  " + line)
        print(f"  command: python -m irocli {' '.join(new_args)}")
    return {"name": "event add (table kept) vs pre-table", "target": TARGET, "ratio": ratio,
            "irocli_median": new_r.median, "floor_median": old_r.median, "irocli_peak": new_r.peak,
            "floor_peak": old_r.peak, "unit": "ms", "agree": not problems,
            "note": "floor = the same command by the pre-table code" + (f"; {problems[0]}" if problems else "")}


if __name__ == "__main__":
    sys.exit(0 if main()["agree"] else 1)
