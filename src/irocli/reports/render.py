"""The output layer's tables: every Rich renderable irocli prints, built from rows and documents.

They decide nothing about the terminal: the Console does (width, colour, NO_COLOR). Every data cell
is a Text (markup would eat "[...]"); styles are named by meaning in the one THEME. Reports compute
the rows; nothing here reads the store or applies a rule.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from irocli.domain import name_key

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
    """The themed console on stdout (or stderr): colour and width follow the terminal and NO_COLOR."""
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
                      show_iro: bool = True, show_owner: bool = True, viewer: str | None = None) -> Table:
    """Due, when, child, obligation, (IRO), (owner: who must act on it, RULES §6). A covered child (row
    ``cover``) is marked: "(cover: B)" beside its IRO, or with no IRO column "(covered by B)" in its own IRO's
    list (``viewer``, the IRO whose list it is) and "(cover for A)" in any other (the covering IRO's)."""
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
        cover = row.get("cover")  # `caseload cover`
        if cover and not show_iro:
            own = viewer is not None and name_key(viewer) == name_key(row.get("iro") or "")
            child.append(f" (covered by {cover})" if own else f" (cover for {row.get('iro') or '-'})", style="muted")
        if show_iro:
            cells.append(Text(row.get("iro") or "-") + (Text(f" (cover: {cover})", style="muted") if cover else ""))
        if show_owner:
            cells.append(Text(row.get("owner") or "-", style="" if row.get("owner") == "iro" else "muted"))
        table.add_row(*cells)
    return table


def summary_line(rows: list[dict], *, soon: bool = True, within: int | None = None) -> Text:
    """ "23 obligations for 2 children: 17 overdue, 4 due within 7 days" (the rows "today" to "in 7d");
    with `within` under 7, "due within {within} days", so the count never reaches past the rows listed.

    Without `soon` (the overdue report, where nothing is due soon) the second count is left out."""
    overdue = sum(1 for r in rows if r["status"] == "overdue")
    days = SOON_DAYS if within is None else min(SOON_DAYS, within)
    due_soon = sum(1 for r in rows if r["status"] == "due" and 0 <= r["days"] <= days)
    children = len({r["child_id"] for r in rows})
    text = Text(f"{plural(len(rows), 'obligation')} for {plural(children, 'child', 'children')}: ")
    text.append(f"{overdue} overdue", style="overdue" if overdue else "met")
    if soon:
        text.append(", ")
        text.append(f"{due_soon} due within {plural(days, 'day')}", style="due-soon" if due_soon else "muted")
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
    """Obligation, due, status, arithmetic and source: one row per reports.rows.explain_row."""
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
    """A two-column grid of (label, value); a missing value shows as "-"."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="heading")
    table.add_column()
    for key, value in pairs:
        table.add_row(Text(key), Text(value or "-"))
    return table


def events_table(events: list[dict], title: str = "Events") -> Table:
    """Id, date, kind, note, recorded: one row per reports.child.event_dict, voided ones struck through; an
    amendment's chain in the note ("amends #12", "amended by #15") and an import's batch with who recorded it."""
    table = Table(title=title, title_justify="left", header_style="heading")
    for col in ("Id", "Date", "Kind", "Note", "Recorded"):
        table.add_column(col)
    for ev in events:
        voided = ev.get("voided_at")
        style = "muted strike" if voided else ""
        note = ev.get("note") or ""
        if voided:
            note = f"VOIDED: {ev.get('void_reason') or ''}" + (f" ({note})" if note else "")
            if ev.get("amended_by"):
                note += f"; amended by #{ev['amended_by']}"
        if ev.get("amends"):
            note = f"amends #{ev['amends']}; {note}".rstrip("; ")
        if ev.get("meeting") is False:
            note = ("no meeting; " + note).rstrip("; ")
        if ev.get("details"):
            note = f"{ev['details']}; {note}".rstrip("; ")
        table.add_row(
            Text(str(ev["id"]), style=style),
            Text(ev["date"], style=style),
            Text(ev["kind"], style=style),
            Text(note, style=style),
            Text(_recorded(ev) + (f", import batch {ev['batch']}" if ev.get("batch") else ""), style="muted"),
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
    """Renderables printed one under another."""
    return Group(*renderables)


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# ------------------------------------------------------------------ the daily reports: due, overdue, explain

def due_report(rows: list[dict], *, title: str, as_of: dt.date, within: int | None, iro: str | None = None,
               team: str | None = None, owner: str | None = None, names: dict[str, str] | None = None):
    """`due` / `overdue`: the obligations table headed "Due as of …" with the filters, then the
    summary line; with no rows, the one sentence of `empty_report`. ``names``: child id → initials."""
    from irocli.domain import clean_name

    if not rows:
        return empty_report(within, as_of, iro=iro and clean_name(iro), team=team and clean_name(team), owner=owner)
    heading = (f"{title} as of {as_of}" + (f" — {clean_name(iro)}" if iro else "")
               + (f" — team {clean_name(team)}" if team else ""))
    heading += f" — owner {owner}" if owner else ""
    return stack(obligations_table(rows, title=heading, names=names, show_iro=iro is None, show_owner=owner is None,
                                   viewer=iro),
                 summary_line(rows, soon=within is not None, within=within))


def iro_table(rows: list[dict], *, as_of: dt.date, team: str | None = None):
    """`iro list`: each IRO's looked-after children against the band (its source under the table), allocated,
    covering, covered; one sentence when there is no one."""
    from irocli.domain import clean_name

    whose = f" — team {clean_name(team)}" if team else ""
    if not rows:
        return nothing(f"No IRO has children allocated as of {as_of}{whose}.")
    low, high = rows[0]["band_low"], rows[0]["band_high"]
    table = Table(title=f"IRO caseloads as of {as_of}{whose}", title_justify="left", header_style="heading")
    table.add_column("IRO")
    for column in ("Looked after", f"Band {low}–{high}", "Allocated", "Covering", "Covered"):
        table.add_column(column, justify="right")
    styles = {"below": "muted", "within": "met", "above": "overdue"}
    for r in rows:
        table.add_row(Text(r["iro"] or "(no IRO)", style="" if r["iro"] else "muted"), Text(str(r["looked_after"])),
                      Text(r["band"] or "-", style=styles.get(r["band"] or "", "")), Text(str(r["allocated"])),
                      Text(str(r["covering"]) if r["covering"] else "-"),
                      Text(str(r["covered"]) if r["covered"] else "-"))
    return stack(table, nothing(f"Band: {low} to {high} looked-after children per full-time IRO "
                                f"({rows[0]['source']})."))


def flag_lines(flags) -> list[Text]:
    """Each engine Flag as a "! rule: message" line."""
    return [Text(f"! {f.rule}: {f.message}", style="overdue") for f in flags]


def explain_report(child_id: str, profile, as_of: dt.date, rows: list[dict], flags):
    """`explain`: the explain table under its heading (or one sentence), then the child's flags."""
    heading = f"{child_id}: obligations under profile {profile.name} ({profile.title}) as of {as_of}"
    body = explain_table(rows, heading) if rows else nothing(f"{child_id} has no obligations under profile "
                                                             f"{profile.name} as of {as_of}.")
    return stack(body, *flag_lines(flags))


# ------------------------------------------------------------------ children and events

def _period(allocation: dict) -> str:
    """ "A. Khan 2025-01-08 to 2025-06-01", "B. Okafor from 2025-06-02", "C. Jones to 2025-03-31"."""
    start, end = allocation["from"], allocation["to"]
    if start and end:
        return f"{allocation['iro']} {start} to {end}"
    return f"{allocation['iro']} " + (f"from {start}" if start else f"to {end}" if end else "")


def _dob_text(dob, changed: dict | None) -> str | None:
    """ "2015-03-02 (changed 2026-11-30 by jdoe; was 2015-02-03: age milestones moved)" when the date of birth
    was changed after the child was added (reports.stewardship.dob_changed), else the date alone."""
    shown = dob.isoformat() if dob else None
    if changed is None:
        return shown
    was = f"was {changed['was']}" if changed.get("was") else "was not known"
    by = f" by {changed['by']}" if changed.get("by") else ""
    return f"{shown or 'not known'} (changed {changed['on']}{by}; {was}: age milestones moved)"


def child_page(page):
    """`child show`: details, flags, timeline, open obligations, then history (reports.child.ChildPage)."""
    c = page.child
    open_rows = [r for r in page.obligations if r["status"] in ("due", "overdue")]
    done_rows = [r for r in page.obligations if r["status"] not in ("due", "overdue")]
    parts = [
        key_values([
            ("Child", f"{c.id}  {c.name}"),
            ("Date of birth", _dob_text(c.dob, page.dob_changed)),
            ("IRO", c.iro if not page.cover else f"{c.iro}, covered by {page.cover['iro']} from "
                    f"{page.cover['from']} to {page.cover['to']}"),
            *([("IRO history", "; ".join(_period(a) for a in page.allocations))] if len(page.allocations) > 1 else []),
            ("Social worker", c.social_worker), ("Team", c.team),
            ("Profile", page.profile_name), ("As of", page.as_of.isoformat()),
        ]),
        Text(""),
        *flag_lines(page.flags),
    ]
    parts.append(events_table(page.events, "Timeline") if page.events
                 else nothing("Timeline: no events recorded."))
    parts.append(status_table(open_rows, "Open obligations", done=False) if open_rows
                 else nothing(f"Open obligations: none as of {page.as_of}."))
    parts.append(status_table(done_rows, "History (met, late, missed)") if done_rows
                 else nothing("History: nothing met, late or missed yet."))
    return stack(*parts)


def children_table(rows: list[dict], *, iro: str | None = None, team: str | None = None):
    """`child list`: id, name, date of birth, IRO, social worker, team, then the count."""
    from irocli.domain import clean_name

    whose = ", ".join(p for p in (iro and clean_name(iro), team and f"team {clean_name(team)}") if p)
    if not rows:
        return nothing(f"No children{f' for {whose}' if whose else ' in the store'}.")
    t = Table(title=f"Children{f' for {whose}' if whose else ''}", title_justify="left", header_style="heading")
    for col in ("Id", "Name", "Date of birth", "IRO", "Social worker", "Team"):
        t.add_column(col)
    for r in rows:
        t.add_row(*(Text(r[k] or "-") for k in ("id", "name", "dob", "iro", "social_worker", "team")))
    return stack(t, Text(plural(len(rows), "child", "children")))


def event_list(rows: list[dict], child_id: str):
    """`event list`: the events table, or one sentence when there are none."""
    return events_table(rows, f"Events for {child_id}") if rows else nothing(f"No events recorded for {child_id}.")


def event_kinds(rows: list[dict]) -> Table:
    """`event kinds`: each kind and what it means."""
    t = Table(header_style="bold")
    t.add_column("Kind")
    t.add_column("Meaning")
    for r in rows:
        meaning = f"{r['meaning']}\nDetails (--detail NAME=VALUE): {r['details']}" if r["details"] else r["meaning"]
        t.add_row(Text(r["kind"]), Text(meaning))
    return t


# ------------------------------------------------------------------ plan

def review_plan(plan):
    """`plan`: the open review and the planned day, the tasks before it (too late marked) and after it."""
    due = plan.open_review["due"]
    timing = "in time" if plan.in_time else \
        f"{(plan.review_on - dt.date.fromisoformat(due)).days} days after the due date"
    parts = [
        key_values([
            ("Child", f"{plan.child.id} {plan.child.initials}".strip()),
            ("Profile", plan.profile_name), ("As of", plan.as_of.isoformat()),
            ("Open review", f"{plan.open_review['title']} ({plan.open_review['obligation']}) due {due}"),
            ("Review on", f"{plan.review_on.isoformat()} ({timing}; {plan.basis})"),
        ]),
        Text(""),
    ]
    if plan.review_on < plan.as_of:
        parts.append(Text(f"! {plan.review_on} is before {plan.as_of}: that date has passed", style="overdue"))
    parts.extend(flag_lines(plan.flags))
    parts.append(_plan_table(f"Before the review (counted back from {plan.review_on})", plan.before, _before_state))
    parts.append(_plan_table(f"After a review held on {plan.review_on}", plan.after, _after_state))
    n = len(plan.too_late)
    if n:
        line = f"{plural(n, 'task')} before the review {'is' if n == 1 else 'are'} already too late."
    else:
        line = "Every task before the review can still be done in time."
    parts.append(Text(line, style="overdue" if n else "met"))
    return stack(*parts)


def _plan_table(title: str, rows: list[dict], state) -> Table:
    t = Table(title=title, title_justify="left", header_style="heading")
    for col in ("Due", "State", "Obligation", "Arithmetic"):
        t.add_column(col, no_wrap=col in ("Due", "State"))
    for row in rows:
        label, style = state(row)
        sums = arithmetic(row["arithmetic"])
        sums.stylize("muted")
        t.add_row(Text(row["due"], style=style), Text(label, style=style),
                  Text(row["title"]) + Text(f"  {row['obligation']}", style="muted"), sums)
    return t


def _before_state(row: dict) -> tuple[str, str]:
    if row["too_late"]:
        return f"too late ({-row['days']}d ago)", "overdue"
    if row["status"] in ("met", "met-late"):
        return f"done {row['met_on']}", "met"
    soon = "due-soon" if is_soon(row["days"]) else "due"
    return ("today" if row["days"] == 0 else f"in {row['days']}d"), soon


def _after_state(row: dict) -> tuple[str, str]:
    if row["status"] in ("met", "met-late"):
        return f"done {row['met_on']}", "met"
    return f"in {row['days']}d" if row["days"] >= 0 else f"{-row['days']}d ago", "due"


# ------------------------------------------------------------------ escalations

def escalations_table(rows: list[dict], title: str) -> Table:
    """`escalation list` and `clinic`: id, child, stage, days at it, response due, status, reason, IRO."""
    t = Table(title=title, title_justify="left", header_style="heading")
    # ids and dates are never cut short (an IRO acts on them); words wrap on a narrow terminal
    widths = {"Id": max([2] + [len(str(r["escalation_id"])) for r in rows]),
              "Child": max([5] + [len(r["child_id"]) for r in rows]), "Response due": 10,
              "Stage": max([5] + [len(r["stage"]) for r in rows]),
              "Reason": max([6] + [len(r["reason"]) for r in rows])}
    statuses = [r.get("clinic") or {"resolved": f"resolved {r['resolved']}", "cafcass": "referred to Cafcass",
                                    "overdue": "response overdue"}.get(r["status"], r["status"]) for r in rows]
    words = {"Days at stage": 5, "Status": max([6] + [len(w) for text in statuses for w in text.split()])}
    for col in ("Id", "Child", "Stage", "Days at stage", "Response due", "Status", "Reason", "IRO"):
        t.add_column(col, no_wrap=col in widths, min_width=widths.get(col, words.get(col)))
    for r, status in zip(rows, statuses, strict=True):
        style = {"overdue": "overdue", "resolved": "met", "cafcass": "met-late"}.get(r["status"], "")
        t.add_row(Text(str(r["escalation_id"])), Text(r["child_id"]), Text(r["stage"]), Text(str(r["days_at_stage"])),
                  Text(r["response_due"] or "-", style=style), Text(status, style=style),
                  Text(r["reason"]), Text(r["iro"] or "-"))
    return t


def escalation_list(rows: list[dict], as_of: dt.date, *, open_only: bool, iro: str | None = None,
                    team: str | None = None):
    """`escalation list`: the table headed with the filters, or one sentence when there are none."""
    from irocli.domain import clean_name

    whose = ", ".join(p for p in (iro and clean_name(iro), team and f"team {clean_name(team)}") if p)
    whose = f" for {whose}" if whose else ""
    if rows:
        return escalations_table(rows, f"Escalations{whose} as of {as_of}")
    return nothing(f"No {'open ' if open_only else ''}escalations{whose} as of {as_of}.")


def clinic(rows: list[dict], start: dt.date, end: dt.date):
    """`escalation clinic` for the week [start, end] (Monday to Sunday)."""
    if rows:
        return escalations_table(rows, f"Clinic, week {start} to {end}")
    return nothing(f"Nothing for the clinic in the week {start} to {end}: no escalation open or resolved that week.")


def escalation_page(data: dict):
    """`escalation show` as an IRO reads it: who, why, where it stands, then each stage's dates.

    ``data``: reports.escalations.show_document (the list row plus impact, actions, discussion,
    cafcass and stages)."""
    due, days = data["response_due"], data["days"]
    responded = data["stages"][-1]["responded"]  # the current stage's
    if responded is not None:
        response = f"received {responded}"
    elif due is None:
        response = "no time limit at this stage"
    elif days is None:  # resolved before any response
        response = f"was due {due}; none recorded"
    elif days < 0:
        response = f"due {due}: {plural(-days, 'day')} late"
    else:
        response = f"due {due}: " + ("today" if days == 0 else f"in {plural(days, 'day')}")
    status = {"resolved": f"resolved on {data['resolved']}", "cafcass": f"referred to Cafcass on {data['cafcass']}",
              "overdue": "open, response overdue", "open": "open"}[data["status"]]
    since = f"{data['stage_started']} ({plural(data['days_at_stage'], 'day')}" + (
        ", until resolved)" if data["resolved"] else ")")
    current = next((v["title"] for v in data["stages"] if v["stage"] == data["stage"]), data["stage"])
    pairs = [
        ("Escalation", f"{data['escalation_id']} for {data['child_id']}"),
        ("IRO", data["iro"]), ("Team", data["team"]),
        ("Reason", data["reason"]), ("Opened", data["opened"]), ("Status", status),
        ("Current stage", current), ("At this stage since", since),
        (f"Response from {data['responder']}" if data["responder"] else "Response", response),
    ]
    if data["resolved"]:
        pairs.append(("Outcome", data["outcome"]))
    pairs += [("Impact on the child", data["impact"]), ("Actions requested", data["actions"]),
              ("Discussion with the social worker", data["discussion"])]
    stages = Table(title="Stages", title_justify="left", header_style="heading")
    for col in ("Stage", "Started", "Response"):
        stages.add_column(col, no_wrap=col != "Stage")
    for v in data["stages"]:
        stages.add_row(Text(v["title"]), Text(v["started"]), Text(v["responded"] or "none recorded"))
    return stack(key_values(pairs), Text(""), stages)


def themes_table(rows: list[dict], month: str, fields: tuple[str, ...]) -> Table:
    """`escalation themes`: one column per field ("stage_1" headed "Stage 1"), blank where a row has none."""
    t = Table(title=f"Themes, {month}", title_justify="left", header_style="bold")
    for f in fields:
        t.add_column(f.replace("_", " ").capitalize())
    for r in rows:
        t.add_row(*(Text(str(r.get(f, "")) if r.get(f) is not None else "") for f in fields))
    return t


# ------------------------------------------------------------------ other reports

def discrepancies_table(rows: list[dict], profile_name: str, as_of: dt.date, *, iro: str | None = None,
                        team: str | None = None):
    """`report discrepancies`: case-system v irocli review due dates, days = system − irocli."""
    title = (f"Review due dates: case system v irocli ({profile_name}) as of {as_of}"
             + (f" — {iro}" if iro else "") + (f" — team {team}" if team else ""))
    if not rows:
        return nothing(f"{title}: no differences (every case-system review due date on record matches irocli's, "
                       "or none has been imported).")
    grid = Table(title=title, title_justify="left", header_style="heading")
    for name in ("Child", "System due", "irocli due", "Days", "Rule"):
        grid.add_column(name, no_wrap=True)
    grid.add_column("Arithmetic (source)")
    for row in rows:
        days = row["difference_days"]
        grid.add_row(
            Text(row["child_id"]),
            Text(row["system_due"]),
            Text(row["irocli_due"]),
            Text(f"{days:+d}", style="overdue" if days > 0 else "due"),
            Text(row["obligation"]),
            Text(row["arithmetic"]) + Text(f" ({row['source']})", style="muted"),
        )
    later = sum(1 for r in rows if r["difference_days"] > 0)
    summary = Text(f"{plural(len(rows), 'child', 'children')} whose dates differ; the case system's is the later "
                   f"for {later}. Days = system due − irocli due.")
    return stack(grid, summary)


_KPI_KEYS = ("task", "iro", "stage", "month", "due_in_period", "looked_after_28_days", "code", "pn0", "pn1", "pn2",
             "pn3", "pn4", "pn5", "pn6", "pn7")


def kpi_report(report: dict, title: str):
    """`report kpi`: the four headline lines, every section of reports.kpi.sections as a table, then
    the monthly bar chart and the per-team trend."""
    from irocli.reports.kpi import (
        children_line,
        narrow_columns,
        participation_line,
        reviews_line,
        sections,
        timeliness_line,
    )

    parts = [Text(title, style="heading"), Text(reviews_line(report)), Text(children_line(report)),
             Text(timeliness_line(report)), Text(participation_line(report))]
    for caption, columns, rows in sections(report):
        if not rows:
            parts.append(Text(f"{caption}: none.", style="muted"))
            continue
        narrow = narrow_columns(columns)
        table = _kpi_table(caption, columns, rows)
        # one column per participation code is too wide for 80 columns: PN1-PN6 then show as one
        parts.append(table if narrow is None else _Widest(table, _kpi_table(caption, narrow, rows)))
    parts.append(kpi_bar_chart(report))
    parts.append(kpi_team_trend(report))
    return stack(*parts)


def _kpi_table(caption: str, columns: list[tuple[str, str]], rows: list[dict]) -> Table:
    from irocli.reports.kpi import fmt

    t = Table(title=caption, title_justify="left", header_style="heading")
    for name, key in columns:
        # keys stay whole; titles and headers of figures may wrap; a rule id too long for its column folds
        t.add_column(name, no_wrap=key in _KPI_KEYS, overflow="fold" if key == "rules" else "ellipsis")
    for row in rows:
        # over the band is the problem; under it (a part-time IRO, a small service) is not
        t.add_row(*(Text(fmt(row[key], key), style="overdue" if key == "band" and row[key] == "above" else "")
                    for _, key in columns))
    return t


class _Widest:
    """``wide`` where the console holds it at its natural width, else ``narrow``."""

    def __init__(self, wide, narrow) -> None:
        self.wide, self.narrow = wide, narrow

    def __rich_console__(self, console, options):
        natural = console.measure(self.wide, options=options.update_width(10_000)).maximum
        yield self.wide if natural <= options.max_width else self.narrow


def kpi_bar_chart(report: dict, width: int = 40) -> Table:
    """Monthly % of reviews held on time as plain block bars ``width`` characters long."""
    from irocli.reports.kpi import fmt

    grid = Table(title="Reviews held on time, by month", title_justify="left", header_style="heading",
                 box=None, show_header=False)
    grid.add_column("Month", no_wrap=True)
    grid.add_column("Bar", no_wrap=True)
    grid.add_column("%", no_wrap=True, justify="right")
    grid.add_column("n", no_wrap=True)
    for row in report["monthly"]:
        pct = row["percent_on_time"]
        filled = round(width * pct / 100) if pct is not None else 0
        bar = Text("█" * filled, style="met") + Text("░" * (width - filled), style="muted")
        grid.add_row(Text(row["month"]), bar, Text(fmt(pct, "percent")),
                     Text(f"{row['on_time']}/{row['due']} on time"
                          + (f", {row['pending']} pending" if row["pending"] else ""))
                     if row["due"] else Text("none due" + (f", {row['pending']} pending" if row["pending"] else ""),
                                             style="muted"))
    return grid


SPARKS = "▁▂▃▄▅▆▇█"


def spark(pct: float | None) -> Text:
    """One month of a trend: ▁ (0–6%) to █ (94–100%) in eighths of 100%, · when there is nothing to divide by."""
    if pct is None:
        return Text("·", style="muted")
    return Text(SPARKS[min(int(pct * len(SPARKS) / 100), len(SPARKS) - 1)], style="met")


def kpi_team_trend(report: dict):
    """Per team, month by month: % of reviews due that month held on time and % of reviews held that
    month of children aged 4+ in which the child took part, as sparklines (one character a month, the
    first month on the left), then the period's counts. 80 columns hold a year (12 characters each)."""
    rows = report["team_monthly"]
    months = list(dict.fromkeys(r["month"] for r in rows))
    caption = "Trend by team, month by month"
    if not months:
        return Text(f"{caption}: no review due or held in the period.", style="muted")
    grid = Table(header_style="heading", box=None)
    grid.add_column("Team", overflow="fold")
    grid.add_column("On time", no_wrap=True)
    grid.add_column("", no_wrap=True, justify="right")
    grid.add_column("Took part", no_wrap=True)
    grid.add_column("", no_wrap=True, justify="right")
    for team in dict.fromkeys(r["team"] for r in rows):
        mine = [r for r in rows if r["team"] == team]
        on_time, due = sum(r["on_time"] for r in mine), sum(r["due"] for r in mine)
        took, aged = sum(r["participated"] for r in mine), sum(r["aged_4_plus"] for r in mine)
        grid.add_row(Text(team), Text("").join(spark(r["percent_on_time"]) for r in mine), Text(f"{on_time}/{due}"),
                     Text("").join(spark(r["percent_participated"]) for r in mine), Text(f"{took}/{aged}"))
    return stack(Text(f"{caption}, {months[0]} to {months[-1]}", style="heading"),
                 Text("On time: % of the reviews due that month held by their due date; took part: % of the reviews "
                      "held that month of children aged 4+ coded PN1-PN6. ▁ 0% … █ 100%; · none to count.",
                      style="muted"), grid)


def findings_table(findings: list[dict], where: str) -> Table:
    """`db check`: check, child, event, detail for each problem found in the store at ``where``."""
    grid = Table(title=f"Problems found in {where}", title_justify="left", header_style="heading")
    for column in ("Check", "Child", "Event", "Detail"):
        grid.add_column(column, no_wrap=column != "Detail")
    for row in findings:
        grid.add_row(Text(row["check"]), Text(row["child_id"] or "-"), Text(str(row["event_id"] or "-")),
                     Text(row["detail"]))
    return grid


def closed_days(rows: list[dict], year: int, profile_name: str, version: str):
    """`holidays`: a heading line, date/day/name/source of each closed weekday, then the package line."""
    out = Table(header_style="heading")
    for column in ("Date", "Day", "Name", "Source"):
        out.add_column(column, no_wrap=column != "Name")
    for row in rows:
        out.add_row(*(Text(row[k]) for k in ("date", "weekday", "name", "source")))
    # Heading and footer as lines of their own: a table title would wrap to the table's width.
    return stack(Text(f"Days closed in {year} under profile {profile_name} (weekends not listed)", style="heading"),
                 out, Text(version, style="muted"))


# ------------------------------------------------------------------ profiles

def profiles_table(rows: list[dict]) -> Table:
    """`profile list`: name, title, files (rows of reports.profiles.profile_rows)."""
    from irocli.reports.profiles import shown

    out = Table(header_style="heading")
    for column in ("Name", "Title", "Files"):
        out.add_column(column, no_wrap=column != "Title")
    for row in rows:
        out.add_row(Text(row["name"]), Text(row["title"]), Text(shown(row["files"])))
    return out


def rule_keys(name: str, rule_id: str, rows: list[dict], what: str = "Rule"):
    """`profile show NAME RULE`: each key of the rule (or setting, ``what``), its value and its file."""
    from irocli.reports.profiles import shown

    out = Table(header_style="heading")
    for column in ("Key", "Value", "From"):
        out.add_column(column, no_wrap=column != "Value")
    for row in rows:
        out.add_row(Text(row["key"]), Text(shown(row["value"])), Text(row["from"]))
    return stack(Text(f"{what} {rule_id} of profile {name}", style="heading"), out)


def profile_rules(doc: dict):
    """`profile show NAME`: every merged rule's id, type, title, offset (or "disabled") and files."""
    from irocli.reports.profiles import shown

    out = Table(header_style="heading")
    for column in ("Rule", "Type", "Title", "Offset", "Files"):  # on a narrow console the title wraps first
        out.add_column(column, overflow="fold")
    for row in doc["rules"]:
        out.add_row(Text(row["id"]), Text(str(row["type"])), Text(str(row["title"])),
                    Text(shown(row["offset"]) if row["enabled"] else "disabled"), Text("\n".join(row["files"])))
    return stack(Text(f"Profile {doc['name']}: {doc['title']} ({' over '.join(doc['files'])})", style="heading"),
                 out)


# ------------------------------------------------------------------ e-mail

UNALLOCATED = "(no IRO)"


def counts_tables(rows: list[dict]) -> list[Table]:
    """The manager's counts: by IRO and by obligation, overdue and due."""
    tables = []
    for title, column, key in (("By IRO", "IRO", lambda r: r.get("iro") or UNALLOCATED),
                               ("By obligation", "Obligation", lambda r: f"{r['title']}  {r['obligation']}")):
        overdue = Counter(key(r) for r in rows if r["status"] == "overdue")
        due = Counter(key(r) for r in rows if r["status"] != "overdue")
        table = Table(title=title, title_justify="left", header_style="heading")
        table.add_column(column)
        table.add_column("Overdue", justify="right")
        table.add_column("Due", justify="right")
        for label in sorted(set(overdue) | set(due), key=lambda k: (-overdue[k], -due[k], k)):
            table.add_row(Text(label), Text(str(overdue[label]), style="overdue" if overdue[label] else ""),
                          Text(str(due[label])))
        tables.append(table)
    return tables


# ------------------------------------------------------------------ the caseload

# Headers of the caseload's two-line columns: the first line's value, then the second's.
CHILD_IRO = "Child\nIRO"  # the child's id and initials, then the IRO (when the caseload is not one IRO's)
REVIEW_BOOKED = "Review due\nbooked"  # the open review's due date, then the day it is booked for
VISIT_CONTACT = "Visit\ncontact"  # the last IRO visit, then a later contact


def caseload_table(rows: list[dict], as_of: dt.date, *, iro: str | None = None, team: str | None = None):
    """`irocli caseload`: one row per child (reports/caseload.py's rows, in their order) under a heading with the
    filters, then how many children; one sentence when there are none. Dates sit in columns of their own, never
    wrapped; a second line holds a booking, a contact later than the last visit and the count of tasks overdue.
    Light rules and narrow columns: one child to a row (two lines at most) at 120 columns, whole words and dates
    at 80. The IRO under each child only when the caseload is not one IRO's."""
    from rich import box

    from irocli.domain import clean_name

    whose = ", ".join(p for p in (iro and clean_name(iro), team and f"team {clean_name(team)}") if p)
    whose = f" for {whose}" if whose else ""
    if not rows:
        return nothing(f"No children on the caseload{whose} as of {as_of}.")
    t = Table(title=f"Caseload{whose} as of {as_of}", title_justify="left", header_style="heading",
              box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0))
    for header in ("Child" if iro else CHILD_IRO, REVIEW_BOOKED, "When", "Yours", "To chase", VISIT_CONTACT,
                   "Esc., CP", "Problems"):
        dated = header in (REVIEW_BOOKED, VISIT_CONTACT)
        t.add_column(header, width=10 if dated else None, no_wrap=dated, overflow="fold",
                     max_width=10 if header in ("Esc., CP", "Problems") else None)
    for r in rows:
        child = Text(r["child_id"]) + Text(f" {r['initials']}", style="muted")
        if iro is None:
            child.append(f"\n{r['iro'] or 'no IRO'}")
            if r.get("cover"):
                child.append(f" (cover: {r['cover']})", style="muted")
        elif r.get("cover"):  # `caseload cover`: in the allocated IRO's list, or in the covering IRO's
            own = name_key(iro) == name_key(r.get("iro") or "")
            child.append(f"\n(covered by {r['cover']})" if own else f"\n(cover for {r.get('iro') or '-'})",
                         style="muted")
        t.add_row(child, *_review_cells(r), _count_cell(r["own"], r["own_overdue"]),
                  _count_cell(r["to_chase"], r["to_chase_overdue"]), _contact_cell(r), _escalation_cp_cell(r),
                  Text(", ".join(r["problems"]) or "-", style="overdue" if r["problems"] else ""))
    return stack(t, Text(plural(len(rows), "child", "children")))


