"""Email digests: who gets which rows (an IRO's digest, a team manager's summary, the manager's
summary), and each message built from the terminal's own Rich tables as a plain-text and an HTML part;
a team summary also carries the team's rows as a CSV attachment (reports/formats.py's writer).

Imports Rich, the stdlib, domain and reports/render.py, rows.py and formats.py; nothing here sends
(notify.py does) or reads the store.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from dataclasses import dataclass

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from irocli.domain import name_key
from irocli.reports.render import THEME, counts_tables, obligations_table, plural, summary_line
from irocli.reports.rows import CSV_FIELDS, split_by_owner  # `caseload` counts by it too, without loading Rich

WIDTH = 100
# Styles named by meaning in render.THEME, as inline CSS (mail clients ignore <style> blocks).
CSS = {"overdue": "color:#b00020;font-weight:bold", "due-soon": "color:#8a5a00", "met": "color:#1b5e20",
       "muted": "color:#666666", "heading": "font-weight:bold"}


@dataclass(frozen=True)
class Digest:
    """One email: who it goes to and which rows it reports (reports.rows.obligation_row dicts).

    Three kinds: an IRO digest (``iros``: the IRO, or the IROs sharing one address), a team summary
    (``teams``: the team, or the teams whose manager is one address; ``summary`` true, each team's
    rows also attached as CSV) and the manager summary (``summary`` true, no iros or teams)."""

    to: tuple[str, ...]
    rows: list[dict]
    kind: str  # "overdue" or "due"
    as_of: dt.date
    within: int | None
    iros: tuple[str, ...] = ()  # an IRO digest: whose
    summary: bool = False  # a summary: counts by IRO and by obligation
    teams: tuple[str, ...] = ()  # a team summary: which teams

    @property
    def whose(self) -> str:
        """ "A. Khan", "team North", "teams North and South", or "" for the manager summary."""
        if self.iros:
            return _and(self.iros)
        if self.teams:
            return f"team{'s' if len(self.teams) > 1 else ''} {_and(self.teams)}"
        return ""

    @property
    def subject(self) -> str:
        """ "IRO deadlines for A. Khan: 2 overdue as of 2025-03-25"."""
        whose = f" for {self.whose}" if self.whose else ""
        return f"IRO deadlines{whose}: {self.headline} as of {self.as_of}"

    @property
    def headline(self) -> str:
        """ "2 overdue", "nothing overdue", "1 overdue, 3 due within 28 days"."""
        overdue = sum(1 for r in self.rows if r["status"] == "overdue")
        if self.kind == "overdue":
            return f"{overdue} overdue" if overdue else "nothing overdue"
        due = len(self.rows) - overdue
        if not self.rows:
            return "nothing due or overdue"
        return f"{overdue} overdue, {due} due within {self.within} days"

    def team_rows(self, team: str) -> list[dict]:
        """This message's rows of one of its ``teams`` (matched as people type names)."""
        key = name_key(team)
        return [r for r in self.rows if r.get("team") and name_key(r["team"]) == key]


