"""irocli's store: ``Store.open(url)`` gives a migrated database that speaks domain values.

Only re-exports. Importing this package costs SQLAlchemy Core only; sqlmodel and alembic load on
first write or migration (store.py). SQLModel rows never leave this package. The modules:
connection.py (engines, SQLite/PostgreSQL set-up), store.py (Store: lifecycle, transactions, writes),
bulk.py (importers' loads), queries.py (every SELECT), records.py (values written and read),
tables.py (the SQLModel tables), migrate.py (Alembic, HEAD), maintenance.py (check, backup).
"""

from irocli.store.migrate import HEAD, REVISIONS
from irocli.store.records import StoredEvent
from irocli.store.store import Store

__all__ = ["HEAD", "REVISIONS", "Store", "StoredEvent"]
