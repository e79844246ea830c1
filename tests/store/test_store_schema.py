"""Opening a store: migration from empty to head, the schema it makes, file safety, failures."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa

from irocli import config
from irocli.errors import StoreUnavailable
from irocli.store import HEAD, REVISIONS, Store
from irocli.store import connection as store_connection
from irocli.store import migrate as store_migrate


def columns(db: Path, table: str) -> dict[str, tuple[str, bool, bool]]:
    """name -> (declared type, not null, primary key) as SQLite recorded it."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(f"PRAGMA table_info({table})").fetchall()
    return {name: (kind, bool(notnull), bool(pk)) for _, name, kind, notnull, _, pk in rows}


def indexes(db: Path, table: str) -> dict[str, tuple[list[str], bool]]:
    with sqlite3.connect(db) as conn:
        found = {}
        for _, name, unique, _origin, _partial in conn.execute(f"PRAGMA index_list({table})"):
            cols = [row[2] for row in conn.execute(f"PRAGMA index_info({name})")]
            found[name] = (cols, bool(unique))
    return found


def test_head_constant_is_the_scripts_head():
    assert store_migrate.script_head() == HEAD
    assert store_migrate.script_revisions() == list(REVISIONS)


def test_empty_store_is_migrated_to_head_with_the_schema(store_path):
    with Store.open(str(store_path)) as store:
        assert store.revision() == HEAD
    with sqlite3.connect(store_path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        views = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='view'")}
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
    assert tables == {"alembic_version", "child", "event", "meta", "obligation", "obligation_kept", "iro_cover",
                      "import_batch", "child_change", "write_log"}
    assert views == {"v_obligation_open"}  # for BI tools (0005); the metadata of tables.py knows no views
    assert columns(store_path, "child") == {
        "id": ("TEXT", True, True),
        "name": ("TEXT", True, False),
        "dob": ("DATE", False, False),
        "iro": ("TEXT", False, False),
        "social_worker": ("TEXT", False, False),
        "team": ("TEXT", False, False),
        "created_at": ("DATETIME", True, False),
        "updated_at": ("DATETIME", True, False),
    }
    assert columns(store_path, "event") == {
        "id": ("INTEGER", True, True),
        "child_id": ("TEXT", True, False),
        "kind": ("TEXT", True, False),
        "date": ("DATE", True, False),
        "meeting": ("BOOLEAN", True, False),
        "note": ("TEXT", False, False),
        "source_key": ("TEXT", False, False),
        "recorded_at": ("DATETIME", True, False),
        "recorded_by": ("TEXT", False, False),
        "voided_at": ("DATETIME", False, False),
        "void_reason": ("TEXT", False, False),
        "details": ("TEXT", False, False),
        "voided_by": ("TEXT", False, False),  # 0007: who voided it, its import batch, what it amends
        "batch_id": ("INTEGER", False, False),
        "amends": ("INTEGER", False, False),
        "former_key": ("TEXT", False, False),
    }
    assert columns(store_path, "import_batch") == {  # 0007
        "id": ("INTEGER", True, True),
        "kind": ("TEXT", True, False),
        "files": ("TEXT", True, False),
        "map": ("TEXT", False, False),
        "options": ("TEXT", False, False),
        "counts": ("TEXT", True, False),
        "recorded_at": ("DATETIME", True, False),
        "recorded_by": ("TEXT", False, False),
        "undone_at": ("DATETIME", False, False),
        "undone_by": ("TEXT", False, False),
        "undo_reason": ("TEXT", False, False),
    }
    assert columns(store_path, "child_change") == {  # 0007
        "id": ("INTEGER", True, True),
        "child_id": ("TEXT", True, False),
        "field": ("TEXT", True, False),
        "old": ("TEXT", False, False),
        "new": ("TEXT", False, False),
        "changed_at": ("DATETIME", True, False),
        "changed_by": ("TEXT", False, False),
        "via": ("TEXT", True, False),
        "batch_id": ("INTEGER", False, False),
    }
    assert columns(store_path, "write_log") == {  # 0007: an IRO renamed, the profile set
        "id": ("INTEGER", True, True),
        "action": ("TEXT", True, False),
        "detail": ("TEXT", True, False),
        "at": ("DATETIME", True, False),
        "by": ("TEXT", False, False),
    }
    assert indexes(store_path, "child_change") == {"ix_child_change_child_id": (["child_id"], False),
                                                   "ix_child_change_batch_id": (["batch_id"], False)}
    assert columns(store_path, "iro_cover") == {  # 0006: an IRO covering another's child, both days included
        "id": ("INTEGER", True, True),
        "child_id": ("TEXT", True, False),
        "iro": ("TEXT", True, False),
        "absent": ("TEXT", True, False),
        "start_date": ("DATE", True, False),
        "end_date": ("DATE", True, False),
        "recorded_at": ("DATETIME", True, False),
        "recorded_by": ("TEXT", False, False),
    }
    assert indexes(store_path, "iro_cover") == {"ix_iro_cover_child_id": (["child_id"], False),
                                                "ix_iro_cover_iro": (["iro"], False)}
    assert columns(store_path, "meta") == {
        "key": ("TEXT", True, True),
        "value": ("TEXT", False, False),
    }
    assert indexes(store_path, "child") == {
        "ix_child_iro": (["iro"], False),
        "ix_child_team": (["team"], False),
        "sqlite_autoindex_child_1": (["id"], True),
    }
    assert indexes(store_path, "event") == {
        "ix_event_child_date": (["child_id", "date"], False),
        "ix_event_batch_id": (["batch_id"], False),
        "ix_event_amends": (["amends"], False),
        "sqlite_autoindex_event_1": (["source_key"], True),
    }
    with sqlite3.connect(store_path) as conn:
        fks = conn.execute("PRAGMA foreign_key_list(event)").fetchall()
        meeting_default = conn.execute(
            "SELECT dflt_value FROM pragma_table_info('event') WHERE name = 'meeting'"
        ).fetchone()
    assert [(fk[2], fk[3], fk[4]) for fk in fks] == [("child", "child_id", "id")]
    assert meeting_default == ("1",)


def test_migrated_schema_matches_the_table_definitions(store):
    """Alembic compares tables only: the view v_obligation_open, which tables.py does not declare, is no diff."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from irocli.store.tables import metadata

    engine = sa.create_engine(store.url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_open_without_migrate_leaves_an_empty_store_empty(store_path):
    with Store.open(str(store_path), migrate=False) as store:
        assert store.revision() is None
    with sqlite3.connect(store_path) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)


def test_upgrade_on_a_current_store_changes_nothing(store):
    assert store.upgrade() == HEAD
    assert store.revision() == HEAD


def test_new_store_file_is_0600_in_a_new_0700_directory(tmp_path):
    db = tmp_path / "private" / "nested" / "irocli.db"
    with Store.open(str(db)) as store:
        store.set_meta("profile", "england")  # a write, so the WAL file exists too
        assert stat.S_IMODE(db.stat().st_mode) == 0o600
        wal = db.with_name("irocli.db-wal")
        assert wal.exists() and stat.S_IMODE(wal.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700


def test_an_existing_directory_keeps_its_mode(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    Store.open(str(shared / "irocli.db")).close()
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755
    assert stat.S_IMODE((shared / "irocli.db").stat().st_mode) == 0o600


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(store_path):
    with Store.open(str(store_path)) as store:
        with sqlite3.connect(store_path) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        with store._engine.connect() as conn:  # the store's own connections
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_a_file_that_is_not_a_database_is_unavailable(tmp_path):
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"this is not an SQLite database, just some text " * 100)
    with pytest.raises(StoreUnavailable) as caught:
        Store.open(str(junk))
    assert caught.value.exit_code == 3
    assert str(caught.value) == f"cannot use the store at sqlite:///{junk}: file is not a database"


def test_an_unusable_url_is_unavailable_with_the_password_masked():
    with pytest.raises(StoreUnavailable) as caught:
        Store.open("nosuchdialect+nodriver://ann:s3cret@localhost/irocli")
    message = str(caught.value)
    assert "s3cret" not in message
    assert message.startswith(
        "cannot open the store at nosuchdialect+nodriver://ann:***@localhost/"
    )
    assert "\n" not in message


def test_a_store_from_a_newer_irocli_is_refused(store_path):
    Store.open(str(store_path)).close()
    with sqlite3.connect(store_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreUnavailable, match="revision 9999, newer than this irocli knows"):
        Store.open(str(store_path))


def test_a_failed_migration_is_unavailable_and_rolled_back(store_path):
    with sqlite3.connect(store_path) as conn:  # a stray table in the way of revision 0001
        conn.execute("CREATE TABLE event (id INTEGER PRIMARY KEY)")
    with pytest.raises(StoreUnavailable) as caught:
        Store.open(str(store_path))
    assert str(caught.value).startswith(f"cannot migrate the store at sqlite:///{store_path} to ")
    with sqlite3.connect(store_path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"event"}  # child (created first) was rolled back with everything else


def test_a_store_locked_past_the_timeout_is_unavailable(store_path, monkeypatch):
    monkeypatch.setattr(store_connection, "BUSY_TIMEOUT_MS", 200)
    Store.open(str(store_path)).close()
    blocker = sqlite3.connect(store_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holding the write lock
    try:
        with Store.open(str(store_path)) as store:
            assert store.get_meta("profile") is None  # WAL: reading still works
            with pytest.raises(StoreUnavailable) as caught:
                store.set_meta("profile", "england")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert str(caught.value) == (
        f"the store at sqlite:///{store_path} is locked by another process (waited 0.2 s)"
    )


def test_a_store_at_every_earlier_revision_upgrades_to_head_with_its_data(new_db_url):
    """Build a store at each earlier revision, write data the way that schema allowed, upgrade."""
    import datetime as dt

    from irocli.domain import Child

    for old in REVISIONS[:-1]:
        url = config.db_url(new_db_url(f"at-{old}"))
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        store_migrate.upgrade(engine, old)
        with engine.begin() as conn:
            at = dt.datetime(2025, 1, 6, 9, 0)
            conn.execute(sa.text("INSERT INTO child (id, name, created_at, updated_at) "
                                 "VALUES ('C001', 'Sam Jones', :at, :at)"), {"at": at})
            conn.execute(sa.text("INSERT INTO event (child_id, kind, date, meeting, recorded_at) "
                                 "VALUES ('C001', 'entered-care', :date, :meeting, :at)"),
                         {"date": dt.date(2025, 1, 6), "meeting": True, "at": at})
        engine.dispose()
        with Store.open(url) as store:
            assert store.revision() == HEAD
            assert store.get_child("C001") == Child("C001", "Sam Jones")
            [stored] = store.list_events("C001")
            assert (stored.event.kind, stored.event.date, stored.event.details) == (
                "entered-care", dt.date(2025, 1, 6), None)
            new_id = store.add_event("C001", "review-held", dt.date(2025, 2, 3), details={"stage": "1"})
            assert store.get_event(new_id).event.details == {"stage": "1"}


def test_downgrade_to_the_first_revision_keeps_children_and_events(db_url):
    from alembic import command

    from irocli.domain import Child

    with Store.open(db_url) as store:
        store.add_child(Child("C001", "Sam Jones"))
        url = store.url
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            assert sa.inspect(conn).get_view_names() == ["v_obligation_open"]
        with engine.begin() as conn:
            command.downgrade(store_migrate.alembic_config(connection=conn), REVISIONS[0])
        with engine.connect() as conn:
            assert sa.inspect(conn).get_view_names() == []
            assert "details" not in {c["name"] for c in sa.inspect(conn).get_columns("event")}
            assert conn.execute(sa.text("SELECT id FROM child")).all() == [("C001",)]
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == REVISIONS[0]
    finally:
        engine.dispose()


def test_upgrading_from_0002_stores_names_clean_and_the_placeholder_birth_date_as_unknown(new_db_url):
    """Revision 0003 rewrites rows written untidy before it, as the write path now stores them."""
    import datetime as dt

    from irocli.domain import Child

    url = config.db_url(new_db_url("at-0002"))
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    store_migrate.upgrade(engine, "0002")
    at = dt.datetime(2025, 1, 6, 9, 0)
    insert = sa.text("INSERT INTO child (id, name, dob, iro, social_worker, team, created_at, updated_at) "
                     "VALUES (:id, :name, :dob, :iro, :sw, :team, :at, :at)")
    with engine.begin() as conn:
        for id_, dob, iro, sw, team in [
            ("C001", dt.date(2012, 5, 1), "A. Khan ", "  K.  Doyle", "North\t"),
            ("C002", dt.date(1900, 1, 1), "a.   khan", None, "   "),
            ("C003", None, "B. Okafor", "J. Smith", "South"),  # clean already: untouched
        ]:
            conn.execute(insert, {"id": id_, "name": f"Child {id_}", "dob": dob, "iro": iro, "sw": sw,
                                  "team": team, "at": at})
    engine.dispose()
    with Store.open(url) as store:
        assert store.revision() == HEAD
        assert store.list_children() == [
            Child("C001", "Child C001", dt.date(2012, 5, 1), "A. Khan", "K. Doyle", "North"),
            Child("C002", "Child C002", None, "a. khan", None, None),
            Child("C003", "Child C003", None, "B. Okafor", "J. Smith", "South"),
        ]
        assert [c.id for c in store.list_children(iro="A. KHAN")] == ["C001", "C002"]


def test_upgrading_from_0005_names_the_iro_of_each_allocation_its_note_names(new_db_url):
    """Revision 0006: an iro-allocated event whose note is "IRO named on the child: NAME" (as `child add --iro`
    wrote it) gets details {"iro": NAME}, cleaned; other notes, other kinds and named ones are left alone."""
    import datetime as dt
    import json

    url = config.db_url(new_db_url("at-0005"))
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    store_migrate.upgrade(engine, "0005")
    at = dt.datetime(2025, 1, 6, 9, 0)
    event = sa.text("INSERT INTO event (child_id, kind, date, meeting, note, recorded_at, details) "
                    "VALUES ('C001', :kind, :date, :meeting, :note, :at, :details)")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO child (id, name, iro, created_at, updated_at) "
                             "VALUES ('C001', 'Sam Jones', 'B. Okafor', :at, :at)"), {"at": at})
        for kind, day, note, details in [
            ("iro-allocated", dt.date(2025, 1, 8), "IRO named on the child: A.  Khan ", None),
            ("iro-allocated", dt.date(2025, 2, 3), "IRO named on the child: B. Okafor", '{"source": "x"}'),
            ("iro-allocated", dt.date(2025, 2, 4), "P100", None),  # an import's worker: not this form
            ("iro-allocated", dt.date(2025, 2, 5), "IRO named on the child: C. Jones", '{"iro": "D. Patel"}'),
            ("iro-visit", dt.date(2025, 2, 6), "IRO named on the child: A. Khan", None),
        ]:
            conn.execute(event, {"kind": kind, "date": day, "meeting": True, "note": note, "at": at,
                                 "details": details})
    engine.dispose()
    with Store.open(url) as store:
        assert store.revision() == HEAD
        found = [(s.event.kind, s.event.date.isoformat(), s.event.details) for s in store.list_events("C001")]
        assert store.covers_in_force(dt.date(2025, 2, 6)) == {}  # the cover table is there, empty
    assert found == [
        ("iro-allocated", "2025-01-08", {"iro": "A. Khan"}),
        ("iro-allocated", "2025-02-03", {"iro": "B. Okafor", "source": "x"}),
        ("iro-allocated", "2025-02-04", None),
        ("iro-allocated", "2025-02-05", {"iro": "D. Patel"}),
        ("iro-visit", "2025-02-06", None),
    ]
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            stored = conn.execute(sa.text("SELECT details FROM event WHERE date = :d"),
                                  {"d": dt.date(2025, 1, 8)}).scalar()
    finally:
        engine.dispose()
    assert json.loads(stored) == {"iro": "A. Khan"} and stored == '{"iro": "A. Khan"}'  # as dump_details writes
