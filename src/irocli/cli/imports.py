"""`irocli import …`: loading data in bulk. All-or-nothing; safe to re-run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import date_arg, note, open_store

app = typer.Typer(help="Load children and events in bulk (all-or-nothing, safe to re-run).",
                  no_args_is_help=True)


@app.command("native")
@boundary
def import_native(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Folder with children.csv and events.csv.")],
    shift_to: Annotated[str | None, typer.Option(
        "--shift-to", help="Move all dates by whole weeks so reference_date.txt lands near this date "
                           "(YYYY-MM-DD or 'today').")] = None,
) -> None:
    """Load irocli's own CSV format (children.csv, events.csv), e.g. the sample data.

    Example: irocli import native sample_data --shift-to today
    """
    from irocli.importers.native import load_native

    shift = date_arg(shift_to, "--shift-to") if shift_to else None
    counts = load_native(open_store(ctx), directory, shift_to=shift)
    note(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items()))
