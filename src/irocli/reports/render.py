"""Rich renderables for people. They decide nothing about the terminal: the Console does.

Every data cell is a Text (markup would eat "[...]"); styles are named by meaning in THEME.
"""

from __future__ import annotations

import datetime as dt
import re

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
# "Due soon": due today or within the next SOON_DAYS days, both ends counted, as `--within` counts
# (`due --within 7` lists a row "in 7d"; the summary's "due within 7 days" counts the same rows).
SOON_DAYS = 7


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """The reader closed the pipe (`| head`): Rich would exit 1, which here means "something is
        overdue"; the command's error boundary ends it quietly with 0 instead."""
        self.quiet = True
        raise BrokenPipeError


def console(stderr: bool = False) -> Console:
    return _Console(theme=THEME, stderr=stderr, highlight=False)


def is_soon(days: int) -> bool:
    """Due today or within SOON_DAYS days: day 0 to day SOON_DAYS inclusive, as --within counts."""
    return 0 <= days <= SOON_DAYS


def plural(n: int, one: str, many: str | None = None) -> str:
    """ "1 child", "2 children", "0 obligations"."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def nothing(sentence: str) -> Text:
    """What an empty table says instead: one sentence, not an empty grid."""
    return Text(sentence, style="muted")


def empty_report(within: int | None, as_of, *, iro: str | None = None, team: str | None = None,
                 owner: str | None = None) -> Text:
    """`due` or `overdue` with nothing to list: "Nothing overdue for A. Khan as of 2026-11-29."."""
    whose = ", ".join(p for p in (iro, team and f"team {team}", owner and f"owner {owner}") if p)
    what = "Nothing overdue" if within is None else f"Nothing overdue or due within {plural(within, 'day')}"
    return nothing(f"{what}{f' for {whose}' if whose else ''} as of {as_of}.")


_SIGNED = re.compile(r"(\d{4}-\d{2}-\d{2}) ([+-]) (\d)")


def arithmetic(text: str) -> Text:
    """A derivation as people read it: the sign kept with its number ("2026-06-26 −20 working days"),
    so a wrapped cell never leaves a lone "-" at a line's end that reads as a hyphen."""
    return Text(_SIGNED.sub(lambda m: f"{m[1]} {'−' if m[2] == '-' else '+'}{m[3]}", text))


def _style(row: dict) -> str:
    status = row["status"]
    if status == "due" and is_soon(row["days"]):
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


def summary_line(rows: list[dict], *, soon: bool = True) -> Text:
    """ "23 obligations for 2 children: 17 overdue, 4 due within 7 days" (the rows "today" to "in 7d").

    Without `soon` (the overdue report, where nothing is due soon) the second count is left out."""
    overdue = sum(1 for r in rows if r["status"] == "overdue")
    due_soon = sum(1 for r in rows if r["status"] == "due" and is_soon(r["days"]))
    children = len({r["child_id"] for r in rows})
    text = Text(f"{plural(len(rows), 'obligation')} for {plural(children, 'child', 'children')}: ")
    text.append(f"{overdue} overdue", style="overdue" if overdue else "met")
    if soon:
        text.append(", ")
        text.append(f"{due_soon} due within {SOON_DAYS} days", style="due-soon" if due_soon else "muted")
    return text


def status_table(rows: list[dict], title: str, *, done: bool = True) -> Table:
    """Obligations with their outcome, for `child show` (met, late, missed and open); open ones have
    no "Done" column (done=False): nothing in it could be filled."""
    table = Table(title=title, title_justify="left", header_style="heading")
    table.add_column("Due", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Obligation")
    if done:
        table.add_column("Done", no_wrap=True)
    for row in rows:
        style = _style(row)
        status = row["status"]
        if status == "met-late":
            late = (_date(row["met_on"]) - _date(row["due"])).days
            status = f"met {late}d late"
        elif status == "overdue":
            status = f"overdue, {-row['days']}d late"
        elif status == "due":
            status = "due today" if row["days"] == 0 else f"due in {row['days']}d"
        cells = [Text(row["due"], style=style), Text(status, style=style),
                 Text(row["title"]) + Text(f"  {row['obligation']}", style="muted")]
        if done:
            cells.append(Text(row.get("met_on") or ""))
        table.add_row(*cells)
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
            arithmetic(row["arithmetic"]),
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
            Text(_recorded(ev), style="muted"),
        )
    return table


def _recorded(ev: dict) -> str:
    """ "2026-11-29 15:48 by jsmith": when (London time, to the minute) and who recorded an event."""
    when = ev.get("recorded_at") or ""
    try:
        stamp = dt.datetime.fromisoformat(when)
    except ValueError:
        pass
    else:
        if stamp.tzinfo is not None:
            from zoneinfo import ZoneInfo

            stamp = stamp.astimezone(ZoneInfo("Europe/London"))
        when = stamp.strftime("%Y-%m-%d %H:%M")
    who = ev.get("recorded_by")
    return f"{when} by {who}" if who and when else (when or who or "")


def stack(*renderables) -> Group:
    return Group(*renderables)


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
