"""What every command needs: root settings, the store, the profile, parsed dates and formats.

Imports only typer at module level; the store and the engine load inside the functions.
"""

from __future__ import annotations

import datetime as dt
import errno
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import typer

from irocli.errors import BadInput


@dataclass
class Root:
    """The root options every command reads (--debug lives in _boundary.DEBUG)."""

    db: str | None
    profile: str | None


def root(ctx: typer.Context) -> Root:
    """The root options of this invocation."""
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
    if not read_only:  # each write keeps the child's stored obligations current, with the profile reports use
        store.keeper_factory = lambda: keeper(ctx, store)
    return store


def keeper(ctx: typer.Context, store):
    """The Keeper (store/kept.py) that derives stored obligations with the store's own profile (the one `init`
    recorded, else england), as of today: a --profile or $IROCLI_PROFILE given for one command changes what
    that command reports, never what the store keeps (the BI view reads the table)."""
    from irocli.store.kept import Keeper

    return Keeper(store_profile(store), today())


def profile_arg(profile) -> str:
    """How to name ``profile`` on the command line: a shipped one by its name, any other by its file."""
    from irocli.profiles import SHIPPED
    from irocli.profiles.loader import shipped_path

    if profile.name in SHIPPED and Path(profile.origin).resolve() == shipped_path(profile.name).resolve():
        return profile.name
    return profile.origin


def store_profile(store):
    """The profile the store recorded (`irocli init --profile`), else england (BadInput for a bad one)."""
    from irocli.config import DEFAULT_PROFILE
    from irocli.profiles import load

    return load(store.get_meta("profile") or DEFAULT_PROFILE)


def load_profile(ctx: typer.Context, store=None):
    """The rule profile: --profile, $IROCLI_PROFILE, the store's recorded one, then england (BadInput for a bad one)."""
    from irocli.config import resolve_profile
    from irocli.profiles import load

    recorded = store.get_meta("profile") if store is not None else None
    name, _source = resolve_profile(root(ctx).profile, recorded)
    return load(name)


def today() -> dt.date:
    """Today in Europe/London (what "today" means in every date option)."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("Europe/London")).date()


def as_of(value: str | None) -> dt.date:
    """--as-of: YYYY-MM-DD or `today` (Europe/London); today when not given (CONTRACT)."""
    return today() if value is None else date_arg(value, "--as-of")


def date_arg(value: str, name: str, *, personal: bool = False) -> dt.date:
    """A date option: YYYY-MM-DD or `today`; BadInput naming ``name`` (the value not quoted when ``personal``)."""
    from irocli.domain import parse_date

    if value.strip().lower() == "today":
        return today()
    return parse_date(value.strip(), field_name=name, personal=personal)


def year_arg(value: str, option: str, first: int, last: int) -> int:
    """A four-digit year from first to last, or one line naming the option."""
    import re

    if not re.fullmatch(r"[0-9]{4}", value.strip()) or not first <= int(value) <= last:
        raise BadInput(f"{option} must be a year from {first} to {last} (got {value!r})")
    return int(value)


MAX_DAYS = 3660  # ten years: further ahead than any statutory timetable looks
MAX_ID = 2**31 - 1  # the largest id a store holds (PostgreSQL integer)


def whole_number(value: str, option: str, maximum: int = MAX_ID) -> int:
    """A whole number from 0 to ``maximum`` (ASCII digits only), or one line naming the option."""
    import re

    text = value.strip()
    if not re.fullmatch(r"[0-9]{1,12}", text) or int(text) > maximum:
        raise BadInput(f"{option} must be a whole number from 0 to {maximum} (got {_shown(value)})")
    return int(text)


def day_count(value: str, option: str) -> int:
    """A number of calendar days from 0 to MAX_DAYS (``--within``), or one line naming the option."""
    return whole_number(value, option, MAX_DAYS)


def child_id(value: str, option: str = "ID") -> str:
    """A new child's id: the documented pattern (domain.CHILD_ID_TEXT)."""
    from irocli.domain import check_child_id

    return check_child_id(value.strip(), field_name=option)


def name(value: str | None, option: str) -> str | None:
    """A name (child, IRO, social worker, team): one line, no control characters, not empty."""
    from irocli.domain import check_name

    return None if value is None else check_name(value, field_name=option)


def text(value: str | None, option: str, limit: int = 4000) -> str | None:
    """Free text (a note, a reason): line breaks allowed, other control characters not."""
    if value is None:
        return None
    if any(not c.isprintable() and c not in "\n\r\t" for c in value):
        raise BadInput(f"{option} holds a control character")
    if not value.strip():
        raise BadInput(f"{option} is empty")
    if len(value) > limit:
        raise BadInput(f"{option} is {len(value):,} characters long (at most {limit})")
    return value.strip()


def address(value: str, option: str) -> str:
    """An e-mail address checked by email-validator (config.check_address), or one line."""
    from irocli.config import check_address

    return check_address(value, option)


