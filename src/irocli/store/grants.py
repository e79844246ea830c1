"""Letting a BI tool's database role read the view v_obligation_open, and nothing else (PostgreSQL only).

The view (migration 0005) holds the least a dashboard needs: child id and initials, never a name or a date of
birth. PostgreSQL runs a view with its owner's rights, so SELECT on the view alone is enough to read it: the
role gets no right on child, event, obligation or any other table.
"""

from __future__ import annotations

import sqlalchemy as sa

from irocli._suggest import did_you_mean
from irocli.errors import BadInput, StoreUnavailable

VIEW = "v_obligation_open"
README_SECTION = 'README, "Reading irocli from Power BI / Excel"'
MAX_ROLE = 63  # PostgreSQL's NAMEDATALEN - 1, in bytes


def grant_reader(engine: sa.Engine, role: str) -> str:
    """GRANT USAGE on the view's schema and SELECT on v_obligation_open to the existing PostgreSQL ``role``
    (an exact, case-sensitive role name, quoted as an identifier), in one transaction; returns the schema.

    Idempotent. BadInput (exit 2) for an SQLite store (no roles: a BI tool reads the file), a role name that
    cannot be one, or a role that does not exist; StoreUnavailable (exit 3) when the store's own user may not
    grant these rights (only the view's owner, the user that migrated the store, or a superuser may).
    """
    _check_role_name(role)
    if engine.dialect.name != "postgresql":
        raise BadInput("an SQLite store has no roles to grant: a BI tool reads the store's file, best a copy made "
                       f"by `irocli db backup` (see {README_SECTION})")
    with engine.begin() as conn:
        if conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}).first() is None:
            others = [name for (name,) in conn.execute(sa.text("SELECT rolname FROM pg_roles")) if
                      not name.startswith("pg_")]
            raise BadInput(f"there is no role {role!r} on this PostgreSQL server (the DBA makes it first: a role "
                           f"that can log in, with a password){did_you_mean(role, others, '{!r}')}")
        found = conn.execute(sa.text(
            "SELECT n.nspname, current_user, "
            "has_table_privilege(current_user, c.oid, 'SELECT WITH GRANT OPTION'), "
            "has_schema_privilege(:role, n.oid, 'USAGE'), "
            "has_schema_privilege(current_user, n.oid, 'USAGE WITH GRANT OPTION') "
            "FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE c.oid = to_regclass(:view)"), {"role": role, "view": VIEW}).first()
        if found is None:
            raise StoreUnavailable(f"the store has no view {VIEW}: run `irocli db upgrade`")
        schema, user, may_grant_view, role_has_usage, may_grant_usage = found
        if not may_grant_view or not (role_has_usage or may_grant_usage):
            raise StoreUnavailable(f"the store's user {user!r} may not grant access to {VIEW}: run this as the "
                                   "user that upgrades the store (the view's owner) or ask the DBA")
        # SQLAlchemy's quoting: double quotes doubled, and "%" doubled for the driver's own "%" placeholders
        quote = conn.dialect.identifier_preparer.quote_identifier
        if not role_has_usage:
            conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {quote(schema)} TO {quote(role)}")
        conn.exec_driver_sql(f"GRANT SELECT ON {quote(schema)}.{quote(VIEW)} TO {quote(role)}")
    return schema


def _check_role_name(role: str) -> None:
    """BadInput for what cannot be a PostgreSQL role's name (empty, a control character, over 63 bytes)."""
    if not role.strip():
        raise BadInput("the role name is empty")
    if any(not c.isprintable() for c in role):
        raise BadInput("the role name holds a control character")
    if len(role.encode()) > MAX_ROLE:
        raise BadInput(f"the role name is longer than PostgreSQL's {MAX_ROLE} bytes")
