"""Keeping the obligation table current: each write that can change a child's obligations re-derives that
child in the same transaction (Store._keep), `irocli db refresh` re-derives the stale ones, and `db check`
compares a sample with a fresh derivation.

The rows are what engine.derive_kept returns from every stored event: the history included, an open
obligation's due-or-overdue left to the reader (Obligation.settle against the report's as-of day), so they
do not go stale with the calendar. Each child's `obligation_kept` row records what they were derived from --
the fingerprint of profile, calendar and engine -- the as-of days they answer for and the horizon school terms
were derived to; a report serves a child's stored rows only when they hold (queries.kept_plan), and derives the
rest live.

The one place the store calls the engine (pure, no I/O): the rows are the engine's, written here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import Connection, text

from irocli.domain import Child, Event
from irocli.store import queries
from irocli.store.records import utc_now

# School terms are derived this far ahead of the day of the write (engine.derive_kept's horizon); a child's
# rows then answer until the first term beyond it begins (obligation_kept.valid_until), when a report derives
# that child live and `db refresh` stores it again.
HORIZON = dt.timedelta(days=366)
META_KEY = "obligations.fingerprint"  # the fingerprint of the latest derivation stored
META_PARTS = "obligations.derived_from"  # what it stands for: profile, calendar and engine, as text
BATCH = 500  # children derived and written per round of a refresh

_PACKAGE = Path(__file__).resolve().parent.parent  # src/irocli
CALENDAR_TABLE = _PACKAGE / "engine" / "_bank_holiday_table.py"  # the bank holidays the engine reads


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What obligations are derived from: the profile (name and SHA-256 of its files), the calendar (SHA-256 of
    the bank-holiday table irocli ships) and the engine (irocli's version and SHA-256 of the engine's and
    domain's source). Any change to one makes every stored row stale."""

    profile: str
    calendar: str
    engine: str

    @property
    def key(self) -> str:
        """The short form stored with each child's rows (24 hex digits of SHA-256 over the three)."""
        return hashlib.sha256(f"{self.profile}|{self.calendar}|{self.engine}".encode()).hexdigest()[:24]

    def parts(self) -> dict[str, str]:
        """The three parts by name, as meta's obligations.derived_from records them."""
        return {"profile": self.profile, "calendar": self.calendar, "engine": self.engine}


def fingerprint(profile) -> Fingerprint:
    """The fingerprint of obligations derived with ``profile`` (a loaded profiles.Profile) by this irocli."""
    return Fingerprint(f"{profile.name}:{profile.digest[:16]}", _calendar_digest(), _engine_digest())


@cache
def _calendar_digest() -> str:
    return _sha(CALENDAR_TABLE)[:16]


@cache
def _engine_digest() -> str:
    import irocli

    sources = sorted(p for p in (_PACKAGE / "engine").glob("*.py") if p.name != "_bank_holiday_table.py")
    sha = hashlib.sha256(irocli.__version__.encode())
    for path in [*sources, _PACKAGE / "domain.py"]:
        sha.update(path.name.encode())
        sha.update(path.read_bytes())
    return f"{irocli.__version__}:{sha.hexdigest()[:16]}"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Keeper:
    """Derives the rows a child's obligations are kept as, with one profile: ``profile`` a loaded
    profiles.Profile, ``today`` the day of the write (school terms are derived to a year after it)."""

    def __init__(self, profile, today: dt.date, *, horizon: dt.date | None = None) -> None:
        self.profile = profile
        self.fingerprint = fingerprint(profile)
        self.horizon = today + HORIZON if horizon is None else horizon

    def again(self, horizon: dt.date) -> Keeper:
        """This keeper deriving to another horizon (a stored row's, to compare like with like)."""
        return Keeper(self.profile, horizon, horizon=horizon)

    def rows(self, child: Child, events: list[Event]) -> tuple[list[tuple], tuple]:
        """The child's obligation rows (tuples in OBLIGATION_COLUMNS order, in derivation order) and its
        `obligation_kept` row (KEPT_CHILD_COLUMNS)."""
        from irocli.engine.derive import derive_kept, settled_on

        outcome = derive_kept(child.id, events, self.profile, dob=child.dob, horizon=self.horizon)
        out = []
        child_id = child.id
        for ob in outcome.obligations:
            d = ob.derivation
            out.append((child_id, ob.rule, ob.title, ob.source, ob.owner, ob.due,
                        "open" if ob.status.is_open else ob.status.value, ob.met_on, ob.anchor_kind, ob.anchor_date,
                        d.offset, d.arithmetic, ob.cycle, ob.shown_from, ob.lapses))
        settled = settled_on(events)
        kept = (child_id, child.initials, self.fingerprint.key, None if settled == dt.date.min else settled,
                outcome.valid_until, self.horizon)
        return out, kept


