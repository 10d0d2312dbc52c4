"""The check-up's radar chart as server-rendered SVG: no JavaScript, readable without colour.

Each axis is a dimension, labelled with its name and its score as a number; the current
check-up is a filled polygon with a solid outline and square markers, the previous one (when
there is one) a dashed outline with round markers, so the two differ by line and shape, not only
by colour. The <svg> carries a <title> and a <desc> for screen readers; the page shows the same
numbers in a table under it. Dimension names are staff text, so every piece goes through
format_html, which escapes it.
"""

import hashlib
import math
from collections.abc import Iterable, Sequence

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from checkup.selectors import DimensionResult
from core.fragment_cache import fragments

register = template.Library()

# Drawn around (0, 0); the viewBox frames the axes and their labels. Small enough that the
# labels stay legible when a phone scales the chart down to its width.
RADIUS = 105
CENTRE = 0.0
LABEL_GAP = 14
LABEL_CHARS = 12  # a label wraps after about this many characters
MARGIN_X = 140  # room for a wrapped label beside the horizontal axes
MARGIN_Y = 66  # room for a label (and its score) above and below
FONT_SIZE = 15
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


def _wrap(text: str) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= LABEL_CHARS:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _label(index: int, count: int, row: DimensionResult) -> SafeString:
    """The axis's name (wrapped) and, in bold under it, its score as a number."""
    x, y = _point(index, count, 100)
    dx, dy = x - CENTRE, y - CENTRE
    anchor = "middle" if abs(dx) < 1 else ("start" if dx > 0 else "end")
    lines = [*_wrap(str(row.dimension.name)), None]  # None: the score's line
    line_height = FONT_SIZE * 1.15
    lx = x + LABEL_GAP * (dx / RADIUS)
    if dy < -RADIUS * 0.3:  # above the chart: the block ends just over the axis's tip
        top = y - LABEL_GAP - line_height * (len(lines) - 1)
    elif dy > RADIUS * 0.3:  # below: it starts just under it
        top = y + LABEL_GAP + FONT_SIZE * 0.8
    else:  # beside: centred on the axis
        top = y - line_height * (len(lines) - 1) / 2 + FONT_SIZE * 0.35
    spans = _join(
        format_html('<tspan x="{}" dy="{}">{}</tspan>', _px(lx), "0" if i == 0 else "1.15em", line)
        if line is not None
        else format_html(
            '<tspan x="{}" dy="1.15em" font-weight="bold">{}</tspan>', _px(lx), _score(row.score)
        )
        for i, line in enumerate(lines)
    )
    return format_html(
        '<text x="{}" y="{}" text-anchor="{}">{}</text>', _px(lx), _px(top), anchor, spans
    )


@register.simple_tag
def radar_chart(rows: Sequence[DimensionResult], previous: object = None) -> SafeString:
    """The radar of `rows`; `previous` (the previous check-up, or None) adds its dashed outline.

    Kept in the fragment cache under everything it is drawn from (the language, the names and
    the scores), so it needs no invalidation: a result page draws it once (about a fifth of the
    page's rendering) and reads it afterwards."""
    has_previous = bool(previous)
    drawn_from = (
        get_language(),
        has_previous,
        [(str(row.dimension.name), row.score, row.previous) for row in rows],
    )
    key = "checkup-radar:" + hashlib.sha256(repr(drawn_from).encode()).hexdigest()
    cache = fragments()
    svg = cache.get(key)
    if svg is None:
        svg = _radar_chart(rows, has_previous)
        cache.set(key, svg)
    # A SafeString pickled through Redis stays one (core/fragment_cache.py, render_cards).
    return svg


def _radar_chart(rows: Sequence[DimensionResult], has_previous: bool) -> SafeString:
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
    width = 2 * (RADIUS + MARGIN_X)
    height = 2 * (RADIUS + MARGIN_Y)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x} {y} {w} {h}" width="{w}" '
        'height="{h}" role="img" aria-labelledby="radar-title radar-desc" focusable="false" '
        'font-size="{size}" fill="{ink}"><title id="radar-title">{title}</title>'
        '<desc id="radar-desc">{desc}</desc>{body}</svg>',
        x=_px(CENTRE - RADIUS - MARGIN_X),
        y=_px(CENTRE - RADIUS - MARGIN_Y),
        w=width,
        h=height,
        size=FONT_SIZE,
        ink=INK,
        title=gettext("Il profilo di esportazione della tua impresa"),
        desc=desc,
        body=_join(parts),
    )
