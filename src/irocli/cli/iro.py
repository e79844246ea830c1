"""`irocli iro …`: the service's IROs: caseloads against the Handbook's band, renaming. Parses, calls, renders."""

from __future__ import annotations

from typing import Annotated

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import as_of, load_profile, name, note, open_store
from irocli.cli._options import AsOf, Format, Team

app = typer.Typer(help="The IROs of the service: caseloads, renaming.", no_args_is_help=True)


@app.command("list")
@boundary
def iro_list(ctx: typer.Context, as_of_: AsOf = None, team: Team = None, fmt: Format = "table") -> None:
    """Each IRO's caseload on a day against the profile's caseload band (50-70 in england).

    Looked after: children in an episode of care allocated to the IRO that day (the allocation history:
    who was allocated then, not who is now); allocated: every child allocated to them; covering: children they
    cover for an IRO on leave that day; covered: their own children someone else covers.

    Example: irocli iro list --as-of 2025-04-01 --format csv
    """
    from irocli.reports.iro import FIELDS, caseloads
    from irocli.reports.output import emit, render

    day = as_of(as_of_)
    store = open_store(ctx, read_only=True)
    profile = load_profile(ctx, store)
    service, covers = store.iro_service(day, team)
    rows = caseloads(service, covers, profile, day)
    emit(rows, fmt, fields=FIELDS, table=lambda: render.iro_table(rows, as_of=day, team=team))


@app.command("rename")
@boundary
def iro_rename(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(help="The spelling to replace (any case, spaces trimmed).", show_default=False)],
    new: Annotated[str, typer.Argument(help="The spelling to keep.", show_default=False)],
) -> None:
    """Merge two spellings of one IRO: the children's IRO, their allocation history and covers.

    Example: irocli iro rename "a khan" "A. Khan"
    """
    new = name(new, "NEW")
    counts = open_store(ctx).rename_iro(old, new)
    new = counts["name"]
    note(f"Renamed to {new}: {counts['children']} child(ren), {counts['allocations']} allocation(s), "
         f"{counts['covers']} cover(s).")
    if counts["covers_dropped"]:
        note(f"Dropped {counts['covers_dropped']} cover(s) of {new} by {new}: one person cannot cover themself.")
