"""Management KPIs over a period: review and task timeliness, caseloads, escalations, the figures
inspectors ask for (visits, health assessments, SDQs, PEPs in time, the IRO told of placements: the
profile's [kpi.groups], see `timeliness`), children's participation in their reviews (SSDA903 PN codes,
see `participation_row`) and each team's month-by-month trend (`compute` lists the keys).

Pure over (child, events) pairs and a profile: the caller passes the caseload in, plain dicts come
out (JSON as is; CSV and the table are views of the same dict). Imports the engine and domain only;
reports/render.kpi_report and reports/html.page draw it.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable

from irocli.domain import (
    EPISODE_END_KINDS,
    PARTICIPATED,
    PARTICIPATION,
    PARTICIPATION_CODES,
    Event,
    Status,
    allocation_history,
    iro_on,
)
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


UNALLOCATED, NO_TEAM = "(unallocated)", "(no team)"


def allocation(child, events, day: dt.date) -> tuple[str, str]:
    """(IRO, team) a child's review (or caseload) on ``day`` counts under: the IRO allocated that day by the
    allocation history in ``events`` (domain.iro_on: the iro-allocated events; the child record's IRO when they
    name none) and the team on the child record; "(unallocated)" and "(no team)" when blank. The one place the
    KPI maps a child to an IRO and a team."""
    return iro_on(child.iro, allocation_history(events), day) or UNALLOCATED, child.team or NO_TEAM


def compute(caseload: Iterable[tuple], profile, start: dt.date, end: dt.date, as_of: dt.date) -> dict:
    """The KPI report for [start, end] as known on `as_of` (events dated after it are not yet known).

    `caseload` yields (child, events) pairs, whose obligations are derived here, or (child, events,
    obligations) triples with them already derived as of `as_of`, history included (compute.with_obligations).

    An obligation is "in the period" when its due date falls in [start, end]; the period may end
    after `as_of`. Each is judged by `judge`: pending ones (not yet due on `as_of`, not done) are
    counted on their own and left out of every percentage.

    Keys (JSON as is; each a dict or a list of dicts):
      period, reviews, children, tasks, timeliness, caseload, escalations, monthly, settings: as before
        (reviews due in the period, by review and by child; tasks; [kpi.groups] figures; caseload per IRO
        on `caseload_on`; escalations by stage; reviews due by month).
      participation: how children took part in the reviews held in the period (review-held events dated
        from `start` to min(`end`, `as_of`)), by their SSDA903 code (`participation_row`):
        {"all": row, "by_iro": [{"iro": name, **row}], "by_team": [{"team": name, **row}],
         "definition": text}, IROs and teams sorted by name.
      team_monthly: one row per team and month of the period (teams sorted, then months):
        {"team", "month" (YYYY-MM), "held" and the participation counts of the reviews held that month,
         "participated", "aged_4_plus", "percent_participated"; "due", "on_time", "late", "overdue",
         "pending", "percent_on_time" of the reviews due that month, as in `monthly`}.
    A review counts under the IRO and team `allocation` gives its child on the day it was held (or due).
    """
    known_to = min(end, as_of)  # days after as_of are not known yet: nobody is in care on them
    reviews, tasks = [], []
    held: list[tuple[str, str, dt.date, str | None]] = []  # (iro, team, day, code or None) of each review held
    due_by_team: list[tuple[str, object]] = []  # (team, obligation) of each review due in the period
    grouped: list = []  # every obligation due in the period that some [kpi.groups] figure may take
    children = {"looked_after_28_days": 0, "denominator": 0, "all_on_time": 0}
    per_iro: dict[str, int] = {}
    escs = []
    for child, events, *derived in caseload:
        eps = episodes(events, as_of)
        if in_care_on(eps, known_to):  # the IRO allocated that day (the allocation history), not today's
            iro = allocation(child, events, known_to)[0]
            per_iro[iro] = per_iro.get(iro, 0) + 1
        for e in events:
            if e.kind == "review-held" and start <= e.date <= known_to:
                code = _code((e.details or {}).get("participation"))
                held.append((*allocation(child, events, e.date), e.date, code))
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
        due_by_team.extend((allocation(child, events, o.due)[1], o) for o in mine)
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
        "participation": _participation(held, start, known_to),
        "team_monthly": _team_monthly(held, due_by_team, start, end, as_of),
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


def _code(value) -> str | None:
    """A stored participation detail as its PN code ("pn1" is PN1); None when there is none, or when it is
    no PN code (a value stored before imports checked it): "not recorded", never a code."""
    code = value.strip().upper() if isinstance(value, str) else None
    return code if code in PARTICIPATION else None


def participation_row(codes: Iterable[str | None]) -> dict:
    """Counts and shares of the participation codes of some reviews held (None: no code recorded).

    {"held": n, "pn0".."pn7": count of each code, "not_recorded": count with none, "percent_pn0"..
    "percent_pn7", "percent_not_recorded": each as % of held (None when none held); "participated":
    PN1-PN6, "aged_4_plus": PN1-PN7, "percent_participated": participated / aged_4_plus (None if 0)}.
    A review with no code is never counted as a code, nor in aged_4_plus.
    """
    counts = dict.fromkeys(PARTICIPATION_CODES, 0)
    missing = 0
    for code in codes:
        if code is None:
            missing += 1
        else:
            counts[code] += 1
    n = missing + sum(counts.values())
    row: dict = {"held": n, **{c.lower(): k for c, k in counts.items()}, "not_recorded": missing}
    row.update({f"percent_{c.lower()}": _pct(k, n) for c, k in counts.items()})
    row["percent_not_recorded"] = _pct(missing, n)
    took_part = sum(counts[c] for c in PARTICIPATED)
    aged_4_plus = took_part + counts["PN7"]
    return {**row, "participated": took_part, "aged_4_plus": aged_4_plus,
            "percent_participated": _pct(took_part, aged_4_plus)}


PARTICIPATION_DEFINITION = (
    "reviews held in the period by the child's SSDA903 participation code (REVIEW_CODE); participated = "
    "attended (PN1-PN4) or had their views conveyed (PN5, PN6), as a share of the reviews of children aged "
    "4 or over (PN1-PN7); PN0 (under 4) and reviews with no code recorded are in neither count")


def _participation(held, start: dt.date, known_to: dt.date) -> dict:
    by_iro: dict[str, list] = {}
    by_team: dict[str, list] = {}
    for iro, team, _, code in held:
        by_iro.setdefault(iro, []).append(code)
        by_team.setdefault(team, []).append(code)
    return {"all": participation_row(code for *_, code in held),
            "by_iro": [{"iro": iro, **participation_row(by_iro[iro])} for iro in sorted(by_iro)],
            "by_team": [{"team": team, **participation_row(by_team[team])} for team in sorted(by_team)],
            "definition": f"{PARTICIPATION_DEFINITION} (held {start} to {known_to})"}


def _team_monthly(held, due_by_team, start: dt.date, end: dt.date, as_of: dt.date) -> list[dict]:
    teams = sorted({team for _, team, _, _ in held} | {team for team, _ in due_by_team})
    rows = []
    for team in teams:
        codes: dict[str, list] = {m: [] for m in _months(start, end)}
        for _, t, day, code in held:
            if t == team:
                codes[day.strftime("%Y-%m")].append(code)
        timely = {r["month"]: r for r in _monthly([o for t, o in due_by_team if t == team], start, end, as_of)}
        for month, taken in codes.items():
            # the counts and % took part (the shares of each code are the period's, by team)
            part = {k: v for k, v in participation_row(taken).items()
                    if not k.startswith("percent_") or k == "percent_participated"}
            rows.append({"team": team, "month": month, **part,
                         **{k: v for k, v in timely[month].items() if k != "month"}})
    return rows


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
    part = report["participation"]
    add("participation", "all", {**part["all"], "definition": part["definition"]})
    for r in part["by_iro"]:
        add("participation_iro", r["iro"], r, skip=("iro",))
    for r in part["by_team"]:
        add("participation_team", r["team"], r, skip=("team",))
    for r in report["team_monthly"]:  # key: the team, a space, the month (its last 7 characters)
        add("team_monthly", f"{r['team']} {r['month']}", r, skip=("team", "month"))
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


def participation_line(report: dict) -> str:
    """The participation headline: reviews where the child took part of those of children aged 4 or over,
    and what neither count holds."""
    a = report["participation"]["all"]
    return (f"Children took part in {a['participated']} of {a['aged_4_plus']} reviews held of children aged 4 or "
            f"over ({fmt(a['percent_participated'], 'percent')}): attended (PN1-PN4) or had their views conveyed "
            f"(PN5, PN6). Not counted: {a['pn0']} under 4 (PN0), {a['not_recorded']} with no code recorded "
            f"(of {a['held']} held).")


def code_rows(row: dict) -> list[dict]:
    """A participation row (`participation_row`) as one row per code, then "not recorded": code, meaning,
    reviews, percent of the reviews held."""
    out = [{"code": c, "meaning": m, "reviews": row[c.lower()], "percent_of_held": row[f"percent_{c.lower()}"]}
           for c, m in PARTICIPATION.items()]
    return out + [{"code": "-", "meaning": "no code recorded", "reviews": row["not_recorded"],
                   "percent_of_held": row["percent_not_recorded"]}]


_CODE_COLUMNS = [(c, c.lower()) for c in PARTICIPATION_CODES] + [("None", "not_recorded"), ("Held", "held"),
                                                                     ("% took part", "percent_participated")]


def narrow_columns(columns: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """For a participation table (one column per code), the columns a narrow terminal shows instead:
    held, PN0, PN1-PN6 together, PN7, none recorded, % took part; None for any other table."""
    if columns[1:] != _CODE_COLUMNS:
        return None
    return [columns[0], ("Held", "held"), ("Under 4 PN0", "pn0"), ("Took part PN1-6", "participated"),
            ("Did not PN7", "pn7"), ("None", "not_recorded"), ("% took part", "percent_participated")]


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
        (f"Participation in reviews held {p['from']} to {min(p['to'], p['as_of'])}",
         [("Code", "code"), ("The child", "meaning"), ("Reviews", "reviews"), ("% of held", "percent_of_held")],
         code_rows(report["participation"]["all"])),
        ("Participation by IRO (None: no code recorded; % took part: PN1-PN6 of PN1-PN7)",
         [("IRO", "iro"), *_CODE_COLUMNS], report["participation"]["by_iro"]),
        ("Participation by team", [("Team", "team"), *_CODE_COLUMNS], report["participation"]["by_team"]),
        ("Reviews by team and month (held and took part: reviews held that month; on time: reviews due that month)",
         [("Team", "team"), ("Month", "month"), ("Held", "held"), ("Took part", "participated"),
          ("Aged 4+", "aged_4_plus"), ("% took part", "percent_participated"), ("Counted", "due"),
          ("On time", "on_time"), ("% on time", "percent_on_time")],
         report["team_monthly"]),
    ]
