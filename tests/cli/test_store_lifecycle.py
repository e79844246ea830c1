"""Where a store comes from and how commands open it (CONTRACT "Invocation"): only `init` creates
one, reports only read, `init` keeps a store's profile unless forced, `--debug` keeps exit codes."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys

import pytest

from clirunner import Cli

# Every kind of command: reports, writes, imports (real and dry), the database group, e-mail.
COMMANDS = [
    ("due",),
    ("overdue", "--fail-on-overdue"),
    ("explain", "C001"),
    ("child", "list"),
    ("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01"),
    ("event", "add", "C001", "entered-care", "2025-01-06"),
    ("event", "list", "C001"),
    ("escalation", "list"),
    ("calendar",),
    ("report", "kpi"),
    ("holidays",),
    ("db", "upgrade"),
    ("db", "check"),
    ("email", "overdue", "--to", "manager@example.org", "--dry-run"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_mistyped_sqlite_path_is_exit_3_and_creates_nothing(tmp_path, args):
    missing = tmp_path / "typo" / "irocli.db"
    result = Cli(missing)(*args, ok=False)
    assert result.exit_code == 3, (result.stdout, result.stderr)
    assert result.stderr == f"Error: no irocli store at {missing} (no such file): create one with `irocli init`\n"
    assert result.stdout == ""
    assert not (tmp_path / "typo").exists()


def test_a_folder_is_not_a_store(tmp_path):
    result = Cli(tmp_path)("due", ok=False)
    assert result.exit_code == 3
    assert result.stderr == f"Error: no irocli store at {tmp_path} (not a file): create one with `irocli init`\n"


@pytest.mark.parametrize("args", [("due",), ("child", "add", "C001", "--name", "Sam Jones", "--dob", "2012-05-01"),
                                  ("db", "upgrade")], ids=" ".join)
def test_an_empty_database_is_not_a_store_and_is_left_empty(cli, args):
    """On PostgreSQL the database exists (an administrator made it) but holds no irocli tables."""
    if not cli.postgres:
        cli.db.touch()  # an empty file: SQLite would take it for an empty database and write a header
    result = cli(*args, ok=False)
    assert result.exit_code == 3, result.stderr
    if cli.postgres:
        assert "(an empty database): create one with `irocli init`" in result.stderr
    else:
        assert result.stderr == f"Error: no irocli store at {cli.db} (an empty file): create one with `irocli init`\n"
        assert cli.db.stat().st_size == 0
        assert sorted(p.name for p in cli.db.parent.iterdir()) == [cli.db.name]
    assert len(result.stderr.splitlines()) == 1
    assert cli.tables() == []


def test_overdue_in_cron_against_a_typo_is_never_an_all_clear(caseload, tmp_path):
    """The false all-clear of the issue: a typo in IROCLI_DB must not exit 0 with nothing overdue."""
    assert caseload("overdue", "--as-of", "2025-06-01", "--fail-on-overdue", ok=False).exit_code == 1
    typo = Cli(tmp_path / "irocli-typo.db")
    assert typo("overdue", "--as-of", "2025-06-01", "--fail-on-overdue", ok=False).exit_code == 3


def test_init_creates_the_store_and_records_its_profile(tmp_path):
    where = tmp_path / "new" / "irocli.db"
    result = Cli(where)("init", "--profile", "blackpool")
    assert result.stderr.startswith("Store ready; profile blackpool")
    assert stat.S_IMODE(os.stat(where).st_mode) == 0o600
    assert Cli(where).rows("SELECT value FROM meta WHERE key = 'profile'") == [("blackpool",)]


def test_init_over_another_profile_refuses_naming_both_and_changes_nothing(cli):
    cli("init", "--profile", "blackpool")
    before = cli.digest()
    result = cli("init", "--profile", "england", ok=False)
    assert result.exit_code == 2
    assert result.stderr == ("Error: the store has profile blackpool; recording england would change every "
                             "deadline: run `irocli init --profile england --force` to change it\n")
    assert cli.digest() == before
    refused_by_root_option = cli("--profile", "dudley", "init", ok=False)
    assert refused_by_root_option.exit_code == 2 and "store has profile blackpool" in refused_by_root_option.stderr


def test_init_again_keeps_the_profile_and_force_changes_it(cli):
    cli("init", "--profile", "blackpool")
    assert cli("init").stderr.startswith("Store ready; profile blackpool")
    assert cli("init", "--profile", "blackpool").stderr.startswith("Store ready; profile blackpool")
    assert cli("init", "--profile", "england", "--force").stderr.startswith("Store ready; profile england")
    assert cli.rows("SELECT value FROM meta WHERE key = 'profile'") == [("england",)]


@pytest.mark.parametrize(
    "args, code",
    [
        (("overdue", "--as-of", "2025-06-01", "--fail-on-overdue"), 1),
        (("due", "--as-of", "2025-13-01"), 2),
        (("explain", "C404"), 2),
    ],
    ids=lambda v: v if isinstance(v, int) else " ".join(v),
)
def test_debug_shows_the_traceback_and_keeps_the_exit_code(caseload, args, code):
    plain = caseload(*args, ok=False)
    debugging = caseload("--debug", *args, ok=False)
    assert plain.exit_code == debugging.exit_code == code
    assert "Traceback" not in plain.stderr
    if code == 2:
        assert "Traceback (most recent call last)" in debugging.stderr
        assert debugging.stderr.splitlines()[-1] == plain.stderr.strip()


def test_debug_keeps_exit_3_for_a_missing_store(tmp_path):
    result = Cli(tmp_path / "nowhere.db")("--debug", "due", ok=False)
    assert result.exit_code == 3
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("Error: no irocli store at ")


def test_a_store_opened_for_reading_refuses_every_write(db_url):
    from irocli.domain import Child
    from irocli.errors import StoreUnavailable
    from irocli.store import Store

    Store.open(db_url).close()
    with Store.open(db_url, create=False, read_only=True) as store:
        assert store.list_children() == []
        with pytest.raises(StoreUnavailable, match="read-only|readonly"):
            store.add_child(Child("C001", "Sam Jones"))
    with Store.open(db_url) as store:
        assert store.list_children() == []


def test_reports_write_nothing(caseload):
    before = caseload.digest()
    for args in (("due",), ("overdue",), ("explain", "C001"), ("child", "show", "C001"), ("event", "list", "C001"),
                 ("report", "kpi"), ("calendar",), ("escalation", "list"), ("db", "check")):
        caseload(*args, "--as-of", "2025-06-01") if args[0] not in ("event", "db", "escalation") else caseload(*args)
    assert caseload.digest() == before


@pytest.mark.sqlite_only
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a read-only mount is made with Linux's unshare")
@pytest.mark.parametrize("made_by", ["db backup", "a copy of the file"])
def test_a_store_that_can_only_be_read_is_reported_on(caseload, tmp_path, made_by):
    """A snapshot on a read-only share: nothing beside it can be created (SQLite's -wal, -shm).
    As root (who may write any file) the share is a read-only bind mount in a mount namespace of
    the command's own; as anyone else the file and folder lose their write permission."""
    share = tmp_path / "share"
    share.mkdir()
    snapshot = share / "snapshot.db"
    if made_by == "db backup":
        caseload("db", "backup", snapshot)
    else:  # a WAL-mode file, which SQLite reads read-only only beside a -shm it may create
        shutil.copy(caseload.db, snapshot)
        assert snapshot.read_bytes()[18:20] == b"\x02\x02"
        with sqlite3.connect(snapshot) as conn:  # its stored obligations gone: the report derives them live
            conn.execute("DELETE FROM obligation_kept")
        conn.close()
        for beside in share.glob("snapshot.db-*"):
            beside.unlink()
    expected = caseload("overdue", "--as-of", "2025-06-01", "--format", "csv").stdout
    assert expected.count("\n") > 3
    command = [sys.executable, "-m", "irocli", "--db", str(snapshot), "overdue", "--as-of", "2025-06-01",
               "--format", "csv"]
    if os.geteuid() == 0:
        if shutil.which("unshare") is None:
            pytest.skip("unshare (util-linux) is needed to mount the share read-only")
        mount = f'mount --bind "{share}" "{share}" && mount -o remount,bind,ro "{share}" && exec "$@"'
        command = ["unshare", "-m", "sh", "-c", mount, "sh", *command]
    else:
        snapshot.chmod(0o444)
        share.chmod(0o555)
    env = {k: v for k, v in os.environ.items() if not k.startswith("IROCLI_")}
    try:
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    finally:
        share.chmod(0o755)
    if "mount:" in result.stderr or "unshare:" in result.stderr:
        pytest.skip(f"cannot make a read-only mount here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected
    # a reader cannot store them: it is told who can, not to run a command it may not
    assert result.stderr == ("" if made_by == "db backup" else
                             "3 children's stored obligations are missing or were derived with another profile, "
                             "calendar or irocli: derived live; whoever can write the store stores them with "
                             "`irocli db refresh`\n")
    assert sorted(p.name for p in share.iterdir()) == ["snapshot.db"]
    write = [*command[:command.index("overdue")], "event", "add", "C001", "iro-visit", "2025-06-01"]
    if os.geteuid() != 0:
        share.chmod(0o555)
    try:
        refused = subprocess.run(write, capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    finally:
        share.chmod(0o755)
    assert refused.returncode == 3
    assert refused.stderr == (f"Error: the store at sqlite:///{snapshot} can only be read here (a read-only file or "
                              "folder): reports work; recording needs a store you can write\n")


def test_an_internal_error_is_one_line_exit_70_and_debug_shows_it(caseload, monkeypatch):
    """The one test that forces an internal error: a fault in irocli itself, not in the input."""
    from irocli.reports import compute

    def broken(*_args, **_kwargs):
        raise RuntimeError("a fault in irocli")

    monkeypatch.setattr(compute, "due_rows", broken)
    result = caseload("due", ok=False, internal_error=True)
    assert result.exit_code == 70
    assert result.stderr == "Error: internal error (RuntimeError); rerun with --debug for details\n"
    debugging = caseload("--debug", "due", ok=False, internal_error=True)
    assert debugging.exit_code == 70
    assert "RuntimeError: a fault in irocli" in debugging.stderr
    assert debugging.stderr.splitlines()[-1] == result.stderr.strip()
