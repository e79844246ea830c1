"""The command line: a thin layer that parses, calls the core and renders.

At module level only typer is imported, so `irocli --help` stays fast; every command imports the
store, engine and Rich inside its body.
"""

from __future__ import annotations

from typing import Annotated

import typer

from irocli import __version__
from irocli.cli import child, db, escalation, event, ical, imports, plan, report, report_group
from irocli.cli import config as config_cmd
from irocli.cli import email as email_cmd
from irocli.cli import holidays as holidays_cmd
from irocli.cli import profile as profile_cmd
from irocli.cli._boundary import DEBUG, boundary
from irocli.cli._context import Root, note, open_store
from irocli.cli._usage import UsageGroup

app = typer.Typer(
    name="irocli",
    cls=UsageGroup,
    help="Statutory review deadlines for Independent Reviewing Officers, explained.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        print(f"irocli {__version__}")
        raise typer.Exit()


def console_replaces_what_it_cannot_show() -> None:
    """A table on a console whose encoding cannot show a name (cp1252 and "Łukasz") shows "?" for
    that letter instead of failing; CSV and JSON are written as UTF-8 (reports.formats.utf8)."""
    import codecs
    import sys

    out = sys.stdout
    encoding = getattr(out, "encoding", None)
    if encoding and codecs.lookup(encoding).name != "utf-8" and hasattr(out, "reconfigure"):
        out.reconfigure(errors="replace")


@app.callback()
def root_options(
    ctx: typer.Context,
    db_: Annotated[str | None, typer.Option(
        "--db", help="Store: a file path or an SQLAlchemy URL such as postgresql+psycopg://user@host/db "
        "(no password here: use IROCLI_DB, PGPASSWORD or ~/.pgpass). Default: $IROCLI_DB, then "
        "the user data directory.")] = None,
    profile: Annotated[str | None, typer.Option(
        "--profile", envvar="IROCLI_PROFILE", show_envvar=True,
        help="Rule profile: england, blackpool, dudley, knowsley, cpru, or a .toml path.")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Statutory review deadlines for Independent Reviewing Officers, explained."""
    DEBUG["on"] = debug
    ctx.obj = Root(db_, profile)
    console_replaces_what_it_cannot_show()


@app.command("init")
@boundary
def init(
    ctx: typer.Context,
    profile: Annotated[str | None, typer.Option("--profile", help="Profile to record in the store.")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Record --profile even though the store has another (every deadline changes).")] = False,
) -> None:
    """Create the store (or migrate an existing one) and record its rule profile.

    The only command that creates a store. On an existing store with another profile it refuses
    (exit 2) unless --force: changing the profile changes every deadline (CONTRACT).

    Example: irocli init --profile blackpool
    """
    from pathlib import Path

    from irocli.errors import BadInput
    from irocli.profiles import SHIPPED, load

    asked = profile if profile is not None else ctx.obj.profile
    loaded = load(asked if asked is not None else "england")  # a bad profile fails before anything is written
    if asked is not None and asked not in SHIPPED:
        asked = str(Path(asked).expanduser().resolve())  # a file is recorded as a path that works from any folder
    store = open_store(ctx, create=True)
    recorded = store.get_meta("profile")
    if recorded is not None and asked is None:
        loaded = load(recorded)  # `irocli init` again: the store keeps its profile
    elif recorded is not None and recorded != asked and not force:
        raise BadInput(f"the store has profile {recorded}; recording {asked} would change every deadline: "
                       f"run `irocli init --profile {asked} --force` to change it")
    else:
        store.set_meta("profile", asked or "england")
    note(f"Store ready; profile {loaded.name} ({loaded.title}).")


report.register(app)
ical.register(app)
plan.register(app)

def _group(sub: typer.Typer, name: str) -> None:
    """Add a command group; its usage errors are one line too (UsageGroup)."""
    app.add_typer(sub, name=name, cls=UsageGroup)


_group(child.app, "child")
_group(event.app, "event")
_group(escalation.app, "escalation")
app.command("praise")(boundary(escalation.praise))
_group(db.app, "db")
_group(imports.app, "import")
_group(report_group.app, "report")
email_cmd.register(app)
holidays_cmd.register(app)
_group(config_cmd.app, "config")
_group(profile_cmd.app, "profile")


def main() -> None:
    app()
