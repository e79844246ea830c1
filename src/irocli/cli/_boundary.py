"""The one error boundary: IroError -> one line on stderr and its exit code; anything else -> 70.

Tracebacks only with --debug, which prints them before the same line and keeps the exit code
(CONTRACT: a script must not read "overdue" from a debugging run). Imports only typer and irocli.errors.
"""

from __future__ import annotations

import functools
import os
import sys

import typer

from irocli.errors import FieldError, IroError

DEBUG = {"on": False}


def one_line(message: str) -> str:
    """The message with control characters escaped (a value quoted from a file may hold a line
    break or a NUL): an error stays one line, as scripts reading stderr expect."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in message)


MAX_MESSAGE = 1000  # a 100,000-character value quoted back stays a line a person can read


def fail(message: str, code: int) -> typer.Exit:
    """Print "Error: <message>" on stderr (one line, cut at MAX_MESSAGE); the Exit(code) to raise."""
    line = one_line(message)
    if len(line) > MAX_MESSAGE:
        line = f"{line[:MAX_MESSAGE]}… ({len(line) - MAX_MESSAGE:,} more characters)"
    print(f"Error: {line}", file=sys.stderr)
    return typer.Exit(code)


def boundary(func):
    """Wrap a command so its errors become one line and an exit code (CliRunner sees them too)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            if "fmt" in kwargs:
                kwargs["fmt"] = _checked_format(func, kwargs["fmt"])
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except IroError as exc:
            _traceback()
            if isinstance(exc, FieldError):  # the core names fields; here they become options
                exc = exc.as_options()
            raise fail(str(exc), exc.exit_code) from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None
        except BrokenPipeError:
            # the reader closed the pipe (`| head`): the output was cut short by choice, so end
            # quietly (CONTRACT); stdout goes to devnull so the interpreter's last flush is silent
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(0) from None
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            _traceback()
            store_error = _store_error(exc)
            if store_error:
                raise fail(store_error, 3) from None
            raise fail(
                f"internal error ({exc.__class__.__name__}); rerun with --debug for details", 70
            ) from None

    return wrapper


def _checked_format(func, value: str) -> str:
    """--format checked against the formats its option type carries (cli/_options.Formats): a command
    never sees a format its help does not offer. BadInput (exit 2) otherwise."""
    import typing

    from irocli.cli._options import Formats
    from irocli.reports.output import check_format

    hint = typing.get_type_hints(func, include_extras=True).get("fmt")
    allowed = next((m for m in getattr(hint, "__metadata__", ()) if isinstance(m, Formats)), None)
    return value if allowed is None else check_format(value, allowed)


def _traceback() -> None:
    """With --debug, the traceback of the exception being handled, on stderr."""
    if DEBUG["on"]:
        import traceback

        traceback.print_exc(file=sys.stderr)


def _store_error(exc: Exception) -> str | None:
    """SQLAlchemy's operational errors (locked, cannot open) are the store's, exit 3."""
    module = type(exc).__module__
    if module.startswith("sqlalchemy") and type(exc).__name__ in ("OperationalError", "InterfaceError"):
        text = str(getattr(exc, "orig", exc)).splitlines()[0]
        return f"the store cannot be used: {text}"
    return None
