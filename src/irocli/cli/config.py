"""`irocli config …`: where the config file (SMTP settings, IRO addresses) lives."""

from __future__ import annotations

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import note

app = typer.Typer(help="The config file: SMTP settings, IRO email addresses.", no_args_is_help=True)


@app.command("path")
@boundary
def config_path() -> None:
    """Print where the config file is and where that setting came from.

    Example: irocli config path
    """
    from irocli.config import resolve_config_path

    path, source = resolve_config_path()
    print(path)
    note(f"(from {source}{'' if path.exists() else '; the file does not exist yet'})")
