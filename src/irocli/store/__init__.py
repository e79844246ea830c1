"""irocli's store: ``Store.open(url)`` gives a migrated database that speaks domain values.

Importing this package costs SQLAlchemy Core only; sqlmodel and alembic load on first write or
migration (see session.py). SQLModel rows never leave this package.
"""

from irocli.store.records import StoredEvent
from irocli.store.session import HEAD, REVISIONS, Store

__all__ = ["HEAD", "REVISIONS", "Store", "StoredEvent"]
