"""The one output sink: every list and document leaves irocli through `emit`, as a table, JSON or CSV.

Data goes to stdout only (JSON and CSV by reports/formats.py, tables by the themed console of
reports/render.py); words for the person go to stderr from the CLI. Imports only the stdlib and
irocli.errors at module level: Rich loads when a table is printed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from irocli.errors import BadInput

FORMATS = ("table", "json", "csv")


class _Render:
    """reports.render, imported on first use: a command asked for JSON or CSV never loads Rich
    (PERFORMANCE.md: rich.table alone costs about 40 ms). Use it inside ``table=lambda: ...``."""

    def __getattr__(self, name: str) -> Any:
        from irocli.reports import render as module

        return getattr(module, name)


render = _Render()


def check_format(value: str, allowed: Sequence[str] = FORMATS) -> str:
    """``value`` lower-cased when it is one of ``allowed``; else BadInput naming --format and the choices."""
    value = value.lower()
    if value not in allowed:
        raise BadInput(f"--format must be one of {', '.join(allowed)} (got {value!r})")
    return value


def emit(data: list[dict] | dict, fmt: str, *, table: Callable[[], Any] | None = None,
         fields: Sequence[str] = (), rows: Iterable[dict] | None = None) -> None:
    """Write one list or document to stdout in ``fmt`` ("table", "json" or "csv").

    json: ``data`` as it is (a list of rows or one document). csv: ``rows`` (default ``data``), each
    flattened by reports.rows.flat, under the header ``fields``. table: the renderable ``table()``
    returns, printed through the themed console (built only when a table is asked for).
    """
    from irocli.reports import formats

    if fmt == "json":
        formats.write_json(data, sys.stdout)
    elif fmt == "csv":
        from irocli.reports.rows import flat

        formats.write_csv((flat(r) for r in (data if rows is None else rows)), fields, sys.stdout)
    else:
        from irocli.reports.render import console

        console().print(table())