def _and(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def child_labels(children, full_names: bool) -> dict[str, str]:
    """What follows a child's id in an email: initials, or the full name when the config allows it."""
    return {c.id: (c.name if full_names else c.initials) for c in children}


@dataclass(frozen=True)
class _Route:
    """How rows reach one kind of digest: the row field naming whose they are ("iro", "team"), the
    config section of addresses, and the words of its warnings."""

    field: str
    section: str
    label: str  # "IRO", "team"
    what: str  # "digest", "summary"
    cover: str | None = None  # a row field naming who stands in while it is set (a covering IRO)

    def whose(self, row: dict) -> str | None:
        """The name a row goes to: the one covering it, else its own."""
        return (self.cover and row.get(self.cover)) or row.get(self.field)


IRO_ROUTE = _Route("iro", "iros", "IRO", "digest", cover="cover")
TEAM_ROUTE = _Route("team", "teams", "team", "summary")


def routed(rows: list[dict], route: _Route, addresses: dict[str, str], known: set[str], always: bool
           ) -> tuple[list[tuple[str, tuple[str, ...], list[dict]]], list[str]]:
    """``rows`` split by whose they are (``route.whose``: a covering IRO's while the cover lasts) and sent to
    that name's address: a list of (address, names, rows), one per address (an address given for two names
    gets one message for both), and the warnings: a name with rows but no address, and the rows of children
    with none.

    Names match the config's keys as people type them (domain.name_key). Only names with rows get a
    message, unless ``always``: then every name in ``known`` (the children's own) does.
    """
    by_key = {name_key(name): address for name, address in addresses.items()}
    spelling: dict[str, str] = {}  # each name as the store spells it (first spelling in sorted order)
    counts: dict[str, int] = {}
    for name in sorted(known if always else ()):
        spelling.setdefault(name_key(name), name)
        counts.setdefault(name_key(name), 0)
    unnamed: set[str] = set()
    unnamed_rows = 0
    for row in rows:
        whose = route.whose(row)
        if whose:
            spelling.setdefault(name_key(whose), whose)
            counts[name_key(whose)] = counts.get(name_key(whose), 0) + 1
        else:
            unnamed.add(row["child_id"])
            unnamed_rows += 1
    warnings: list[str] = []
    groups: dict[str, tuple[str, list[str], list[dict]]] = {}  # by address, case-folded
    target: dict[str, str] = {}
    for key in sorted(spelling, key=lambda k: spelling[k]):
        address = by_key.get(key)
        if not address:
            noun = "their" if route.label == "IRO" else "its"
            warnings.append(f'no address for {route.label} "{spelling[key]}" in the config file\'s [{route.section}]; '
                            f"{noun} {route.what} ({plural(counts[key], 'obligation')}) was not sent")
            continue
        target[key] = address.casefold()
        groups.setdefault(address.casefold(), (address, [], []))[1].append(spelling[key])
    for row in rows:
        whose = route.whose(row)
        if whose and name_key(whose) in target:
            groups[target[name_key(whose)]][2].append(row)
    if unnamed and route is IRO_ROUTE:
        warnings.append(f"{plural(unnamed_rows, 'obligation')} of children with no IRO "
                        f"{'is' if unnamed_rows == 1 else 'are'} in no IRO's digest")
    elif unnamed:
        warnings.append(f"{plural(len(unnamed), 'child', 'children')} with no team "
                        f"{'is' if len(unnamed) == 1 else 'are'} in no team's summary")
    return [(address, tuple(names), group) for address, names, group in groups.values()], warnings


def once(addresses: list[str]) -> list[str]:
    """The addresses in order, each once (compared ignoring case)."""
    first: dict[str, str] = {}
    for address in addresses:
        first.setdefault(address.casefold(), address)
    return list(first.values())


def digests(rows: list[dict], *, kind: str, as_of: dt.date, within: int | None, managers: list[str],
            per_iro: bool, addresses: dict[str, str], iros: set[str], always: bool, per_team: bool = False,
            team_addresses: dict[str, str] | None = None, teams: set[str] = frozenset()
            ) -> tuple[list[Digest], list[str]]:
    """The emails to send and the warnings to show.

    Per-IRO digests go to each IRO's configured address (``addresses``: [iros]), per-team summaries to
    each team manager's (``team_addresses``: [teams]); a name without an address is a warning and the
    others still go. A row with a ``cover`` goes to the covering IRO's digest instead (its table marks it
    "cover for" the allocated IRO). The manager summary goes to ``managers``. Each address gets one message of each
    kind: an address given for two IROs (or teams) gets one for both, ``managers`` are sent to once
    each. An empty digest is dropped unless ``always``.
    """
    out: list[Digest] = []
    warnings: list[str] = []
    if per_iro:
        plan, said = routed(rows, IRO_ROUTE, addresses, iros, always)
        out.extend(Digest((address,), group, kind, as_of, within, iros=names) for address, names, group in plan)
        warnings.extend(said)
    if per_team:
        plan, said = routed(rows, TEAM_ROUTE, team_addresses or {}, teams, always)
        out.extend(Digest((address,), group, kind, as_of, within, summary=True, teams=names)
                   for address, names, group in plan)
        warnings.extend(said)
    if managers and (rows or always):
        out.append(Digest(tuple(once(managers)), rows, kind, as_of, within, summary=True))
    return out, warnings


def _renderables(digest: Digest, names: dict[str, str]) -> list:
    """Heading, counts, list and summary: the text part and the HTML part are both made from these."""
    heading = Text(("Overdue" if digest.kind == "overdue" else "Due and overdue") + f" as of {digest.as_of}"
                   + (f" for {digest.whose}" if digest.whose else ""), style="heading")
    if not digest.rows:
        return [heading, Text(digest.headline[0].upper() + digest.headline[1:] + ".")]
    parts: list = [heading, summary_line(digest.rows, soon=digest.kind != "overdue")]
    if digest.summary:
        parts.extend(counts_tables(digest.rows))
    parts.extend(sections(digest, names))
    return parts


YOURS = "Yours"
TO_CHASE = "To chase"


def sections(digest: Digest, names: dict[str, str]) -> list:
    """"Yours" (the IRO acts) then "To chase" (someone else acts, each row naming who), in every kind
    of digest: an IRO's, a team's and the manager's summary (the IRO column unless one IRO's)."""
    yours, chase = split_by_owner(digest.rows)
    show_iro = len(digest.iros) != 1
    out: list = []
    for title, rows, show_owner in (
            (YOURS if len(digest.iros) == 1 else f"{YOURS} (the IROs' own)", yours, False),
            (f"{TO_CHASE} (the owner must act; the IRO follows it up)", chase, True)):
        if rows:
            out.append(obligations_table(rows, title=title, names=names, show_iro=show_iro, show_owner=show_owner))
        else:
            out.append(Text(f"{title}: nothing."))
    return out


def footer(digest: Digest, full_names: bool) -> str:
    """The last line: how children are shown, and what is attached."""
    shown = ("Children are shown by id and name." if full_names
             else "Children are shown by id and initials; look them up in the case system.")
    files = attachment_names(digest)
    attached = (f" The team's rows are attached as CSV: {files[0]}." if len(files) == 1 else
                f" Each team's rows are attached as CSV: {', '.join(files)}." if files else "")
    return f"Sent automatically by irocli. {shown}{attached}"


def render_text(digest: Digest, names: dict[str, str], full_names: bool = False) -> str:
    """The plain-text part: the terminal's tables, exported from a recording console."""
    console = Console(record=True, width=WIDTH, file=io.StringIO(), theme=THEME, color_system=None,
                      highlight=False, emoji=False)
    for part in _renderables(digest, names):
        if isinstance(part, Table):
            part.box = box.ASCII  # survives every mail client's font
            console.print()
        console.print(part)
    console.print()
    console.print(Text(footer(digest, full_names), style="muted"), soft_wrap=True)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"


def render_html(digest: Digest, names: dict[str, str], full_names: bool = False) -> str:
    """The HTML part: the same renderables, each Table as an escaped HTML table."""
    body = []
    for part in _renderables(digest, names):
        if isinstance(part, Table):
            body.append(_html_table(part))
        elif part.style == "heading":
            body.append(f"<h2>{_html_text(part)}</h2>")
        else:
            body.append(f"<p>{_html_text(part)}</p>")
    body.append(f'<p style="{CSS["muted"]}">{html.escape(footer(digest, full_names))}</p>')
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\n"
            "<body style=\"font-family:Arial,Helvetica,sans-serif;font-size:14px\">\n"
            + "\n".join(body) + "\n</body></html>\n")


