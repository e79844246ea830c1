"""`irocli import ssda903`: rows per second for the shared 903 sample and a generated 84,000-child
return, beside the time the DfE validator package takes to load the same files.

    python bench/bench_import.py [--runs 3] [--children 84000] [--skip-validator]

irocli: `irocli --db FRESH_STORE import ssda903 DIR` into a store made by `irocli init` just before
(every row checked, one transaction, everything written), whole-process wall time, and again on
the now full store (a re-run: every key found, nothing written). Rows = data rows of the files
irocli reads (Header, Episodes, Reviews).

The validator: `csc-validator-be-903` from PyPI, installed by this script into its own venv under
bench-data/validator-venv (never a project dependency). Its load of the same CSV files is
lac_validator.ingress.read_from_text (parse, match tables, upper-case) followed by
lac_validator.datastore.create_datastore (postcode look-ups and placement distances), timed as a
whole process like irocli (Python start and imports included); its own figure for
read_from_text alone is printed beside it. If the validator cannot be installed or run here,
the script says why and carries on. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import DATA, ROOT, bench_env, irocli_cmd, machine_line, run_once  # noqa: E402

SHARED = ROOT.parent / "shared" / "ssda903_sample"
GENERATOR = ROOT / "sample_data" / "ssda903" / "generate.py"
VENV = DATA / "validator-venv"
VALIDATOR = "csc-validator-be-903"
USED = (  # the tables irocli reads
    ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE",
     "HOME_POST", "PL_POST", "URN"),
    ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
)

VALIDATOR_SCRIPT = """\
import glob, json, logging, os, sys, time
logging.disable(logging.CRITICAL)
t0 = time.perf_counter()
from lac_validator.ingress import read_from_text
from lac_validator.datastore import create_datastore
t1 = time.perf_counter()
files = [{"name": os.path.basename(p), "file_content": open(p, "rb").read(), "description": "This year"}
         for p in sorted(glob.glob(os.path.join(sys.argv[1], "*.csv")))]
dfs, meta = read_from_text(files)
t2 = time.perf_counter()
create_datastore(dfs, {"collectionYear": sys.argv[2], "localAuthority": "E09000001", **meta})
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "read_from_text": t2 - t1, "create_datastore": t3 - t2,
                  "rows": {k: len(v) for k, v in dfs.items()}}))
"""


def data_rows(folder: Path) -> int:
    """Data rows of the Header, Episodes and Reviews files (found by their columns, as irocli does)."""
    total = 0
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8-sig") as fh:
            columns = {c.strip().upper() for c in fh.readline().split(",")}
            if any(columns == set(t) for t in USED):
                total += sum(1 for line in fh if line.strip(", \r\n"))
    return total


def ensure_generated(children: int) -> Path:
    folder = DATA / f"ssda903-{children}"
    if not (folder / "reviews.csv").exists():
        print(f"generating a {children:,}-child 903 return in {folder} …", flush=True)
        subprocess.run([sys.executable, str(GENERATOR), str(folder), "--children", str(children)], check=True)
    return folder


def time_irocli(folder: Path, runs: int) -> tuple[list[float], list[float]]:
    """(first-import times, re-run times), each into a fresh store made by init just before."""
    env = bench_env()
    firsts, reruns = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="irocli-bench-") as tmp:
            db = str(Path(tmp) / "store.db")
            subprocess.run([*irocli_cmd(), "--db", db, "init"], env=env, check=True, capture_output=True)
            cmd = [*irocli_cmd(), "--db", db, "import", "ssda903", str(folder)]
            wall, _rss, code = run_once(cmd, env=env)
            if code != 0:
                result = subprocess.run(cmd, env=env, capture_output=True, text=True)
                raise SystemExit(f"irocli import failed ({code}): {result.stderr.strip()}")
            firsts.append(wall)
            wall, _rss, code = run_once(cmd, env=env)
            reruns.append(wall)
    return firsts, reruns


def validator_python() -> tuple[Path | None, str]:
    """The validator venv's python, installing it on first use; (None, why) if that fails."""
    python = VENV / "bin" / "python"
    if python.exists():
        check = subprocess.run([str(python), "-c", "import lac_validator.ingress"], capture_output=True, text=True)
        if check.returncode == 0:
            return python, "installed"
    print(f"installing {VALIDATOR} into {VENV} (once; not a project dependency) …", flush=True)
    try:
        if VENV.exists():
            shutil.rmtree(VENV)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, capture_output=True, text=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", VALIDATOR], check=True,
                       capture_output=True, text=True, timeout=900)
        subprocess.run([str(python), "-c", "import lac_validator.ingress"], check=True, capture_output=True,
                       text=True, timeout=300)
    except subprocess.CalledProcessError as error:
        lines = (error.stderr or error.stdout or "").strip().splitlines()
        return None, f"{' '.join(map(str, error.cmd[:4]))} failed: {lines[-1] if lines else error.returncode}"
    except (subprocess.TimeoutExpired, OSError) as error:
        return None, f"{type(error).__name__}: {error}"
    return python, "installed now"


