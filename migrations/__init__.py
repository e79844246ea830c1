"""irocli's Alembic scripts, shipped as the irocli.migrations package (see irocli.store.migrate)."""
