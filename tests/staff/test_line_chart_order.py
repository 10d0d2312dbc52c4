"""'Imprese socie nel tempo': the total line is drawn above the "new" line, and the lines differ
by more than colour (dash and marker), in the legend too."""

import datetime as dt
import re

from staff.figures import Figure, Row
from staff.templatetags.charts import PALETTE, line_chart


def growth() -> Figure:
    # The first months: every firm is new, so both lines are the same points.
    rows = [Row(dt.date(2026, 1, 1), (1, 1)), Row(dt.date(2026, 2, 1), (1, 0))]
    return Figure(
        slug="imprese-nel-tempo",
        title="Imprese socie nel tempo",
        label_header="Mese",
        series=("Imprese socie (totale)", "Nuove imprese nel mese"),
        rows=rows,
    )


def test_the_total_line_is_drawn_after_the_new_line_so_it_stays_visible():
    svg = str(line_chart(growth()))

    strokes = re.findall(r'<polyline [^>]*stroke="(#[0-9a-f]{6})"', svg)
    # SVG paints in document order: the last drawn is on top.
    assert strokes == [PALETTE[1], PALETTE[0]]


def test_the_lines_differ_by_dash_and_marker_not_only_colour():
    svg = str(line_chart(growth()))

    total = re.search(rf'<polyline [^>]*stroke="{PALETTE[0]}"[^>]*>', svg).group(0)
    new = re.search(rf'<polyline [^>]*stroke="{PALETTE[1]}"[^>]*>', svg).group(0)
    assert "stroke-dasharray" not in total
    assert "stroke-dasharray" in new
    # Markers: circles for the total, squares for the new firms.
    assert re.search(rf'<circle [^>]*fill="{PALETTE[0]}"', svg)
    assert re.search(rf'<rect [^>]*fill="{PALETTE[1]}"[^>]*><title>', svg)
    # The legend shows each line as drawn: a dashed sample for the dashed series.
    legend_samples = re.findall(r'<line [^>]*class="legend-line"[^>]*>', svg)
    assert len(legend_samples) == 2
    assert "stroke-dasharray" in legend_samples[1]
