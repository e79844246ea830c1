"""`irocli calendar`: the due list as an .ics file for Outlook. Parses, calls reports/ical, writes."""

from __future__ import annotations

from typing import Annotated

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import Notices, as_of, day_count, load_profile, note, open_store, output_path
from irocli.cli._options import AsOf, Iro, Team, Within

app = typer.Typer()

Output = Annotated[str | None, typer.Option(
    "--output", "-o", help="Write the .ics to FILE (mode 0600) instead of stdout ('-': stdout).", metavar="FILE")]


@app.command("calendar")
@boundary
def calendar(ctx: typer.Context, iro: Iro = None, team: Team = None, within: Within = "28",
             as_of_: AsOf = None, output: Output = None) -> None:
    """Export open obligations as an iCalendar (.ics) file.

    One all-day event per obligation due within DAYS (default 28) or overdue; re-importing the
    file updates the same events rather than adding copies. Obligations met or missed (due within
    DAYS either side of the as-of date, or met within the last DAYS days) come back cancelled, so
    a re-import takes them out of the calendar.

    Example: irocli calendar --iro "A. Khan" --within 42 -o khan.ics
    """
    import sys

    from irocli.reports.formats import write_private
    from irocli.reports.ical import calendar_file

    days = day_count(within, "--within")
    day = as_of(as_of_)
    target = None if output is None else output_path(output, "--output", stdout=True)
    store = open_store(ctx, read_only=True)
    profile = load_profile(ctx, store)
    data, count, cancelled = calendar_file(store, profile, day, within=days, iro=iro, team=team,
                                           notices=Notices(store, profile))
    if target is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    write_private(target, data)
    note(f"Wrote {count} events to {target}" + (f" ({cancelled} more cancelled: met or missed)." if cancelled else "."))
