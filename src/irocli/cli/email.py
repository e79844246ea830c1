"""`irocli email`: per-IRO digests, per-team summaries and a manager summary of the due/overdue rows:
parses, builds them with reports/email.py, then sends them with notify.py (or prints them with --dry-run)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import Notices, address, as_of, choice, day_count, load_profile, note, open_store
from irocli.cli._options import AsOf, Iro, Team
from irocli.errors import BadInput

app = typer.Typer()


@app.command("email")
@boundary
def email(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="What to report: overdue (default) or due (overdue + due within DAYS).",
                                        metavar="[overdue|due]")] = "overdue",
    iro: Iro = None,
    team: Team = None,
    to: Annotated[list[str] | None, typer.Option(
        "--to", help="Send the manager summary to ADDRESS (repeatable); default [email] to in the config file.",
        metavar="ADDRESS")] = None,
    per_iro: Annotated[bool, typer.Option(
        "--per-iro", help="Send each IRO their own digest, at their address in the config file's [iros].")] = False,
    per_team: Annotated[bool, typer.Option(
        "--per-team", help="Send each team's manager the team's summary, with its rows as a CSV attachment, at "
                           "the address in the config file's [teams].")] = False,
    as_of_: AsOf = None,
    within: Annotated[str | None, typer.Option(
        "--within", metavar="DAYS", help="With `due`: include obligations due within DAYS (default 28).")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Print the messages (RFC 822) to stdout instead of sending them, and on stderr one "
                          "line each: recipients, subject, attachments.")] = False,
    always: Annotated[bool, typer.Option(
        "--always", help="Send even when there is nothing to report (a 'nothing overdue' message).")] = False,
    full_names: Annotated[bool, typer.Option(
        "--full-names", help="Name children in full (default: id and initials, or [email] full_names).")] = False,
) -> None:
    """Email overdue (or due) obligations to each IRO, each team's manager and a manager.

    --per-iro, --per-team and --to combine: each address gets at most one message of each kind (an
    IRO's digest, a team's summary, the manager summary). An IRO or team with something to report but
    no address in the config file is one warning on stderr; the other messages still go (exit 0).

    SMTP settings come from IROCLI_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM, _STARTTLS, _SSL, _TIMEOUT
    or the config file's [smtp] table (`irocli config path`); never from the command line.

    Example: irocli email overdue --per-iro --per-team --to manager@la.gov.uk
    """
    from irocli.config import load_config, smtp_settings
    from irocli.reports.compute import due_rows
    from irocli.reports.email import mailing
    from irocli.reports.rows import sort_rows

    kind = choice(kind, ("overdue", "due"), "KIND")
    days = _within(kind, within)
    day = as_of(as_of_)
    config = load_config()
    settings = smtp_settings(config)
    if not dry_run:
        settings.require()
    managers = _managers(to, config, per_iro, per_team)
    store = open_store(ctx, read_only=True)
    profile = load_profile(ctx, store)
    rows = sort_rows(due_rows(store, profile, day, within=days, iro=iro, team=team, notices=Notices(store, profile)))
    children = store.list_children(iro=iro, team=team, covers_on=day)  # with those an IRO covers that day
    post = mailing(rows, children, config, kind=kind, as_of=day, within=days, managers=managers, per_iro=per_iro,
                   per_team=per_team, always=always, full_names=full_names, sender=settings.sender)
    _deliver(post, settings, dry_run)


def _deliver(post, settings, dry_run: bool) -> None:
    """The warnings, then the messages sent (notify.send) or printed (--dry-run: each also outlined on
    stderr, recipients, subject and attachments), or why there are none."""
    for warning in post.warnings:
        note(f"Warning: {warning}")
    if post.nothing_sent:
        note(post.nothing_sent)
    elif dry_run:
        from irocli.reports.email import outline
        from irocli.reports.formats import write_messages

        for message in post.messages:
            note(f"Would send {outline(message)}")
        note(f"Dry run: {write_messages(post.messages, sys.stdout)} message(s) printed, none sent.")
    else:
        from irocli.notify import send

        note(f"Sent {send(post.messages, settings)} message(s) via {settings.host}:{settings.port}.")


def _within(kind: str, within: str | None) -> int | None:
    """--within: calendar days for `email due` (default 28); refused for `email overdue`."""
    if within is not None and kind == "overdue":
        raise BadInput("--within applies to `irocli email due`, not overdue")
    return day_count(within or "28", "--within") if kind == "due" else None


def _managers(to: list[str] | None, config: dict, per_iro: bool, per_team: bool) -> list[str]:
    """The manager summary's addresses: --to (each checked), else [email] to. BadInput when there are
    none and neither --per-iro nor --per-team, or when --per-iro (--per-team) finds no [iros] ([teams])
    table in the config file: a cron job must not look as if it routed mail it cannot."""
    managers = [address(a, "--to") for a in to] if to else list(config.get("email", {}).get("to", []))
    if not (per_iro or per_team) and not managers:
        raise BadInput("give --to ADDRESS (or [email] to in the config file), --per-iro or --per-team")
    for flag, section, whose in ((per_iro, "iros", "IRO"), (per_team, "teams", "team manager")):
        if flag and not config.get(section):
            raise BadInput(f"--per-{section[:-1]} needs the config file's [{section}] table (each {whose}'s "
                           "address; `irocli config path` says where the file is)")
    return managers
