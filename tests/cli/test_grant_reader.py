"""`irocli db grant-reader ROLE`: a PostgreSQL role that may read v_obligation_open and no table."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from clirunner import Cli, execute

SEED = (
    "INSERT INTO child (id, name, dob, iro, team, created_at, updated_at) VALUES "
    "('C001', 'Sam Jones', '2012-05-01', 'A. Khan', 'North', '2025-01-06 09:00:00', '2025-01-06 09:00:00')",
    "INSERT INTO meta (key, value) VALUES ('obligations.fingerprint', 'fp-now')",
    "INSERT INTO obligation_kept (child_id, initials, fingerprint, horizon, derived_at) "
    "VALUES ('C001', 'SJ', 'fp-now', '2027-01-01', '2026-01-01 00:00:00')",
    "INSERT INTO obligation (child_id, rule, title, source, owner, due, status, anchor_kind, anchor_date, "
    "rule_offset, arithmetic, lapses) VALUES ('C001', 'review.first', 'First review', 'CPPCR reg 33(1)', 'IRO', "
    "'2199-12-31', 'open', 'entered-care', '2025-01-06', '20 working days', 'arithmetic', FALSE)",
)


@pytest.mark.sqlite_only
def test_on_sqlite_it_says_there_are_no_roles_and_a_bi_tool_reads_the_file(cli):
    cli("init", "--profile", "england")
    before = cli.digest()
    result = cli("db", "grant-reader", "bi_reader", ok=False)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        "Error: an SQLite store has no roles to grant: a BI tool reads the store's file, best a copy made by "
        '`irocli db backup` (see README, "Reading irocli from Power BI / Excel")\n')
    assert cli.digest() == before


def _reader(pg_cluster, database: str, role: str, password: str) -> sa.Engine:
    return sa.create_engine(sa.URL.create("postgresql+psycopg", username=role, password=password,
                                          host="127.0.0.1", port=pg_cluster.port, database=database),
                            poolclass=sa.pool.NullPool)


def test_a_granted_postgresql_role_reads_the_view_and_no_table(pg_cluster):
    url = pg_cluster.new_database()
    role = 'BI reader "1" 100%'  # mixed case, a space, a quote and a percent sign: quoted as one identifier
    try:
        cli = Cli(url)
        cli("init", "--profile", "england")
        execute(url, *SEED, "REVOKE ALL ON SCHEMA public FROM PUBLIC")  # as a careful DBA leaves it
        pg_cluster.admin("CREATE ROLE \"BI reader \"\"1\"\" 100%\" LOGIN PASSWORD 'bi-pw'")
        reader = _reader(pg_cluster, url.rsplit("/", 1)[1], role, "bi-pw")
        with reader.connect() as conn, pytest.raises(sa.exc.ProgrammingError) as before:
            conn.exec_driver_sql("SELECT * FROM public.v_obligation_open")  # no USAGE on public
        assert before.value.orig.sqlstate == "42501"  # insufficient privilege

        result = cli("db", "grant-reader", role)
        assert result.stdout == ""
        assert result.stderr == (f"Granted role {role!r} read access to public.v_obligation_open (the view only, "
                                 f"no table) in {url.replace('s3cret-pw', '***')}.\n")
        assert cli("db", "grant-reader", role).exit_code == 0  # granting again changes nothing

        with reader.connect() as conn:
            assert conn.exec_driver_sql("SELECT child_id, initials, obligation, due, status FROM v_obligation_open"
                                        ).all() == [("C001", "SJ", "review.first", dt.date(2199, 12, 31), "due")]
        for table in ("child", "obligation", "obligation_kept", "event", "meta"):
            with reader.connect() as conn, pytest.raises(sa.exc.ProgrammingError) as refused:
                conn.exec_driver_sql(f"SELECT * FROM public.{table}")
            assert refused.value.orig.sqlstate == "42501", table
        reader.dispose()
    finally:
        pg_cluster.drop_database(url)
        pg_cluster.admin('DROP ROLE IF EXISTS "BI reader ""1"" 100%"')


def test_a_postgresql_role_that_does_not_exist_is_one_line_and_exit_2(pg_cluster):
    url = pg_cluster.new_database()
    try:
        cli = Cli(url)
        cli("init", "--profile", "england")
        pg_cluster.admin("CREATE ROLE bi_reader LOGIN PASSWORD 'bi-pw'")
        result = cli("db", "grant-reader", "bi_raeder", ok=False)
        assert result.exit_code == 2
        assert result.stderr == ("Error: there is no role 'bi_raeder' on this PostgreSQL server (the DBA makes it "
                                 "first: a role that can log in, with a password); did you mean 'bi_reader'?\n")
    finally:
        pg_cluster.drop_database(url)
        pg_cluster.admin("DROP ROLE IF EXISTS bi_reader")


def test_a_postgresql_user_that_does_not_own_the_view_is_told_so_and_nothing_is_granted(pg_cluster):
    """PostgreSQL only warns when a GRANT by a user without the right grants nothing: irocli says so, exit 3."""
    url = pg_cluster.new_database()
    database = url.rsplit("/", 1)[1]
    try:
        Cli(url)("init", "--profile", "england")
        pg_cluster.admin("CREATE ROLE clerk LOGIN PASSWORD 'clerk-pw'")
        pg_cluster.admin("CREATE ROLE bi_viewer LOGIN PASSWORD 'bi-pw'")
        execute(url, "GRANT SELECT ON alembic_version, meta TO clerk")  # enough to open the store
        clerk = sa.URL.create("postgresql+psycopg", username="clerk", password="clerk-pw", host="127.0.0.1",
                              port=pg_cluster.port, database=database)
        result = Cli(clerk.render_as_string(hide_password=False))("db", "grant-reader", "bi_viewer", ok=False)
        assert result.exit_code == 3
        assert result.stderr == ("Error: the store's user 'clerk' may not grant access to v_obligation_open: run "
                                 "this as the user that upgrades the store (the view's owner) or ask the DBA\n")
        with _reader(pg_cluster, database, "bi_viewer", "bi-pw").connect() as conn, \
                pytest.raises(sa.exc.ProgrammingError) as refused:
            conn.exec_driver_sql("SELECT * FROM v_obligation_open")
        assert refused.value.orig.sqlstate == "42501"
    finally:
        pg_cluster.drop_database(url)
        pg_cluster.admin("DROP ROLE IF EXISTS clerk")
        pg_cluster.admin("DROP ROLE IF EXISTS bi_viewer")
