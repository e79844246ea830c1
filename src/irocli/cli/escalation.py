"""`irocli escalation …` and `irocli praise`: dispute resolution as the IRO records it."""

from __future__ import annotations

from typing import Annotated

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import (
    as_of,
    date_arg,
    emit_rows,
    load_profile,
    name,
    note,
    open_store,
    output_format,
    text,
    today,
    whole_number,
)
from irocli.cli._options import AsOf, ChildId, Format, FormatPerStage, Iro, Team

app = typer.Typer(help="Challenge drift: open, respond, escalate, resolve, refer to Cafcass.",
                  no_args_is_help=True)

EscId = Annotated[str, typer.Argument(help="The escalation's id (printed by 'escalation open').")]
Day = Annotated[str | None, typer.Option("--date", help="When it happened (YYYY-MM-DD); default today.")]
By = Annotated[str | None, typer.Option("--by", help="Who records it; default the OS user.")]
Note = Annotated[str | None, typer.Option("--note", help="A short note for the record.")]


def _day(value: str | None):
    return today() if value is None else date_arg(value, "--date")


def _record(ctx, esc_id: str, action: str, day: str | None, **kwargs) -> None:
    from irocli.escalations import record

    kwargs = {key: name(value, "--by") if key == "by" else text(value, f"--{key}") if isinstance(value, str) else value
              for key, value in kwargs.items()}
    store = open_store(ctx)
    done = record(store, load_profile(ctx, store), whole_number(esc_id, "ESC_ID"), action, day=_day(day),
                  as_of=today(), **kwargs)
    stage = f"stage {done['to']}" if "to" in done else f"stage {done['stage']}"
    note(f"Escalation {done['escalation_id']} ({done['child_id']}): {action} recorded at {stage}.")


@app.command("open")
@boundary
def escalation_open(
    ctx: typer.Context,
    child_id: ChildId,
    reason: Annotated[str, typer.Option("--reason", help="statutory, procedure, recommendations, placement, "
                                                          "drift, other or safeguarding.")],
    stage: Annotated[str, typer.Option("--stage", help="informal or 1-4 (stages may be skipped).")] = "informal",
    day: Day = None,
    due: Annotated[str | None, typer.Option("--due", help="The response timescale agreed (YYYY-MM-DD).")] = None,
    impact: Annotated[str | None, typer.Option("--impact", help="Impact on the child.")] = None,
    actions: Annotated[str | None, typer.Option("--actions", help="Actions requested.")] = None,
    discussion: Annotated[str | None, typer.Option("--discussion", help="Discussion with the social worker.")] = None,
    by: By = None,
) -> None:
    """Open an escalation for a child and print its id.

    Example: irocli escalation open C001 --reason drift --stage 1 --impact "permanence delayed"
    """
    from irocli.escalations import open_escalation

    impact, actions, discussion = text(impact, "--impact"), text(actions, "--actions"), text(discussion, "--discussion")
    due_on = date_arg(due, "--due") if due is not None else None
    store = open_store(ctx)
    esc_id = open_escalation(store, load_profile(ctx, store), child_id, reason=reason.strip().lower(),
                             stage=stage, day=_day(day), due=due_on, impact=impact, actions=actions,
                             discussion=discussion, by=name(by, "--by"), as_of=today())
    print(esc_id)
    note(f"Opened escalation {esc_id} for {child_id}.")


@app.command("respond")
@boundary
def escalation_respond(ctx: typer.Context, esc_id: EscId, day: Day = None, note_: Note = None, by: By = None) -> None:
    """Record the response at the escalation's current stage.

    Example: irocli escalation respond 42 --date 2025-03-07 --note "plan agreed"
    """
    _record(ctx, esc_id, "respond", day, note=note_, by=by)


@app.command("escalate")
@boundary
def escalation_escalate(
    ctx: typer.Context, esc_id: EscId, day: Day = None,
    to_stage: Annotated[str | None, typer.Option("--to-stage", help="A later stage; default the next.")] = None,
    note_: Note = None, by: By = None,
) -> None:
    """Move an escalation to the next stage, or to a named later one.

    Example: irocli escalation escalate 42 --to-stage 3
    """
    _record(ctx, esc_id, "escalate", day, to_stage=to_stage, note=note_, by=by)


@app.command("resolve")
@boundary
def escalation_resolve(
    ctx: typer.Context, esc_id: EscId,
    outcome: Annotated[str, typer.Option("--outcome", help="What was achieved for the child.")],
    day: Day = None, by: By = None,
) -> None:
    """Resolve an escalation with its outcome; closes its obligations.

    Example: irocli escalation resolve 42 --outcome "placement plan agreed"
    """
    _record(ctx, esc_id, "resolve", day, outcome=outcome, by=by)


@app.command("cafcass")
@boundary
def escalation_cafcass(ctx: typer.Context, esc_id: EscId, day: Day = None, note_: Note = None, by: By = None) -> None:
    """Record a referral to Cafcass (possible at any stage).

    Example: irocli escalation cafcass 42 --date 2025-05-01
    """
    _record(ctx, esc_id, "cafcass", day, note=note_, by=by)


