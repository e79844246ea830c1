"""The output layer's writers of data: JSON, CSV, e-mail messages and owner-only files.

Straight to a stream or a file, never through Rich (it would wrap). CSV cells are made safe against
spreadsheet formula injection. Imports only the stdlib and irocli.errors.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from irocli.errors import BadInput

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
    """A list of rows or one document as indented JSON (UTF-8, non-ASCII kept), then a newline."""
    with utf8(out) as stream:
        json.dump(rows, stream, indent=2, ensure_ascii=False)
        stream.write("\n")


def write_csv(rows: Iterable[dict], fields: Sequence[str], out: TextIO) -> None:
    """A header of ``fields`` then one line per row (keys not in ``fields`` left out, None as empty),
    every cell formula-safe (``safe_cell``)."""
    # RFC 4180 line ends: with them the writer also quotes a field holding a lone CR, which would
    # otherwise end the row early in a spreadsheet.
    with utf8(out) as stream:
        writer = csv.writer(stream, lineterminator="\r\n")  # None is written as an empty cell
        writer.writerow(fields)
        start = _FORMULA_START
        writer.writerows([("'" + v if isinstance(v, str) and v.startswith(start) else v) for v in map(row.get, fields)]
                         for row in rows)  # safe_cell, inline: a national list has 200,000 rows of 13 cells


def write_messages(messages: Iterable, out: TextIO) -> int:
    """E-mail messages as RFC 822 text, one after another (``email --dry-run``); returns how many."""
    count = 0
    with utf8(out) as stream:
        for message in messages:
            stream.write(message.as_string() + "\n")
            count += 1
    return count


def write_private(path: str | Path, data: bytes | str) -> None:
    """Write a file only its owner can read or write (mode 0600), whatever the umask or the old file's
    mode: a calendar or a KPI page describes a caseload. Text is written as UTF-8.

    Raises BadInput naming the path when the file cannot be opened for writing.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise BadInput(f"cannot write {path}: {exc.strerror}") from None
    os.chmod(path, 0o600)  # an existing file keeps its old mode through O_CREAT: narrowed before any byte
    if isinstance(data, str):
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
    else:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
