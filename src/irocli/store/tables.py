"""The store's tables: the only place SQL types are declared, and Alembic's target metadata.

Imports sqlmodel (about 190 ms): only write paths and migrations import this module.
Dialect-neutral on purpose: the same tables run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# Named constraints keep SQLite batch migrations and PostgreSQL in step with this file.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = SQLModel.metadata


class ChildRow(SQLModel, table=True):
    """A child: the authority's id, name, date of birth (None when unknown) and the names of IRO,
    social worker and team as stored (records.clean_child); timestamps naive UTC."""

    __tablename__ = "child"

    id: str = Field(sa_type=sa.Text, primary_key=True)  # the local authority's child id
    name: str = Field(sa_type=sa.Text, nullable=False)
    dob: dt.date | None = Field(default=None, sa_type=sa.Date, nullable=True)
    iro: str | None = Field(default=None, sa_type=sa.Text, nullable=True, index=True)
    social_worker: str | None = Field(default=None, sa_type=sa.Text, nullable=True)
    team: str | None = Field(default=None, sa_type=sa.Text, nullable=True, index=True)
    created_at: dt.datetime = Field(sa_type=sa.DateTime, nullable=False)  # UTC
    updated_at: dt.datetime = Field(sa_type=sa.DateTime, nullable=False)  # UTC


class EventRow(SQLModel, table=True):
    """An event of a child on a calendar date: kind (domain.EVENT_KINDS), whether a meeting took
    place, a note, an import's source key, who recorded it and when (naive UTC), and its voiding."""

    __tablename__ = "event"
    __table_args__ = (sa.Index("ix_event_child_date", "child_id", "date"),)

    id: int | None = Field(default=None, primary_key=True, sa_column_kwargs={"autoincrement": True})
    child_id: str = Field(sa_type=sa.Text, foreign_key="child.id", nullable=False)
    kind: str = Field(sa_type=sa.Text, nullable=False)
    date: dt.date = Field(sa_type=sa.Date, nullable=False)
    meeting: bool = Field(
        default=True,
        sa_type=sa.Boolean,
        nullable=False,
        sa_column_kwargs={"server_default": sa.true()},
    )
    note: str | None = Field(default=None, sa_type=sa.Text, nullable=True)
    # Imports key each event they write, so running the same file twice adds nothing.
    source_key: str | None = Field(default=None, sa_type=sa.Text, nullable=True, unique=True)
    recorded_at: dt.datetime = Field(sa_type=sa.DateTime, nullable=False)  # UTC
    recorded_by: str | None = Field(default=None, sa_type=sa.Text, nullable=True)
    voided_at: dt.datetime | None = Field(default=None, sa_type=sa.DateTime, nullable=True)  # UTC
    void_reason: str | None = Field(default=None, sa_type=sa.Text, nullable=True)
    details: str | None = Field(default=None, sa_type=sa.Text, nullable=True)  # JSON object
    # 0007: who voided it; the import batch that wrote it (None: entered by hand); the event it replaced (an
    # amendment, by hand or by an import bringing new values for a key); the source key an import undo or a
    # replacement took from it (so the same key can be written again)
    voided_by: str | None = Field(default=None, sa_type=sa.Text, nullable=True)
    batch_id: int | None = Field(default=None, sa_type=sa.Integer, nullable=True, index=True)
    amends: int | None = Field(default=None, sa_type=sa.Integer, nullable=True, index=True)
    former_key: str | None = Field(default=None, sa_type=sa.Text, nullable=True)


class MetaRow(SQLModel, table=True):
    """A setting kept in the store (``profile``, ...): key and text value."""

    __tablename__ = "meta"

    key: str = Field(sa_type=sa.Text, primary_key=True)
    value: str | None = Field(default=None, sa_type=sa.Text, nullable=True)