@app.command("meeting")
@boundary
def escalation_meeting(ctx: typer.Context, esc_id: EscId, day: Day = None, note_: Note = None, by: By = None) -> None:
    """Record an escalation meeting (its actions may fall due, e.g. within 24 hours).

    Example: irocli escalation meeting 42 --date 2025-03-10
    """
    _record(ctx, esc_id, "meeting", day, note=note_, by=by)


@app.command("actions")
@boundary
def escalation_actions(ctx: typer.Context, esc_id: EscId, day: Day = None, note_: Note = None, by: By = None) -> None:
    """Record that the actions from an escalation meeting were written up.

    Example: irocli escalation actions 42 --date 2025-03-11
    """
    _record(ctx, esc_id, "actions", day, note=note_, by=by)


@app.command("show")
@boundary
def escalation_show(ctx: typer.Context, esc_id: EscId, as_of_: AsOf = None, fmt: FormatPerStage = "table") -> None:
    """Show one escalation: its stages, dates, response due and outcome.

    Example: irocli escalation show 42
    """
    import sys

    from irocli.engine.escalations import ladder
    from irocli.escalations import _find, row

    fmt = output_format(fmt)
    store = open_store(ctx, read_only=True)
    profile = load_profile(ctx, store)
    child_id, esc = _find(store, whole_number(esc_id, "ESC_ID"))
    lad = ladder(profile)
    data = row(store.get_child(child_id), esc, lad, profile.calendar, as_of(as_of_))
    data.update(impact=esc.impact, actions=esc.actions, discussion=esc.discussion,
                cafcass=esc.cafcass.isoformat() if esc.cafcass else None,
                stages=[{"stage": v.stage,
                         "title": lad.stages[v.stage].title if v.stage in lad.stages else v.stage,
                         "started": v.started.isoformat(),
                         "responded": v.responded.isoformat() if v.responded else None}
                        for v in esc.visits])
    if fmt == "json":
        from irocli.reports.formats import write_json

        write_json(data, sys.stdout)
        return
    if fmt == "csv":  # one row per stage the escalation reached
        from irocli.reports.formats import write_csv

        fields = ("escalation_id", "child_id", "reason", "stage", "title", "started", "responded")
        write_csv(({**data, **stage} for stage in data["stages"]), fields, sys.stdout)
        return
    from irocli.reports.render import console, stack

    console().print(stack(*_show_parts(data, esc)))


def _show_parts(data: dict, esc) -> list:
    """`escalation show` as an IRO reads it: who, why, where it stands, then each stage's dates."""
    from rich.table import Table
    from rich.text import Text

    from irocli.reports.render import key_values, plural

    due, days = data["response_due"], data["days"]
    if esc.current.responded is not None:
        response = f"received {esc.current.responded}"
    elif due is None:
        response = "no time limit at this stage"
    elif days is None:  # resolved before any response
        response = f"was due {due}; none recorded"
    elif days < 0:
        response = f"due {due}: {plural(-days, 'day')} late"
    else:
        response = f"due {due}: " + ("today" if days == 0 else f"in {plural(days, 'day')}")
    status = {"resolved": f"resolved on {data['resolved']}", "cafcass": f"referred to Cafcass on {data['cafcass']}",
              "overdue": "open, response overdue", "open": "open"}[data["status"]]
    since = f"{data['stage_started']} ({plural(data['days_at_stage'], 'day')}" + (
        ", until resolved)" if data["resolved"] else ")")
    current = next((v["title"] for v in data["stages"] if v["stage"] == data["stage"]), data["stage"])
    pairs = [
        ("Escalation", f"{data['escalation_id']} for {data['child_id']}"),
        ("IRO", data["iro"]), ("Team", data["team"]),
        ("Reason", data["reason"]), ("Opened", data["opened"]), ("Status", status),
        ("Current stage", current), ("At this stage since", since),
        (f"Response from {data['responder']}" if data["responder"] else "Response", response),
    ]
    if data["resolved"]:
        pairs.append(("Outcome", data["outcome"]))
    pairs += [("Impact on the child", data["impact"]), ("Actions requested", data["actions"]),
              ("Discussion with the social worker", data["discussion"])]
    stages = Table(title="Stages", title_justify="left", header_style="heading")
    for col in ("Stage", "Started", "Response"):
        stages.add_column(col, no_wrap=col != "Stage")
    for v in data["stages"]:
        stages.add_row(Text(v["title"]), Text(v["started"]), Text(v["responded"] or "none recorded"))
    return [key_values(pairs), Text(""), stages]


