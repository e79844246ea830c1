"""`irocli config …`: where the config file (SMTP settings, IRO and team managers' addresses) lives, and whether
it is right."""

from __future__ import annotations

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import note

app = typer.Typer(help="The config file: SMTP settings, IRO and team managers' email addresses.", no_args_is_help=True)


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


@app.command("check")
@boundary
def config_check() -> None:
    """Check the config file: sections, keys, values, addresses.

    Prints the file's path, and on stderr where that came from and what it sets; an unknown
    section or key, a wrong value or a file others can read holding a password is exit 2.

    Example: irocli config check
    """
    from irocli.config import load_config, resolve_config_path

    path, source = resolve_config_path()
    config = load_config()  # IROCLI_CONFIG naming a missing file is exit 2 here, as for every reader
    print(path)
    if not path.exists():
        note(f"(from {source}; no config file: nothing is set, SMTP settings may come from the environment)")
        return
    note(f"(from {source}) OK: {describe(config)}")


def describe(config: dict) -> str:
    """What a checked config sets, by section and key, never by value (the password is one)."""
    parts = []
    for section, table in config.items():
        if section in ("iros", "teams"):
            parts.append(f"[{section}] {len(table)} address{'' if len(table) == 1 else 'es'}")
        elif table:
            parts.append(f"[{section}] {', '.join(table)}")
    return "; ".join(parts) or "nothing set"
