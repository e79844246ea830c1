"""What every command needs: root settings, the store, the profile, parsed dates and formats.

Imports only typer at module level; the store and the engine load inside the functions.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass

import typer

from irocli.errors import BadInput


@dataclass
class Root:
    db: str | None
    profile: str | None
    debug: bool


def root(ctx: typer.Context) -> Root:
    return ctx.find_root().obj


def open_store(ctx: typer.Context, *, read_only: bool = False, create: bool = False):
    """The store the root options name. Only ``init`` creates one (``create``); anywhere else a
    store that is not there is exit 3 naming where irocli looked, and nothing is created
    (CONTRACT). Reports open it ``read_only``: a snapshot on a read-only share is enough."""
    from irocli.config import resolve_db
    from irocli.store import Store

    url, _source = resolve_db(root(ctx).db)
    store = Store.open(url, create=create, read_only=read_only)
    ctx.call_on_close(store.close)  # connections closed when the command ends: WAL checkpointed
    return store


def load_profile(ctx: typer.Context, store=None):
    from irocli.config import resolve_profile
    from irocli.profiles import load

    recorded = store.get_meta("profile") if store is not None else None
    name, _source = resolve_profile(root(ctx).profile, recorded)
    return load(name)


def today() -> dt.date:
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("Europe/London")).date()


def as_of(value: str | None) -> dt.date:
    """--as-of: YYYY-MM-DD or `today` (Europe/London); today when not given (CONTRACT)."""
    return today() if value is None else date_arg(value, "--as-of")


def date_arg(value: str, name: str, *, personal: bool = False) -> dt.date:
    from irocli.domain import parse_date

    if value.strip().lower() == "today":
        return today()
    return parse_date(value, field_name=name, personal=personal)


def year_arg(value: str, option: str, first: int, last: int) -> int:
    """A four-digit year from first to last, or one line naming the option."""
    import re

    if not re.fullmatch(r"[0-9]{4}", value.strip()) or not first <= int(value) <= last:
        raise BadInput(f"{option} must be a year from {first} to {last} (got {value!r})")
    return int(value)


def whole_number(value: str, option: str) -> int:
    """A non-negative whole number from the command line, or one line naming the option."""
    if not value.strip().isdigit():
        raise BadInput(f"{option} must be a whole number of 0 or more (got {value!r})")
    return int(value)


def output_format(value: str, allowed: tuple[str, ...] = ("table", "json", "csv")) -> str:
    value = value.lower()
    if value not in allowed:
        raise BadInput(f"--format must be one of {', '.join(allowed)} (got {value!r})")
    return value


def choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    if value not in allowed:
        raise BadInput(f"{option} must be one of {', '.join(allowed)} (got {value!r})")
    return value


def emit_rows(rows, fmt: str, csv_fields, table_factory) -> None:
    """Write rows as JSON or CSV to stdout, or render the table the factory builds."""
    from irocli.reports import formats

    if fmt == "json":
        formats.write_json(rows, sys.stdout)
    elif fmt == "csv":
        from irocli.reports.rows import flat

        formats.write_csv((flat(r) for r in rows), csv_fields, sys.stdout)
    else:
        from irocli.reports.render import console

        console().print(table_factory())


def note(message: str) -> None:
    """A message for the person, on stderr, so stdout stays data."""
    print(message, file=sys.stderr)
