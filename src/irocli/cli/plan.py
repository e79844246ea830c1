"""`irocli plan`: what-if dates for a child's open review. Parses, calls reports/plan, renders."""

from __future__ import annotations

from typing import Annotated

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import as_of, date_arg, load_profile, open_store
from irocli.cli._options import AsOf, ChildId, FormatTableJson

app = typer.Typer()

ReviewOn = Annotated[str | None, typer.Option(
    "--review-on", help="Plan the open review as held on this date (YYYY-MM-DD).", metavar="DATE")]
Latest = Annotated[bool, typer.Option(
    "--latest", help="Plan it on the latest working day on or before its due date.")]


@app.command("plan")
@boundary
def plan(ctx: typer.Context, child_id: ChildId, review_on: ReviewOn = None, latest: Latest = False,
         as_of_: AsOf = None, fmt: FormatTableJson = "table") -> None:
    """Show the deadlines a date for the open review would set.

    Before-tasks are counted back from the planned date (those already too late are marked);
    the next review and the after-tasks run from it. Nothing is written to the store.

    Example: irocli plan C001 --review-on 2025-04-14
    """
    from irocli.reports.output import emit, render
    from irocli.reports.plan import plan_review

    day = as_of(as_of_)
    planned = date_arg(review_on, "--review-on") if review_on is not None else None
    store = open_store(ctx, read_only=True)
    result = plan_review(store, load_profile(ctx, store), child_id, day, review_on=planned, latest=latest)
    emit(result.as_json(), fmt, table=lambda: render.review_plan(result))
