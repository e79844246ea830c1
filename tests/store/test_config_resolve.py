"""config: one resolver for the store URL and the profile, each remembering its source."""

from __future__ import annotations

import os

import pytest

from irocli.config import display_url, resolve_db, resolve_profile


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    monkeypatch.delenv("IROCLI_DB", raising=False)
    monkeypatch.delenv("IROCLI_PROFILE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


def test_the_flag_wins_over_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("IROCLI_DB", str(tmp_path / "env.db"))
    assert resolve_db(str(tmp_path / "flag.db")) == (f"sqlite:///{tmp_path}/flag.db", "--db")
    assert resolve_db(None) == (f"sqlite:///{tmp_path}/env.db", "IROCLI_DB")


def test_the_default_is_in_the_user_data_directory(tmp_path):
    assert resolve_db(None) == (f"sqlite:///{tmp_path}/xdg/irocli/irocli.db", "default")


def test_a_relative_path_becomes_absolute_and_a_url_stays_as_given(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert resolve_db("data/store.db")[0] == f"sqlite:///{tmp_path}/data/store.db"
    assert resolve_db("~/x.db")[0] == f"sqlite:///{os.path.expanduser('~')}/x.db"
    url = "postgresql+psycopg://ann@db.example/irocli"
    assert resolve_db(url) == (url, "--db")


def test_a_password_on_the_command_line_is_refused_and_not_echoed(monkeypatch):
    from irocli.errors import BadInput

    with pytest.raises(BadInput) as caught:
        resolve_db("postgresql+psycopg://ann:hunter2@db.example/irocli")
    assert "hunter2" not in str(caught.value) and "ann:***@db.example" in str(caught.value)
    url = "postgresql+psycopg://ann:hunter2@db.example/irocli"
    monkeypatch.setenv("IROCLI_DB", url)  # the environment is where it may live
    assert resolve_db(None) == (url, "IROCLI_DB")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://u:p4ss@h/db", "postgresql+psycopg://u:***@h/db"),
        ("postgresql+psycopg://u:p/a:ss@h:5432/db", "postgresql+psycopg://u:***@h:5432/db"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("sqlite:////home/ann/irocli.db", "sqlite:////home/ann/irocli.db"),
        ("sqlite:///C:/x@y.db", "sqlite:///C:/x@y.db"),
    ],
)
def test_display_url_masks_only_the_password(url, shown):
    assert display_url(url) == shown


def test_profile_comes_from_flag_then_env_then_store_then_default(monkeypatch):
    assert resolve_profile(None, None) == ("england", "default")
    assert resolve_profile(None, "dudley") == ("dudley", "store")
    monkeypatch.setenv("IROCLI_PROFILE", "knowsley")
    assert resolve_profile(None, "dudley") == ("knowsley", "IROCLI_PROFILE")
    assert resolve_profile("blackpool", "dudley") == ("blackpool", "--profile")


def test_config_imports_only_the_standard_library():
    import subprocess
    import sys
    from pathlib import Path

    import irocli

    src = str(Path(irocli.__file__).resolve().parents[1])
    code = (
        "import sys; import irocli.config; "
        "print([m for m in ('platformdirs', 'sqlalchemy', 'typer') if m in sys.modules])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": src},
    )
    assert done.stdout.strip() == "[]"