def _review_cells(row: dict) -> tuple[Text, Text]:
    """The open review's due date (and on a second line the day it is booked for), and how far off the due date is
    ("12d late", "today", "in 5d"); "-" twice for no open review."""
    days = row["review_days"]
    if days is None:
        return Text("-"), Text("-")
    when = {"status": "overdue" if days < 0 else "due", "days": days}
    due = Text(row["review_due"], style=_style(when))
    if row["review_booked"]:
        due.append(f"\n{row['review_booked']}")
    return due, _days_text(when)


def _count_cell(count: int, overdue: int) -> Text:
    """How many are outstanding, then "2 late" on a line of its own (overdue style) when any are."""
    text = Text(str(count))
    if overdue:
        text.append(f"\n{overdue} late", style="overdue")
    return text


def _contact_cell(row: dict) -> Text:
    """The last IRO visit's date, then the last contact's on a second line when it is later (a visit is a contact
    too: the same day is not repeated); "no visit" above the contact when there was none; "-" for neither."""
    visit, contact = row["last_visit"], row["last_contact"]
    if contact is None:
        return Text("-")
    if visit is None:
        return Text(f"no visit\n{contact}")
    return Text(visit if contact == visit else f"{visit}\n{contact}")


def _escalation_cp_cell(row: dict) -> Text:
    """The furthest stage the open escalations reached ("stage 2", "informal"; "(of 3)" after it with three open),
    then the child protection status ("CP plan", "ICPC awaited") on a line of its own; "-" for neither."""
    lines = []
    stage, count = row["escalation_stage"], row["escalations_open"]
    if stage is not None:
        lines.append((stage if stage == "informal" else f"stage {stage}") + (f" (of {count})" if count > 1 else ""))
    if row["cp_status"] != "none":
        lines.append(row["cp_status"])
    return Text("\n".join(lines) or "-")