def _list_table(rows, title):
    from rich.table import Table
    from rich.text import Text

    t = Table(title=title, title_justify="left", header_style="heading")
    # ids and dates are never cut short (an IRO acts on them); words wrap on a narrow terminal
    widths = {"Id": max([2] + [len(str(r["escalation_id"])) for r in rows]),
              "Child": max([5] + [len(r["child_id"]) for r in rows]), "Response due": 10,
              "Stage": max([5] + [len(r["stage"]) for r in rows]),
              "Reason": max([6] + [len(r["reason"]) for r in rows])}
    statuses = [r.get("clinic") or {"resolved": f"resolved {r['resolved']}", "cafcass": "referred to Cafcass",
                                    "overdue": "response overdue"}.get(r["status"], r["status"]) for r in rows]
    words = {"Days at stage": 5, "Status": max([6] + [len(w) for text in statuses for w in text.split()])}
    for col in ("Id", "Child", "Stage", "Days at stage", "Response due", "Status", "Reason", "IRO"):
        t.add_column(col, no_wrap=col in widths, min_width=widths.get(col, words.get(col)))
    for r, status in zip(rows, statuses, strict=True):
        style = {"overdue": "overdue", "resolved": "met", "cafcass": "met-late"}.get(r["status"], "")
        t.add_row(Text(str(r["escalation_id"])), Text(r["child_id"]), Text(r["stage"]), Text(str(r["days_at_stage"])),
                  Text(r["response_due"] or "-", style=style), Text(status, style=style),
                  Text(r["reason"]), Text(r["iro"] or "-"))
    return t


@app.command("list")
@boundary
def escalation_list(
    ctx: typer.Context,
    open_: Annotated[bool, typer.Option("--open", help="Only open ones (the escalation-stage report).")] = False,
    iro: Iro = None, team: Team = None, as_of_: AsOf = None, fmt: Format = "table",
) -> None:
    """List escalations: stage, days at it, response due; overdue first.

    Example: irocli escalation list --open --iro "A. Khan"
    """
    from irocli.escalations import LIST_FIELDS, list_rows

    fmt = output_format(fmt)
    day = as_of(as_of_)
    store = open_store(ctx, read_only=True)
    rows = list_rows(store, load_profile(ctx, store), day, open_only=open_, iro=iro, team=team)
    from irocli.domain import clean_name
    from irocli.reports.render import nothing

    whose = ", ".join(p for p in (iro and clean_name(iro), team and f"team {clean_name(team)}") if p)
    whose = f" for {whose}" if whose else ""
    emit_rows(rows, fmt, LIST_FIELDS, lambda: _list_table(rows, f"Escalations{whose} as of {day}") if rows
              else nothing(f"No {'open ' if open_ else ''}escalations{whose} as of {day}."))


@app.command("clinic")
@boundary
def escalation_clinic(ctx: typer.Context, iro: Iro = None, team: Team = None, as_of_: AsOf = None,
                      fmt: Format = "table") -> None:
    """The weekly issues-resolution clinic: open escalations and those resolved this week.

    Example: irocli escalation clinic --as-of 2025-03-14
    """
    from irocli.escalations import LIST_FIELDS, clinic_rows, week_of

    fmt = output_format(fmt)
    day = as_of(as_of_)
    store = open_store(ctx, read_only=True)
    rows = clinic_rows(store, load_profile(ctx, store), day, iro=iro, team=team)
    start, end = week_of(day)
    from irocli.reports.render import nothing

    emit_rows(rows, fmt, ("clinic", *LIST_FIELDS), lambda: _list_table(rows, f"Clinic, week {start} to {end}")
              if rows else nothing(f"Nothing for the clinic in the week {start} to {end}: no escalation open "
                                   "or resolved that week."))


@app.command("themes")
@boundary
def escalation_themes(
    ctx: typer.Context,
    month: Annotated[str, typer.Option("--month", help="The month, YYYY-MM.")],
    iro: Iro = None, team: Team = None, fmt: Format = "table",
) -> None:
    """Monthly themes: escalations by reason and stage reached, with praise beside them.

    Example: irocli escalation themes --month 2025-03
    """
    from irocli.escalations import themes

    fmt = output_format(fmt)
    store = open_store(ctx, read_only=True)
    rows = themes(store, load_profile(ctx, store), month, iro=iro, team=team)
    fields = ("reason", "opened", "stage_informal", "stage_1", "stage_2", "stage_3", "stage_4", "resolved", "cafcass")

    def table():
        from rich.table import Table
        from rich.text import Text

        t = Table(title=f"Themes, {month}", title_justify="left", header_style="bold")
        for f in fields:
            t.add_column(f.replace("_", " ").capitalize())
        for r in rows:
            t.add_row(*(Text(str(r.get(f, "")) if r.get(f) is not None else "") for f in fields))
        return t

    emit_rows(rows, fmt, fields, table)


def praise(
    ctx: typer.Context,
    child_id: ChildId,
    note_: Annotated[str, typer.Option("--note", help="The good practice seen.")],
    day: Day = None,
    by: By = None,
) -> None:
    """Record good practice for a child (shown in the themes report; never an escalation).

    Example: irocli praise C001 --date 2025-03-03 --note "excellent life-story work"
    """
    from irocli.escalations import praise as record_praise

    note_, by, day_ = text(note_, "--note"), name(by, "--by"), _day(day)
    event_id = record_praise(open_store(ctx), child_id, day_, note_, by, as_of=today())
    print(event_id)
    note(f"Praise recorded for {child_id} (event {event_id}).")
