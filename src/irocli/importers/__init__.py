"""Bulk loaders: each validates every row first, then writes in one transaction, idempotently.

native.py (irocli's own CSV), ssda903.py (the DfE return), extract.py (a case-system extract read
through a map, whose schema is extract_map.py); what they share is in _common.py.
"""
