"""Reading a TOML file that may start with a UTF-8 byte-order mark (Notepad writes one).

tomllib refuses a BOM ("Invalid statement (at line 1, column 1)"); a person who saved a config
or map file in Notepad sees nothing wrong with it. Imports only the stdlib.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

_BOM = "\ufeff"


def load_toml(path: Path | str) -> dict:
    """The file's tables. Errors are the ones callers already expect from tomllib and open():
    OSError (FileNotFoundError, PermissionError, IsADirectoryError, …) if it cannot be read,
    UnicodeDecodeError if it is not UTF-8, tomllib.TOMLDecodeError if it is not TOML."""
    return loads_toml(Path(path).read_bytes())


def loads_toml(data: bytes) -> dict:
    """TOML from bytes: UTF-8, one leading BOM allowed; errors as :func:`load_toml`."""
    text = data.decode("utf-8")
    if text.startswith(_BOM):
        text = text[len(_BOM):]
    return tomllib.loads(text)