class ObligationRow(SQLModel, table=True):
    """One obligation of a child as the engine derived it from every event stored (engine.derive_kept), kept
    current by each write to the child (store/kept.py). `status` is "open", "met", "met-late" or "missed":
    whether an open one is due or overdue is worked out when read, against the report's as-of day
    (Obligation.settle), so the row does not go stale with the calendar. `shown_from`: not shown before
    that day (a milestone a year ahead, a school term); `lapses`: deemed met once its due date has passed."""

    __tablename__ = "obligation"
    __table_args__ = (sa.Index("ix_obligation_status_due", "status", "due"),)

    id: int | None = Field(default=None, primary_key=True, sa_column_kwargs={"autoincrement": True})
    child_id: str = Field(sa_type=sa.Text, foreign_key="child.id", nullable=False, index=True)
    rule: str = Field(sa_type=sa.Text, nullable=False)  # the profile's rule id, e.g. "review.second"
    title: str = Field(sa_type=sa.Text, nullable=False)
    source: str = Field(sa_type=sa.Text, nullable=False)
    owner: str = Field(sa_type=sa.Text, nullable=False)  # who acts (RULES §6)
    due: dt.date = Field(sa_type=sa.Date, nullable=False)
    status: str = Field(sa_type=sa.Text, nullable=False)
    met_on: dt.date | None = Field(default=None, sa_type=sa.Date, nullable=True)
    anchor_kind: str = Field(sa_type=sa.Text, nullable=False)
    anchor_date: dt.date = Field(sa_type=sa.Date, nullable=False)
    rule_offset: str = Field(sa_type=sa.Text, nullable=False)  # as a person reads it ("" when the basis says)
    arithmetic: str = Field(sa_type=sa.Text, nullable=False)  # what `explain` prints
    cycle: str | None = Field(default=None, sa_type=sa.Text, nullable=True)  # e.g. "ep1.r2"
    shown_from: dt.date | None = Field(default=None, sa_type=sa.Date, nullable=True)
    lapses: bool = Field(default=False, sa_type=sa.Boolean, nullable=False)


class KeptRow(SQLModel, table=True):
    """What a child's obligation rows were derived from (and the child's initials, for the BI view): the
    fingerprint (profile, calendar, engine), the first as-of day they answer for (every event known by then;
    NULL: any), the first they no longer do (a school term beyond the horizon; NULL: none) and the horizon
    school terms were derived to. No row: the child's obligations are not stored."""

    __tablename__ = "obligation_kept"

    child_id: str = Field(sa_type=sa.Text, foreign_key="child.id", primary_key=True)
    initials: str = Field(sa_type=sa.Text, nullable=False)  # what the BI view shows of the child's name
    fingerprint: str = Field(sa_type=sa.Text, nullable=False)
    settled_on: dt.date | None = Field(default=None, sa_type=sa.Date, nullable=True)
    valid_until: dt.date | None = Field(default=None, sa_type=sa.Date, nullable=True)
    horizon: dt.date = Field(sa_type=sa.Date, nullable=False)  # school terms derived up to it (kept.HORIZON ahead)
    derived_at: dt.datetime = Field(sa_type=sa.DateTime, nullable=False)  # UTC


class CoverRow(SQLModel, table=True):
    """An IRO covering another's child from ``start_date`` to ``end_date`` (both days included: leave, planned or not);
    the allocation stays (the child's `iro-allocated` history is unchanged). ``iro``: the covering IRO;
    ``absent``: the allocated IRO covered, as stored on the child then (names stored clean); who recorded it
    and when (naive UTC). Written by Store.cover, renamed by Store.rename_iro (migration 0006)."""

    __tablename__ = "iro_cover"
    __table_args__ = (sa.Index("ix_iro_cover_child_id", "child_id"), sa.Index("ix_iro_cover_iro", "iro"))

    id: int | None = Field(default=None, primary_key=True, sa_column_kwargs={"autoincrement": True})
    child_id: str = Field(sa_type=sa.Text, foreign_key="child.id", nullable=False)
    iro: str = Field(sa_type=sa.Text, nullable=False)  # who covers
    absent: str = Field(sa_type=sa.Text, nullable=False)  # the allocated IRO covered
    start_date: dt.date = Field(sa_type=sa.Date, nullable=False)
    end_date: dt.date = Field(sa_type=sa.Date, nullable=False)  # inclusive
    recorded_at: dt.datetime = Field(sa_type=sa.DateTime, nullable=False)  # UTC
    recorded_by: str | None = Field(default=None, sa_type=sa.Text, nullable=True)


