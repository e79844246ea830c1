"""A test that cannot be outgrown: every command Typer builds, every value-taking parameter, bad values.

The tree is walked at run time, so a command or option added later is covered without anyone
remembering to add it here. Each bad value must end in exit 2 (bad input) or 3 (the store), one
line on stderr, no traceback, nothing written. Then every command runs as a process with its
stdout closed early and with a Windows console encoding (cp1252) and a child named Łukasz.

The boundary is the same on both backends, so these run on SQLite (the store is a real file).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from clirunner import Cli
from irocli.cli import app
from irocli.store import Store

pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parents[2]
SSDA903 = ROOT / "tests" / "data" / "ssda903_2023_24"


def commands() -> list[tuple[tuple[str, ...], object]]:
    """(path, click command) for every leaf command of the app, e.g. (("child", "add"), <command>), and every group
    that does something alone (`caseload`: its options are its callback's)."""
    found = []

    def walk(command, path):
        subcommands = getattr(command, "commands", None)
        if subcommands is None or (path and command.invoke_without_command):
            found.append((path, command))
        if subcommands is None:
            return
        for name, sub in sorted(subcommands.items()):
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return found


COMMANDS = commands()
DATE_PARAMS = {"--as-of", "--date", "--due", "--dob", "--from", "--covers-from", "--shift-to", "--review-on",
               "date"}
NUMBER_PARAMS = {"--within", "esc_id", "event_id", "--year", "--to-stage", "batch"}
PATH_PARAMS = {"--output", "--html", "target", "files", "directory", "paths"}


def name_of(param) -> str:
    return param.opts[0] if param.param_type_name == "option" else param.name


def takes_value(param) -> bool:
    return not getattr(param, "is_flag", False) and name_of(param) != "--help"


def is_date(path: tuple[str, ...], param) -> bool:
    return name_of(param) in DATE_PARAMS or (name_of(param) == "--to" and path == ("report", "kpi"))


def bad_values(path: tuple[str, ...], param, tmp_path: Path) -> list[tuple[str, str]]:
    """(label, value) pairs that the parameter must refuse."""
    name = name_of(param)
    values = [("empty", ""), ("control characters", "C\x00\x1b[31m\x07"), ("huge", "x" * 100_000)]
    if is_date(path, param):
        values += [("not a date", "2025-13-01"), ("year 9999", "9999-12-31"), ("year 1", "0001-01-01"),
                   ("not ISO", "01/02/2025")]
    if name in NUMBER_PARAMS:
        values += [("negative", "-1"), ("huge number", "9" * 30), ("superscript digit", "²"), ("fraction", "1.5")]
    if name in PATH_PARAMS:
        values += [("a folder" if name not in ("directory", "paths") else "a missing folder",
                    str(tmp_path) if name not in ("directory", "paths") else str(tmp_path / "absent")),
                   ("a missing file", str(tmp_path / "absent" / "file.csv"))]
    if name == "--to" and path == ("email",):
        values += [("a line break", "manager@example.org\nBcc: everyone@example.org"),
                   ("not an address", "not an address")]
    return values


def baseline(path: tuple[str, ...], ids: dict[str, str], tmp_path: Path) -> dict[str, list[str]]:
    """A valid value for each required parameter, so that the bad one is what is refused."""
    arguments = {
        "child_id": ids["child"], "esc_id": ids["escalation"], "event_id": ids["event"], "date": "2025-02-01",
        "kind": "overdue" if path == ("email",) else "review-held",
        **({"child_id": "C002"} if path == ("child", "add") else {}), "target": str(tmp_path / "backup.db"),
        "files": str(ROOT / "sample_data" / "ssd"), "directory": str(ROOT / "sample_data"), "paths": str(SSDA903),
        "role": "bi_reader", "absent": "A. Khan", "old": "A. Khan", "new": "Amir Khan", "batch": ids["batch"],
    }
    options = {"--reason": "drift" if path == ("escalation", "open") else "entered in error",
               "--outcome": "plan agreed", "--month": "2025-02", "--note": "good life-story work",
               "--map": "ssd", "--name": "Ava Smith", "--dob": "2010-02-28"}
    # `caseload transfer --from NAME --to NAME --date DATE`, `caseload cover ABSENT --cover NAME --from/--to DATE`
    transfer = path == ("caseload", "transfer")
    options |= {"--from": "A. Khan" if transfer else "2025-02-01", "--to": "B. Okafor" if transfer else "2025-02-14",
                "--cover": "B. Okafor", "--date": "today"}
    return {"arguments": arguments, "options": options}


def invocation(path, command, ids, tmp_path, bad_param=None, bad_value=None) -> list[str]:
    values = baseline(path, ids, tmp_path)
    args = list(path)
    for param in command.params:
        name = name_of(param)
        if param is bad_param:
            args += [bad_value] if param.param_type_name == "argument" else [name, bad_value]
        elif param.param_type_name == "argument" and param.required:
            args.append(values["arguments"][param.name])
        elif param.param_type_name == "option" and param.required:
            args += [name, values["options"][name]]
    if path == ("child", "update") and (bad_param is None or name_of(bad_param) != "--team"):
        args += ["--team", "South"]  # an update with nothing to change is itself refused
    if path == ("event", "amend") and (bad_param is None or name_of(bad_param) != "--date"):
        args += ["--date", "2024-12-21"]  # an amendment that corrects nothing is itself refused
    if path == ("plan",) and (bad_param is None or name_of(bad_param) != "--review-on"):
        args.append("--latest")  # the first review, due 2025-01-22, is open on 2025-01-02
        if bad_param is None or name_of(bad_param) != "--as-of":
            args += ["--as-of", "2025-01-02"]
    if path == ("email",) and bad_param is None or (path == ("email",) and name_of(bad_param) != "--to"):
        args += ["--to", "manager@example.org", "--dry-run"]
    elif path == ("email",):
        args += ["--dry-run"]
    return args


# Commands whose valid invocation on an SQLite store is refused (exit 2) because they are for PostgreSQL only.
POSTGRESQL_ONLY = {("db", "grant-reader")}


def exits(path: tuple[str, ...]) -> tuple[int, ...]:
    """The exit codes a valid run of the command may end with on SQLite (1: findings, for cron)."""
    return (2,) if path in POSTGRESQL_ONLY else (0, 1)


CASES = [(path, command, param) for path, command in COMMANDS for param in command.params if takes_value(param)]


@pytest.fixture
def store(cli, tmp_path) -> tuple[Cli, dict[str, str]]:
    cli("init")
    cli("child", "add", "C001", "--name", "Łukasz Nowak", "--dob", "2012-05-01", "--iro", "A. Khan", "--team", "North")
    event = cli("event", "add", "C001", "entered-care", "2024-12-20").stdout.strip()
    escalation = cli("escalation", "open", "C001", "--reason", "drift", "--date", "2025-01-10").stdout.strip()
    with Store.open(cli.url) as opened:  # an import batch (of nothing) for `import undo`
        batch = opened.bulk_load([], []).batch
    return cli, {"child": "C001", "event": event, "escalation": escalation, "batch": str(batch)}


def test_the_tree_is_walked():
    """The walk finds the commands a user knows (a broken walk must not pass vacuously)."""
    paths = {path for path, _ in COMMANDS}
    assert {("due",), ("child", "add"), ("import", "ssda903"), ("escalation", "open"), ("db", "backup")} <= paths
    assert len(CASES) > 100


@pytest.mark.parametrize("path, command, param", CASES,
                         ids=[f"{' '.join(p)} {name_of(q)}" for p, _, q in CASES])
def test_every_bad_value_is_one_line_exit_2_or_3_and_writes_nothing(store, tmp_path, path, command, param):
    cli, ids = store
    for label, value in bad_values(path, param, tmp_path):
        before = cli.digest()
        args = invocation(path, command, ids, tmp_path, param, value)
        result = cli(*args, ok=False)
        shown = f"{' '.join(path)} {name_of(param)} {label}"
        assert result.exit_code in (2, 3), (shown, result.exit_code, result.stdout[:300], result.stderr[:300])
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), (shown, result.stderr[:500])
        assert len(lines[0]) < 1200, (shown, len(lines[0]))
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr, shown
        assert "Łukasz" not in result.stderr, shown
        assert cli.digest() == before, shown


