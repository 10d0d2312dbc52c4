"""Server-rendered SVG charts for the staff dashboard: no JavaScript, no external assets.

A chart draws a figure (see staff/figures.py: `title`, `slug`, `label_header`, `series`, and
`rows` of `label` plus `values`). Labels are user data (firm, sector, comune and mission names),
so every piece of markup is built with format_html, which escapes them. Each chart is an
<svg role="img"> with an aria-label and a <title>, followed by a visually-hidden table with the
same numbers, because screen readers do not read inside an image.
"""

import datetime as dt
import math
from collections.abc import Callable, Iterable

from django import template
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext

from staff.figures import Figure, Row

register = template.Library()

# The stylesheet's brand, accent, warning and success colours: AA contrast on white.
PALETTE = ("#0b5563", "#b0412e", "#8a5a00", "#1f6b33", "#5b4a8a")
# Line charts tell their series apart without colour too: a dash pattern and a marker shape each.
DASHES = ("", "7 4", "2 3", "9 3 2 3", "4 4")
INK = "#1d2733"
GRID = "#d5dbd8"
BAR_WIDTH = 520  # fits a half-width card unscaled; wide cards pass a larger width
LINE_WIDTH = 880  # line charts sit in full-width cards
FONT_SIZE = 13
CHAR_WIDTH = 7.5  # generous width of a character at FONT_SIZE, to lay out labels and legends


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def _px(value: float) -> str:
    """A coordinate for an SVG attribute (format_html escapes to text, so format it first)."""
    return f"{value:.1f}"


def _label(label: str | dt.date, fmt: str = "M Y") -> str:
    """A month as "Gen 2026" (charts) or "Gennaio 2026" (table row headers); else as text."""
    return capfirst(date_format(label, fmt)) if isinstance(label, dt.date) else str(label)


def _truncate(text: str, limit: float) -> str:
    limit = int(limit)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _join(parts: Iterable[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _svg(figure: Figure, width: int, height: int, body: Iterable[SafeString]) -> SafeString:
    description = gettext("%(title)s. I valori sono nella tabella che segue.") % {
        "title": figure.title
    }
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'role="img" aria-label="{label}" focusable="false" font-size="{size}" fill="{ink}">'
        "<title>{title}</title>{body}</svg>",
        w=width,
        h=height,
        label=description,
        size=FONT_SIZE,
        ink=INK,
        title=figure.title,
        body=_join(body),
    )


def _table(figure: Figure) -> SafeString:
    header = format_html_join("", '<th scope="col">{}</th>', ((name,) for name in figure.series))
    rows = _join(
        format_html(
            '<tr><th scope="row">{}</th>{}</tr>',
            _label(row.label, "F Y"),
            format_html_join("", "<td>{}</td>", ((_number(v),) for v in row.values)),
        )
        for row in figure.rows
    )
    return format_html(
        '<table class="visually-hidden"><caption>{}</caption><thead><tr>'
        '<th scope="col">{}</th>{}</tr></thead><tbody>{}</tbody></table>',
        figure.title,
        figure.label_header,
        header,
        rows,
    )


LEGEND_LINE = 20


def _dash(index: int) -> SafeString:
    """The stroke-dasharray attribute of a line chart's series (none for the first)."""
    pattern = DASHES[index % len(DASHES)]
    return format_html(' stroke-dasharray="{}"', pattern) if pattern else SafeString("")


def _marker(index: int, x: float, y: float, title: str = "") -> SafeString:
    """A point of series `index`: a circle, a square, then a diamond (shape, not only colour)."""
    colour = PALETTE[index % len(PALETTE)]
    tip = format_html("<title>{}</title>", title) if title else SafeString("")
    shape = index % 3
    if shape == 1:
        return format_html(
            '<rect x="{}" y="{}" width="7" height="7" fill="{}">{}</rect>',
            _px(x - 3.5),
            _px(y - 3.5),
            colour,
            tip,
        )
    if shape == 2:
        points = f"{_px(x)},{_px(y - 4.5)} {_px(x + 4.5)},{_px(y)} {_px(x)},{_px(y + 4.5)} " + (
            f"{_px(x - 4.5)},{_px(y)}"
        )
        return format_html('<polygon points="{}" fill="{}">{}</polygon>', points, colour, tip)
    return format_html(
        '<circle cx="{}" cy="{}" r="3.5" fill="{}">{}</circle>', _px(x), _px(y), colour, tip
    )


def _legend(
    series: tuple[str, ...], width: int, *, lines: bool = False
) -> tuple[list[SafeString], int]:
    """A key per series, wrapped to the chart's width; returns it and its height. For a line
    chart each key is a sample of the line as drawn (colour, dash and marker)."""
    if len(series) < 2:
        return [], 0
    parts: list[SafeString] = []
    sample = 28 if lines else 12
    x, y = 0, 2
    for index, name in enumerate(series):
        item_width = round(sample + 5 + len(name) * CHAR_WIDTH + 22)
        if x and x + item_width > width:
            x, y = 0, y + LEGEND_LINE
        colour = PALETTE[index % len(PALETTE)]
        if lines:
            key = format_html(
                '<line class="legend-line" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" '
                'stroke-width="2.5"{}/>{}',
                x,
                y + 6,
                x + sample,
                y + 6,
                colour,
                _dash(index),
                _marker(index, x + sample / 2, y + 6),
            )
        else:
            key = format_html(
                '<rect x="{}" y="{}" width="12" height="12" fill="{}"/>', x, y, colour
            )
        parts.append(
            format_html(
                '{}<text x="{}" y="{}" dominant-baseline="central">{}</text>',
                key,
                x + sample + 5,
                y + 6,
                name,
            )
        )
        x += item_width
    return parts, y + LEGEND_LINE + 8


def _figure(figure: Figure, svg: SafeString) -> SafeString:
    return format_html(
        '<figure class="chart" id="chart-{}">{}{}</figure>', figure.slug, svg, _table(figure)
    )


def _empty(figure: Figure) -> SafeString:
    return format_html(
        '<p class="chart-empty muted" id="chart-{}">{}</p>',
        figure.slug,
        gettext("Nessun dato per il periodo e il settore scelti."),
    )


@register.simple_tag
def bar_chart(figure: Figure, width: int = BAR_WIDTH) -> SafeString:
    """Horizontal bars, one group per row and one bar per series, each with its number."""
    if not figure.rows:
        return _empty(figure)
    n_series = len(figure.series)
    bar_height, bar_gap, group_gap = 18, 3, 14
    label_width, value_width = round(width * 0.36), 56
    plot_width = width - label_width - value_width
    legend, legend_height = _legend(figure.series, width)
    top = legend_height + 4
    group_height = n_series * (bar_height + bar_gap) - bar_gap
    height = top + len(figure.rows) * (group_height + group_gap) - group_gap + 4
    peak = max(max(row.values) for row in figure.rows) or 1

    body = legend
    body.append(
        format_html(
            '<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{c}"/>',
            x=label_width,
            y1=top - 2,
            y2=height - 2,
            c=INK,
        )
    )
    for group, row in enumerate(figure.rows):
        y0 = top + group * (group_height + group_gap)
        label = _label(row.label)
        body.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" dominant-baseline="central">'
                "<title>{}</title>{}</text>",
                label_width - 8,
                _px(y0 + group_height / 2),
                label,
                _truncate(label, (label_width - 16) // CHAR_WIDTH),
            )
        )
        for index, value in enumerate(row.values):
            y = y0 + index * (bar_height + bar_gap)
            length = plot_width * value / peak
            if value:
                length = max(length, 1.5)  # a small non-zero value stays visible
            body.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{} · {}: {}</title></rect>"
                    '<text x="{}" y="{}" dominant-baseline="central">{}</text>',
                    label_width + 1,
                    y,
                    _px(length),
                    bar_height,
                    PALETTE[index % len(PALETTE)],
                    label,
                    figure.series[index],
                    _number(value),
                    _px(label_width + length + 6),
                    _px(y + bar_height / 2),
                    _number(value),
                )
            )
    return _figure(figure, _svg(figure, width, height, body))


