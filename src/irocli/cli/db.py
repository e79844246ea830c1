"""`irocli db …`: where the store is, migrating, checking and backing it up."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import note, open_store, output_path, root
from irocli.cli._options import Format

app = typer.Typer(
    help="The store: where it is, upgrading its schema, checking and backing it up.", no_args_is_help=True
)


@app.command("path")
@boundary
def db_path(ctx: typer.Context) -> None:
    """Print where the store is and where that setting came from.

    Example: irocli db path
    """
    from irocli.config import display_url, resolve_db

    url, source = resolve_db(root(ctx).db)
    location = url[len("sqlite:///"):] if url.startswith("sqlite:///") else display_url(url)
    print(location)
    note(f"(from {source})")


@app.command("upgrade")
@boundary
def db_upgrade(ctx: typer.Context) -> None:
    """Migrate the store to the latest schema.

    Example: irocli db upgrade
    """
    store = open_store(ctx)
    revision = store.upgrade()
    note(f"Store is at schema revision {revision}.")


@app.command("backup")
@boundary
def db_backup(
    ctx: typer.Context,
    target: Annotated[Path, typer.Argument(help="A new file to write the copy to (never overwritten).",
                                           show_default=False)],
) -> None:
    """Copy an SQLite store to a new file, safely while others use it (readable by you only).

    A PostgreSQL store is backed up with pg_dump; this command says how.

    Example: irocli db backup ~/backups/irocli-2026-11-23.db
    """
    target = output_path(target, "TARGET", new=True)
    store = open_store(ctx, read_only=True)
    store.backup(target)
    note(f"Backed up the store to {target}.")


@app.command("check")
@boundary
def db_check(ctx: typer.Context, fmt: Format = "table") -> None:
    """Check the store: SQLite integrity, events of no stored child, events before a child's birth.

    Exits 1 when it finds anything (for cron); children appear by id only.

    Example: irocli db check
    """
    from irocli.reports.output import emit, render

    store = open_store(ctx, read_only=True)
    findings = [finding.as_dict() for finding in store.check()]
    if findings or fmt != "table":
        emit(findings, fmt, fields=("check", "child_id", "event_id", "detail"),
             table=lambda: render.findings_table(findings, store.display_url))
    if findings:
        note(f"{len(findings)} problem{'' if len(findings) == 1 else 's'} found.")
        raise typer.Exit(1)
    note(f"No problems found in {store.display_url} (schema revision {store.revision()}).")


@app.command("grant-reader")
@boundary
def db_grant_reader(
    ctx: typer.Context,
    role: Annotated[str, typer.Argument(help="An existing PostgreSQL role (its exact name) for the BI tool.",
                                        show_default=False)],
) -> None:
    """Let a PostgreSQL role read the view v_obligation_open, and no table (for Power BI or Excel).

    The view holds each open obligation as of today with the child's id and initials, never a name or a
    date of birth. An SQLite store has no roles: a BI tool reads the file (see the README).

    Example: irocli db grant-reader bi_reader
    """
    store = open_store(ctx)
    schema = store.grant_reader(role)
    note(f"Granted role {role!r} read access to {schema}.v_obligation_open (the view only, no table) in "
         f"{store.display_url}.")
