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
    ctx.obj = Root(db_, profile, debug)


@app.command("init")
@boundary
def init(
    ctx: typer.Context,
    profile: Annotated[str | None, typer.Option("--profile", help="Profile to record in the store.")] = None,
) -> None:
    """Create (or migrate) the store and record its rule profile.

    Example: irocli init --profile blackpool
    """
    from irocli.profiles import load

    chosen = profile or ctx.obj.profile or "england"
    loaded = load(chosen)  # a bad profile fails before anything is written
    store = open_store(ctx)
    store.set_meta("profile", chosen)
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


def main() -> None:
    app()