def test_each_command_runs_with_its_baseline(store, tmp_path):
    """The baseline invocations are valid (else a bad value would be refused for the wrong reason).
    Each runs on its own copy of the store, so one command's writes do not change another's answer."""
    import shutil

    cli, ids = store
    for number, (path, command) in enumerate(COMMANDS):
        copy = tmp_path / f"copy{number}.db"
        shutil.copy(cli.db, copy)
        args = invocation(path, command, ids, tmp_path)
        result = Cli(copy)(*args, ok=False)
        if path in POSTGRESQL_ONLY:
            assert result.exit_code == 2 and "an SQLite store has no roles" in result.stderr, (path, result.stderr)
        else:
            assert result.exit_code == 0, (path, result.exit_code, result.stderr[:300])


def run(args: list[str], env: dict[str, str], *, close_stdout: bool = False) -> tuple[int, str, bytes]:
    command = [sys.executable, "-m", "irocli", *args]
    if not close_stdout:
        done = subprocess.run(command, env=env, capture_output=True, timeout=120)
        return done.returncode, done.stderr.decode("utf-8", "replace"), done.stdout
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader has gone (`| head -0`)
    err = proc.stderr.read()
    return proc.wait(timeout=120), err.decode("utf-8", "replace"), b""


@pytest.fixture
def each_on_a_copy(store, tmp_path):
    """(path, args, env) for every command, each with its own copy of the store (commands that write
    must not change the next one's answer), as a process would be run."""
    import shutil

    cli, ids = store
    base = {k: v for k, v in os.environ.items() if not k.startswith("IROCLI_")}
    base["COLUMNS"] = "100"
    found = []
    for number, (path, command) in enumerate(COMMANDS):
        copy = tmp_path / f"process{number}.db"
        shutil.copy(cli.db, copy)
        args = invocation(path, command, ids, tmp_path / f"out{number}")
        (tmp_path / f"out{number}").mkdir()
        found.append((path, command, args, {**base, "IROCLI_DB": str(copy)}))
    return found


