"""`irocli holidays`: the weekdays of a year that are not working days, and why. Imports only typer."""

from __future__ import annotations

from typing import Annotated

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import load_profile, note, open_store, today, year_arg
from irocli.cli._options import Format

app = typer.Typer()

FIRST_YEAR, LAST_YEAR = 1900, 2100
FIELDS = ("date", "weekday", "name", "source")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

Year = Annotated[str | None, typer.Option(
    "--year", help=f"The year to list ({FIRST_YEAR}-{LAST_YEAR}); default this year in London.", metavar="YEAR")]


@app.command("holidays")
@boundary
def holidays_list(ctx: typer.Context, year: Year = None, fmt: Format = "table") -> None:
    """List the weekdays of a year that are not working days, and why.

    Bank holidays and substitute days (England and Wales) come from the table irocli ships,
    generated from the holidays package (years beyond it from the installed package); local
    closures from the store's profile. Weekends are not listed. The table's package version is
    printed under the table, or on stderr with --format json or csv.

    Example: irocli holidays --year 2025 --format csv
    """
    from irocli.engine._bank_holidays import package_version
    from irocli.engine.calendar import closed_days
    from irocli.reports.output import emit, render

    chosen = today().year if year is None else year_arg(year, "--year", FIRST_YEAR, LAST_YEAR)
    store = open_store(ctx, read_only=True)
    profile = load_profile(ctx, store)
    rows = [{"date": c.date.isoformat(), "weekday": WEEKDAYS[c.date.weekday()], "name": c.name, "source": c.source}
            for c in closed_days(chosen, profile.closures)]
    version = f"Bank holidays from the holidays package {package_version()} (GB, subdiv ENG)."
    emit(rows, fmt, fields=FIELDS, table=lambda: render.closed_days(rows, chosen, profile.name, version))
    if fmt != "table":
        note(version)
