"""JSON and CSV writers: straight to a text stream, never through Rich (it would wrap).

CSV cells are made safe against spreadsheet formula injection. Imports only the stdlib.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import TextIO

FORMATS = ("table", "json", "csv")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; numbers pass."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def write_json(rows: Sequence[dict] | dict, out: TextIO) -> None:
    json.dump(rows, out, indent=2, ensure_ascii=False)
    out.write("\n")


def write_csv(rows: Iterable[dict], fields: Sequence[str], out: TextIO) -> None:
    # RFC 4180 line ends: with them the writer also quotes a field holding a lone CR, which would
    # otherwise end the row early in a spreadsheet.
    writer = csv.DictWriter(out, fieldnames=list(fields), extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: safe_cell(row.get(k)) for k in fields})
