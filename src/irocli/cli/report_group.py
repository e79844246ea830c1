"""`irocli report …`: reports beyond the daily due list. Parses, computes via reports/, renders."""

from __future__ import annotations

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import as_of, emit_rows, load_profile, open_store, output_format
from irocli.cli._options import AsOf, Format, Iro, Team

app = typer.Typer(help="Reports beyond the daily due list.", no_args_is_help=True)


@app.command("discrepancies")
@boundary
def report_discrepancies(ctx: typer.Context, iro: Iro = None, team: Team = None, as_of_: AsOf = None,
                         fmt: Format = "table") -> None:
    """Children whose case-system review due date differs from irocli's.

    The case system's date comes from an imported extract (e.g. clar_cla_review_due_date via
    'irocli import extract --map ssd'); irocli's is the open review and the rule behind it.

    Example: irocli report discrepancies --as-of 2026-03-31 --format csv
    """
    from irocli.reports.discrepancies import FIELDS, discrepancy_rows, table

    fmt = output_format(fmt)
    day = as_of(as_of_)
    store = open_store(ctx)
    profile = load_profile(ctx, store)
    rows = discrepancy_rows(store, profile, day, iro=iro, team=team)
    heading = (f"Review due dates: case system v irocli ({profile.name}) as of {day}"
               + (f" — {iro}" if iro else "") + (f" — team {team}" if team else ""))
    emit_rows(rows, fmt, FIELDS, lambda: table(rows, heading))
