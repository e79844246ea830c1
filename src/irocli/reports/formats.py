"""JSON and CSV writers: straight to a text stream, never through Rich (it would wrap).

CSV cells are made safe against spreadsheet formula injection. Imports only the stdlib.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TextIO

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; numbers pass."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


@contextmanager
def utf8(out: TextIO) -> Iterator[TextIO]:
    """``out`` as UTF-8 text whatever its own encoding (a Windows console's cp1252 cannot write
    "Łukasz"): CSV and JSON are data, and data is UTF-8 (CONTRACT). A stream already UTF-8, or
    one with no byte buffer beneath it, is used as it is."""
    encoding = getattr(out, "encoding", None) or "utf-8"
    if codecs.lookup(encoding).name == "utf-8" or not hasattr(out, "buffer"):
        yield out
        return
    out.flush()
    wrapper = io.TextIOWrapper(out.buffer, encoding="utf-8", newline="", write_through=True)
    try:
        yield wrapper
        wrapper.flush()
    finally:
        wrapper.detach()  # the console's own stream stays open


def write_json(rows: Sequence[dict] | dict, out: TextIO) -> None:
    with utf8(out) as stream:
        json.dump(rows, stream, indent=2, ensure_ascii=False)
        stream.write("\n")


def write_csv(rows: Iterable[dict], fields: Sequence[str], out: TextIO) -> None:
    # RFC 4180 line ends: with them the writer also quotes a field holding a lone CR, which would
    # otherwise end the row early in a spreadsheet.
    with utf8(out) as stream:
        writer = csv.DictWriter(stream, fieldnames=list(fields), extrasaction="ignore", lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: safe_cell(row.get(k)) for k in fields})
