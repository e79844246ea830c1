"""`irocli event …`: add, list, amend and void events. Parses, calls the store, renders."""

from __future__ import annotations

from typing import Annotated

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import date_arg, name, note, open_store, text, today, whole_number
from irocli.cli._options import ChildId, Format

app = typer.Typer(help="Record what happened: add, list, amend and void events.", no_args_is_help=True)


@app.command("add")
@boundary
def event_add(
    ctx: typer.Context,
    child_id: ChildId,
    kind: Annotated[str, typer.Argument(help="Event kind, e.g. review-held (see 'irocli event kinds').")],
    date: Annotated[str, typer.Argument(help="The day it happened (YYYY-MM-DD or 'today').")],
    note_: Annotated[str | None, typer.Option("--note", help="A short note (no personal details needed).")] = None,
    meeting: Annotated[bool, typer.Option("--meeting/--no-meeting", help="For review-held: held as a meeting.")] = True,
    by: Annotated[str | None, typer.Option("--by", help="Who records it; default the OS user.")] = None,
    detail: Annotated[list[str] | None, typer.Option(
        "--detail", help="NAME=VALUE a kind may carry, e.g. seen-alone=refused for sw-visit (see 'irocli event "
                         "kinds'); repeatable.")] = None,
    time_: Annotated[str | None, typer.Option(
        "--time", help="For review-booked: the meeting's time, HH:MM or HH:MM-HH:MM (UK time); 'irocli calendar' "
                       "then shows it as a timed event.")] = None,
    participation: Annotated[str | None, typer.Option(
        "--participation", metavar="PN0..PN7", help="For review-held: how the child took part, as SSDA903 codes it "
        "(PN1 attends and speaks for self … PN7 neither attends nor has views conveyed; PN0 under 4; see 'irocli "
        "event kinds').")] = None,
) -> None:
    """Record an event for a child and print its id.

    Refused: a date after today (except a booking: review-booked, review-directed,
    change-proposed) or before the child's birth (except child-protection work).
    An iro-allocated event names the IRO (--detail iro=NAME): the child's IRO becomes the latest allocation's.

    Example: irocli event add C001 review-held 2025-04-15 --participation PN1

    Example: irocli event add C001 review-booked 2026-12-14 --time 10:30-12:00
    """
    from irocli.domain import ALLOCATION_KIND, detail_option, earlier_adjournment, parse_details, parse_kind
    from irocli.errors import BadInput

    kind = parse_kind(kind)
    day = date_arg(date, "date")
    note_, by, details = text(note_, "--note"), name(by, "--by"), parse_details(kind, detail or [])
    details = detail_option(kind, "--participation", "participation", participation, details)
    details = detail_option(kind, "--time", "time", time_, details)
    if kind == ALLOCATION_KIND and not (details or {}).get("iro"):
        raise BadInput("an iro-allocated event names the IRO allocated: --detail iro=NAME")
    store = open_store(ctx)
    event_id = store.add_event(child_id, kind, day, meeting=meeting, note=note_, recorded_by=by, details=details,
                               as_of=today())
    print(event_id)
    note(f"Recorded {kind} on {day} for {child_id} (event {event_id}).")
    if kind == "review-adjourned":
        first = earlier_adjournment(store.events_for([child_id])[child_id], event_id)
        if first is not None:
            note(f"Warning: {child_id}: this review was already adjourned (event {first.id} on {first.date}); "
                 "a review may be adjourned only once (review.adjourn-once).")


@app.command("list")
@boundary
def event_list(ctx: typer.Context, child_id: ChildId, fmt: Format = "table") -> None:
    """List a child's events, voided ones included and marked.

    Example: irocli event list C001 --format json
    """
    from irocli.reports.child import EVENT_FIELDS, event_dict
    from irocli.reports.output import emit, render

    rows = [event_dict(s) for s in open_store(ctx, read_only=True).list_events(child_id, include_voided=True)]
    emit(rows, fmt, fields=EVENT_FIELDS, table=lambda: render.event_list(rows, child_id))


@app.command("void")
@boundary
def event_void(
    ctx: typer.Context,
    event_id: Annotated[str, typer.Argument(help="The event's id (from 'event add' or 'event list').")],
    reason: Annotated[str, typer.Option("--reason", help="Why it no longer counts (kept on record).")],
) -> None:
    """Mark an event void: it stays on record but no longer counts.

    Example: irocli event void 42 --reason "entered against the wrong child"
    """
    ev = open_store(ctx).void_event(whole_number(event_id, "EVENT_ID"), text(reason, "--reason"))
    note(f"Voided event {event_id} ({ev.kind} on {ev.date}).")


@app.command("amend")
@boundary
def event_amend(
    ctx: typer.Context,
    event_id: Annotated[str, typer.Argument(help="The event's id (from 'event add' or 'event list').")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is corrected (kept on record).")],
    date: Annotated[str | None, typer.Option("--date", help="The right day (YYYY-MM-DD or 'today').")] = None,
    note_: Annotated[str | None, typer.Option("--note", help="The right note (replaces the note it had).")] = None,
    clear_note: Annotated[bool, typer.Option("--clear-note", help="Leave the corrected event with no note (one "
                                                                 "that was wrong, or named someone).")] = False,
) -> None:
    """Correct an event's date or note (--clear-note: no note): the event is voided and recorded again
    corrected, in one step, the two linked ('event list' shows the chain). Prints the new event's id.

    The new date is checked as an entry is (not after today unless a booking, not before birth).

    Example: irocli event amend 42 --date 2026-11-03 --reason "typed 13th for 3rd"
    """
    from irocli.errors import BadInput

    if clear_note and note_ is not None:
        raise BadInput("give --note or --clear-note, not both")
    if date is None and note_ is None and not clear_note:
        raise BadInput("say what to correct: --date, --note and/or --clear-note")
    day = date_arg(date, "--date") if date is not None else None
    new_note = "" if clear_note else text(note_, "--note")
    old_id = whole_number(event_id, "EVENT_ID")
    store = open_store(ctx)
    new_id = store.amend_event(old_id, text(reason, "--reason"), date=day, note=new_note, as_of=today())
    print(new_id)
    amended = store.get_event(new_id).event
    note(f"Amended event {old_id}: now event {new_id} ({amended.kind} on {amended.date}); event {old_id} is voided.")


@app.command("kinds")
@boundary
def event_kinds(fmt: Format = "table") -> None:
    """List the event kinds irocli understands.

    Example: irocli event kinds
    """
    from irocli.reports.child import KIND_FIELDS, kind_rows
    from irocli.reports.output import emit, render

    rows = kind_rows()
    emit(rows, fmt, fields=KIND_FIELDS, table=lambda: render.event_kinds(rows))
