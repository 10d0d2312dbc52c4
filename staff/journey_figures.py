"""Figures of the firms' export journey (checkup/journey.py) for the staff: read-only selectors.

The journey of every approved firm (of the sector, if one is chosen) as it stood at the end of
the period: how many firms reached each stage (the funnel: a firm counts in every stage up to
its effective one, the staff's override included), by sector and by the quarter the firm joined,
and the median days between stages. Five queries whatever the number of firms
(checkup.journey.journeys), like the other figures of the dashboard.
"""

import datetime as dt
import statistics
from collections.abc import Callable

from django.utils.translation import gettext

from checkup.journey import STAGES, Journey, journeys
from checkup.models import JourneyStage
from members.models import Firm
from staff.figures import Figure, Filters, Row

# The medians shown: each stage to the next, and the one the Camera reports.
SPANS: tuple[tuple[JourneyStage, JourneyStage], ...] = (
    *zip(STAGES, STAGES[1:], strict=False),
    (JourneyStage.NON_EXPORTER, JourneyStage.FIRST_ORDER),
)


def _journeys(f: Filters) -> list[Journey]:
    firms = Firm.objects.all() if f.sector is None else Firm.objects.filter(sector=f.sector)
    return list(journeys(firms, as_of=f.date_to).values())


def _stage_labels() -> tuple[str, ...]:
    return tuple(str(stage.label) for stage in STAGES)


def _counts(group: list[Journey]) -> tuple[int, ...]:
    """Firms that reached each stage (at or past it)."""
    return tuple(sum(1 for j in group if j.stage_index >= i) for i in range(len(STAGES)))


def funnel_figure(items: list[Journey]) -> Figure:
    return Figure(
        slug="percorso-imprese",
        title=gettext("Il percorso delle imprese verso l'export"),
        label_header=gettext("Fase"),
        series=(gettext("Imprese arrivate almeno qui"), gettext("Imprese ferme a questa fase")),
        rows=[
            Row(
                str(stage.label),
                (
                    sum(1 for j in items if j.stage_index >= i),
                    sum(1 for j in items if j.stage_index == i),
                ),
            )
            for i, stage in enumerate(STAGES)
        ],
    )


def by_sector_figure(items: list[Journey]) -> Figure:
    groups: dict[str, list[Journey]] = {}
    for j in items:
        groups.setdefault(j.sector, []).append(j)
    return Figure(
        slug="percorso-per-settore",
        title=gettext("Il percorso delle imprese per settore"),
        label_header=gettext("Settore"),
        series=_stage_labels(),
        rows=[Row(name, _counts(groups[name])) for name in sorted(groups)],
    )


def _quarter(day: dt.date) -> str:
    return f"{day.year} T{(day.month - 1) // 3 + 1}"


def by_quarter_figure(items: list[Journey]) -> Figure:
    groups: dict[tuple[int, int], list[Journey]] = {}
    for j in items:
        joined = j.reached[JourneyStage.NON_EXPORTER]
        assert joined is not None  # noqa: S101 (every firm has joined)
        groups.setdefault((joined.year, (joined.month - 1) // 3), []).append(j)
    return Figure(
        slug="percorso-per-trimestre",
        title=gettext("Il percorso delle imprese per trimestre di adesione"),
        label_header=gettext("Trimestre di adesione"),
        series=_stage_labels(),
        rows=[
            Row(_quarter(dt.date(year, q * 3 + 1, 1)), _counts(groups[year, q]))
            for year, q in sorted(groups)
        ],
    )


def median_days(items: list[Journey], start: str, end: str) -> tuple[int, int]:
    """The median days from `start` to `end` over the firms that reached both, in that order,
    and how many firms that is."""
    days = []
    for j in items:
        a, b = j.reached[start], j.reached[end]
        if a is not None and b is not None and b >= a:
            days.append((b - a).days)
    return (round(statistics.median(days)) if days else 0, len(days))


def times_figure(items: list[Journey]) -> Figure:
    return Figure(
        slug="tempi-del-percorso",
        title=gettext("Tempi del percorso (giorni, mediana)"),
        label_header=gettext("Da → a"),
        series=(gettext("Giorni (mediana)"), gettext("Imprese")),
        rows=[Row(f"{a.label} → {b.label}", median_days(items, a, b)) for a, b in SPANS],
    )


def journey_figures(f: Filters) -> tuple[dict[str, Figure], list[Journey]]:
    """All the journey figures from one read of the journeys, and the firms whose stage staff
    set by hand (with the derived one and the reason), by name."""
    items = _journeys(f)
    figures = [
        funnel_figure(items),
        by_sector_figure(items),
        by_quarter_figure(items),
        times_figure(items),
    ]
    overridden = sorted((j for j in items if j.override), key=lambda j: j.firm_name.casefold())
    return {fig.slug: fig for fig in figures}, overridden


BUILDERS: dict[str, Callable[[list[Journey]], Figure]] = {
    "percorso-imprese": funnel_figure,
    "percorso-per-settore": by_sector_figure,
    "percorso-per-trimestre": by_quarter_figure,
    "tempi-del-percorso": times_figure,
}


def figure(slug: str, f: Filters) -> Figure | None:
    """One journey figure for its CSV, or None for a slug that is not one of them."""
    builder = BUILDERS.get(slug)
    return builder(_journeys(f)) if builder is not None else None
