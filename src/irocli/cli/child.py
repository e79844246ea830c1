"""`irocli child …`: add, update, list and show children. Parses, calls the store, renders."""

from __future__ import annotations

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import as_of, date_arg, load_profile, note, open_store, today
from irocli.cli._context import child_id as valid_child_id
from irocli.cli._context import name as valid_name
from irocli.cli._options import (
    AsOf,
    ChildId,
    Dob,
    Format,
    FormatPerObligation,
    Iro,
    IroName,
    Name,
    NewDob,
    NewName,
    SocialWorker,
    Team,
    TeamName,
)

app = typer.Typer(help="Add, update, list and show children.", no_args_is_help=True)


@app.command("add")
@boundary
def child_add(ctx: typer.Context, child_id: ChildId, name: NewName, dob: NewDob,
              iro: IroName = None, social_worker: SocialWorker = None, team: TeamName = None) -> None:
    """Add a child to the store.

    Example: irocli child add C001 --name "Sam Jones" --dob 2012-05-01 --iro "A. Khan"
    """
    from irocli.domain import Child

    child_id = valid_child_id(child_id)
    child = Child(child_id, valid_name(name, "--name"), _dob(dob), valid_name(iro, "--iro"),
                  valid_name(social_worker, "--social-worker"), valid_name(team, "--team"))
    store = open_store(ctx)
    store.add_child(child, allocated_on=today())
    note(f"Added child {child_id}.")
    _note_placeholder(child.dob, child_id)


@app.command("update")
@boundary
def child_update(ctx: typer.Context, child_id: ChildId, name: Name = None, dob: Dob = None,
                 iro: IroName = None, social_worker: SocialWorker = None, team: TeamName = None) -> None:
    """Change a child's details; options not given stay as they are.

    Example: irocli child update C001 --iro "B. Patel"
    """
    from irocli.errors import BadInput

    fields = {"name": valid_name(name, "--name"), "dob": _dob(dob), "iro": valid_name(iro, "--iro"),
              "social_worker": valid_name(social_worker, "--social-worker"), "team": valid_name(team, "--team")}
    if all(v is None for v in fields.values()):
        raise BadInput("nothing to update: give at least one of --name, --dob, --iro, --social-worker, --team")
    open_store(ctx).update_child(child_id, allocated_on=today(), **{k: v for k, v in fields.items() if v is not None})
    note(f"Updated child {child_id}.")
    _note_placeholder(fields["dob"], child_id)


def _dob(value: str | None):
    """--dob parsed, never quoted back (personal data); not after today."""
    from irocli.errors import BadInput

    if value is None:
        return None
    day = date_arg(value, "--dob", personal=True)
    if day > today():
        raise BadInput("--dob is after today")
    return day


def _note_placeholder(dob, child_id: str) -> None:
    """The store keeps the case systems' placeholder date of birth as unknown: say so."""
    from irocli.domain import is_placeholder_dob

    if is_placeholder_dob(dob):
        note(f"Note: {child_id}: 1900-01-01 is the case systems' placeholder: date of birth stored as unknown.")


@app.command("list")
@boundary
def child_list(ctx: typer.Context, iro: Iro = None, team: Team = None, fmt: Format = "table") -> None:
    """List children, optionally one IRO's or one team's.

    Example: irocli child list --iro "A. Khan" --format csv
    """
    from irocli.reports.child import CHILD_FIELDS, child_dict
    from irocli.reports.output import emit, render

    rows = [child_dict(c) for c in open_store(ctx, read_only=True).list_children(iro=iro, team=team)]
    emit(rows, fmt, fields=CHILD_FIELDS, table=lambda: render.children_table(rows, iro=iro, team=team))


@app.command("show")
@boundary
def child_show(ctx: typer.Context, child_id: ChildId, as_of_: AsOf = None, fmt: FormatPerObligation = "table") -> None:
    """Show a child before a review: details, events, every obligation met or open.

    Example: irocli child show C001 --as-of 2025-06-01
    """
    from irocli.reports.child import child_page
    from irocli.reports.output import emit, render
    from irocli.reports.rows import PAGE_CSV_FIELDS

    store = open_store(ctx, read_only=True)
    page = child_page(store, load_profile(ctx, store), child_id, as_of(as_of_))
    # CSV: one row per obligation, met and open (the events: `irocli event list`)
    emit(page.as_json(), fmt, rows=page.obligations, fields=PAGE_CSV_FIELDS, table=lambda: render.child_page(page))


@app.command("history")
@boundary
def child_history(ctx: typer.Context, child_id: ChildId, fmt: Format = "table") -> None:
    """Show every change of a child's details, oldest first.

    One row per field changed: when, who (the OS user), the field (name, dob, iro, social_worker, team;
    "added" for the child's creation), old and new value, and what changed it (child add, child update,
    import, transfer, iro rename, allocation event, import undo) with the import batch's id. The table shows
    London time; JSON and CSV give UTC (ISO 8601, Z). The history starts at schema revision 0007.

    Example: irocli child history C001 --format json
    """
    from irocli.reports.output import emit, render
    from irocli.reports.stewardship import HISTORY_FIELDS, child_history

    rows = child_history(open_store(ctx, read_only=True), child_id)
    emit(rows, fmt, fields=HISTORY_FIELDS, table=lambda: render.child_history(rows, child_id))
