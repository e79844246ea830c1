"""Bulk loaders: each validates every row first, then writes in one transaction, idempotently."""
