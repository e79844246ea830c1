"""`irocli escalation …`: dispute resolution as the IRO records and reviews it (`praise` is cli/praise.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import as_of, date_arg, load_profile, name, note, open_store, text, today, whole_number
from irocli.cli._options import AsOf, ChildId, Format, FormatPerStage, Iro, Team

app = typer.Typer(help="Challenge drift: open, respond, escalate, resolve, refer to Cafcass.",
                  no_args_is_help=True)

EscId = Annotated[str, typer.Argument(help="The escalation's id (printed by 'escalation open').")]
Day = Annotated[str | None, typer.Option("--date", help="When it happened (YYYY-MM-DD); default today.")]
By = Annotated[str | None, typer.Option("--by", help="Who records it; default the OS user.")]
Note = Annotated[str | None, typer.Option("--note", help="A short note for the record.")]


def on_date(value: str | None):
    """--date: today when not given."""
    return today() if value is None else date_arg(value, "--date")


def _record(ctx, esc_id: str, action: str, day: str | None, **kwargs) -> None:
    """Check the options (--by a name, other text free text), record one step, say so on stderr."""
    from irocli.escalations import record

    kwargs = {key: name(value, "--by") if key == "by" else text(value, f"--{key}") if isinstance(value, str) else value
              for key, value in kwargs.items()}
    store = open_store(ctx)
    done = record(store, load_profile(ctx, store), whole_number(esc_id, "ESC_ID"), action, day=on_date(day),
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
                             stage=stage, day=on_date(day), due=due_on, impact=impact, actions=actions,
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
    from irocli.reports.escalations import STAGE_FIELDS, show_document, stage_rows
    from irocli.reports.output import emit, render

    store = open_store(ctx, read_only=True)
    data = show_document(store, load_profile(ctx, store), whole_number(esc_id, "ESC_ID"), as_of(as_of_))
    emit(data, fmt, rows=stage_rows(data), fields=STAGE_FIELDS, table=lambda: render.escalation_page(data))


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
    from irocli.reports.escalations import LIST_FIELDS, list_rows
    from irocli.reports.output import emit, render

    day = as_of(as_of_)
    store = open_store(ctx, read_only=True)
    rows = list_rows(store, load_profile(ctx, store), day, open_only=open_, iro=iro, team=team)
    emit(rows, fmt, fields=LIST_FIELDS,
         table=lambda: render.escalation_list(rows, day, open_only=open_, iro=iro, team=team))


@app.command("clinic")
@boundary
def escalation_clinic(ctx: typer.Context, iro: Iro = None, team: Team = None, as_of_: AsOf = None,
                      fmt: Format = "table") -> None:
    """The weekly issues-resolution clinic: open escalations and those resolved this week.

    Example: irocli escalation clinic --as-of 2025-03-14
    """
    from irocli.reports.escalations import CLINIC_FIELDS, clinic_rows, week_of
    from irocli.reports.output import emit, render

    day = as_of(as_of_)
    store = open_store(ctx, read_only=True)
    rows = clinic_rows(store, load_profile(ctx, store), day, iro=iro, team=team)
    emit(rows, fmt, fields=CLINIC_FIELDS, table=lambda: render.clinic(rows, *week_of(day)))


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
    from irocli.reports.escalations import THEME_FIELDS, themes
    from irocli.reports.output import emit, render

    store = open_store(ctx, read_only=True)
    rows = themes(store, load_profile(ctx, store), month, iro=iro, team=team)
    emit(rows, fmt, fields=THEME_FIELDS, table=lambda: render.themes_table(rows, month, THEME_FIELDS))
