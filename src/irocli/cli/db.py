"""`irocli db …`: where the store is, migrating, checking and backing it up."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import note, open_store, output_path, root
from irocli.cli._options import Format

MAX_SAMPLE = 10_000_000  # children: more than any store holds

Sample = Annotated[str, typer.Option(
    "--sample", metavar="N", help="How many children's stored obligations to compare with a fresh derivation "
                                  "(spread over the store; 0: none).")]

app = typer.Typer(
    help="The store: where it is, upgrading its schema, checking and backing it up.", no_args_is_help=True
)


@app.command("path")
@boundary
def db_path(ctx: typer.Context) -> None:
    """Print where the store is and where that setting came from.

    Example: irocli db path
    """
    from irocli.config import display_url, resolve_db

    url, source = resolve_db(root(ctx).db)
    location = url[len("sqlite:///"):] if url.startswith("sqlite:///") else display_url(url)
    print(location)
    note(f"(from {source})")


@app.command("upgrade")
@boundary
def db_upgrade(ctx: typer.Context) -> None:
    """Migrate the store to the latest schema, then store the obligations of any child whose stored rows
    are stale (as `irocli db refresh`).

    Example: irocli db upgrade
    """
    store = open_store(ctx)
    revision = store.upgrade()
    done = refresh(store)
    stored = f"; stored the obligations of {done:,} {'child' if done == 1 else 'children'}" if done else ""
    note(f"Store is at schema revision {revision}{stored}.")


@app.command("backup")
@boundary
def db_backup(
    ctx: typer.Context,
    target: Annotated[Path, typer.Argument(help="A new file to write the copy to (never overwritten).",
                                           show_default=False)],
) -> None:
    """Copy an SQLite store to a new file, safely while others use it (readable by you only).

    A PostgreSQL store is backed up with pg_dump; this command says how.

    Example: irocli db backup ~/backups/irocli-2026-11-23.db
    """
    target = output_path(target, "TARGET", new=True)
    store = open_store(ctx, read_only=True)
    store.backup(target)
    note(f"Backed up the store to {target}.")


@app.command("check")
@boundary
def db_check(ctx: typer.Context, fmt: Format = "table", sample: Sample = "200") -> None:
    """Check the store: SQLite integrity, events of no stored child, events before a child's birth, and
    the stored obligations: children whose rows are stale (run `irocli db refresh`), and a sample of the
    rest compared with a fresh derivation.

    Exits 1 when it finds anything (for cron); children appear by id only.

    Example: irocli db check
    """
    from irocli.reports.output import emit, render

    store = open_store(ctx, read_only=True)
    findings = [finding.as_dict() for finding in store.check()]
    if not any(finding["check"] == "integrity" for finding in findings):  # a damaged file: say no more
        findings += [finding.as_dict() for finding in _obligation_findings(ctx, store, sample)]
    if findings or fmt != "table":
        emit(findings, fmt, fields=("check", "child_id", "event_id", "detail"),
             table=lambda: render.findings_table(findings, store.display_url))
    if findings:
        note(f"{len(findings)} problem{'' if len(findings) == 1 else 's'} found.")
        raise typer.Exit(1)
    note(f"No problems found in {store.display_url} (schema revision {store.revision()}).")


def _obligation_findings(ctx: typer.Context, store, sample: str):
    """`db check`'s findings on the obligation table (maintenance.Finding), each naming its child: those stale
    as of today (missing, derived with another profile, calendar or irocli, or past the school terms derived),
    then those of a sample whose stored rows differ from a fresh derivation with the store's profile."""
    from irocli.cli._context import keeper, today, whole_number
    from irocli.store.maintenance import Finding

    count = whole_number(sample, "--sample", MAX_SAMPLE)
    store.keeper_factory = lambda: keeper(ctx, store)
    plan = store.kept_plan(store.keeper.fingerprint.key, today())
    stale = plan.stale | plan.expired
    findings = [Finding("obligations-stale", "stored obligations stale: run `irocli db refresh`", child_id)
                for child_id in sorted(stale)]
    _compared, differ = store.kept_differences(count, skip=stale)
    findings += [Finding("obligations-differ", "stored obligations differ from a fresh derivation: run "
                         "`irocli db refresh --all`", child_id) for child_id in differ]
    return findings


