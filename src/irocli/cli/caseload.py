"""`irocli caseload …`: one row per child of a caseload, and moving children between IROs. Parses, calls, renders."""

from __future__ import annotations

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import Notices, as_of, load_profile, open_store
from irocli.cli._options import AsOf, Format, Iro, Team

# The group's help is the callback's docstring: `irocli caseload` alone lists the caseload.
app = typer.Typer(invoke_without_command=True)


@app.callback()
@boundary
def caseload(ctx: typer.Context, iro: Iro = None, team: Team = None, as_of_: AsOf = None,
             fmt: Format = "table") -> None:
    """One row per child of a caseload; transfer and cover.

    Without a command: each child looked after, or with anything open, as of the day: the next review (due,
    booked, days to go), what `irocli due` lists for the child (overdue or due within 28 days) split into the
    IRO's own and those to chase (other owners), the last IRO visit and contact, the furthest open escalation
    stage, the child protection plan and any data problem (open episode past 18, history unknown, no date of
    birth). Ordered: an overdue review first, then most of the IRO's own tasks overdue, then the review due
    soonest, then the child's id.

    Example: irocli caseload --iro "A. Khan" --format csv
    """
    if ctx.invoked_subcommand is not None:
        return
    from irocli.reports.caseload import caseload_rows, csv_row
    from irocli.reports.output import emit, render
    from irocli.reports.rows import CASELOAD_FIELDS

    day = as_of(as_of_)
    store = open_store(ctx, read_only=True)
    profile = load_profile(ctx, store)
    rows = caseload_rows(store, profile, day, iro=iro, team=team, notices=Notices(store, profile))
    emit(rows, fmt, fields=CASELOAD_FIELDS, rows=(csv_row(r) for r in rows),
         table=lambda: render.caseload_table(rows, day, iro=iro, team=team))
