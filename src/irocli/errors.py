"""Typed errors the core raises; only cli/_boundary.py turns them into output. Imports nothing."""

from __future__ import annotations


class IroError(Exception):
    """An error a user can act on: one line, an exit code, and where it happened."""

    exit_code = 70

    def __init__(self, message: str, *, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class BadInput(IroError):
    """Usage, a malformed date, an unknown child or kind, a bad row or profile (exit 2)."""

    exit_code = 2


class StoreUnavailable(IroError):
    """The store cannot be opened, is locked past the timeout, or cannot be migrated (exit 3)."""

    exit_code = 3


class DeliveryFailed(IroError):
    """Email delivery failed (exit 4)."""

    exit_code = 4
