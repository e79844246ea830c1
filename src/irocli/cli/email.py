"""`irocli email`: per-IRO digests and a manager summary of the due/overdue rows, over SMTP."""

from __future__ import annotations

from typing import Annotated

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import address, as_of, choice, day_count, load_profile, note, open_store
from irocli.cli._options import AsOf, Iro, Team

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
    as_of_: AsOf = None,
    within: Annotated[str | None, typer.Option(
        "--within", metavar="DAYS", help="With `due`: include obligations due within DAYS (default 28).")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Print the messages (RFC 822) to stdout instead of sending them.")] = False,
    always: Annotated[bool, typer.Option(
        "--always", help="Send even when there is nothing to report (a 'nothing overdue' message).")] = False,
    full_names: Annotated[bool, typer.Option(
        "--full-names", help="Name children in full (default: id and initials, or [email] full_names).")] = False,
) -> None:
    """Email overdue (or due) obligations to each IRO and a manager.

    SMTP settings come from IROCLI_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM, _STARTTLS, _SSL, _TIMEOUT
    or the config file's [smtp] table (`irocli config path`); never from the command line.

    Example: irocli email overdue --per-iro --to manager@la.gov.uk
    """
    from irocli.config import load_config, smtp_settings
    from irocli.errors import BadInput
    from irocli.reports import email as mail
    from irocli.reports.compute import due_rows
    from irocli.reports.rows import sort_rows

    kind = choice(kind, ("overdue", "due"), "KIND")
    if within is not None and kind == "overdue":
        raise BadInput("--within applies to `irocli email due`, not overdue")
    days = day_count(within or "28", "--within") if kind == "due" else None
    day = as_of(as_of_)
    config = load_config()
    settings = smtp_settings(config)
    if not dry_run:
        settings.require()
    managers = [address(a, "--to") for a in to] if to else list(config.get("email", {}).get("to", []))
    if not per_iro and not managers:
        raise BadInput("give --to ADDRESS (or [email] to in the config file), or --per-iro")
    store = open_store(ctx, read_only=True)
    rows = sort_rows(due_rows(store, load_profile(ctx, store), day, within=days, iro=iro, team=team))
    children = store.list_children(iro=iro, team=team)
    plan, warnings = mail.digests(
        rows, kind=kind, as_of=day, within=days, managers=managers, per_iro=per_iro,
        addresses=config.get("iros", {}), iros={c.iro for c in children if c.iro}, always=always)
    for warning in warnings:
        note(f"Warning: {warning}")
    names = mail.child_labels(children, full_names or config.get("email", {}).get("full_names") is True)
    messages = [mail.message(d, names, settings.sender or "irocli@localhost") for d in plan]
    if not messages:
        headline = mail.Digest((), rows, kind, day, days).headline
        note(f"{headline[0].upper()}{headline[1:]}; no email sent"
             + ("." if rows else " (--always sends one anyway)."))
        return
    _deliver(messages, settings, dry_run)


def _deliver(messages, settings, dry_run: bool) -> None:
    import sys

    if dry_run:
        from irocli.reports.formats import utf8

        with utf8(sys.stdout) as out:
            for msg in messages:
                out.write(msg.as_string() + "\n")
        note(f"Dry run: {len(messages)} message(s) printed, none sent.")
        return
    from irocli.notify import send

    sent = send(messages, settings)
    note(f"Sent {sent} message(s) via {settings.host}:{settings.port}.")
