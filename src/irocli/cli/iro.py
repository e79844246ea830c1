"""`irocli iro …`: the service's IROs: caseloads against the Handbook's band, renaming. Parses, calls, renders."""

from __future__ import annotations

import typer

app = typer.Typer(help="The IROs of the service: caseloads, renaming.", no_args_is_help=True)
