"""Alembic driven from code (no alembic.ini): where the scripts are, and upgrading to head.

Imports alembic (about 170 ms) only inside its functions; the store calls them only when the
schema revision it read with plain SQL is behind HEAD, or when asked to upgrade.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from irocli.errors import StoreUnavailable

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection, Engine

# Every Alembic revision in migrations/versions, oldest first; HEAD is the newest. A test checks
# both against the scripts, so adding a revision without listing it here fails CI.
REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")
HEAD = REVISIONS[-1]


def scripts_dir() -> Path:
    """The directory holding env.py and versions/: the installed irocli.migrations package (or
    migrations/ beside src/ in a source checkout). StoreUnavailable when neither is there."""
    from importlib.resources import files

    try:
        return Path(str(files("irocli.migrations")))
    except ModuleNotFoundError:
        # A source checkout run with PYTHONPATH=src: the scripts sit beside src/, not inside it.
        checkout = Path(__file__).resolve().parents[3] / "migrations"
        if (checkout / "env.py").is_file():
            return checkout
        raise StoreUnavailable("irocli's migration scripts are missing: reinstall irocli") from None


def alembic_config(*, connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic Config built in code; env.py reads the connection (or URL) from its attributes."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(scripts_dir()))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    if url is not None:
        config.attributes["url"] = url
    return config


def script_head() -> str | None:
    """The head revision of the migration scripts themselves."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def script_revisions() -> list[str]:
    """Every revision id in the scripts, oldest first."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    return [s.revision for s in reversed(list(scripts.walk_revisions()))]


# pg_advisory_xact_lock's key for migrating a PostgreSQL store ("irocli" in ASCII).
MIGRATION_LOCK = 0x69726F636C69
# How long an SQLite command waits for another's migration (the whole schema, the obligations kept) before it
# says the store is locked; an ordinary write waits connection.BUSY_TIMEOUT_MS.
MIGRATION_WAIT_MS = 60_000


def upgrade(engine: Engine, target: str = "head") -> None:
    """Run Alembic's upgrade in one transaction on a connection of ``engine``.

    On PostgreSQL the transaction first takes an advisory lock: when several commands open an
    empty team store at once, one migrates it and the others wait, then find it at ``target``
    (Alembic reads the version after the lock; ``engine`` must be READ COMMITTED for that).
    SQLite's BEGIN IMMEDIATE already serialises them; there the wait for the lock is MIGRATION_WAIT_MS.
    """
    import sqlalchemy as sa
    from alembic import command

    from irocli.store.connection import BUSY_TIMEOUT_MS

    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # another command's migration may take a while: wait for it longer than for a write's lock
            connection.connection.driver_connection.execute(f"PRAGMA busy_timeout={MIGRATION_WAIT_MS}")
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                command.upgrade(alembic_config(connection=connection), target)
        finally:
            if sqlite:
                connection.connection.driver_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
