"""`irocli db …`: where the store is, and migrating it."""

from __future__ import annotations

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import note, open_store, root

app = typer.Typer(help="The store: where it is, and upgrading its schema.", no_args_is_help=True)


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
