"""The check-up's radar chart as server-rendered SVG: no JavaScript, readable without colour.

Each axis is a dimension, labelled with its name and its score as a number; the current
check-up is a filled polygon with a solid outline and square markers, the previous one (when
there is one) a dashed outline with round markers, so the two differ by line and shape, not only
by colour. The <svg> carries a <title> and a <desc> for screen readers; the page shows the same
numbers in a table under it. Dimension names are staff text, so every piece goes through
format_html, which escapes it.
"""

import math
from collections.abc import Iterable, Sequence

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from checkup.selectors import DimensionResult

register = template.Library()

SIZE = 560
CENTRE = SIZE / 2
RADIUS = 170
LABEL_GAP = 18
INK = "#1d2733"
GRID = "#a9b4b0"
CURRENT = "#0b5563"
PREVIOUS = "#b0412e"


def _px(value: float) -> str:
    return f"{value:.1f}"


def _point(index: int, count: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count  # the first axis points up
    r = RADIUS * max(0.0, min(100.0, value)) / 100
    return CENTRE + r * math.cos(angle), CENTRE + r * math.sin(angle)


def _polygon(values: Sequence[float]) -> str:
    count = len(values)
    return " ".join(
        f"{_px(x)},{_px(y)}" for x, y in (_point(i, count, v) for i, v in enumerate(values))
    )


def _join(parts: Iterable[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _score(value: int | None) -> str:
    return "—" if value is None else str(value)


def _label(index: int, count: int, row: DimensionResult) -> SafeString:
    x, y = _point(index, count, 100)
    dx, dy = x - CENTRE, y - CENTRE
    anchor = "middle" if abs(dx) < 1 else ("start" if dx > 0 else "end")
    lx = x + LABEL_GAP * (dx / RADIUS)
    ly = y + LABEL_GAP * (dy / RADIUS) + (4 if abs(dy) < RADIUS * 0.3 else (12 if dy > 0 else -14))
    return format_html(
        '<text x="{x}" y="{y}" text-anchor="{anchor}">'
        '<tspan x="{x}">{name}</tspan><tspan x="{x}" dy="1.2em" font-weight="bold">{score}</tspan>'
        "</text>",
        x=_px(lx),
        y=_px(ly),
        anchor=anchor,
        name=row.dimension.name,
        score=_score(row.score),
    )


@register.simple_tag
def radar_chart(rows: Sequence[DimensionResult], previous: object = None) -> SafeString:
    """The radar of `rows`; `previous` (the previous check-up, or None) adds its dashed outline."""
    has_previous = bool(previous)
    count = len(rows)
    if count < 3:
        return SafeString("")
    rings = _join(
        format_html(
            '<polygon points="{}" fill="none" stroke="{}" stroke-width="1"/>',
            _polygon([level] * count),
            GRID,
        )
        for level in (25, 50, 75, 100)
    )
    spokes = _join(
        format_html(
            '<line x1="{cx}" y1="{cy}" x2="{x}" y2="{y}" stroke="{grid}" stroke-width="1"/>',
            cx=_px(CENTRE),
            cy=_px(CENTRE),
            x=_px(x),
            y=_px(y),
            grid=GRID,
        )
        for x, y in (_point(i, count, 100) for i in range(count))
    )
    ticks = _join(
        format_html(
            '<text x="{}" y="{}" font-size="11" fill="{}">{}</text>',
            _px(CENTRE + 4),
            _px(CENTRE - RADIUS * level / 100 - 2),
            INK,
            level,
        )
        for level in (50, 100)
    )
    parts = [rings, spokes, ticks]
    if has_previous:
        previous = [float(row.previous or 0) for row in rows]
        parts.append(
            format_html(
                '<polygon class="radar-previous" points="{}" fill="none" stroke="{}" '
                'stroke-width="2" stroke-dasharray="6 4"/>',
                _polygon(previous),
                PREVIOUS,
            )
        )
        parts += [
            format_html(
                '<circle cx="{}" cy="{}" r="3.5" fill="#fff" stroke="{}" stroke-width="1.5"/>',
                _px(x),
                _px(y),
                PREVIOUS,
            )
            for x, y in (_point(i, count, v) for i, v in enumerate(previous))
        ]
    current = [float(row.score or 0) for row in rows]
    parts.append(
        format_html(
            '<polygon class="radar-current" points="{}" fill="{}" fill-opacity="0.18" '
            'stroke="{}" stroke-width="2.5"/>',
            _polygon(current),
            CURRENT,
            CURRENT,
        )
    )
    parts += [
        format_html(
            '<rect x="{}" y="{}" width="7" height="7" fill="{}"/>',
            _px(x - 3.5),
            _px(y - 3.5),
            CURRENT,
        )
        for x, y in (_point(i, count, v) for i, v in enumerate(current))
    ]
    parts += [_label(i, count, row) for i, row in enumerate(rows)]
    scores = "; ".join(f"{row.dimension.name}: {_score(row.score)}" for row in rows)
    if has_previous:
        desc = gettext(
            "Punteggio da 0 a 100 per dimensione: %(scores)s. Il tratteggio mostra il check-up "
            "precedente. I valori sono anche nella tabella che segue."
        ) % {"scores": scores}
    else:
        desc = gettext(
            "Punteggio da 0 a 100 per dimensione: %(scores)s. I valori sono anche nella "
            "tabella che segue."
        ) % {"scores": scores}
    # A margin around the axes for the labels; the viewBox scales to the card's width.
    margin = 150
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x} {y} {w} {h}" width="{w}" '
        'height="{h}" role="img" aria-labelledby="radar-title radar-desc" focusable="false" '
        'font-size="13" fill="{ink}"><title id="radar-title">{title}</title>'
        '<desc id="radar-desc">{desc}</desc>{body}</svg>',
        x=-margin,
        y=-20,
        w=SIZE + 2 * margin,
        h=SIZE + 40,
        ink=INK,
        title=gettext("Il profilo di esportazione della tua impresa"),
        desc=desc,
        body=_join(parts),
    )
