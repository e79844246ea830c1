"""Rich renderables for people. They decide nothing about the terminal: the Console does.

Every data cell is a Text (markup would eat "[...]"); styles are named by meaning in THEME.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

THEME = Theme(
    {
        "overdue": "bold red",
        "due-soon": "yellow",
        "due": "default",
        "met": "green",
        "met-late": "dark_orange",
        "missed": "red",
        "muted": "dim",
        "heading": "bold",
    }
)
SOON_DAYS = 7


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """The reader closed the pipe (`| head`): Rich would exit 1, which here means "something is
        overdue"; the command's error boundary ends it quietly with 0 instead."""
        self.quiet = True
        raise BrokenPipeError


def console(stderr: bool = False) -> Console:
    return _Console(theme=THEME, stderr=stderr, highlight=False)


def _style(row: dict) -> str:
    status = row["status"]
    if status == "due" and row["days"] < SOON_DAYS:
        return "due-soon"
    return status


def _days_text(row: dict) -> Text:
    days = row["days"]
    if row["status"] == "overdue":
        return Text(f"{-days}d late", style="overdue")
    if days == 0:
        return Text("today", style="due-soon")
    return Text(f"in {days}d", style=_style(row))


def obligations_table(rows: list[dict], *, title: str | None = None, names: dict | None = None,
                      show_iro: bool = True, show_owner: bool = True) -> Table:
    """Due, when, child, obligation, (IRO), (owner: who must act on it, RULES §6)."""
    table = Table(title=title, title_justify="left", header_style="heading", expand=False)
    table.add_column("Due", no_wrap=True)
    table.add_column("When", no_wrap=True)
    table.add_column("Child", no_wrap=True)
    table.add_column("Obligation")
    if show_iro:
        table.add_column("IRO")
    if show_owner:
        table.add_column("Owner", no_wrap=True)
    for row in rows:
        style = _style(row)
        child = Text(row["child_id"])
        if names and names.get(row["child_id"]):
            child.append(f" {names[row['child_id']]}", style="muted")
        cells = [
            Text(row["due"], style=style),
            _days_text(row),
            child,
            Text(row["title"], style=style) + Text(f"  {row['obligation']}", style="muted"),
        ]
        if show_iro:
            cells.append(Text(row.get("iro") or "-"))
        if show_owner:
            cells.append(Text(row.get("owner") or "-", style="" if row.get("owner") == "iro" else "muted"))
        table.add_row(*cells)
    return table


def summary_line(rows: list[dict]) -> Text:
    overdue = sum(1 for r in rows if r["status"] == "overdue")
    soon = sum(1 for r in rows if r["status"] == "due" and r["days"] < SOON_DAYS)
    children = len({r["child_id"] for r in rows})
    text = Text(f"{len(rows)} obligations for {children} children: ")
    text.append(f"{overdue} overdue", style="overdue" if overdue else "met")
    text.append(", ")
    text.append(f"{soon} due within {SOON_DAYS} days", style="due-soon" if soon else "muted")
    return text


def status_table(rows: list[dict], title: str) -> Table:
    """Obligations with their outcome, for `child show` (met, late, missed and open)."""
    table = Table(title=title, title_justify="left", header_style="heading")
    table.add_column("Due", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Obligation")
    table.add_column("Done", no_wrap=True)
    for row in rows:
        style = _style(row)
        status = row["status"]
        if status == "met-late":
            late = (_date(row["met_on"]) - _date(row["due"])).days
            status = f"met {late}d late"
        table.add_row(
            Text(row["due"], style=style),
            Text(status, style=style),
            Text(row["title"]) + Text(f"  {row['obligation']}", style="muted"),
            Text(row.get("met_on") or ""),
        )
    return table


def explain_table(rows: list[dict], title: str) -> Table:
    table = Table(title=title, title_justify="left", header_style="heading", show_lines=False)
    table.add_column("Obligation")
    table.add_column("Due", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Arithmetic")
    table.add_column("Source")
    for row in rows:
        style = _style(row)
        table.add_row(
            Text(row["obligation"]),
            Text(row["due"], style=style),
            Text(row["status"], style=style),
            Text(row["arithmetic"]),
            Text(row["source"], style="muted"),
        )
    return table


def key_values(pairs: list[tuple[str, str | None]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="heading")
    table.add_column()
    for key, value in pairs:
        table.add_row(Text(key), Text(value or "-"))
    return table


def events_table(events: list[dict], title: str = "Events") -> Table:
    table = Table(title=title, title_justify="left", header_style="heading")
    for col in ("Id", "Date", "Kind", "Note", "Recorded"):
        table.add_column(col)
    for ev in events:
        voided = ev.get("voided_at")
        style = "muted strike" if voided else ""
        note = ev.get("note") or ""
        if voided:
            note = f"VOIDED: {ev.get('void_reason') or ''}" + (f" ({note})" if note else "")
        if ev.get("meeting") is False:
            note = ("no meeting; " + note).rstrip("; ")
        table.add_row(
            Text(str(ev["id"]), style=style),
            Text(ev["date"], style=style),
            Text(ev["kind"], style=style),
            Text(note, style=style),
            Text(f"{ev.get('recorded_by') or ''} {ev.get('recorded_at') or ''}".strip(), style="muted"),
        )
    return table


def stack(*renderables) -> Group:
    return Group(*renderables)


def _date(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)