class ImportBatchRow(SQLModel, table=True):
    """One run of an import that wrote (a dry run is none): the importer (``kind``: native, ssda903, extract), the
    files read (JSON list of {"name", "sha256", "bytes"}), the extract map (JSON {"name", "sha256"}, or None), the
    options that shaped it (JSON: as_of, year, covers_from, encoding, sheets, rows_skipped…), the counts it
    reported (JSON object), who ran it and when (naive UTC), and its undoing (Store.undo_import). Events
    and child changes it wrote carry its id (migration 0007)."""

    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True, sa_column_kwargs={"autoincrement": True})
    kind: str = Field(sa_type=sa.Text, nullable=False)
    files: str = Field(sa_type=sa.Text, nullable=False)  # JSON list
    map: str | None = Field(default=None, sa_type=sa.Text, nullable=True)  # JSON object
    options: str | None = Field(default=None, sa_type=sa.Text, nullable=True)  # JSON object: as_of, year, sheets…
    counts: str = Field(sa_type=sa.Text, nullable=False)  # JSON object
    recorded_at: dt.datetime = Field(sa_type=sa.DateTime, nullable=False)  # UTC
    recorded_by: str | None = Field(default=None, sa_type=sa.Text, nullable=True)
    undone_at: dt.datetime | None = Field(default=None, sa_type=sa.DateTime, nullable=True)  # UTC
    undone_by: str | None = Field(default=None, sa_type=sa.Text, nullable=True)
    undo_reason: str | None = Field(default=None, sa_type=sa.Text, nullable=True)


class WriteLogRow(SQLModel, table=True):
    """A write the audit lists that leaves no row of its own in the record: an IRO renamed everywhere
    (``action`` "iro renamed"), the store's rule profile set ("profile set"); ``detail`` a JSON object of names and
    counts (never a child's details), who and when (naive UTC). Migration 0007."""

    __tablename__ = "write_log"

    id: int | None = Field(default=None, primary_key=True, sa_column_kwargs={"autoincrement": True})
    action: str = Field(sa_type=sa.Text, nullable=False)
    detail: str = Field(sa_type=sa.Text, nullable=False)  # JSON object
    at: dt.datetime = Field(sa_type=sa.DateTime, nullable=False)  # UTC
    by: str | None = Field(default=None, sa_type=sa.Text, nullable=True)


class ChildChangeRow(SQLModel, table=True):
    """A change of a child's details: ``field`` (name, dob, iro, social_worker, team; "added" for the child's
    creation, old and new then None), the values before and after as text (a date ISO; None: not known), who and
    when (naive UTC), ``via`` what (stewardship.VIA_*: child add, child update, import, transfer, ...) and the
    import batch it belongs to (an import's change, or an undo's restoring of one). Migration 0007."""

    __tablename__ = "child_change"

    id: int | None = Field(default=None, primary_key=True, sa_column_kwargs={"autoincrement": True})
    child_id: str = Field(sa_type=sa.Text, foreign_key="child.id", nullable=False, index=True)
    field: str = Field(sa_type=sa.Text, nullable=False)
    old: str | None = Field(default=None, sa_type=sa.Text, nullable=True)
    new: str | None = Field(default=None, sa_type=sa.Text, nullable=True)
    changed_at: dt.datetime = Field(sa_type=sa.DateTime, nullable=False)  # UTC
    changed_by: str | None = Field(default=None, sa_type=sa.Text, nullable=True)
    via: str = Field(sa_type=sa.Text, nullable=False)
    batch_id: int | None = Field(default=None, sa_type=sa.Integer, foreign_key="import_batch.id", nullable=True,
                                 index=True)
