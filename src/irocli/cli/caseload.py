"""`irocli caseload …`: one row per child of a caseload, and moving children between IROs. Parses, calls, renders."""

from __future__ import annotations

import typer

from irocli.cli._boundary import boundary

app = typer.Typer(help="A caseload, one row per child; transfer and cover between IROs.", invoke_without_command=True)


@app.callback()
@boundary
def caseload(ctx: typer.Context) -> None:
    """One row per child of the caseload."""
    if ctx.invoked_subcommand is None:
        print(ctx.get_help())
