"""`irocli caseload …`: one row per child of a caseload, and moving children between IROs. Parses, calls, renders."""

from __future__ import annotations

from typing import Annotated

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


# -- moving children between IROs: transfer and cover (Store.transfer, Store.cover) ------------------------------

_Children = Annotated[list[str] | None, typer.Option(
    "--child", metavar="ID", help="Only this child (repeatable); each must be allocated to that IRO now.")]


@app.command("transfer")
@boundary
def caseload_transfer(
    ctx: typer.Context,
    from_: Annotated[str, typer.Option("--from", metavar="NAME", help="The IRO the children leave (any case).",
                                       show_default=False)],
    to: Annotated[str, typer.Option("--to", metavar="NAME", help="The IRO they move to.", show_default=False)],
    date: Annotated[str, typer.Option("--date", help="The day the new allocation begins (YYYY-MM-DD or 'today'; "
                                                     "not after today).", show_default=False)],
    child: _Children = None,
) -> None:
    """Move an IRO's children (or some of them) to another IRO from a date, in one go.

    Records an iro-allocated event of that date for each child and makes TO the child's IRO. Refused, with
    nothing written: a date after today or before a child's current allocation began, a child not FROM's.

    Example: irocli caseload transfer --from "A. Khan" --to "B. Okafor" --date 2025-04-01
    """
    from irocli.cli._context import child_id as valid_child_id
    from irocli.cli._context import date_arg, name, note, open_store, today

    to = name(to, "--to")
    day = date_arg(date, "--date")
    ids = None if child is None else [valid_child_id(c, "--child") for c in child]
    store = open_store(ctx)
    stored = store.spelled("iro", to)
    moved = store.transfer(from_, to, day, as_of=today(), child_ids=ids)
    note(f"Transferred {len(moved)} child(ren) to {stored or to} from {day}.")
    if stored is None:
        note(f"Note: {to} is a new IRO name (no child or cover had it): check the spelling.")


@app.command("cover")
@boundary
def caseload_cover(
    ctx: typer.Context,
    absent: Annotated[str, typer.Argument(metavar="ABSENT", help="The IRO on leave (any case).", show_default=False)],
    cover: Annotated[str, typer.Option("--cover", metavar="NAME", help="The IRO who covers.", show_default=False)],
    from_: Annotated[str, typer.Option("--from", metavar="DATE", help="First day of the cover (YYYY-MM-DD or "
                                       "'today'; may be ahead).", show_default=False)],
    to: Annotated[str, typer.Option("--to", metavar="DATE", help="Last day of the cover, included.",
                                    show_default=False)],
    child: _Children = None,
) -> None:
    """Record cover for an IRO's leave: reports show the covering IRO while it lasts; the allocation stays.

    `due`/`overdue --iro NAME` then list the children NAME covers (and the absent IRO's list keeps them);
    `email --per-iro` sends their rows to the covering IRO, marked as cover; `iro list` counts them.

    Example: irocli caseload cover "A. Khan" --cover "B. Okafor" --from 2026-12-21 --to 2027-01-01
    """
    from irocli.cli._context import child_id as valid_child_id
    from irocli.cli._context import date_arg, name, note, open_store

    cover = name(cover, "--cover")
    start, end = date_arg(from_, "--from"), date_arg(to, "--to")
    ids = None if child is None else [valid_child_id(c, "--child") for c in child]
    store = open_store(ctx)
    stored = store.spelled("iro", cover)
    covered, overlapping = store.cover(absent, cover, start, end, child_ids=ids)
    if not covered:
        note(f"This cover by {stored or cover} from {start} to {end} is already recorded: nothing added.")
        return
    note(f"{stored or cover} covers {len(covered)} child(ren) from {start} to {end}.")
    if stored is None:
        note(f"Note: {cover} is a new IRO name (no child or cover had it): check the spelling.")
    if overlapping:
        children = sorted({c.child_id for c in overlapping})
        shown = "; ".join(f"{c.child_id} by {c.iro} {c.start} to {c.end}" for c in overlapping[:3])
        more = f"; and {len(overlapping) - 3} more" if len(overlapping) > 3 else ""
        note(f"Note: {len(children)} of them already covered on some of these days ({shown}{more}): on the days "
             "both cover, this cover counts.")
