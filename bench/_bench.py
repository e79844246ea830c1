"""Shared helpers for the bench scripts: where things are, how to run irocli, how to time a process.

Process figures time the whole command from outside (start to exit, interpreter start-up and
shutdown included), like PERFORMANCE.md. Peak RSS comes from os.wait4 on that one child, so
each run's figure is its own (getrusage(RUSAGE_CHILDREN) only keeps a running maximum); the child
is started by a small launcher process (LAUNCHER), never forked from the bench itself, whose own
peak Linux would otherwise carry into the child's figure.
Nothing here asserts a timing: the scripts print figures and ratios.
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench-data"
SRC = ROOT / "src"
AS_OF = "2026-11-23"


def bench_env(**extra: str) -> dict[str, str]:
    """The environment every timed process gets: no colour forcing, a fixed width, and irocli
    importable from the source tree when it is not installed in this interpreter."""
    env = dict(os.environ)
    env.pop("FORCE_COLOR", None)
    env.pop("IROCLI_DB", None)
    env.pop("IROCLI_PROFILE", None)
    env["COLUMNS"] = "120"
    env.setdefault("PYTHONHASHSEED", "0")
    if importlib.util.find_spec("irocli") is None or os.environ.get("BENCH_FROM_SOURCE"):
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH", "")) if p)
    env.update(extra)
    return env


def irocli_cmd() -> list[str]:
    """The venv's console script when it is installed next to this interpreter, else -m irocli."""
    script = Path(sys.executable).parent / "irocli"
    if script.exists() and importlib.util.find_spec("irocli") is not None:
        return [str(script)]
    return [sys.executable, "-m", "irocli"]


@dataclass
class Runs:
    label: str
    wall: list[float] = field(default_factory=list)  # seconds
    rss: list[float] = field(default_factory=list)  # MiB
    codes: list[int] = field(default_factory=list)

    @property
    def min(self) -> float:
        return min(self.wall)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def peak(self) -> float:
        return max(self.rss)

    def line(self, unit: str = "ms") -> str:
        scale = 1000.0 if unit == "ms" else 1.0
        return (f"{self.label:<46} {self.min * scale:9.{0 if unit == 'ms' else 2}f} / "
                f"{self.median * scale:9.{0 if unit == 'ms' else 2}f} {unit}   "
                f"peak {self.peak:7.1f} MiB   exit {sorted(set(self.codes))}")


# Runs the command and reports (wall seconds, peak RSS KiB, exit status) on the file descriptor it is
# given. Linux carries the RSS high-water mark of the process that forks over exec into the child's
# ru_maxrss, so a child of the bench process (grown to hundreds of MiB comparing two national CSVs)
# would report at least the bench's own peak; a child of this small launcher reports its own.
LAUNCHER = """\
import os, sys, time
fd, cmd = int(sys.argv[1]), sys.argv[2:]
t0 = time.perf_counter()
pid = os.posix_spawnp(cmd[0], cmd, os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - t0
os.write(fd, f"{wall!r} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}".encode())
"""


def run_once(cmd: list[str], *, env: dict[str, str] | None = None, stdout=None,
             stderr=None) -> tuple[float, float, int]:
    """Run cmd once; return (wall seconds, peak RSS MiB, exit code). A small launcher (LAUNCHER)
    starts it and times it, so that its peak RSS is its own and not the bench's."""
    out = subprocess.DEVNULL if stdout is None else stdout
    err = subprocess.DEVNULL if stderr is None else stderr
    read, write = os.pipe()
    try:
        proc = subprocess.Popen([sys.executable, "-S", "-c", LAUNCHER, str(write), *cmd], env=env, stdout=out,
                                stderr=err, stdin=subprocess.DEVNULL, pass_fds=(write,))
    finally:
        os.close(write)
    with os.fdopen(read, "rb") as fh:
        report = fh.read().decode()
    if proc.wait() != 0 or not report:
        raise RuntimeError(f"the bench launcher failed (exit {proc.returncode}) running {cmd[:3]} …")
    wall, maxrss, code = report.split()
    return float(wall), int(maxrss) / 1024.0, int(code)  # ru_maxrss is KiB on Linux


