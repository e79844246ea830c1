"""`irocli profile …`: the shipped rule profiles, and one profile's rules merged with the file each key came from.

Reads profile files only: no store is needed. Imports only typer at module level.
"""

from __future__ import annotations

from typing import Annotated

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import root
from irocli.cli._options import Format

app = typer.Typer(help="Rule profiles: the shipped ones, and where each rule's values come from.",
                  no_args_is_help=True)

ProfileName = Annotated[str | None, typer.Argument(
    help="A shipped profile (england, blackpool, dudley, knowsley, cpru) or a .toml path; default: the "
    "root --profile, then $IROCLI_PROFILE, then england.", show_default=False)]
RuleId = Annotated[str | None, typer.Argument(
    help=("One rule's id, e.g. review.second, or a setting's dotted path, e.g. escalation.stages.1 or kpi: "
          "each key with the file it came from."), show_default=False)]


@app.command("list")
@boundary
def profile_list(fmt: Format = "table") -> None:
    """List the shipped profiles with their titles and files.

    Files are the profile's own first, then the one it extends.

    Example: irocli profile list --format json
    """
    from irocli.reports.output import emit, render
    from irocli.reports.profiles import LIST_FIELDS, csv_rows, profile_rows

    rows = profile_rows()
    emit(rows, fmt, rows=csv_rows(rows), fields=LIST_FIELDS, table=lambda: render.profiles_table(rows))


@app.command("show")
@boundary
def profile_show(ctx: typer.Context, name: ProfileName = None, rule_id: RuleId = None, fmt: Format = "table") -> None:
    """Show a profile's merged rules, or one rule's keys and the file each came from.

    A profile that extends another takes the other's values unless it sets its own; this shows
    the result. With RULE_ID, each key of that rule, its value and the file that set it; a
    setting outside the rules is named by its path (escalation.stages.1, kpi, policies, cp).

    Example: irocli profile show blackpool review.second
    """
    from irocli.config import resolve_profile
    from irocli.reports.output import emit, render
    from irocli.reports.profiles import KEY_FIELDS, RULE_FIELDS, csv_rows, profile_document, rule_document

    name = resolve_profile(root(ctx).profile, None)[0] if name is None else name
    if rule_id is not None:
        doc, rows = rule_document(name, rule_id)
        what = "Rule" if "rule" in doc else "Setting"
        emit(doc, fmt, rows=csv_rows(rows), fields=KEY_FIELDS,
             table=lambda: render.rule_keys(name, rule_id, rows, what))
    else:
        doc = profile_document(name)
        emit(doc, fmt, rows=csv_rows(doc["rules"]), fields=RULE_FIELDS, table=lambda: render.profile_rules(doc))
