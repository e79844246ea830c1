"""The command line: a thin layer that parses, calls the core and renders (root app in root.py)."""

from irocli.cli.root import app, main

__all__ = ["app", "main"]