@app.command("refresh")
@boundary
def db_refresh(ctx: typer.Context, everything: Annotated[bool, typer.Option(
        "--all", help="Re-derive every child, not only those whose stored obligations are stale.")] = False) -> None:
    """Re-derive and store the obligations reports read: those of every child whose stored rows are
    missing or were derived with another profile, calendar or irocli (all with --all), with the store's
    own profile. Says nothing when there was nothing to do and stderr is not a terminal (cron).

    Each write (event add, void, child update, import) keeps its child current already; run this after
    changing the profile, upgrading irocli or the store. Rounds of 500 children, each its own
    transaction: an interrupted refresh keeps what it finished. A bar on stderr when it is a terminal.

    Example: irocli db refresh
    """
    import sys

    from irocli.cli._context import load_profile, profile_arg, store_profile
    from irocli.errors import BadInput

    store = open_store(ctx)
    kept, asked = store_profile(store), load_profile(ctx, store)
    if asked.digest != kept.digest:  # another profile, or another file of the same name
        given = profile_arg(asked)
        raise BadInput(f"the store keeps profile {kept.name}'s obligations (its recorded file), not those of "
                       f"{given}: --profile and $IROCLI_PROFILE choose what one report shows; "
                       f"`irocli init --profile {given} --force` changes the store's profile")
    done = refresh(store, everything=everything)
    if done:
        note(f"Stored the obligations of {done:,} {'child' if done == 1 else 'children'} (profile {kept.name}).")
    elif sys.stderr.isatty():  # cron hears nothing when there was nothing to do
        note("Nothing to refresh: every child's stored obligations are current.")


def refresh(store, *, everything: bool = False) -> int:
    """Store the obligations of the store's stale children (every child with ``everything``), as of today,
    with a bar on stderr when it is a terminal; returns how many were stored. `db refresh`, `db upgrade` and
    `init` share it."""
    from irocli.cli._context import children_bar, today

    with children_bar("Deriving obligations", None) as (advance, set_total):
        return store.refresh(everything=everything, as_of=today(), total=set_total, progress=advance)


@app.command("grant-reader")
@boundary
def db_grant_reader(
    ctx: typer.Context,
    role: Annotated[str, typer.Argument(help="An existing PostgreSQL role (its exact name) for the BI tool.",
                                        show_default=False)],
) -> None:
    """Let a PostgreSQL role read the view v_obligation_open, and no table (for Power BI or Excel).

    The view holds each open obligation as of today with the child's id and initials, never a name or a
    date of birth. An SQLite store has no roles: a BI tool reads the file (see the README).

    Example: irocli db grant-reader bi_reader
    """
    store = open_store(ctx)
    schema = store.grant_reader(role)
    note(f"Granted role {role!r} read access to {schema}.v_obligation_open (the view only, no table) in "
         f"{store.display_url}.")


@app.command("audit")
@boundary
def db_audit(
    ctx: typer.Context,
    from_: Annotated[str | None, typer.Option("--from", metavar="DATE", show_default=False, help=(
        "First day (YYYY-MM-DD or 'today'), a London calendar day; default --to."))] = None,
    to: Annotated[str | None, typer.Option("--to", metavar="DATE", show_default=False, help=(
        "Last day, included (YYYY-MM-DD or 'today'), a London calendar day; default today (or --from, if "
        "later)."))] = None,
    fmt: Format = "table",
) -> None:
    """List every write to the store between two days, for an information-governance request.

    In time order: events added by hand, amended and voided; each import as ONE row (its files with a
    short SHA-256, its counts: its events and child changes are not listed one by one, see `irocli event
    list` and `irocli child history`) and its undoing; children added and changed (the field only: the
    values are in `irocli child history`); covers recorded. Columns: at (UTC, ISO 8601), who, action,
    child, event, batch, detail. Days are London calendar days, both included (default: today). No name or
    date of birth appears: children by id only.

    Example: irocli db audit --from 2026-11-01 --to 2026-11-30 --format csv
    """
    from irocli.cli._context import date_arg, today
    from irocli.reports.output import emit, render
    from irocli.reports.stewardship import AUDIT_FIELDS, audit

    start = None if from_ is None else date_arg(from_, "--from")
    end = date_arg(to, "--to") if to is not None else max(today(), start or today())
    start = end if start is None else start
    rows = audit(open_store(ctx, read_only=True), start, end)
    emit(rows, fmt, fields=AUDIT_FIELDS, table=lambda: render.audit_table(rows, start, end))
