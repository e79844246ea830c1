"""England and Wales bank holidays from the installed `holidays` package, cached per package version.

Importing `holidays` costs 30-80 ms (PERFORMANCE.md), so the table it gives is kept in a small JSON file
in the user cache directory, one file per package version. At start-up only the version is looked up
(from the package's dist-info directory name, without importing it); a cache file for that version
covering the years asked for is read, anything else (no file, another version, too few years, a damaged
file) is rebuilt from the package and written atomically. When the cache directory cannot be written
the table is computed in memory. Imports only the stdlib at module level (platformdirs when a path is needed).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import json
import os
import re
from pathlib import Path
from typing import NamedTuple

COUNTRY, SUBDIV = "GB", "ENG"
FORMAT = 1
# The span built when the cache is first filled: wide enough that ordinary use never widens it.
DEFAULT_FIRST_YEAR, DEFAULT_LAST_YEAR = 2010, 2040
OBSERVED = "(observed)"  # how the package names a substitute day: "Boxing Day (observed)"


class Table(NamedTuple):
    """Bank holidays of first_year..last_year by date, with the package version they came from."""

    version: str
    first_year: int
    last_year: int
    days: dict[dt.date, str]

    def covers(self, first_year: int, last_year: int) -> bool:
        return self.first_year <= first_year and last_year <= self.last_year


_loaded: Table | None = None  # this process's table: read or built once, widened when asked


def _package():
    """The installed holidays package (the one place it is imported)."""
    import holidays

    return holidays


def installed_version() -> str:
    """The installed holidays package's version, found without importing it.

    pip records the version in the name of the package's dist-info directory beside it
    (`holidays-0.109.dist-info`); looking for it takes well under a millisecond, where
    importlib.metadata costs ~30 ms to import. Anything unusual (an editable install, two
    dist-info directories) falls back to importlib.metadata.
    """
    spec = importlib.util.find_spec("holidays")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if len(locations) == 1:
        site = Path(locations[0]).parent
        with contextlib.suppress(OSError):
            found = [e.name for e in os.scandir(site)
                     if e.name.lower().startswith("holidays-") and e.name.endswith(".dist-info")]
            if len(found) == 1:
                return found[0][len("holidays-"):-len(".dist-info")]
    from importlib.metadata import version

    return version("holidays")


def cache_dir() -> Path:
    import platformdirs

    return platformdirs.user_cache_path("irocli")


def cache_path(version: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._+-]", "_", version)
    return cache_dir() / f"bank-holidays-{COUNTRY}-{SUBDIV}-{safe}.json"


def build(first_year: int, last_year: int, package=None) -> Table:
    """The table straight from the package: country_holidays("GB", subdiv="ENG"), observed days kept."""
    package = package or _package()
    # Never the GB object without subdiv: it drops Easter Monday and the August bank holiday.
    found = package.country_holidays(COUNTRY, subdiv=SUBDIV, years=range(first_year, last_year + 1))
    days = {day: str(name) for day, name in sorted(found.items()) if first_year <= day.year <= last_year}
    return Table(str(package.__version__), first_year, last_year, days)


def read(path: Path, version: str) -> Table | None:
    """The table in a cache file, or None when it is missing, damaged or for another version."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        if (data["format"], data["version"], data["country"], data["subdiv"]) != (FORMAT, version, COUNTRY, SUBDIV):
            return None
        first, last = data["first_year"], data["last_year"]
        if not (type(first) is int and type(last) is int and first <= last):
            return None
        days = {dt.date.fromisoformat(day): name for day, name in data["days"].items()}
        if not all(isinstance(name, str) for name in days.values()):
            return None
        made_by = data.get("package_version")
        return Table(made_by if isinstance(made_by, str) else version, first, last, days)
    except Exception:  # noqa: BLE001 - whatever is wrong with the file, it is rebuilt
        return None


def write(path: Path, table: Table, version: str) -> bool:
    """Write the cache file atomically (a reader sees the old file or the new one, never half of one).

    False, and nothing left behind, when it cannot be written: the caller keeps the table in memory.
    """
    data = {
        "format": FORMAT, "version": version, "package_version": table.version,
        "country": COUNTRY, "subdiv": SUBDIV, "first_year": table.first_year, "last_year": table.last_year,
        "days": {day.isoformat(): name for day, name in table.days.items()},
    }
    try:
        import tempfile

        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=0, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return False
    return True


def load(first_year: int, last_year: int) -> Table:
    """A table covering first_year..last_year: this process's, else the cache file's, else built and cached."""
    global _loaded
    if _loaded is not None:
        if _loaded.covers(first_year, last_year):
            return _loaded
        first_year, last_year = min(first_year, _loaded.first_year), max(last_year, _loaded.last_year)
    try:
        version = installed_version()
        path = cache_path(version)
    except Exception:  # noqa: BLE001 - no version or no cache directory: straight from the package
        _loaded = build(min(first_year, DEFAULT_FIRST_YEAR), max(last_year, DEFAULT_LAST_YEAR))
        return _loaded
    cached = read(path, version)
    if cached is not None and cached.covers(first_year, last_year):
        _loaded = cached
        return cached
    # Widen, never narrow, what the file holds.
    spans = [(first_year, last_year), (DEFAULT_FIRST_YEAR, DEFAULT_LAST_YEAR)]
    if cached is not None:
        spans.append((cached.first_year, cached.last_year))
    _loaded = build(min(f for f, _ in spans), max(last for _, last in spans))
    write(path, _loaded, version)
    return _loaded


def forget() -> None:
    """Drop this process's table, so the next lookup reads the cache (or the package) again."""
    global _loaded
    _loaded = None


def bank_holidays(first_year: int, last_year: int) -> dict[dt.date, str]:
    """Bank holidays of first_year..last_year by date, named as the package names them."""
    days = load(first_year, last_year).days
    return {day: name for day, name in days.items() if first_year <= day.year <= last_year}


def package_version() -> str:
    """The version of the holidays package the table in use came from."""
    return (_loaded or load(DEFAULT_FIRST_YEAR, DEFAULT_LAST_YEAR)).version
