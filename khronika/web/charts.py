"""The trends chart: events per month, stacked by country, as inline SVG.

Rendered on the server, so the page needs no JavaScript and the published
archive can reuse it as a static file. Every label is escaped.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from markupsafe import Markup, escape

# Colour-blind-safe (Okabe–Ito), then greys for the rest.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
OTHER = "#999999"
TOP_COUNTRIES = len(PALETTE)


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out


def trends_chart(rows: list[dict], *, event_type: str | None = None, country: str | None = None,
                 gettext: Callable[[str], str] = lambda s: s, language: str = "ru",
                 country_label: Callable[[str], str] | None = None) -> Markup:
    """Rows of {month, country, type, count} → an SVG bar chart (months on the
    x axis, one stacked bar per month, one colour per country)."""
    from khronika.geo import country_name
    label = country_label or (lambda code: country_name(code, language) or code)
    rows = [r for r in rows if (not event_type or r["type"] == event_type)
            and (not country or r["country"] == country)]
    if not rows:
        return Markup(f'<p class="empty">{escape(gettext("No dated events match."))}</p>')
    per_month: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = defaultdict(int)
    for r in rows:
        code = r["country"] or "??"
        per_month[r["month"]][code] += r["count"]
        totals[code] += r["count"]
    ranked = sorted(totals, key=lambda c: (-totals[c], c))
    shown = [c for c in ranked if c != "??"][:TOP_COUNTRIES]
    colours = {c: PALETTE[i] for i, c in enumerate(shown)}
    months = _months(min(per_month), max(per_month))
    height, bar_area, left, bottom = 260, 200, 40, 40
    step = max(6, min(28, 900 // max(1, len(months))))
    width = left + step * len(months) + 20
    peak = max(sum(v.values()) for v in per_month.values())
    scale = bar_area / peak
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="{escape(gettext("Events by month"))}">']
    for tick in sorted({0, peak // 2, peak}):
        y = height - bottom - tick * scale
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10">{tick}</text>')
    for i, month in enumerate(months):
        x = left + i * step
        y = height - bottom
        for code in shown + ["__other"]:
            if code == "__other":
                value = sum(v for c, v in per_month.get(month, {}).items() if c not in colours)
                colour, name = OTHER, gettext("other or unknown")
            else:
                value = per_month.get(month, {}).get(code, 0)
                colour, name = colours[code], label(code)
            if not value:
                continue
            h = value * scale
            y -= h
            parts.append(f'<rect x="{x + 1}" y="{y:.1f}" width="{step - 2}" height="{h:.1f}" fill="{colour}">'
                         f'<title>{escape(month)} · {escape(name)}: {value}</title></rect>')
        if month.endswith("-01") or i == 0:
            parts.append(f'<text x="{x}" y="{height - bottom + 14}" font-size="10">{escape(month[:4])}</text>')
        if len(months) <= 24 or month[5:7] in ("01", "07"):
            parts.append(f'<text x="{x + step / 2:.1f}" y="{height - bottom + 26}" font-size="8" '
                         f'text-anchor="middle">{escape(month[5:7])}</text>')
    parts.append("</svg>")
    legend = "".join(f'<li><span class="swatch" data-colour="{colours[c]}">'
                     f'<svg width="10" height="10"><rect width="10" height="10" fill="{colours[c]}"/></svg>'
                     f'</span> {escape(label(c))} ({totals[c]})</li>' for c in shown)
    rest = sum(v for c, v in totals.items() if c not in colours)
    if rest:
        legend += (f'<li><svg width="10" height="10"><rect width="10" height="10" fill="{OTHER}"/></svg> '
                   f'{escape(gettext("other or unknown"))} ({rest})</li>')
    return Markup("".join(parts) + f'<ul class="legend">{legend}</ul>')
