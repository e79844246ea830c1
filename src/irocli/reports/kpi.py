"""Management KPIs over a period: review and task timeliness, caseloads, escalations, and the figures
inspectors ask for (visits, health assessments, SDQs, PEPs in time, the IRO told of placements: the
profile's [kpi.groups], see `timeliness`).

Pure over (child, events) pairs and a profile: the caller passes the caseload in, plain dicts come
out (JSON as is; CSV and the table are views of the same dict). Imports the engine and domain only;
reports/render.kpi_report and reports/html.page draw it.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable

from irocli.domain import EPISODE_END_KINDS, Event, Status, allocation_history, iro_on
from irocli.engine import REVIEW_TYPES, derive
from irocli.reports.escalations import known_escalations, stage_counts

CSV_FIELDS = ("section", "key", "measure", "value")


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def year_start(day: dt.date) -> dt.date:
    """1 April of the reporting year (April to March, as SSDA903) that holds `day`."""
    return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def period_start(end: dt.date, start: dt.date | None = None) -> dt.date:
    """The period's first day: ``start``, or 1 April of the reporting year holding ``end``.
    FieldError (fields to, from) when ``end`` is before it."""
    from irocli.errors import FieldError

    start = year_start(end) if start is None else start
    if end < start:
        raise FieldError(f"{{to}} {end} is before {{from_}} {start}")
    return start


def _months(start: dt.date, end: dt.date) -> list[str]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def episodes(events: Iterable[Event], until: dt.date) -> list[tuple[dt.date, dt.date | None]]:
    """(entered, left) for each episode of care known by `until`; left is None while still in care.

    The day a child leaves care is not a day looked after (the episode is [entered, left)).
    """
    out: list[tuple[dt.date, dt.date | None]] = []
    start: dt.date | None = None
    for e in sorted((e for e in events if e.date <= until), key=lambda e: e.date):
        if e.kind == "entered-care":
            if start is not None:
                out.append((start, e.date))
            start = e.date
        elif e.kind in EPISODE_END_KINDS and start is not None:
            out.append((start, e.date))
            start = None
    if start is not None:
        out.append((start, None))
    return out


def days_looked_after(eps, start: dt.date, end: dt.date) -> int:
    """Days in [start, end] (both counted) on which the child was looked after."""
    total = 0
    for entered, left in eps:
        last = end if left is None else min(end, left - dt.timedelta(days=1))
        first = max(start, entered)
        if last >= first:
            total += (last - first).days + 1
    return total


def judge(o, as_of: dt.date) -> str:
    """What was known of one obligation on `as_of`: on_time, late, overdue or pending.

    Held (or done) on or before its due date is on time and after it late; one not done is overdue
    only when its due date is before `as_of` (a task the engine closed undone, Status.MISSED, too).
    Due on or after `as_of` and not done is pending: judged neither way, whatever its status.
    """
    if o.status is Status.MET:
        return "on_time"
    if o.status is Status.MET_LATE:
        return "late"
    return "pending" if o.due >= as_of else "overdue"


def _tally(obligations, as_of: dt.date) -> dict:
    counts = {"on_time": 0, "late": 0, "overdue": 0, "pending": 0}
    for o in obligations:
        counts[judge(o, as_of)] += 1
    return counts


def in_care_on(eps, day: dt.date) -> bool:
    """Whether ``day`` falls in one of the (entered, left) episodes (the day of leaving is not in care)."""
    return any(entered <= day and (left is None or day < left) for entered, left in eps)


def compute(caseload: Iterable[tuple], profile, start: dt.date, end: dt.date, as_of: dt.date) -> dict:
    """The KPI report for [start, end] as known on `as_of` (events dated after it are not yet known).

    `caseload` yields (child, events) pairs, whose obligations are derived here, or (child, events,
    obligations) triples with them already derived as of `as_of`, history included (compute.with_obligations).

    An obligation is "in the period" when its due date falls in [start, end]; the period may end
    after `as_of`. Each is judged by `judge`: pending ones (not yet due on `as_of`, not done) are
    counted on their own and left out of every percentage.
    """
    known_to = min(end, as_of)  # days after as_of are not known yet: nobody is in care on them
    reviews, tasks = [], []
    grouped: list = []  # every obligation due in the period that some [kpi.groups] figure may take
    children = {"looked_after_28_days": 0, "denominator": 0, "all_on_time": 0}
    per_iro: dict[str, int] = {}
    escs = []
    for child, events, *derived in caseload:
        eps = episodes(events, as_of)
        if in_care_on(eps, known_to):  # the IRO allocated that day (the allocation history), not today's
            iro = iro_on(child.iro, allocation_history(events), known_to) or "(unallocated)"
            per_iro[iro] = per_iro.get(iro, 0) + 1
        obligations = derived[0] if derived else derive(child.id, events, profile, as_of, dob=child.dob,
                                                         history=True).obligations
        mine = []
        for o in obligations:
            if not (start <= o.due <= end):
                continue
            if profile.rules[o.rule].type in REVIEW_TYPES:
                mine.append(o)
            elif o.rule.startswith("task."):
                tasks.append(o)
            if any(g.takes(o.rule) for g in profile.kpi.groups):
                grouped.append(o)
        reviews.extend(mine)
        judged = [o for o in mine if judge(o, as_of) != "pending"]
        if days_looked_after(eps, start, known_to) >= profile.kpi.min_days_looked_after:
            children["looked_after_28_days"] += 1
            if judged:
                children["denominator"] += 1
                children["all_on_time"] += all(o.status is Status.MET for o in judged)
        escs.extend(known_escalations(events, child.id, as_of))
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat(), "profile": profile.name,
                   "as_of": as_of.isoformat(), "caseload_on": known_to.isoformat()},
        "reviews": _review_summary(reviews, as_of),
        "children": {**children, "percent_all_on_time": _pct(children["all_on_time"], children["denominator"]),
                     "definition": (f"children looked after for at least {profile.kpi.min_days_looked_after} days "
                                    f"in the period up to {known_to} with a review due in it and not pending; on time "
                                    "= every such review held by its due date")},
        "tasks": _task_rows(tasks, profile, as_of),
        "timeliness": timeliness(grouped, profile, start, end, as_of),
        "caseload": [{"iro": iro, "children": n, "band": _band(n, profile.kpi.caseload_band),
                      "band_low": profile.kpi.caseload_band[0], "band_high": profile.kpi.caseload_band[1],
                      "source": profile.kpi.caseload_source}
                     for iro, n in sorted(per_iro.items())],
        "escalations": stage_counts(escs, start, end),
        "monthly": _monthly(reviews, start, end, as_of),
        # the profile's [kpi] numbers this report was measured with (england.toml cites their sources)
        "settings": {"min_days_looked_after": profile.kpi.min_days_looked_after,
                     "caseload_band_low": profile.kpi.caseload_band[0],
                     "caseload_band_high": profile.kpi.caseload_band[1],
                     "caseload_source": profile.kpi.caseload_source},
    }


def _review_summary(reviews, as_of: dt.date) -> dict:
    c = _tally(reviews, as_of)
    # days late: a review held late by (held - due); one still not held by (as_of - due) so far
    late = sorted([o.days_late for o in reviews if judge(o, as_of) == "late"]
                  + [(as_of - o.due).days for o in reviews if judge(o, as_of) == "overdue"])
    n = c["on_time"] + c["late"] + c["overdue"]  # the denominator: every review due and judged
    return {
        "due": n, "on_time": c["on_time"], "late": c["late"], "overdue": c["overdue"], "pending": c["pending"],
        "percent_on_time": _pct(c["on_time"], n), "percent_late": _pct(c["late"], n),
        "percent_overdue": _pct(c["overdue"], n),
        "days_late_median": statistics.median(late) if late else None, "days_late_worst": late[-1] if late else None,
        "due_in_period": n + c["pending"],
        "definition": (f"percentages of on time + late + overdue (held, or due before {as_of} and not held); "
                       f"pending (due on or after {as_of}, not held) are not counted"),
    }


def _task_rows(tasks, profile, as_of: dt.date) -> list[dict]:
    by: dict[str, list] = {}
    for o in tasks:
        by.setdefault(o.rule, []).append(o)
    rows = []
    for rule_id in sorted(by):
        c = _tally(by[rule_id], as_of)
        n = c["on_time"] + c["late"] + c["overdue"]
        rows.append({"task": rule_id, "title": profile.rules[rule_id].title, "due": n, "on_time": c["on_time"],
                     "late": c["late"], "missed_or_overdue": c["overdue"],
                     "percent_on_time": _pct(c["on_time"], n), "pending": c["pending"],
                     "due_in_period": n + c["pending"]})
    return rows


def timeliness(obligations, profile, start: dt.date, end: dt.date, as_of: dt.date) -> list[dict]:
    """One row per [kpi.groups] figure (visits, health assessments, SDQs, PEPs, the IRO told of
    placements), in the profile's order, over `obligations` already due in [start, end].

    A figure takes every obligation of a rule whose id starts with one of its prefixes. Each is judged
    by `judge` as the reviews are: on time = met on or before its due date; late = met after it; missed
    or overdue = not met and due before `as_of` (a visit or assessment missed because the placement or
    episode ended, too); pending = due on or after `as_of` and not met, shown but left out of the
    percentage. So "in time" = on time / (on time + late + missed or overdue). `rules` names the
    profile's rules the prefixes take (none: the profile has no such rule yet, and the figure is empty).
    """
    rows = []
    for group in profile.kpi.groups:
        c = _tally([o for o in obligations if group.takes(o.rule)], as_of)
        n = c["on_time"] + c["late"] + c["overdue"]
        rules = sorted(r for r in profile.rules if group.takes(r))
        prefixes = ", ".join(group.prefixes)
        rows.append({
            "group": group.name, "title": group.title, "prefixes": prefixes, "rules": ", ".join(rules),
            "due_in_period": n + c["pending"], "pending": c["pending"], "due": n, "on_time": c["on_time"],
            "late": c["late"], "missed_or_overdue": c["overdue"], "percent_on_time": _pct(c["on_time"], n),
            "definition": (f"obligations of rules whose id starts with {prefixes} due {start} to {end}; in time = "
                           "met on or before the due date; late, missed, or not met and due before "
                           f"{as_of} are not in time; pending (due on or after {as_of}, not met) not counted"),
            "source": group.source,
        })
    return rows


def _band(n: int, band: tuple[int, int]) -> str:
    low, high = band
    return "below" if n < low else "above" if n > high else "within"


def _monthly(reviews, start: dt.date, end: dt.date, as_of: dt.date) -> list[dict]:
    rows = {m: {"month": m, "due": 0, "on_time": 0, "late": 0, "overdue": 0, "pending": 0}
            for m in _months(start, end)}
    for o in reviews:
        row = rows[o.due.strftime("%Y-%m")]
        verdict = judge(o, as_of)
        row[verdict] += 1
        row["due"] += verdict != "pending"
    return [{**r, "percent_on_time": _pct(r["on_time"], r["due"])} for r in rows.values()]


# ---------------------------------------------------------------------------------- views

def flat_rows(report: dict) -> list[dict]:
    """The report as (section, key, measure, value) rows: the CSV view of the same dict."""
    out = []

    def add(section, key, row, skip=()):
        for measure, value in row.items():
            if measure not in skip:
                out.append({"section": section, "key": key, "measure": measure, "value": value})

    add("period", "all", report["period"])
    add("reviews", "all", report["reviews"])
    add("children", "all", report["children"])
    for r in report["tasks"]:
        add("tasks", r["task"], r, skip=("task",))
    for r in report["timeliness"]:
        add("timeliness", r["group"], r, skip=("group",))
    for r in report["caseload"]:
        add("caseload", r["iro"], r, skip=("iro",))
    for r in report["escalations"]:
        add("escalations", r["stage"], r, skip=("stage",))
    for r in report["monthly"]:
        add("monthly", r["month"], r, skip=("month",))
    add("settings", "all", report["settings"])
    return out


def fmt(value, key: str = "") -> str:
    """A cell as people read it: percentages with %, one with nothing to divide by 'n/a', else '-'; a
    figure whose prefixes take no rule of the profile 'none in this profile'."""
    if value is None:
        return "n/a" if key.startswith("percent") else "-"
    if key == "rules" and value == "":
        return "none in this profile"
    return f"{value}%" if key.startswith("percent") else str(value)


def heading(report: dict, iro: str | None = None, team: str | None = None) -> str:
    """The title: "Review KPIs <from> to <to> (<profile>) as of <date>", then the IRO and team filters."""
    p = report["period"]
    return (f"Review KPIs {p['from']} to {p['to']} ({p['profile']}) as of {p['as_of']}"
            + (f" — {iro}" if iro else "")
            + (f" — team {team}" if team else ""))


def reviews_line(report: dict) -> str:
    """The per-review headline: on time of counted, its denominator, and the pending ones left out."""
    r = report["reviews"]
    return (f"Reviews on time: {r['on_time']} of {r['due']} ({fmt(r['percent_on_time'], 'percent')}); "
            f"denominator: on time + late + overdue = {r['on_time']} + {r['late']} + {r['overdue']}. "
            f"Pending: {r['pending']} due on or after {report['period']['as_of']} and not held, not counted.")


def children_line(report: dict) -> str:
    """The per-child headline: children whose reviews were all on time, and its definition."""
    c = report["children"]
    return (f"Children whose reviews were all on time: {c['all_on_time']} of {c['denominator']} "
            f"({fmt(c['percent_all_on_time'], 'percent')}); denominator: {c['definition']} "
            f"({c['looked_after_28_days']} looked after ≥ {report['settings']['min_days_looked_after']} days).")


def timeliness_line(report: dict) -> str:
    """The definition the figures inspectors ask for share (each row's `definition` names its prefixes)."""
    as_of = report["period"]["as_of"]
    return ("Figures in time: each counts the obligations due in the period of the rules it names (by rule id "
            "prefix); on time = met on or before the due date; met late, missed, or not met and due before "
            f"{as_of} are not in time; pending (due on or after {as_of}, not met) are not counted.")


def sections(report: dict) -> list[tuple[str, list[tuple[str, str]], list[dict]]]:
    """(caption, [(column heading, key)], rows) for each table: the terminal and HTML share them."""
    p, k = report["period"], report["settings"]
    return [
        ("Reviews due in the period (per review)",
         [("Due in period", "due_in_period"), ("Pending", "pending"), ("Counted", "due"),
          ("On time", "on_time"), ("Late", "late"), ("Overdue", "overdue"),
          ("% on time", "percent_on_time"), ("% late", "percent_late"), ("% overdue", "percent_overdue"),
          ("Days late median", "days_late_median"), ("Days late worst", "days_late_worst")],
         [report["reviews"]]),
        ("Children whose reviews were all on time (per child)",
         [(f"Looked after ≥ {k['min_days_looked_after']} days", "looked_after_28_days"), ("Denominator", "denominator"),
          ("All on time", "all_on_time"), ("% all on time", "percent_all_on_time")],
         [report["children"]]),
        ("Tasks due in the period",
         [("Task", "title"), ("Rule", "task"), ("Due in period", "due_in_period"), ("Pending", "pending"),
          ("Counted", "due"),
          ("On time", "on_time"), ("Late", "late"), ("Missed or overdue", "missed_or_overdue"),
          ("% on time", "percent_on_time")],
         report["tasks"]),
        ("Figures inspectors ask for: in time, due in the period",
         [("Figure", "title"), ("Due in period", "due_in_period"), ("Pending", "pending"), ("Counted", "due"),
          ("On time", "on_time"), ("Late", "late"), ("Missed or overdue", "missed_or_overdue"),
          ("% on time", "percent_on_time")],
         report["timeliness"]),
        ("What each figure counts",
         [("Figure", "title"), ("Rules", "rules"), ("Source", "source")],
         report["timeliness"]),
        (f"Caseload per IRO at {p['caseload_on']}",
         [("IRO", "iro"), ("Children in care", "children"),
          (f"Band {k['caseload_band_low']}–{k['caseload_band_high']}", "band"), ("Source", "source")],
         report["caseload"]),
        ("Escalations in the period, by stage",
         [("Stage", "stage"), ("Opened", "opened"), ("Escalated to", "escalated_to"), ("Resolved", "resolved")],
         report["escalations"]),
        ("Reviews by month",
         [("Month", "month"), ("Counted", "due"), ("On time", "on_time"), ("Late", "late"),
          ("Overdue", "overdue"), ("Pending", "pending"), ("% on time", "percent_on_time")],
         report["monthly"]),
    ]
