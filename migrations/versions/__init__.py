"""Alembic revisions of irocli's store, oldest first: 0001, 0002, …"""
