"""Where irocli's settings come from: flag > environment > store > default, each with its source.

Imports only the stdlib at module level (the CLI imports this for every command, --help included).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

DB_ENV = "IROCLI_DB"
PROFILE_ENV = "IROCLI_PROFILE"
DEFAULT_PROFILE = "england"

# SQLAlchemy's own URL grammar: the user name stops at ':' or '/', the password runs to the '@'.
_CREDENTIALS = re.compile(r"^(?P<head>[\w+.-]+://[^:/@]*:)(?P<password>[^@]*)(?P<at>@)")


def default_db_path() -> Path:
    """The SQLite file used when neither --db nor IROCLI_DB is given."""
    import platformdirs  # lazily: only needed when falling back to the default

    return platformdirs.user_data_path("irocli") / "irocli.db"


def db_url(value: str) -> str:
    """An SQLAlchemy URL for a --db value: a URL as given, or a file path made absolute."""
    if "://" in value:
        return value
    return f"sqlite:///{os.path.abspath(os.path.expanduser(value))}"


def resolve_db(flag: str | None) -> tuple[str, str]:
    """The store's URL and where it came from: "--db", "IROCLI_DB" or "default"."""
    if flag:
        return db_url(flag), "--db"
    env = os.environ.get(DB_ENV)
    if env:
        return db_url(env), DB_ENV
    return f"sqlite:///{default_db_path()}", "default"


def display_url(url: str) -> str:
    """The URL with any password replaced by ***, safe to print and log."""
    return _CREDENTIALS.sub(r"\g<head>***\g<at>", url, count=1)


def resolve_profile(flag: str | None, store_value: str | None) -> tuple[str, str]:
    """The profile and its source: "--profile", "IROCLI_PROFILE", "store", "default"."""
    if flag:
        return flag, "--profile"
    env = os.environ.get(PROFILE_ENV)
    if env:
        return env, PROFILE_ENV
    if store_value:
        return store_value, "store"
    return DEFAULT_PROFILE, "default"