def _nice_step(raw: float) -> int:
    """The smallest of 1, 2, 5 × 10^k at least `raw` (at least 1: the values are counts)."""
    if raw <= 1:
        return 1
    magnitude: int = 10 ** math.floor(math.log10(raw))  # raw > 1: a whole power
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


def _x_labels(rows: list[Row], x_at: Callable[[int], float], y: int) -> list[SafeString]:
    """At most twelve labels under the axis; months as "Gen", with the year under the first
    month shown of each year."""
    every = math.ceil(len(rows) / 12)
    parts: list[SafeString] = []
    shown_year: int | None = None
    for index, row in enumerate(rows):
        if index % every:
            continue
        x = _px(x_at(index))
        if isinstance(row.label, dt.date):
            year = row.label.year if row.label.year != shown_year else ""
            shown_year = row.label.year
            parts.append(
                format_html(
                    '<text x="{x}" y="{y}" text-anchor="middle">{}'
                    '<tspan x="{x}" dy="15">{}</tspan></text>',
                    date_format(row.label, "M"),
                    year,
                    x=x,
                    y=y,
                )
            )
        else:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle">{}</text>',
                    x,
                    y,
                    _truncate(row.label, 10),
                )
            )
    return parts


@register.simple_tag
def line_chart(figure: Figure) -> SafeString:
    """One line per series over the rows (months), with a zero-based y axis.

    The first series is the main one (the total): it is drawn last, so it stays on top where
    the lines meet (SVG paints in document order). Each series has its dash and marker."""
    if not figure.rows:
        return _empty(figure)
    left, right, bottom = 48, 24, 44
    width = LINE_WIDTH
    body, legend_height = _legend(figure.series, width, lines=True)
    top = legend_height + 12
    height = top + 240
    plot_width, plot_height = width - left - right, height - top - bottom
    count = len(figure.rows)
    peak = max(max(row.values) for row in figure.rows)
    step = _nice_step(peak / 4)
    y_max = max(step, math.ceil(peak / step) * step)

    def x_at(index: int) -> float:
        return left + (plot_width * index / (count - 1) if count > 1 else plot_width / 2)

    def y_at(value: int) -> float:
        return top + plot_height - plot_height * value / y_max

    for tick in range(0, y_max + 1, step):
        body.append(
            format_html(
                '<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{}"/>'
                '<text x="{}" y="{y}" text-anchor="end" dominant-baseline="central">{}</text>',
                left,
                width - right,
                GRID if tick else INK,
                left - 6,
                _number(tick),
                y=_px(y_at(tick)),
            )
        )
    body.extend(_x_labels(figure.rows, x_at, height - bottom + 18))
    for index, name in reversed(list(enumerate(figure.series))):
        colour = PALETTE[index % len(PALETTE)]
        points = " ".join(
            f"{_px(x_at(i))},{_px(y_at(row.values[index]))}" for i, row in enumerate(figure.rows)
        )
        body.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"{}/>',
                points,
                colour,
                _dash(index),
            )
        )
        body.extend(
            _marker(
                index,
                x_at(i),
                y_at(row.values[index]),
                f"{_label(row.label, 'F Y')}, {name}: {_number(row.values[index])}",
            )
            for i, row in enumerate(figure.rows)
        )
    return _figure(figure, _svg(figure, width, height, body))