def output_path(value: str | Path, option: str, *, new: bool = False, stdout: bool = False) -> Path | None:
    """A file to write, checked before any work starts: not a folder, in a folder that exists and
    can be written; with ``new``, not there yet (never overwritten). "-" is stdout, as Unix tools read
    it: None where the command can write there (``stdout``), else one line saying to name a file (a
    file named "-" is never made)."""
    import os

    if str(value) == "-":
        if stdout:
            return None
        raise BadInput(f"{option} needs a file name: '-' (stdout) is not one here")
    path = _path(value, option)
    if path.is_dir():
        raise BadInput(f"{option} {path} is a folder: give a file name in it")
    if new and path.exists():
        raise BadInput(f"{option} {path} already exists (never overwritten): give a new file name")
    folder = path.absolute().parent
    if not folder.is_dir():
        raise BadInput(f"{option} {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise BadInput(f"{option} {path} cannot be written here (permission denied)")
    return path


def input_path(value: str | Path, option: str, *, folder: bool | None = False) -> Path:
    """A file (``folder=False``), a folder (True) or either (None) to read, checked before any work."""
    path = _path(value, option)
    if not path.exists():
        raise BadInput(f"{option} {path} does not exist")
    if folder is False and path.is_dir():
        raise BadInput(f"{option} {path} is a folder: give a file")
    if folder is True and not path.is_dir():
        raise BadInput(f"{option} {path} is not a folder")
    return path


def _path(value: str | Path, option: str) -> Path:
    """A path as typed: not empty, no control characters, one the system can look up."""
    import os

    text_value = str(value)
    if not text_value.strip():
        raise BadInput(f"{option} is empty")
    if any(not c.isprintable() for c in text_value):
        raise BadInput(f"{option} holds a control character")
    path = Path(text_value).expanduser()
    try:
        os.stat(path)
    except FileNotFoundError:
        pass
    except OSError as error:
        if error.errno not in (errno.ENOENT, errno.ENOTDIR):
            raise BadInput(f"{option} {_shown(text_value)}: {error.strerror}") from None
    return path


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "…")


def output_format(value: str, allowed: tuple[str, ...] = ("table", "json", "csv")) -> str:
    """--format checked against ``allowed`` (reports.output.check_format; kept for cli/imports.py)."""
    from irocli.reports.output import check_format

    return check_format(value, allowed)


def choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    """``value`` when it is one of ``allowed``; else BadInput naming ``option`` and the choices."""
    if value not in allowed:
        raise BadInput(f"{option} must be one of {', '.join(allowed)} (got {value!r})")
    return value


def emit_rows(rows, fmt: str, csv_fields, table_factory) -> None:
    """reports.output.emit of a list of rows (kept for callers of the old name)."""
    from irocli.reports.output import emit

    emit(rows, fmt, fields=csv_fields, table=table_factory)


def note(message: str) -> None:
    """A message for the person, on stderr, so stdout stays data."""
    print(message, file=sys.stderr)


class Notices:
    """A report's notices on stderr (reports.compute.Notices): once that stale children were derived live,
    and a bar while deriving many of them live, on a terminal only. ``store`` and ``profile`` (the one the
    report uses) tell a profile given for this report apart from stored rows gone stale."""

    BAR_FROM = 1000  # children derived live before a bar is worth drawing

    def __init__(self, store=None, profile=None) -> None:
        self.store, self.profile = store, profile

    def stale(self, count: int) -> None:
        """Say once on stderr that ``count`` children were derived live, and why."""
        from irocli.reports.compute import stale_message

        if self.store is not None and self.profile is not None:
            kept = store_profile(self.store)
            if kept.digest != self.profile.digest:  # another profile, or another file of the same name
                given = profile_arg(self.profile)
                note(f"obligations derived live with profile {given}: the store keeps profile {kept.name}'s "
                     f"(`irocli init --profile {given} --force` would change that)")
                return
        message = stale_message(count)
        if self.store is not None and _cannot_write(self.store):
            message = message.replace("`irocli db refresh` stores them",
                                      "whoever can write the store stores them with `irocli db refresh`")
        note(message)

    @contextmanager
    def deriving(self, total: int):
        """A bar on stderr while ``total`` children are derived live (a terminal and BAR_FROM or more only)."""
        with children_bar("Deriving obligations live", total if total >= self.BAR_FROM else 0) as (advance, _):
            yield advance


def _cannot_write(store) -> bool:
    """Whether this user can only read ``store`` (an SQLite file or folder not writable here)."""
    import sqlalchemy as sa

    from irocli.store.connection import read_only_file

    return read_only_file(sa.engine.make_url(store.url))


@contextmanager
def children_bar(label: str, total: int | None):
    """A transient bar on stderr, when it is a terminal and there is something to count (``total`` None: not
    known yet), yielding (advance(k), set_total(n)); silent otherwise (cron, pipes, tests)."""
    if total == 0 or not sys.stderr.isatty():
        yield (lambda _done: None), (lambda _n: None)
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield (lambda done: bar.advance(task, done)), (lambda n: bar.update(task, total=n))
