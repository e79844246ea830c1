"""One of several processes writing to one store at once (run by test_concurrency.py).

Usage: python concurrency_worker.py URL WORKER OWN_DIR SHARED_DIR GO_FILE ADDS

Waits for GO_FILE, then through the CLI (in this process, as a person's or cron's command runs):
imports the directory every worker shares, then its own, then records ADDS events one command at a
time (half to its own child, half to the child every worker shares), importing the shared
directory again halfway through. Prints JSON:
the ids `event add` printed and every command's exit code and stderr.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from irocli.cli import app


def main(url: str, worker: str, own: str, shared: str, go: str, adds: int) -> None:
    runner = CliRunner(env={"IROCLI_DB": url, "IROCLI_PROFILE": None, "NO_COLOR": "1"})
    commands: list[dict] = []

    def run(*args: str):
        result = runner.invoke(app, list(args))
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        commands.append({"args": list(args), "code": result.exit_code, "stderr": result.stderr,
                         "crashed": repr(result.exception) if crashed else None})
        return result

    deadline = time.monotonic() + 60
    while not Path(go).exists() and time.monotonic() < deadline:
        time.sleep(0.002)
    run("import", "native", shared)
    run("import", "native", own)
    ids: list[int] = []
    for i in range(adds):
        child = f"W{worker}-01" if i % 2 else "P01"
        day = (dt.date(2026, 1, 5) + dt.timedelta(days=i)).isoformat()
        result = run("event", "add", child, "iro-visit", day, "--by", f"worker-{worker}")
        if result.exit_code == 0:
            ids.append(int(result.stdout.strip()))
        if i == adds // 2:
            run("import", "native", shared)
    print(json.dumps({"ids": ids, "commands": commands}))


if __name__ == "__main__":
    main(*sys.argv[1:6], int(sys.argv[6]))