OBLIGATION_COLUMNS = ("child_id", *queries.KEPT_COLUMNS)
KEPT_CHILD_COLUMNS = ("child_id", "initials", "fingerprint", "settled_on", "valid_until", "horizon")  # and derived_at


def keep(conn: Connection, keeper: Keeper | None, child_ids: Iterable[str]) -> int:
    """Re-derive the children ``child_ids`` and replace their stored rows, inside the caller's transaction
    (``conn``); with no keeper, forget their rows instead (a report then derives them live). Returns the
    number of children kept."""
    ids = sorted(set(child_ids))
    if not ids:
        return 0
    if keeper is None:
        forget(conn, ids)
        return 0
    now = utc_now()
    done = 0
    for start in range(0, len(ids), BATCH):  # a national import's children, BATCH at a time: memory stays flat
        batch = ids[start:start + BATCH]
        obligations: list[tuple] = []
        kept: list[tuple] = []
        for child, events in queries.caseload(conn, None, batch):
            rows, kept_row = keeper.rows(child, events)
            obligations.extend(rows)
            kept.append(kept_row)
        _replace(conn, batch, obligations, kept, now)
        done += len(kept)
    _set_fingerprint(conn, keeper.fingerprint)
    return done


def forget(conn: Connection, child_ids: list[str]) -> None:
    """Delete the stored rows of ``child_ids`` (their obligations are then derived live until kept again)."""
    for chunk in queries.chunks(child_ids):
        marks, params = _in(chunk)
        conn.execute(text(f"DELETE FROM obligation WHERE child_id IN ({marks})"), params)
        conn.execute(text(f"DELETE FROM obligation_kept WHERE child_id IN ({marks})"), params)


def _replace(conn: Connection, ids: list[str], obligations: list[tuple], kept: list[tuple], now: dt.datetime
             ) -> None:
    from irocli.store.bulk import insert
    from irocli.store.tables import KeptRow, ObligationRow

    forget(conn, ids)
    if obligations:
        insert(conn, ObligationRow.__table__, OBLIGATION_COLUMNS, obligations, {})
    if kept:
        insert(conn, KeptRow.__table__, KEPT_CHILD_COLUMNS, kept, {"derived_at": now})


def _set_fingerprint(conn: Connection, fingerprint: Fingerprint) -> None:
    """Record the latest derivation's fingerprint (META_KEY) and what it stands for (META_PARTS: "profile=…;
    calendar=…; engine=…"), when they changed."""
    key = fingerprint.key
    if queries.get_meta(conn, META_KEY) == key:
        return
    parts = "; ".join(f"{name}={value}" for name, value in fingerprint.parts().items())
    for name, value in ((META_KEY, key), (META_PARTS, parts)):
        conn.execute(text("DELETE FROM meta WHERE key = :key"), {"key": name})
        conn.execute(text("INSERT INTO meta (key, value) VALUES (:key, :value)"), {"key": name, "value": value})


def _in(ids: list[str]) -> tuple[str, dict]:
    names = [f"k{i}" for i in range(len(ids))]
    return ", ".join(f":{n}" for n in names), dict(zip(names, ids, strict=True))


def refresh(begin: Callable[[], Iterator[Connection]], keeper: Keeper, child_ids: list[str],
            progress: Callable[[int], None] | None = None) -> int:
    """Re-derive ``child_ids`` in rounds of BATCH children, each round one transaction (``begin()`` a context
    manager giving a connection in a write transaction), so that memory stays flat at national scale and a
    refresh interrupted keeps what it finished (the rest stays stale, never wrong). ``progress(n)`` is called
    with the children done after each round. Returns the number of children kept."""
    done = 0
    for start in range(0, len(child_ids), BATCH):
        batch = child_ids[start:start + BATCH]
        with begin() as conn:
            done += keep(conn, keeper, batch)
        if progress is not None:
            progress(len(batch))
    return done


def compare(conn: Connection, keeper: Keeper, child_ids: list[str]) -> list[str]:
    """The children among ``child_ids`` whose stored rows differ from a fresh derivation (missing or stale
    rows count as differing), in id order: `db check`'s sample."""
    stored = queries.kept_rows_for(conn, child_ids)
    differ = []
    for child, events in queries.caseload(conn, None, child_ids):
        rows, kept = stored.get(child.id, ([], None))
        if kept is None:
            differ.append(child.id)
            continue
        # derived to the stored rows' own horizon: school terms that came within a year since are not a fault
        fresh_rows, fresh_kept = keeper.again(kept[3]).rows(child, events)
        if [row[1:] for row in fresh_rows] != rows or (*fresh_kept[2:], fresh_kept[1]) != kept:
            differ.append(child.id)
    return sorted(differ)
