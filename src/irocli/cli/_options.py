"""Shared options, declared once as Annotated aliases. Imports only typer.

A --format alias carries the formats it accepts (`Formats`): its help lists them and the error
boundary (cli/_boundary.py) refuses any other before the command runs, so the two cannot disagree.
"""

from __future__ import annotations

from typing import Annotated

import typer

AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Report as on this date (YYYY-MM-DD); default today in London.")
]


class Formats(tuple):
    """The formats one --format option accepts, in the order its help and its error list them."""


def _format(*formats: str, csv_rows: str | None = None):
    """--format/-f whose help lists exactly the formats it accepts, and carries them (tests/cli/test_usage.py)."""
    listed = f"{', '.join(formats[:-1])} or {formats[-1]}"
    option = typer.Option("--format", "-f", help=f"Output: {listed}" + (f" (csv: one row per {csv_rows})."
                                                                          if csv_rows else "."))
    return Annotated[str, option, Formats(formats)]


Format = _format("table", "json", "csv")
FormatTableJson = _format("table", "json")
FormatPerObligation = _format("table", "json", "csv", csv_rows="obligation, met or open")
FormatPerStage = _format("table", "json", "csv", csv_rows="stage reached")
Iro = Annotated[str | None, typer.Option("--iro", help="Only this IRO's children (any case, spaces trimmed).")]
Team = Annotated[str | None, typer.Option("--team", help="Only this team's children (any case, spaces trimmed).")]
Within = Annotated[str, typer.Option("--within", help="Include open obligations due within DAYS.", metavar="DAYS")]
Sort = Annotated[str, typer.Option("--sort", help="Order rows by due, iro or child.")]
FailOnOverdue = Annotated[
    bool, typer.Option("--fail-on-overdue", help="Exit 1 when anything is overdue (for cron and CI).")
]
ChildId = Annotated[str, typer.Argument(help="The child's id in the case system, e.g. C001.", show_default=False)]
Name = Annotated[str | None, typer.Option("--name", help="The child's full name (stored, never logged).")]
Dob = Annotated[str | None, typer.Option("--dob", help="Date of birth, YYYY-MM-DD.")]
NewName = Annotated[str, typer.Option("--name", help="The child's full name (stored, never logged).",
                                      show_default=False)]
NewDob = Annotated[str, typer.Option("--dob", help="Date of birth, YYYY-MM-DD (1900-01-01 if not known: kept as "
                                     "unknown).", show_default=False)]
IroName = Annotated[str | None, typer.Option("--iro", help="The allocated IRO.")]
SocialWorker = Annotated[str | None, typer.Option("--social-worker", help="The allocated social worker.")]
TeamName = Annotated[str | None, typer.Option("--team", help="The social work team.")]