# ------------------------------------------------------------------ import history

def batches_table(rows: list[dict]):
    """`import history`: one row per import batch (reports.batches.batch_rows), undone ones struck through; or one
    sentence when there is none."""
    if not rows:
        return nothing("No import has been recorded in this store.")
    table = Table(title="Import batches", title_justify="left", header_style="heading")
    for col in ("Batch", "Imported", "Kind", "Files", "Children", "Events", "Undone"):
        table.add_column(col)
    for row in rows:
        style = "muted strike" if row["undone_at"] else ""
        kind = row["kind"] + (f" ({row['map']})" if row["map"] else "")
        undone = ""
        if row["undone_at"]:
            undone = _recorded({"recorded_at": row["undone_at"], "recorded_by": row["undone_by"]})
            undone += f": {row['undo_reason']}" if row["undo_reason"] else ""
        table.add_row(
            Text(str(row["batch"]), style=style),
            Text(_recorded({"recorded_at": row["recorded_at"], "recorded_by": row["recorded_by"]}), style="muted"),
            Text(kind, style=style),
            Text(row["files"].replace("; ", "\n"), style=style),
            Text(f"{row['children_added']:,} added, {row['children_updated']:,} updated", style=style),
            Text(f"{row['events_added']:,} added, {row['events_updated']:,} updated", style=style),
            Text(undone, style="muted"),
        )
    return table


