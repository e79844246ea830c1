"""Run the benchmarks and print a summary of figures and ratios (`make bench`).

    python bench/run_all.py [--quick] [--skip-national] [--cprofile]

--help start-up (bench_help), one IRO's due (bench_due), event add with the obligation table kept
against the pre-table code (bench_write), and unless --skip-national: national overdue from the
table against the plain-driver read, row for row against the reference, and a full db refresh
(bench_recompute), then the national store on SQLite and PostgreSQL (bench_scale: a throwaway
cluster). Exits 1, loudly, when irocli and the reference disagree or a write check fails.

Each benchmark measures its own floor in the same run and prints its figures; this script then
prints one table: irocli's median, the floor's median, the ratio against the issue's target, and
peak memory. Uses the running interpreter (sys.executable) and the `irocli` script next to it if
irocli is installed there (else `python -m irocli` from src/). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_due  # noqa: E402
import bench_help  # noqa: E402
import bench_recompute  # noqa: E402
import bench_scale  # noqa: E402
import bench_write  # noqa: E402
from _bench import DATA, irocli_cmd, machine_line  # noqa: E402


def fmt(value: float, unit: str) -> str:
    return f"{value * 1000:.0f} ms" if unit == "ms" else f"{value:.2f} s"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs (5 / 5 / 1): a rough look only")
    ap.add_argument("--skip-national", action="store_true", help="leave out the 84,000-child recompute")
    ap.add_argument("--cprofile", action="store_true", help="profile one national irocli run too")
    args = ap.parse_args(argv)
    DATA.mkdir(exist_ok=True)
    started = time.perf_counter()
    print(f"irocli benchmarks: {machine_line()}")
    print(f"irocli command: {' '.join(irocli_cmd())}\n")
    results = [bench_help.main(["--runs", "5" if args.quick else "10"])]
    print()
    results.append(bench_due.main(["--runs", "5" if args.quick else "10"]))
    print()
    results.append(bench_write.main(["--runs", "5" if args.quick else "10"]))
    if not args.skip_national:
        print()
        extra = ["--cprofile"] if args.cprofile else []
        results += bench_recompute.main(["--runs", "1" if args.quick else "3", *extra])
        print()
        scale = bench_scale.main(["--runs", "1" if args.quick else "3"])

    print(f"\n== summary ({time.perf_counter() - started:.0f} s; medians; ratio = irocli / floor)")
    header = f"{'benchmark':<44} {'irocli':>9} {'floor':>9} {'ratio':>7} {'target':>7}  {'':<6} {'peak':>8}  notes"
    print(header)
    print("-" * len(header))
    for r in results:
        ok = "ok" if r["ratio"] <= r["target"] else "OVER"
        print(f"{r['name']:<44} {fmt(r['irocli_median'], r['unit']):>9} {fmt(r['floor_median'], r['unit']):>9} "
              f"{r['ratio']:6.2f}× {r['target']:6.1f}×  {ok:<6} {r['irocli_peak']:5.0f} MiB  {r.get('note', '')}")
    if not args.skip_national:
        print("\n== scale (national store; ratio = irocli / the plain driver reading the same rows)")
        for r in scale:
            print(f"{r['backend']:<11} {r['name']:<34} {r['irocli']:7.2f} s {r['floor']:7.2f} s "
                  f"{r['ratio']:6.2f}×  {r['peak']:5.0f} MiB")
    print("\nFigures from a shared machine drift: compare ratios from the same run, not absolute times.")
    failed = [r["name"] for r in results if not r.get("agree", True)]
    if failed:
        print(f"\n{'!' * 100}\nFAILED CHECKS (outputs disagree or a write went wrong): {', '.join(failed)}\n"
              f"{'!' * 100}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