def test_every_command_with_stdout_closed_early_ends_quietly(each_on_a_copy):
    for path, _command, args, env in each_on_a_copy:
        code, err, _ = run(args, env, close_stdout=True)
        assert code in exits(path), (path, code, err)
        assert "internal error" not in err and "Traceback" not in err, (path, err)


def test_every_command_on_a_cp1252_console_writes_utf8_data_and_readable_tables(each_on_a_copy, tmp_path):
    import shutil

    for path, command, args, env in each_on_a_copy:
        env = {**env, "PYTHONIOENCODING": "cp1252"}
        formats = ("table", "json", "csv") if "--format" in {name_of(p) for p in command.params} else ("-",)
        pristine = tmp_path / "pristine.db"
        shutil.copy(env["IROCLI_DB"], pristine)
        for fmt in formats:
            shutil.copy(pristine, env["IROCLI_DB"])  # each format on the store as it was (`import undo` writes)
            extra = [] if fmt == "-" else ["--format", fmt]
            code, err, out = run([*args, *extra], env)
            if code == 2 and "--format must be one of" in err:
                continue  # a format this command does not offer (its help says so: test_usage)
            assert code in exits(path), (path, fmt, code, err)
            assert "internal error" not in err and "Traceback" not in err, (path, fmt, err)
            if fmt in ("json", "csv") or path in (("calendar",), ("email",)):
                out.decode("utf-8")  # data is UTF-8 (cp1252 bytes for a name would not decode)
            else:
                out.decode("cp1252")  # a table is for the console, in its own encoding
    env = {**each_on_a_copy[0][3], "PYTHONIOENCODING": "cp1252"}
    assert "Łukasz Nowak".encode() in run(["child", "list", "--format", "csv"], env)[2]
    assert "Łukasz Nowak".encode() in run(["child", "list", "--format", "json"], env)[2]
    table = run(["child", "list"], env)[2]
    assert b"?ukasz Nowak" in table and "Ł".encode() not in table