# ------------------------------------------------------------------ stewardship: history and audit

def _london_minute(iso: str) -> str:
    """ "2026-11-30T06:18:21Z" as London time to the minute: "2026-11-30 06:18"."""
    from zoneinfo import ZoneInfo

    stamp = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return stamp.astimezone(ZoneInfo("Europe/London")).strftime("%Y-%m-%d %H:%M")


def child_history(rows: list[dict], child_id: str):
    """`child history`: when (London time), who, field, old → new, via (with the import batch), oldest first."""
    if not rows:
        return nothing(f"No changes recorded for {child_id} (history starts at schema revision 0007).")
    t = Table(title=f"History of {child_id} (times are London time)", title_justify="left", header_style="heading")
    for col in ("When", "Who", "Field", "Change", "Via"):
        t.add_column(col)
    for r in rows:
        change = "added" if r["field"] == "added" else f"{r['old'] or '-'} → {r['new'] or '-'}"
        via = r["via"] + (f" (batch {r['batch']})" if r.get("batch") is not None else "")
        t.add_row(Text(_london_minute(r["at"])), Text(r["by"] or "-"), Text(r["field"].replace("_", " ")),
                  Text(change), Text(via))
    return stack(t, Text(plural(len(rows), "change")))


def audit_table(rows: list[dict], start: dt.date, end: dt.date):
    """`db audit`: at (UTC), who, action, child, event, batch, detail; the window's London days in the title."""
    days = f"{start}" if start == end else f"{start} to {end}"
    if not rows:
        return nothing(f"No writes recorded on {days} (London days).")
    t = Table(title=f"Writes on {days} (London days; times UTC)", title_justify="left", header_style="heading")
    t.add_column("At (UTC)", no_wrap=True)
    for col in ("Who", "Action", "Child", "Event", "Batch", "Detail"):
        t.add_column(col)
    for r in rows:
        t.add_row(*(Text("-" if r[k] is None else str(r[k]))
                    for k in ("at", "who", "action", "child", "event", "batch", "detail")))
    return stack(t, Text(plural(len(rows), "write")))
