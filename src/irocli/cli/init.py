"""`irocli init`: the one command that creates a store, and records its rule profile."""

from __future__ import annotations

from typing import Annotated

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import note, open_store

app = typer.Typer()


@app.command("init")
@boundary
def init(
    ctx: typer.Context,
    profile: Annotated[str | None, typer.Option("--profile", help="Profile to record in the store.")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Record --profile even though the store has another (every deadline changes).")] = False,
) -> None:
    """Create the store (or migrate an existing one) and record its rule profile.

    The only command that creates a store. On an existing store with another profile it refuses
    (exit 2) unless --force: changing the profile changes every deadline (CONTRACT).

    Example: irocli init --profile blackpool
    """
    from pathlib import Path

    from irocli.errors import BadInput
    from irocli.profiles import SHIPPED, load

    asked = profile if profile is not None else ctx.obj.profile
    loaded = load(asked if asked is not None else "england")  # a bad profile fails before anything is written
    if asked is not None and asked not in SHIPPED:
        asked = str(Path(asked).expanduser().resolve())  # a file is recorded as a path that works from any folder
    store = open_store(ctx, create=True)
    recorded = store.get_meta("profile")
    if recorded is not None and asked is None:
        loaded = load(recorded)  # `irocli init` again: the store keeps its profile
    elif recorded is not None and recorded != asked and not force:
        raise BadInput(f"the store has profile {recorded}; recording {asked} would change every deadline: "
                       f"run `irocli init --profile {asked} --force` to change it")
    else:
        store.set_meta("profile", asked or "england")
    from irocli.cli.db import refresh

    done = refresh(store)  # a changed profile (or irocli): every stale child's obligations stored again
    stored = f"; stored the obligations of {done:,} {'child' if done == 1 else 'children'}" if done else ""
    note(f"Store ready; profile {loaded.name} ({loaded.title}){stored}.")
