"""Email digests: who gets which rows, and each message built from the terminal's own Rich tables
as a plain-text and an HTML part.

Imports Rich, the stdlib and reports/render.py; nothing here sends (notify.py does) or reads the store.
"""

from __future__ import annotations

import datetime as dt
import html
import io
from dataclasses import dataclass

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from irocli.reports.render import THEME, counts_tables, obligations_table, plural, summary_line

WIDTH = 100
# Styles named by meaning in render.THEME, as inline CSS (mail clients ignore <style> blocks).
CSS = {"overdue": "color:#b00020;font-weight:bold", "due-soon": "color:#8a5a00", "met": "color:#1b5e20",
       "muted": "color:#666666", "heading": "font-weight:bold"}


@dataclass(frozen=True)
class Digest:
    """One email: who it goes to and which rows it reports (reports.rows.obligation_row dicts)."""

    to: tuple[str, ...]
    rows: list[dict]
    kind: str  # "overdue" or "due"
    as_of: dt.date
    within: int | None
    iro: str | None = None  # set for an IRO's own digest
    summary: bool = False  # the manager's summary: counts by IRO and by obligation

    @property
    def subject(self) -> str:
        """ "IRO deadlines for A. Khan: 2 overdue as of 2025-03-25"."""
        whose = f" for {self.iro}" if self.iro else ""
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


def child_labels(children, full_names: bool) -> dict[str, str]:
    """What follows a child's id in an email: initials, or the full name when the config allows it."""
    return {c.id: (c.name if full_names else c.initials) for c in children}


def digests(rows: list[dict], *, kind: str, as_of: dt.date, within: int | None, managers: list[str],
            per_iro: bool, addresses: dict[str, str], iros: set[str], always: bool
            ) -> tuple[list[Digest], list[str]]:
    """The emails to send and the warnings to show.

    Per-IRO digests go to each IRO's configured address (an IRO without one is a warning, the others
    still go): a row with a ``cover`` goes to the covering IRO instead, whose table marks it "cover for" the
    allocated IRO; the manager summary goes to `managers`. An empty digest is dropped unless `always`.
    """
    out: list[Digest] = []
    warnings: list[str] = []
    if per_iro:
        by_iro: dict[str, list[dict]] = {name: [] for name in (iros if always else ())}
        unallocated = 0
        for row in rows:  # a covered child's rows go to the covering IRO while the cover lasts (marked as cover)
            if row.get("cover") or row.get("iro"):
                by_iro.setdefault(row.get("cover") or row["iro"], []).append(row)
            else:
                unallocated += 1
        for name in sorted(by_iro):
            address = addresses.get(name)
            if not address:
                warnings.append(f'no address for IRO "{name}" in the config file\'s [iros]; '
                                f"their digest ({plural(len(by_iro[name]), 'obligation')}) was not sent")
                continue
            out.append(Digest((address,), by_iro[name], kind, as_of, within, iro=name))
        if unallocated:
            warnings.append(f"{plural(unallocated, 'obligation')} of children with no IRO "
                            f"{'is' if unallocated == 1 else 'are'} in no IRO's digest")
    if managers and (rows or always):
        out.append(Digest(tuple(managers), rows, kind, as_of, within, summary=True))
    return out, warnings


def _renderables(digest: Digest, names: dict[str, str]) -> list:
    """Heading, counts, list and summary: the text part and the HTML part are both made from these."""
    heading = Text(("Overdue" if digest.kind == "overdue" else "Due and overdue") + f" as of {digest.as_of}"
                   + (f" for {digest.iro}" if digest.iro else ""), style="heading")
    if not digest.rows:
        return [heading, Text(digest.headline[0].upper() + digest.headline[1:] + ".")]
    parts: list = [heading, summary_line(digest.rows, soon=digest.kind != "overdue")]
    if digest.summary:
        parts.extend(counts_tables(digest.rows))
    parts.extend(sections(digest, names))
    return parts


YOURS = "Yours"
TO_CHASE = "To chase"


def split_by_owner(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """The IRO's own obligations (owner iro) and those someone else must act on (RULES §6)."""
    yours = [r for r in rows if (r.get("owner") or "iro") == "iro"]
    chase = [r for r in rows if (r.get("owner") or "iro") != "iro"]
    return yours, chase


def sections(digest: Digest, names: dict[str, str]) -> list:
    """"Yours" (the IRO acts) then "To chase" (someone else acts, each row naming who)."""
    yours, chase = split_by_owner(digest.rows)
    show_iro = digest.iro is None
    out: list = []
    for title, rows, show_owner in (
            (YOURS if digest.iro else f"{YOURS} (the IROs' own)", yours, False),
            (f"{TO_CHASE} (the owner must act; the IRO follows it up)", chase, True)):
        if rows:
            out.append(obligations_table(rows, title=title, names=names, show_iro=show_iro, show_owner=show_owner))
        else:
            out.append(Text(f"{title}: nothing."))
    return out


FOOTER = ("Sent automatically by irocli. Children are shown by id and initials; "
          "look them up in the case system.")


def render_text(digest: Digest, names: dict[str, str]) -> str:
    """The plain-text part: the terminal's tables, exported from a recording console."""
    console = Console(record=True, width=WIDTH, file=io.StringIO(), theme=THEME, color_system=None,
                      highlight=False, emoji=False)
    for part in _renderables(digest, names):
        if isinstance(part, Table):
            part.box = box.ASCII  # survives every mail client's font
            console.print()
        console.print(part)
    console.print()
    console.print(Text(FOOTER, style="muted"), soft_wrap=True)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"


def render_html(digest: Digest, names: dict[str, str]) -> str:
    """The HTML part: the same renderables, each Table as an escaped HTML table."""
    body = []
    for part in _renderables(digest, names):
        if isinstance(part, Table):
            body.append(_html_table(part))
        elif part.style == "heading":
            body.append(f"<h2>{_html_text(part)}</h2>")
        else:
            body.append(f"<p>{_html_text(part)}</p>")
    body.append(f'<p style="{CSS["muted"]}">{html.escape(FOOTER)}</p>')
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


def message(digest: Digest, names: dict[str, str], sender: str):
    """An EmailMessage with a plain-text and an HTML part, and the headers a cron mail needs."""
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
    text = render_text(digest, names)
    msg.set_content(text, cte=_cte(text))
    page = render_html(digest, names)
    msg.add_alternative(page, subtype="html", cte=_cte(page))
    return msg


@dataclass
class Mailing:
    """What `irocli email` would send: the messages, warnings for the person, and when no message
    is left, the sentence saying why."""

    messages: list
    warnings: list[str]
    nothing_sent: str | None


def mailing(rows: list[dict], children, config: dict, *, kind: str, as_of: dt.date, within: int | None,
            managers: list[str], per_iro: bool, always: bool, full_names: bool, sender: str | None) -> Mailing:
    """The messages for ``rows`` (sorted due rows) of ``children`` (domain Child values): per-IRO
    digests to the config file's [iros] addresses, the manager summary to ``managers``; children
    named by initials unless ``full_names`` or [email] full_names is true. ``within``: calendar days."""
    plan, warnings = digests(
        rows, kind=kind, as_of=as_of, within=within, managers=managers, per_iro=per_iro,
        addresses=config.get("iros", {}), iros={c.iro for c in children if c.iro}, always=always)
    names = child_labels(children, full_names or config.get("email", {}).get("full_names") is True)
    messages = [message(d, names, sender or "irocli@localhost") for d in plan]
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