def _html_text(text: Text) -> str:
    """A Text with its spans as inline-styled <span>s, everything escaped."""
    out = []
    for segment in text.render(Console(theme=THEME, width=10_000, color_system=None, file=io.StringIO())):
        if segment.text == "\n":
            continue
        value = html.escape(segment.text)
        style = next((CSS[name] for name in CSS if segment.style and THEME.styles.get(name) == segment.style), "")
        out.append(f'<span style="{style}">{value}</span>' if style else value)
    return "".join(out)


def _html_table(table: Table) -> str:
    cell = 'style="border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top"'
    rows = []
    if table.title:
        rows.append(f"<caption style=\"text-align:left;font-weight:bold\">{html.escape(str(table.title))}</caption>")
    rows.append("<tr>" + "".join(f"<th {cell}>{html.escape(str(c.header))}</th>" for c in table.columns) + "</tr>")
    columns = [list(c.cells) for c in table.columns]
    for index in range(table.row_count):
        rows.append("<tr>" + "".join(
            f"<td {cell}>{_html_text(col[index]) if isinstance(col[index], Text) else html.escape(str(col[index]))}"
            "</td>" for col in columns) + "</tr>")
    return '<table style="border-collapse:collapse;margin:8px 0">\n' + "\n".join(rows) + "\n</table>"


# The attachment's columns: `irocli overdue --format csv`'s (reports.rows.CSV_FIELDS), with the child's
# initials (or name, with --full-names) beside the id, as the message body shows them.
ATTACHMENT_FIELDS = (CSV_FIELDS[0], "child", *CSV_FIELDS[1:])


