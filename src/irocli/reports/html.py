"""The KPI report as one self-contained HTML page: inline CSS, inline SVG charts, nothing fetched.

The same sections as the terminal tables (reports/kpi.sections), the monthly chart, and per team a
line chart of its month-by-month trend (on time, took part); every value is escaped. Part of
the output layer: reports/formats.write_private writes it, owner-only. Imports only the stdlib and reports/kpi.
"""

from __future__ import annotations

from html import escape

from irocli.reports.kpi import children_line, fmt, participation_line, reviews_line, sections, timeliness_line

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; margin: 2rem; color: #1b1b1b; }
h1 { font-size: 1.4rem; margin-bottom: .25rem; }
h2 { font-size: 1.05rem; margin: 1.6rem 0 .4rem; }
p.note { color: #444; max-width: 60rem; }
table { border-collapse: collapse; margin-bottom: .5rem; }
th, td { border: 1px solid #c8c8c8; padding: .3rem .6rem; text-align: right; }
th { background: #eef2f6; }
td:first-child, th:first-child { text-align: left; }
.band-above { color: #a30000; font-weight: bold; }  /* over the band: more children than the Handbook's 70 */
.band-below, .band-within { color: inherit; }  /* under 50 may be a part-time IRO: not a problem in itself */
svg text { font-family: inherit; font-size: 12px; fill: #1b1b1b; }
.trend { display: inline-block; margin: 0 1.5rem 1rem 0; vertical-align: top; }
.trend h3 { font-size: .95rem; margin: .2rem 0; }
.key-on-time { color: #2e7d32; font-weight: bold; }
.key-took-part { color: #1f5fa8; font-weight: bold; }
"""

# the two lines of a team's trend: key in the month rows, colour, label
_SERIES = (("percent_on_time", "#2e7d32", "on time", "on_time", "due"),
           ("percent_participated", "#1f5fa8", "took part", "participated", "aged_4_plus"))


def chart_svg(monthly: list[dict], width: int = 720, height: int = 260) -> str:
    """Monthly % of reviews held on time as an SVG bar chart (months with none due have no bar)."""
    left, bottom, top = 40, 40, 20
    plot_h = height - bottom - top
    n = max(len(monthly), 1)
    slot = (width - left - 10) / n
    bar_w = max(slot * 0.6, 2)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="Reviews held on time by month">']
    for pct in (0, 50, 100):
        y = top + plot_h * (1 - pct / 100)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#d0d0d0"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{pct}%</text>')
    for i, row in enumerate(monthly):
        x = left + i * slot + (slot - bar_w) / 2
        pct = row["percent_on_time"]
        if pct is not None:
            h = plot_h * pct / 100
            parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                         f'fill="#2e7d32"><title>{escape(row["month"])}: {pct}% '
                         f'({row["on_time"]} of {row["due"]}; {row["pending"]} pending)</title></rect>')
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h - h - 4:.1f}" '
                         f'text-anchor="middle">{pct:g}%</text>')
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" '
                     f'text-anchor="middle">{escape(row["month"])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def team_trend_svg(team: str, rows: list[dict], width: int = 420, height: int = 200) -> str:
    """One team's months (reports/kpi team_monthly rows, in order) as an SVG line chart: % of reviews due
    held on time (green) and % of reviews held in which the child took part (blue), 0-100%. A month with
    nothing to divide by has no point, and the line breaks there."""
    left, right, bottom, top = 40, 10, 36, 12
    plot_w, plot_h = width - left - right, height - bottom - top
    n = max(len(rows), 1)
    step = plot_w / n
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="Team {escape(team)}: on time and took part '
             'by month">']
    for pct in (0, 50, 100):
        y = top + plot_h * (1 - pct / 100)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#d0d0d0"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{pct}%</text>')
    label_every = max(1, round(n / 6))  # at most about six month labels
    for i, row in enumerate(rows):
        if i % label_every == 0:
            parts.append(f'<text x="{left + step * (i + .5):.1f}" y="{height - bottom + 16}" '
                         f'text-anchor="middle">{escape(row["month"])}</text>')
    for key, colour, label, part, whole in _SERIES:
        runs: list[list[str]] = [[]]
        for i, row in enumerate(rows):
            pct = row[key]
            if pct is None:
                runs.append([])
                continue
            x, y = left + step * (i + .5), top + plot_h * (1 - pct / 100)
            runs[-1].append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"><title>{escape(team)} '
                         f'{escape(row["month"])}: {label} {pct}% ({row[part]} of {row[whole]})</title></circle>')
        for run in runs:
            if len(run) > 1:
                parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(run)}"/>')
    parts.append("</svg>")
    return "".join(parts)


def team_trends(report: dict) -> str:
    """The per-team trend section: a key, then one chart per team (teams in the report's order)."""
    rows = report["team_monthly"]
    teams = list(dict.fromkeys(r["team"] for r in rows))
    out = ['<section id="team-trend"><h2>Trend by team, month by month</h2>',
           '<p class="note"><span class="key-on-time">● on time</span>: % of the reviews due that month held by '
           'their due date; <span class="key-took-part">● took part</span>: % of the reviews held that month of '
           'children aged 4 or over in which the child took part (PN1-PN6 of PN1-PN7). No point: none to count.</p>']
    if not teams:
        out.append('<p class="note">No review due or held in the period.</p>')
    for team in teams:
        out.append(f'<div class="trend"><h3>{escape(team)}</h3>'
                   f'{team_trend_svg(team, [r for r in rows if r["team"] == team])}</div>')
    out.append("</section>")
    return "\n".join(out)


def _table(columns, rows) -> str:
    head = "".join(f"<th>{escape(name)}</th>" for name, _ in columns)
    body = []
    for row in rows:
        cells = []
        for _, key in columns:
            cls = f' class="band-{escape(row[key])}"' if key == "band" else ""
            cells.append(f"<td{cls}>{escape(fmt(row[key], key))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not rows:
        body.append(f'<tr><td colspan="{len(columns)}">none</td></tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def page(report: dict, title: str) -> str:
    """The whole page as a string."""
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
           f"<h1>{escape(title)}</h1>", f'<p class="note">{escape(reviews_line(report))}</p>',
           f'<p class="note">{escape(children_line(report))}</p>',
           f'<p class="note">{escape(timeliness_line(report))}</p>',
           f'<p class="note">{escape(participation_line(report))}</p>',
           "<h2>Reviews held on time, by month</h2>", chart_svg(report["monthly"]), team_trends(report)]
    for caption, columns, rows in sections(report):
        out.append(f"<h2>{escape(caption)}</h2>")
        out.append(_table(columns, rows))
    out.append("</body></html>\n")
    return "\n".join(out)
