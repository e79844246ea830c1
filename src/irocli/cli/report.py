"""`irocli report …`: reports beyond the daily due list. Parses, computes via reports/, renders."""

from __future__ import annotations

from typing import Annotated

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import Notices, as_of, date_arg, load_profile, note, open_store, output_path
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
    from irocli.reports.discrepancies import FIELDS, discrepancy_rows
    from irocli.reports.output import emit, render

    day = as_of(as_of_)
    store = open_store(ctx, read_only=True)
    profile = load_profile(ctx, store)
    rows = discrepancy_rows(store, profile, day, iro=iro, team=team)
    emit(rows, fmt, fields=FIELDS,
         table=lambda: render.discrepancies_table(rows, profile.name, day, iro=iro, team=team))


@app.command("kpi")
@boundary
def report_kpi(
    ctx: typer.Context,
    from_: Annotated[str | None, typer.Option("--from", metavar="DATE", show_default=False, help=(
        "First day of the period (YYYY-MM-DD); default 1 April of the reporting year holding --to."))] = None,
    to: Annotated[str | None, typer.Option("--to", metavar="DATE", show_default=False, help=(
        "Last day of the period (YYYY-MM-DD or 'today'); may be after --as-of; default --as-of."))] = None,
    as_of_: AsOf = None,
    iro: Iro = None,
    team: Team = None,
    fmt: Format = "table",
    html: Annotated[str | None, typer.Option("--html", metavar="FILE", help=(
        "Also write a self-contained HTML page (tables and an SVG chart), readable by you only."))] = None,
) -> None:
    """Review timeliness, tasks, the figures inspectors ask for, caseloads and escalations over a period.

    Reviews and tasks count when their due date falls in the period, judged as known on --as-of:
    on time, late, overdue (due before --as-of, not held) or pending (not yet due: not counted in
    any percentage). Caseloads are children in care on --to (or --as-of, if earlier). Per-child
    timeliness follows the old national indicator (looked after 28+ days). Social worker visits,
    health assessments, SDQs, PEPs and the IRO told of placements are counted the same way, each
    over the rules whose id starts with the prefixes the profile's [kpi.groups] give it.

    Participation: the reviews held in the period by SSDA903 code (PN0-PN7, or not recorded), overall,
    by IRO and by team; took part = PN1-PN6 of the reviews of children aged 4 or over (PN1-PN7). Each
    team month by month: reviews held, took part, on time (a sparkline per team; a chart per team in
    the HTML page).

    Example: irocli report kpi --from 2025-04-01 --to 2026-03-31 --as-of 2025-12-31 --html kpi.html
    """
    from irocli.reports import kpi
    from irocli.reports.compute import with_obligations
    from irocli.reports.output import emit, render

    day = as_of(as_of_)
    end = day if to is None else date_arg(to, "--to")
    start = kpi.period_start(end, None if from_ is None else date_arg(from_, "--from"))
    target = None if html is None else output_path(html, "--html")
    store = open_store(ctx, read_only=True)
    profile = load_profile(ctx, store)
    caseload = with_obligations(store, profile, day, iro=iro, team=team, notices=Notices(store, profile))
    report = kpi.compute(caseload, profile, start, end, day)
    title = kpi.heading(report, iro, team)
    if target is not None:
        from irocli.reports.formats import write_private
        from irocli.reports.html import page

        write_private(target, page(report, title))
        note(f"HTML report written to {target}")
    emit(report, fmt, rows=kpi.flat_rows(report), fields=kpi.CSV_FIELDS, table=lambda: render.kpi_report(report, title))
