"""Typed errors the core raises; only cli/_boundary.py turns them into output. Imports only the stdlib."""

from __future__ import annotations

import string


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


class FieldError(BadInput):
    """A value refused, naming the field it came in, never a command-line option (exit 2).

    ``template`` writes each field as ``{name}``: ``"{to} 2025-03-01 is before {from_} 2025-04-01"``.
    A Python caller reads the field names ("to ... is before from ..."); the CLI boundary reads the
    options with ``as_options()`` ("--to ... is before --from ..."). Put values in with ``quote`` so a
    brace in a person's text stays text.
    """

    def __init__(self, template: str, *, where: str | None = None) -> None:
        self.template = template
        super().__init__(template.format(**{n: n.rstrip("_") for n in self.fields}), where=where)

    @property
    def fields(self) -> list[str]:
        """The field names the template writes, in order."""
        return [name for _, name, _, _ in string.Formatter().parse(self.template) if name]

    def as_options(self) -> BadInput:
        """The same error naming each field as its option: ``to_stage`` → ``--to-stage``, ``from_`` → ``--from``."""
        options = {n: "--" + n.rstrip("_").replace("_", "-") for n in self.fields}
        return BadInput(self.template.format(**options), where=self.where)

    @staticmethod
    def quote(value: object) -> str:
        """``value`` as text safe inside a template (braces doubled)."""
        return str(value).replace("{", "{{").replace("}", "}}")


class StoreUnavailable(IroError):
    """The store cannot be opened, is locked past the timeout, or cannot be migrated (exit 3)."""

    exit_code = 3


class DeliveryFailed(IroError):
    """Email delivery failed (exit 4)."""

    exit_code = 4
