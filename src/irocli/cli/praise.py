"""`irocli praise`: good practice recorded for a child (counted beside the escalation themes)."""

from __future__ import annotations

from typing import Annotated

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import name, note, open_store, text, today
from irocli.cli._options import ChildId
from irocli.cli.escalation import By, Day, on_date

app = typer.Typer()


@app.command("praise")
@boundary
def praise(
    ctx: typer.Context,
    child_id: ChildId,
    note_: Annotated[str, typer.Option("--note", help="The good practice seen.")],
    day: Day = None,
    by: By = None,
) -> None:
    """Record good practice for a child (shown in the themes report; never an escalation).

    Example: irocli praise C001 --date 2025-03-03 --note "excellent life-story work"
    """
    from irocli.escalations import praise as record_praise

    note_, by, day_ = text(note_, "--note"), name(by, "--by"), on_date(day)
    event_id = record_praise(open_store(ctx), child_id, day_, note_, by, as_of=today())
    print(event_id)
    note(f"Praise recorded for {child_id} (event {event_id}).")
