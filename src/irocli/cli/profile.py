"""`irocli profile …`: the shipped rule profiles, and one profile's rules merged with the file each key came from.

Reads profile files only: no store is needed. Imports only typer at module level.
"""

from __future__ import annotations

from typing import Annotated

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import emit_rows, output_format
from irocli.cli._options import Format

app = typer.Typer(help="Rule profiles: the shipped ones, and where each rule's values come from.",
                  no_args_is_help=True)

LIST_FIELDS = ("name", "title", "files")
RULE_FIELDS = ("id", "type", "title", "offset", "enabled", "files")
KEY_FIELDS = ("key", "value", "from")

ProfileName = Annotated[str | None, typer.Argument(
    help="A shipped profile (england, blackpool, dudley, knowsley, cpru) or a .toml path; default: the "
    "root --profile, then $IROCLI_PROFILE, then england.", show_default=False)]
RuleId = Annotated[str | None, typer.Argument(
    help="One rule's id, e.g. review.second: each of its keys with the file it came from.", show_default=False)]


@app.command("list")
@boundary
def profile_list(fmt: Format = "table") -> None:
    """List the shipped profiles with their titles and files.

    Files are the profile's own first, then the one it extends.

    Example: irocli profile list --format json
    """
    from irocli.profiles import SHIPPED, files, load

    fmt = output_format(fmt)
    rows = [{"name": name, "title": load(name).title, "files": files(name)} for name in SHIPPED]

    def table():
        from rich.table import Table
        from rich.text import Text

        out = Table(header_style="heading")
        for column in ("Name", "Title", "Files"):
            out.add_column(column, no_wrap=column != "Title")
        for row in rows:
            out.add_row(Text(row["name"]), Text(row["title"]), Text(_shown(row["files"])))
        return out

    _emit(rows, rows, fmt, LIST_FIELDS, table)


@app.command("show")
@boundary
def profile_show(ctx: typer.Context, name: ProfileName = None, rule_id: RuleId = None, fmt: Format = "table") -> None:
    """Show a profile's merged rules, or one rule's keys and the file each came from.

    A profile that extends another takes the other's values unless it sets its own; this shows
    the result. With RULE_ID, each key of that rule, its value and the file that set it.

    Example: irocli profile show blackpool review.second
    """
    from irocli.cli._context import root
    from irocli.config import resolve_profile
    from irocli.profiles import files, load, merged_rules, rule_origins

    fmt = output_format(fmt)
    name = resolve_profile(root(ctx).profile, None)[0] if name is None else name
    if rule_id is not None:
        keys = rule_origins(name, rule_id)
        rows = [{"key": key, "value": value, "from": file} for key, (value, file) in keys.items()]
        doc = {"rule": rule_id, "keys": {key: {"value": value, "from": file} for key, (value, file) in keys.items()}}
        _emit(doc, rows, fmt, KEY_FIELDS, lambda: _keys_table(name, rule_id, rows))
        return
    profile, chain = load(name), files(name)
    rows = [_rule_row(rule_id, keys, rule_id in profile.rules, chain) for rule_id, keys in merged_rules(name).items()]
    doc = {"name": profile.name, "title": profile.title, "files": chain, "rules": rows}
    _emit(doc, rows, fmt, RULE_FIELDS, lambda: _rules_table(profile, chain, rows))


def _rule_row(rule_id: str, keys: dict, enabled: bool, chain: list[str]) -> dict:
    """One merged rule as a row: its type, title, offset, whether enabled and the files that set any of
    its keys, in the order of the profile's files (its own first)."""
    value = {key: v for key, (v, _file) in keys.items()}
    used = {file for _v, file in keys.values()}
    return {"id": rule_id, "type": value.get("type"), "title": value.get("title"), "offset": value.get("offset"),
            "enabled": enabled, "files": [file for file in chain if file in used]}


def _emit(doc: dict | list[dict], rows: list[dict], fmt: str, fields, table) -> None:
    """JSON: the document; CSV: the rows, lists joined by "; ", true/false lower-case; a table: the factory's."""
    if fmt == "json":
        import sys

        from irocli.reports import formats

        formats.write_json(doc, sys.stdout)
    else:
        emit_rows([{k: _shown(v) if isinstance(v, list | bool) else v for k, v in row.items()} for row in rows],
                  fmt, fields, table)


def _keys_table(name: str, rule_id: str, rows: list[dict]):
    from rich.table import Table
    from rich.text import Text

    from irocli.reports.render import stack

    out = Table(header_style="heading")
    for column in ("Key", "Value", "From"):
        out.add_column(column, no_wrap=column != "Value")
    for row in rows:
        out.add_row(Text(row["key"]), Text(_shown(row["value"])), Text(row["from"]))
    return stack(Text(f"Rule {rule_id} of profile {name}", style="heading"), out)


def _rules_table(profile, chain: list[str], rows: list[dict]):
    from rich.table import Table
    from rich.text import Text

    from irocli.reports.render import stack

    out = Table(header_style="heading")
    for column in ("Rule", "Type", "Title", "Offset", "Files"):  # on a narrow console the title wraps first
        out.add_column(column, overflow="fold")
    for row in rows:
        out.add_row(Text(row["id"]), Text(str(row["type"])), Text(str(row["title"])),
                    Text(_shown(row["offset"]) if row["enabled"] else "disabled"), Text("\n".join(row["files"])))
    return stack(Text(f"Profile {profile.name}: {profile.title} ({' over '.join(chain)})", style="heading"), out)


def _shown(value) -> str:
    """A TOML value as a person reads it: lists joined by commas, booleans lower-case, nothing as -."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "; ".join(_shown(v) for v in value)
    return str(value)
