"""`irocli --help` against a minimal Typer app that renders its own help (target: ≤ 1.3×).

    python bench/bench_help.py [--runs 10]

The floor is a 10-command Typer app (3 options each) written to a temporary file; it imports only
typer and renders `--help` with Typer's defaults (Rich formatting, since Rich is installed). irocli
sets rich_markup_mode=None, so a second, stricter floor with plain help is printed for information.
Both are timed as whole processes, in alternation, 10 counted runs after 1 warm-up; the ratio is
of medians. Prints figures only.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import bench_env, interleaved, irocli_cmd, machine_line, verdict  # noqa: E402

TARGET = 1.3

FLOOR_APP = '''\
import typer

app = typer.Typer(help="A minimal ten-command app: the floor for --help.")

'''
FLOOR_COMMAND = '''
@app.command("cmd{i}")
def cmd{i}(
    name: str = typer.Option("x", help="A name for command {i}."),
    count: int = typer.Option(1, help="How many times."),
    verbose: bool = typer.Option(False, help="Say more."),
) -> None:
    """Command number {i}: does nothing, documents three options."""
    print(name, count, verbose)
'''
FLOOR_MAIN = '''

if __name__ == "__main__":
    app()
'''

# What `irocli --help` loaded that it should not (PERFORMANCE.md: --help imports only typer).
MODULES_PROBE = '''\
import runpy, sys
sys.argv = ["irocli", "--help"]
try:
    runpy.run_module("irocli", run_name="__main__")
except SystemExit:
    pass
heavy = ("sqlalchemy", "sqlmodel", "alembic", "holidays", "dateutil", "rich", "pydantic", "tomllib")
print(",".join(m for m in heavy if m in sys.modules), file=sys.stderr)
'''


def write_floor(directory: Path, plain: bool = False) -> Path:
    """The floor app; plain=True renders help without Rich (rich_markup_mode=None, as irocli does)."""
    path = directory / ("floor_help_plain.py" if plain else "floor_help_app.py")
    head = FLOOR_APP.replace("typer.Typer(", "typer.Typer(rich_markup_mode=None, ") if plain else FLOOR_APP
    path.write_text(head + "".join(FLOOR_COMMAND.format(i=i) for i in range(10)) + FLOOR_MAIN)
    return path


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description="irocli --help vs a minimal Typer app")
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args(argv)
    env = bench_env()
    print(f"== irocli --help  ({machine_line()})")
    with tempfile.TemporaryDirectory() as tmp:
        floor = write_floor(Path(tmp))
        plain = write_floor(Path(tmp), plain=True)
        cmds = [
            ("(info) floor, plain help (no Rich)", [sys.executable, str(plain), "--help"]),
            ("floor: minimal Typer app --help", [sys.executable, str(floor), "--help"]),
            ("irocli --help", irocli_cmd() + ["--help"]),
            ("(info) floor: app cmd0 --help", [sys.executable, str(floor), "cmd0", "--help"]),
            ("(info) irocli due --help", irocli_cmd() + ["due", "--help"]),
        ]
        res = interleaved(cmds, runs=args.runs, warmup=1, env=env)
    for r in res.values():
        print("  " + r.line("ms"))
    floor_r, iro_r = res["floor: minimal Typer app --help"], res["irocli --help"]
    ratio = iro_r.median / floor_r.median
    sub_ratio = res["(info) irocli due --help"].median / res["(info) floor: app cmd0 --help"].median
    plain_ratio = iro_r.median / res["(info) floor, plain help (no Rich)"].median
    probe = subprocess.run([sys.executable, "-c", MODULES_PROBE], env=env, capture_output=True, text=True)
    loaded = probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else ""
    print(f"  ratio of medians: {ratio:.2f}× (target ≤ {TARGET}×: {verdict(ratio, TARGET)}); "
          f"subcommand help {sub_ratio:.2f}× (information)")
    print(f"  against the plain-help floor (Typer without Rich, as irocli renders): {plain_ratio:.2f}× (information)")
    print(f"  heavy modules loaded by `irocli --help`: {loaded or 'none'}")
    print(f"  command: {' '.join(irocli_cmd())} --help")
    return {"name": "irocli --help", "target": TARGET, "ratio": ratio,
            "irocli_median": iro_r.median, "floor_median": floor_r.median,
            "irocli_peak": iro_r.peak, "floor_peak": floor_r.peak, "unit": "ms",
            "plain_ratio": plain_ratio,
            "note": f"{plain_ratio:.2f}× the plain-help floor; loads {loaded or 'nothing heavy'}"}


if __name__ == "__main__":
    main()
