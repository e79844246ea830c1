"""`irocli due` for one IRO's 60 children in a 2,500-child store (target: ≤ 1.3× the floor, and
never above 0.5 s on the reference machine).

    python bench/bench_due.py [--runs 10] [--store bench-data/la000.db]

Floor: a script written to a temporary file that starts Python, imports typer, rich.table and
sqlalchemy, runs one indexed SQLAlchemy Core query for the rows irocli's due reads -- that IRO's open
obligations due by the window's end, from the obligation table irocli keeps -- and prints them as a
six-column Rich table (the same row count as irocli's).
irocli: `irocli --db STORE --profile england due --iro NAME --as-of 2026-11-23`.
Both run with stdout to /dev/null, COLUMNS=120, FORCE_COLOR unset; whole-process wall time,
alternating, 10 counted runs after 1 warm-up; the ratio is of medians. Prints figures only.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import AS_OF, DATA, bench_env, ensure_store, interleaved, irocli_cmd, machine_line, verdict  # noqa: E402

TARGET = 1.3
CEILING = 0.5  # seconds, PERFORMANCE.md on its 2-core machine

FLOOR_BODY = """\
import datetime as dt
import sys

import typer  # noqa: F401  (the CLI framework's import cost is part of the floor)
import rich.table
import sqlalchemy
from rich.console import Console


def show(store, iro, as_of="2026-11-23", within=28):
    # the rows irocli's due reads: that IRO's open obligations due by the window's end, from the obligation
    # table irocli keeps (its SQL, steered the same way), each printed as one row of a six-column table
    engine = sqlalchemy.create_engine(f"sqlite:///{store}")
    by = (dt.date.fromisoformat(as_of) + dt.timedelta(days=within)).isoformat()
    query = sqlalchemy.text(
        "SELECT c.id, c.iro, o.rule, o.title, o.due, o.owner FROM child AS c CROSS JOIN obligation AS o"
        " JOIN obligation_kept AS k ON k.child_id = o.child_id WHERE o.child_id = c.id AND c.iro = :iro"
        " AND k.fingerprint = (SELECT value FROM meta WHERE key = 'obligations.fingerprint')"
        " AND (o.shown_from IS NULL OR o.shown_from <= :as_of) AND +o.status = 'open' AND +o.due <= :by"
        " ORDER BY o.due, c.id"
    )
    table = rich.table.Table(title=f"Due as of {as_of}")
    for col in ("Due", "When", "Child", "Obligation", "IRO", "Owner"):
        table.add_column(col)
    n = 0
    with engine.connect() as conn:
        for child_id, name, rule, title, due, owner in conn.execute(query, {"iro": iro, "as_of": as_of, "by": by}):
            days = (dt.date.fromisoformat(due) - dt.date.fromisoformat(as_of)).days
            table.add_row(due, f"{-days}d late" if days < 0 else f"in {days}d", child_id, f"{title}  {rule}",
                          name, owner)
            n += 1
    Console().print(table)
    print(f"{n} obligations")
"""
FLOOR_MAIN = """
show(sys.argv[1], sys.argv[2])
"""
# The same work behind a Typer command with irocli's options: Typer's per-command cost (it builds
# pydantic adapters for the parameters) is then part of the floor too. Information only.
TYPER_MAIN = """
from typing import Annotated

app = typer.Typer()
STATE = {}


@app.callback()
def root(db: Annotated[str, typer.Option("--db")] = "",
         profile: Annotated[str, typer.Option("--profile")] = "") -> None:
    STATE["db"] = db


@app.command()
def due(iro: Annotated[str | None, typer.Option("--iro")] = None,
        as_of: Annotated[str | None, typer.Option("--as-of")] = None,
        within: Annotated[int, typer.Option("--within")] = 28) -> None:
    show(STATE["db"], iro)


