"""The KPI report as one self-contained HTML page: inline CSS, an inline SVG chart, nothing fetched.

The same sections as the terminal tables (reports/kpi.sections); every value is escaped. Part of
the output layer: reports/formats.write_private writes it, owner-only. Imports only the stdlib and reports/kpi.
"""

from __future__ import annotations

from html import escape

from irocli.reports.kpi import children_line, fmt, reviews_line, sections, timeliness_line

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
"""


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
           "<h2>Reviews held on time, by month</h2>", chart_svg(report["monthly"])]
    for caption, columns, rows in sections(report):
        out.append(f"<h2>{escape(caption)}</h2>")
        out.append(_table(columns, rows))
    out.append("</body></html>\n")
    return "\n".join(out)