def attachment_names(digest: Digest) -> list[str]:
    """Each team's CSV file name, "<kind>-<team>-<as-of>.csv" ("overdue-North-2025-06-01.csv"): the
    team's name with anything but letters, digits, "_", "." and "-" made "-" (a file name must not carry
    a path or a quote), and "-2", "-3" … where two teams' names would give one file name."""
    out: list[str] = []
    for team in digest.teams:
        slug = re.sub(r"[^\w.-]+", "-", team).strip("-.") or "team"
        name = f"{digest.kind}-{slug}-{digest.as_of}.csv"
        n = 1
        while name in out:
            n += 1
            name = f"{digest.kind}-{slug}-{n}-{digest.as_of}.csv"
        out.append(name)
    return out


def rows_csv(rows: list[dict], names: dict[str, str]) -> bytes:
    """The rows as `irocli overdue --format csv` writes them (reports.formats.write_csv: formula-safe
    cells, CRLF line ends) under ATTACHMENT_FIELDS, as UTF-8 with a byte order mark: Excel reads a CSV
    without one in the machine's code page and mangles "Łukasz"."""
    from irocli.reports.formats import write_csv
    from irocli.reports.rows import flat

    out = io.StringIO()
    write_csv(({**flat(r), "child": names.get(r["child_id"])} for r in rows), ATTACHMENT_FIELDS, out)
    return out.getvalue().encode("utf-8-sig")


def message(digest: Digest, names: dict[str, str], sender: str, full_names: bool = False):
    """An EmailMessage with a plain-text and an HTML part, and the headers a cron mail needs; a team
    summary also carries each team's rows as a CSV attachment (rows_csv, named by attachment_names)."""
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid, parseaddr

    msg = EmailMessage()
    msg["Subject"] = digest.subject
    msg["From"] = sender
    msg["To"] = ", ".join(digest.to)
    msg["Date"] = formatdate(localtime=True)
    # A domain given, so make_msgid never waits on a DNS lookup of this host's name.
    msg["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or "irocli.invalid")
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    text = render_text(digest, names, full_names)
    msg.set_content(text, cte=_cte(text))
    page = render_html(digest, names, full_names)
    msg.add_alternative(page, subtype="html", cte=_cte(page))
    for team, filename in zip(digest.teams, attachment_names(digest), strict=True):
        msg.add_attachment(rows_csv(digest.team_rows(team), names), maintype="text", subtype="csv",
                           filename=filename, params={"charset": "utf-8"})
    return msg


def outline(msg) -> str:
    """One line saying what a message is, for --dry-run's stderr: recipients, subject, attachments."""
    files = [part.get_filename() for part in msg.iter_attachments()]
    attached = f" (attached: {', '.join(files)})" if files else ""
    return f"to {msg['To']}: {msg['Subject']}{attached}"


@dataclass
class Mailing:
    """What `irocli email` would send: the messages, warnings for the person, and when no message
    is left, the sentence saying why."""

    messages: list
    warnings: list[str]
    nothing_sent: str | None


def mailing(rows: list[dict], children, config: dict, *, kind: str, as_of: dt.date, within: int | None,
            managers: list[str], per_iro: bool, always: bool, full_names: bool, sender: str | None,
            per_team: bool = False) -> Mailing:
    """The messages for ``rows`` (sorted due rows) of ``children`` (domain Child values): per-IRO
    digests to the config file's [iros] addresses, per-team summaries (with the team's rows as CSV) to
    its [teams] addresses, the manager summary to ``managers``; children named by initials unless
    ``full_names`` or [email] full_names is true. ``within``: calendar days."""
    plan, warnings = digests(
        rows, kind=kind, as_of=as_of, within=within, managers=managers, per_iro=per_iro,
        addresses=config.get("iros", {}), iros={c.iro for c in children if c.iro}, always=always,
        per_team=per_team, team_addresses=config.get("teams", {}), teams={c.team for c in children if c.team})
    full = full_names or config.get("email", {}).get("full_names") is True
    names = child_labels(children, full)
    messages = [message(d, names, sender or "irocli@localhost", full) for d in plan]
    nothing_sent = None
    if not messages:
        headline = Digest((), rows, kind, as_of, within).headline
        nothing_sent = (f"{headline[0].upper()}{headline[1:]}; no email sent"
                        + ("." if rows else " (--always sends one anyway)."))
    return Mailing(messages, warnings, nothing_sent)


def _cte(body: str) -> str:
    """7bit keeps the text readable in --dry-run; quoted-printable when it must be."""
    if body.isascii() and max(map(len, body.splitlines()), default=0) <= 998:
        return "7bit"
    return "quoted-printable"