def time_process(label: str, cmd: list[str], *, runs: int, warmup: int = 1, env=None,
                 stdout_path: Path | None = None) -> Runs:
    """warmup runs (not counted), then runs counted. stdout goes to /dev/null, or to
    stdout_path for the first warm-up run only (so the output can be checked)."""
    result = Runs(label)
    for i in range(warmup + runs):
        if i == 0 and stdout_path is not None:
            with open(stdout_path, "wb") as fh:
                wall, rss, code = run_once(cmd, env=env, stdout=fh)
        else:
            wall, rss, code = run_once(cmd, env=env)
        if i >= warmup:
            result.wall.append(wall)
            result.rss.append(rss)
            result.codes.append(code)
    return result


def interleaved(pairs: list[tuple[str, list[str]]], *, runs: int, warmup: int = 1, env=None,
                outputs: dict[str, Path] | None = None, envs: dict[str, dict[str, str]] | None = None,
                before: Callable[[str], None] | None = None) -> dict[str, Runs]:
    """Time several commands in alternation (A B A B …), so a noisy neighbour hits both alike.
    outputs[label], when given, receives that command's stdout on its warm-up run; envs[label], when
    given, is that command's environment instead of env; before(label), when given, runs (untimed)
    before each run of that command."""
    outputs = outputs or {}
    envs = envs or {}
    results = {label: Runs(label) for label, _ in pairs}
    for i in range(warmup + runs):
        for label, cmd in pairs:
            path = outputs.get(label) if i == 0 else None
            run_env = envs.get(label, env)
            if before is not None:
                before(label)
            if path is not None:
                with open(path, "wb") as fh:
                    wall, rss, code = run_once(cmd, env=run_env, stdout=fh)
            else:
                wall, rss, code = run_once(cmd, env=run_env)
            if i >= warmup:
                r = results[label]
                r.wall.append(wall)
                r.rss.append(rss)
                r.codes.append(code)
    return results


def verdict(ratio: float, target: float) -> str:
    return "within target" if ratio <= target else "OVER target"


def machine_line() -> str:
    import platform
    import sqlite3

    try:
        load = os.getloadavg()
        load_text = f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    except OSError:
        load_text = "load ?"
    return (f"{platform.python_implementation()} {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
            f"{os.cpu_count()} CPUs, {load_text}; {sys.executable}")


def ensure_store(path: Path, children: int, *, small: bool = False, force: bool = False,
                 layout: str = "by-child", refresh: bool = True) -> Path:
    """Generate the store at path unless a complete one is already there (generate.py records
    the child count and layout in meta 'bench.children' and 'bench.layout'); then, with refresh,
    bring it to the current schema and store its obligations (refresh_store), so that reports read
    the obligation table as they would in use."""
    import sqlite3

    found = False
    if path.exists() and not force:
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            meta = dict(con.execute("SELECT key, value FROM meta WHERE key LIKE 'bench.%'"))
            con.close()
            found = meta.get("bench.children") == str(children) and meta.get("bench.layout") == layout
        except sqlite3.Error:
            pass
    if not found:
        cmd = [sys.executable, str(Path(__file__).with_name("generate.py")), str(path), "--force"]
        cmd += ["--small"] if small else ["--children", str(children)]
        cmd += ["--layout", layout]
        print(f"generating {path.name} ({children:,} children) …", flush=True)
        subprocess.run(cmd, check=True, env=bench_env())
    if refresh:
        refresh_store(path)
    return path


def revision(path: Path) -> str | None:
    """The store's schema revision (alembic_version), None when it has none."""
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        row = None
    finally:
        con.close()
    return None if row is None else row[0]


def refresh_store(path: Path) -> None:
    """`irocli --db PATH --profile england db refresh`: migrates the store to the current schema and
    stores the obligations of the children whose rows are missing or stale (quick when current).
    Says what it did when it did anything; exits on failure."""
    before = revision(path)
    t0 = time.perf_counter()
    cmd = irocli_cmd() + ["--db", str(path), "--profile", "england", "db", "refresh"]
    proc = subprocess.run(cmd, env=bench_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"could not refresh {path} with {' '.join(cmd)} (exit {proc.returncode}):\n"
                 f"{proc.stderr.strip()}")
    after = revision(path)
    said = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
    if before != after or not (said and " of 0 children" in said[-1]):
        print(f"  {path.name}: schema {before} -> {after}; {said[-1] if said else 'refreshed'} "
              f"({time.perf_counter() - t0:.1f} s)", flush=True)