def time_validator(python: Path, folder: Path, year: str, runs: int) -> tuple[list[float], list[dict]]:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        fh.write(VALIDATOR_SCRIPT)
        script = fh.name
    walls, inner = [], []
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    try:
        for _ in range(runs):
            t0 = time.perf_counter()
            result = subprocess.run([str(python), script, str(folder), year], capture_output=True, text=True,
                                    env=env, timeout=1800)
            walls.append(time.perf_counter() - t0)
            if result.returncode != 0:
                lines = result.stderr.strip().splitlines()
                raise RuntimeError(lines[-1] if lines else f"exit {result.returncode}")
            inner.append(json.loads(result.stdout.strip().splitlines()[-1]))
    finally:
        os.unlink(script)
    return walls, inner


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="timed runs per figure (median shown)")
    ap.add_argument("--children", type=int, default=84000, help="size of the generated return")
    ap.add_argument("--skip-validator", action="store_true", help="irocli's figures only")
    args = ap.parse_args(argv)
    DATA.mkdir(exist_ok=True)
    print(f"irocli import benchmark: {machine_line()}")
    sets = []
    if SHARED.is_dir():
        sets.append(("shared 903 sample (1,223 children)", SHARED, "2024"))
    else:
        print(f"({SHARED} is not here: the shared sample is left out)")
    sets.append((f"generated return ({args.children:,} children)", ensure_generated(args.children), "2025"))

    python, why = (None, "skipped (--skip-validator)") if args.skip_validator else validator_python()
    if python is None:
        print(f"DfE validator: not timed: {why}")
    results = []
    for label, folder, year in sets:
        rows = data_rows(folder)
        firsts, reruns = time_irocli(folder, args.runs)
        first, rerun = statistics.median(firsts), statistics.median(reruns)
        print(f"\n== {label}: {rows:,} rows (Header + Episodes + Reviews) in {folder}")
        print(f"irocli import, fresh store    {first:7.2f} s   {rows / first:10,.0f} rows/s   (runs: "
              f"{', '.join(f'{t:.2f}' for t in firsts)})")
        print(f"irocli re-run, nothing new    {rerun:7.2f} s   {rows / rerun:10,.0f} rows/s")
        entry = {"name": label, "rows": rows, "irocli_s": first, "irocli_rerun_s": rerun,
                 "irocli_rows_per_s": rows / first}
        if python is not None:
            try:
                walls, inner = time_validator(python, folder, year, args.runs)
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                print(f"DfE validator load: could not run on these files: {error}")
            else:
                wall = statistics.median(walls)
                read = statistics.median(i["read_from_text"] for i in inner)
                store = statistics.median(i["create_datastore"] for i in inner)
                print(f"DfE validator load (process)  {wall:7.2f} s   {rows / wall:10,.0f} rows/s   "
                      f"(read_from_text {read:.2f} s, create_datastore {store:.2f} s, imports "
                      f"{statistics.median(i['import'] for i in inner):.2f} s)")
                print(f"ratio irocli import / validator load: {first / wall:.2f}×  "
                      f"({'faster' if first < wall else 'SLOWER'}); irocli / validator read_from_text "
                      f"alone: {first / read:.2f}×")
                entry.update(validator_s=wall, validator_read_s=read, ratio=first / wall)
        results.append(entry)
    print("\nWhole-process wall times, medians. irocli checks every row and writes a store; the validator's "
          "load only reads into DataFrames (its rules run after). Compare ratios from the same run.")
    return results


if __name__ == "__main__":
    main()
