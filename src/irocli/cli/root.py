"""The root of the command line: the `irocli` app, its root options and `main`.

At module level only typer is imported, so `irocli --help` stays fast; every command imports the
store, engine and Rich inside its body. Each command or command group lives in a module of its own
that exports `app`; this module joins them with add_typer.
"""

from __future__ import annotations

from typing import Annotated

import typer

from irocli import __version__
from irocli.cli import calendar, caseload, child, db, due, escalation, event, imports, init, iro, plan, praise, report
from irocli.cli import config as config_cmd
from irocli.cli import email as email_cmd
from irocli.cli import holidays as holidays_cmd
from irocli.cli import profile as profile_cmd
from irocli.cli._boundary import DEBUG
from irocli.cli._context import Root
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
    """--version: print it and stop before any command runs."""
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


# Every command module exports `app`. Top-level commands join the root without a name (their
# commands merge into it, in this order); command groups join under their noun.
for module in (init, due, calendar, plan, praise, email_cmd, holidays_cmd):
    app.add_typer(module.app)
for module, noun in ((child, "child"), (event, "event"), (escalation, "escalation"), (db, "db"),
                     (imports, "import"), (report, "report"), (config_cmd, "config"), (profile_cmd, "profile"),
                     (caseload, "caseload"), (iro, "iro")):
    app.add_typer(module.app, name=noun, cls=UsageGroup)  # usage errors one line in groups too


def main() -> None:
    """The console script: run the app (Typer/Click parse sys.argv and exit with the command's code)."""
    app()