app()
"""


def import_diff(floor_cmd: list[str], irocli_args: list[str], env: dict, top: int = 12) -> list[str]:
    """What irocli imports beyond the floor: -X importtime self times summed by top-level package."""
    import subprocess

    def modules(cmd: list[str]) -> dict[str, int]:
        proc = subprocess.run([sys.executable, "-X", "importtime", *cmd], env=env,
                              capture_output=True, text=True)
        found = {}
        for line in proc.stderr.splitlines():
            parts = line.removeprefix("import time:").split("|")
            if len(parts) == 3 and parts[0].strip().isdigit():
                found[parts[2].strip()] = int(parts[0])
        return found

    floor_mods = modules(floor_cmd)
    iro_mods = modules(["-m", "irocli", *irocli_args])
    extra: dict[str, int] = {}
    for name, us in iro_mods.items():
        if name not in floor_mods:
            depth = 2 if name.startswith(("irocli", "typer", "sqlalchemy")) else 1
            pkg = ".".join(name.split(".")[:depth])
            extra[pkg] = extra.get(pkg, 0) + us
    rows = sorted(extra.items(), key=lambda kv: -kv[1])[:top]
    head = (f"imports beyond the floor's: {sum(extra.values()) / 1000:.0f} ms self time in "
            f"{len(set(iro_mods) - set(floor_mods))} modules (-X importtime, one run); largest:")
    return [head] + [f"    {pkg:<34} {us / 1000:6.1f} ms" for pkg, us in rows]


def pick_iro(store: Path) -> tuple[str, int, int]:
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    row = con.execute("SELECT iro, count(*) FROM child WHERE iro IS NOT NULL GROUP BY iro "
                      "HAVING count(*) = 60 ORDER BY iro LIMIT 1").fetchone()
    if row is None:
        sys.exit(f"no IRO with 60 children in {store}")
    events = con.execute("SELECT count(*) FROM event WHERE voided_at IS NULL AND child_id IN "
                         "(SELECT id FROM child WHERE iro = ?)", (row[0],)).fetchone()[0]
    con.close()
    return row[0], row[1], events


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description="irocli due for one IRO vs an import+query+table floor")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--store", type=Path, default=DATA / "la000.db")
    ap.add_argument("--no-imports", dest="imports", action="store_false",
                    help="skip the -X importtime comparison of what irocli loads beyond the floor")
    args = ap.parse_args(argv)
    store = ensure_store(args.store, 2500, small=True)
    iro, n_children, n_events = pick_iro(store)
    env = bench_env()
    print(f"== irocli due, one IRO  ({machine_line()})")
    print(f"  store {store} (2,500 children); IRO {iro}: {n_children} children, {n_events} events")
    due_cmd = irocli_cmd() + ["--db", str(store), "--profile", "england", "due", "--iro", iro, "--as-of", AS_OF]
    out_path = DATA / "due-irocli.txt"
    with tempfile.TemporaryDirectory() as tmp:
        floor = Path(tmp) / "floor_due.py"
        floor.write_text(FLOOR_BODY + FLOOR_MAIN)
        typer_floor = Path(tmp) / "floor_due_typer.py"
        typer_floor.write_text(FLOOR_BODY + TYPER_MAIN)
        cmds = [
            ("floor: typer+rich.table+sqlalchemy, query, table", [sys.executable, str(floor), str(store), iro]),
            ("irocli due --iro", due_cmd),
            ("(info) floor run as a Typer command", [sys.executable, str(typer_floor), "--db", str(store),
                                                     "--profile", "england", "due", "--iro", iro,
                                                     "--as-of", AS_OF]),
        ]
        res = interleaved(cmds, runs=args.runs, warmup=1, env=env, outputs={"irocli due --iro": out_path})
        diff = import_diff(cmds[0][1][1:], due_cmd[due_cmd.index("--db"):], env) if args.imports else []
    for r in res.values():
        print("  " + r.line("ms"))
    floor_r, iro_r = res[cmds[0][0]], res["irocli due --iro"]
    ratio = iro_r.median / floor_r.median
    lines = out_path.read_text(encoding="utf-8", errors="replace").splitlines() if out_path.exists() else []
    print(f"  ratio of medians: {ratio:.2f}× (target ≤ {TARGET}×: {verdict(ratio, TARGET)})")
    print(f"  irocli median {iro_r.median * 1000:.0f} ms (PERFORMANCE.md ceiling {CEILING * 1000:.0f} ms "
          f"on its machine: {'under' if iro_r.median <= CEILING else 'OVER'}); "
          f"output {len(lines)} lines ({lines[-1].strip() if lines else 'none'}) in {out_path.name}")
    typer_ratio = iro_r.median / res[cmds[2][0]].median
    print(f"  against the floor run as a Typer command (Typer's own per-command cost included): "
          f"{typer_ratio:.2f}× (information)")
    for line in diff:
        print("  " + line)
    print(f"  command: {' '.join(due_cmd)}")
    return {"name": "irocli due (60 children)", "target": TARGET, "ratio": ratio,
            "irocli_median": iro_r.median, "floor_median": floor_r.median,
            "irocli_peak": iro_r.peak, "floor_peak": floor_r.peak, "unit": "ms",
            "typer_ratio": typer_ratio,
            "note": f"absolute {iro_r.median * 1000:.0f} ms vs 500 ms ceiling; "
                    f"{typer_ratio:.2f}× a floor run as a Typer command"}


if __name__ == "__main__":
    main()
