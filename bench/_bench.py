"""Shared helpers for the bench scripts: where things are, how to run irocli, how to time a process.

Process figures time the whole command from outside (start to exit, interpreter start-up and
shutdown included), like PERFORMANCE.md. Peak RSS comes from os.wait4 on that one child, so
each run's figure is its own (getrusage(RUSAGE_CHILDREN) only keeps a running maximum).
Nothing here asserts a timing: the scripts print figures and ratios.
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import subprocess
import sys
import time
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


def run_once(cmd: list[str], *, env: dict[str, str] | None = None, stdout=None,
             stderr=None) -> tuple[float, float, int]:
    """Run cmd once; return (wall seconds, peak RSS MiB, exit code)."""
    out = subprocess.DEVNULL if stdout is None else stdout
    err = subprocess.DEVNULL if stderr is None else stderr
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024.0, proc.returncode  # ru_maxrss is KiB on Linux


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
                outputs: dict[str, Path] | None = None) -> dict[str, Runs]:
    """Time several commands in alternation (A B A B …), so a noisy neighbour hits both alike.
    outputs[label], when given, receives that command's stdout on its warm-up run."""
    outputs = outputs or {}
    results = {label: Runs(label) for label, _ in pairs}
    for i in range(warmup + runs):
        for label, cmd in pairs:
            path = outputs.get(label) if i == 0 else None
            if path is not None:
                with open(path, "wb") as fh:
                    wall, rss, code = run_once(cmd, env=env, stdout=fh)
            else:
                wall, rss, code = run_once(cmd, env=env)
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
                 layout: str = "by-child") -> Path:
    """Generate the store at path unless a complete one is already there (generate.py records
    the child count and layout in meta 'bench.children' and 'bench.layout')."""
    import sqlite3

    if path.exists() and not force:
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            meta = dict(con.execute("SELECT key, value FROM meta WHERE key LIKE 'bench.%'"))
            con.close()
            if meta.get("bench.children") == str(children) and meta.get("bench.layout") == layout:
                return path
        except sqlite3.Error:
            pass
    cmd = [sys.executable, str(Path(__file__).with_name("generate.py")), str(path), "--force"]
    cmd += ["--small"] if small else ["--children", str(children)]
    cmd += ["--layout", layout]
    print(f"generating {path.name} ({children:,} children) …", flush=True)
    subprocess.run(cmd, check=True, env=bench_env())
    return path
