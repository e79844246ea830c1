"""`irocli child …`: add, update, list and show children. Parses, calls the store, renders."""

from __future__ import annotations

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import as_of, date_arg, emit_rows, load_profile, note, open_store, output_format, today
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

CHILD_FIELDS = ("id", "name", "initials", "dob", "iro", "social_worker", "team")


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


def child_dict(child) -> dict:
    return {"id": child.id, "name": child.name, "initials": child.initials,
            "dob": child.dob.isoformat() if child.dob else None, "iro": child.iro,
            "social_worker": child.social_worker, "team": child.team}


@app.command("list")
@boundary
def child_list(ctx: typer.Context, iro: Iro = None, team: Team = None, fmt: Format = "table") -> None:
    """List children, optionally one IRO's or one team's.

    Example: irocli child list --iro "A. Khan" --format csv
    """
    fmt = output_format(fmt)
    rows = [child_dict(c) for c in open_store(ctx, read_only=True).list_children(iro=iro, team=team)]

    def table():
        from rich.table import Table
        from rich.text import Text

        from irocli.domain import clean_name
        from irocli.reports.render import nothing, plural, stack

        whose = ", ".join(p for p in (iro and clean_name(iro), team and f"team {clean_name(team)}") if p)
        if not rows:
            return nothing(f"No children{f' for {whose}' if whose else ' in the store'}.")
        t = Table(title=f"Children{f' for {whose}' if whose else ''}", title_justify="left",
                  header_style="heading")
        for col in ("Id", "Name", "Date of birth", "IRO", "Social worker", "Team"):
            t.add_column(col)
        for r in rows:
            t.add_row(*(Text(r[k] or "-") for k in ("id", "name", "dob", "iro", "social_worker", "team")))
        return stack(t, Text(plural(len(rows), "child", "children")))

    emit_rows(rows, fmt, CHILD_FIELDS, table)


@app.command("show")
@boundary
def child_show(ctx: typer.Context, child_id: ChildId, as_of_: AsOf = None, fmt: FormatPerObligation = "table") -> None:
    """Show a child before a review: details, events, every obligation met or open.

    Example: irocli child show C001 --as-of 2025-06-01
    """
    from irocli.reports.child import child_page

    fmt = output_format(fmt)
    store = open_store(ctx, read_only=True)
    page = child_page(store, load_profile(ctx, store), child_id, as_of(as_of_))
    if fmt == "json":
        import sys

        from irocli.reports.formats import write_json

        write_json(page.as_json(), sys.stdout)
    elif fmt == "csv":  # one row per obligation, met and open (the events: `irocli event list`)
        import sys

        from irocli.reports.formats import write_csv
        from irocli.reports.rows import PAGE_CSV_FIELDS, flat

        write_csv((flat(r) for r in page.obligations), PAGE_CSV_FIELDS, sys.stdout)
    else:
        from irocli.reports.render import console

        console().print(page.renderable())
