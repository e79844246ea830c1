"""`irocli due`, `overdue`, `explain`: the daily reports. Parses, computes via reports/, renders."""

from __future__ import annotations

from typing import Annotated

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import Notices, as_of, choice, day_count, load_profile, open_store
from irocli.cli._options import AsOf, ChildId, FailOnOverdue, Format, Iro, Sort, Team, Within

app = typer.Typer()

Owner = Annotated[str | None, typer.Option(
    "--owner", metavar="NAME",
    help="Only obligations this owner must act on: iro (an IRO's own list), social-worker, team-manager, "
         "business-support, local-authority, or another owner the profile names.")]


def profile_owners(profile) -> list[str]:
    """The owners the profile's rules name (RULES §6 "who acts"), sorted."""
    return sorted({rule.owner for rule in profile.rules.values()})


def check_owner(owner: str | None, profile) -> str | None:
    """The owner as given (trimmed, lower case), or BadInput listing the profile's owners."""
    if owner is None:
        return None
    from irocli.errors import BadInput

    name = owner.strip().lower()
    known = profile_owners(profile)
    if name not in known:
        raise BadInput(f"unknown owner {owner!r} (profile {profile.name} uses: {', '.join(known)})")
    return name


def _report(ctx, *, within, iro, team, as_of_, fmt, sort, title, owner=None):
    """Rows of the due list (only ``owner``'s when given), emitted in ``fmt``; returns them."""
    from irocli.reports.compute import child_initials, due_rows
    from irocli.reports.output import emit, render
    from irocli.reports.rows import CSV_FIELDS, sort_rows

    sort = choice(sort, ("due", "iro", "child"), "--sort")
    day = as_of(as_of_)
    store = open_store(ctx, read_only=True)
    profile = load_profile(ctx, store)
    owner = check_owner(owner, profile)
    notices = Notices(store, profile)
    rows = due_rows(store, profile, day, within=within, iro=iro, team=team, owner=owner, notices=notices)
    rows = sort_rows(rows, sort)
    emit(rows, fmt, fields=CSV_FIELDS, table=lambda: render.due_report(
        rows, title=title, as_of=day, within=within, iro=iro, team=team, owner=owner,
        names=rows and child_initials(store, iro=iro, team=team, as_of=day)))
    return rows


@app.command("due")
@boundary
def due(ctx: typer.Context, iro: Iro = None, team: Team = None, within: Within = "28",
        as_of_: AsOf = None, fmt: Format = "table", sort: Sort = "due", owner: Owner = None) -> None:
    """Show what is due within DAYS (default 28), and everything overdue.

    Example: irocli due --iro "A. Khan" --within 14 --owner iro
    """
    days = day_count(within, "--within")
    _report(ctx, within=days, iro=iro, team=team, as_of_=as_of_, fmt=fmt, sort=sort, title="Due", owner=owner)


@app.command("overdue")
@boundary
def overdue(ctx: typer.Context, iro: Iro = None, team: Team = None, as_of_: AsOf = None,
            fmt: Format = "table", sort: Sort = "due", fail_on_overdue: FailOnOverdue = False,
            owner: Owner = None) -> None:
    """Show everything overdue; with --fail-on-overdue exit 1 if anything is.

    Example: irocli overdue --team North --format csv --fail-on-overdue
    Example: irocli overdue --owner social-worker   (what to chase)
    """
    rows = _report(ctx, within=None, iro=iro, team=team, as_of_=as_of_, fmt=fmt, sort=sort, title="Overdue",
                   owner=owner)
    if fail_on_overdue and rows:
        raise typer.Exit(1)


@app.command("explain")
@boundary
def explain(ctx: typer.Context, child_id: ChildId, as_of_: AsOf = None, fmt: Format = "table") -> None:
    """Explain each of a child's obligations: rule, source and arithmetic.

    JSON and CSV have one row per obligation, with its offset and arithmetic.

    Example: irocli explain C001 --as-of 2025-06-01
    """
    from irocli.reports.child import explain as explain_child
    from irocli.reports.output import emit, render
    from irocli.reports.rows import EXPLAIN_CSV_FIELDS

    day = as_of(as_of_)
    store = open_store(ctx, read_only=True)
    profile = load_profile(ctx, store)
    child, rows, flags = explain_child(store, profile, child_id, day)
    emit(rows, fmt, fields=EXPLAIN_CSV_FIELDS, table=lambda: render.explain_report(child.id, profile, day, rows, flags))
