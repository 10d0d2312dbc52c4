"""The outcome ledger: what came of the B2B meetings, rolled up, and the funders' indicators.

A meeting belongs to the period its mission started in, with its outcome (recorded by the firm:
no interest, contact, offer, samples, order, partnership agreement, an optional value band) and
the partner's feedback (interest 1-5, next step), whenever they were recorded: so the rows per
mission add up to the period's totals. The indicators chambers report to their funders, for a
period:

- firms assisted: approved firms that completed a check-up in the period or attended a mission
  that started in it;
- new exporters: firms that reached the first order in the period (checkup.journey: their first
  recorded order; a staff override to "first order" or beyond counts on the day it was set);
- meetings held: meetings of the period's missions that staff or the partner marked as held;
- partnership agreements: meetings of the period's missions whose outcome is an agreement;
- satisfaction: the partners' average interest (1-5) in their feedback. The firms' own survey on
  the mission day does not exist yet: the report says so.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from checkup.journey import STAGES, journeys
from checkup.models import CheckUp, JourneyStage
from members.models import Firm
from missions.models import Application, Meeting


@dataclass(frozen=True)
class Period:
    """Inclusive dates; a year or one of its quarters."""

    year: int
    quarter: int | None = None

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 1 if self.quarter is None else 3 * self.quarter - 2, 1)

    @property
    def last_day(self) -> dt.date:
        if self.quarter is None or self.quarter == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.quarter + 1, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        if self.quarter is None:
            return str(self.year)
        return _("%(quarter)d° trimestre %(year)d") % {"quarter": self.quarter, "year": self.year}

    @property
    def slug(self) -> str:
        return str(self.year) if self.quarter is None else f"{self.year}-t{self.quarter}"


class PeriodInvalid(ValueError):
    """A period the report cannot take; the message says why."""


MIN_YEAR, MAX_YEAR = 2000, 2100


def parse_period(year: str | None, quarter: str | None, *, today: dt.date) -> Period:
    """The period from the query string (`anno`, `trimestre`); the current year by default.

    The period under way is reported so far; one that has not begun yet is refused (its report
    would be empty and could be taken for a real one)."""
    if not year:
        if quarter:
            raise PeriodInvalid(_("Indica l'anno del trimestre."))
        return Period(today.year)
    if not (year.isascii() and year.isdigit()) or not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise PeriodInvalid(
            _("Anno non valido: scrivi un anno tra %(min)d e %(max)d.")
            % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    if quarter and quarter not in {"1", "2", "3", "4"}:
        raise PeriodInvalid(_("Trimestre non valido: scegli 1, 2, 3 o 4."))
    period = Period(int(year), int(quarter) if quarter else None)
    if period.first_day > today:
        raise PeriodInvalid(
            _("Il periodo %(period)s non è ancora iniziato: scegli un periodo fino a oggi.")
            % {"period": period.label}
        )
    return period


OUTCOME_COLUMNS = (
    Meeting.Outcome.NO_INTEREST,
    Meeting.Outcome.CONTACT,
    Meeting.Outcome.OFFER,
    Meeting.Outcome.SAMPLES,
    Meeting.Outcome.ORDER,
    Meeting.Outcome.AGREEMENT,
)
BAND_COLUMNS = tuple(band for band in Meeting.ValueBand if band)
HELD = Q(attendance=Meeting.Attendance.HELD) | Q(partner_held=True)


@dataclass(frozen=True)
class LedgerRow:
    label: str
    meetings: int
    held: int
    outcomes: dict[str, int]  # outcome value -> meetings
    bands: dict[str, int]  # value band -> meetings
    feedback: int
    interest: Decimal | None  # the partners' average interest, 1 decimal

    def values(self) -> list[Any]:
        return [
            self.meetings,
            self.held,
            *(self.outcomes[o] for o in OUTCOME_COLUMNS),
            *(self.bands[b] for b in BAND_COLUMNS),
            self.feedback,
            self.interest,
        ]


def headers() -> list[str]:
    return [
        _("Incontri"),
        _("Svolti"),
        *(str(o.label) for o in OUTCOME_COLUMNS),
        *(str(b.label) for b in BAND_COLUMNS),
        _("Con il feedback del partner"),
        _("Interesse medio del partner (1-5)"),
    ]


@dataclass
class Report:
    period: Period
    indicators: dict[str, Any]
    rollups: dict[str, list[LedgerRow]] = field(default_factory=dict)


def _one_decimal(value: float | Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _meetings(period: Period) -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        mission__start_date__gte=period.first_day, mission__start_date__lte=period.last_day
    )


def _aggregates() -> dict[str, Any]:
    counts: dict[str, Any] = {
        "meetings": Count("pk"),
        "held": Count("pk", filter=HELD),
        "feedback": Count("pk", filter=Q(partner_interest__isnull=False)),
        "interest": Avg("partner_interest"),
    }
    for outcome in OUTCOME_COLUMNS:
        counts[f"o_{outcome}"] = Count("pk", filter=Q(outcome=outcome))
    for band in BAND_COLUMNS:
        counts[f"b_{band}"] = Count("pk", filter=Q(value_band=band))
    return counts


def _row(label: str, row: Mapping[str, Any]) -> LedgerRow:
    return LedgerRow(
        label=label,
        meetings=row["meetings"],
        held=row["held"],
        outcomes={str(o): row[f"o_{o}"] for o in OUTCOME_COLUMNS},
        bands={str(b): row[f"b_{b}"] for b in BAND_COLUMNS},
        feedback=row["feedback"],
        interest=_one_decimal(row["interest"]),
    )


# Each roll-up: the fields it groups by, and its label from a row.
GROUPS: dict[str, tuple[tuple[str, ...], Callable[[Mapping[str, Any]], str]]] = {
    "mission": (
        ("mission_id", "mission__title", "mission__start_date"),
        lambda r: f"{r['mission__title']} ({r['mission__start_date']:%d/%m/%Y})",
    ),
    "sector": (("firm__sector__name",), lambda r: r["firm__sector__name"]),
    "partner": (("partner_id", "partner__name"), lambda r: r["partner__name"]),
    "firm": (("firm_id", "firm__name"), lambda r: r["firm__name"]),
}


def rollup(period: Period, by: str) -> list[LedgerRow]:
    """The ledger of the period grouped by mission, sector, partner or firm (one query)."""
    fields, label = GROUPS[by]
    rows = _meetings(period).values(*fields).annotate(**_aggregates()).order_by(*fields)
    return sorted((_row(label(r), r) for r in rows), key=lambda row: row.label.casefold())


def _new_exporters(period: Period) -> int:
    first_order = STAGES.index(JourneyStage.FIRST_ORDER)
    count = 0
    for journey in journeys(as_of=period.last_day).values():
        reached = journey.reached[JourneyStage.FIRST_ORDER]
        if reached is None and journey.override and journey.stage_index >= first_order:
            reached = journey.override.day  # the local day it was set
        if reached is not None and period.first_day <= reached <= period.last_day:
            count += 1
    return count


def report(period: Period) -> Report:
    """The funders' report for the period: the indicators and the four roll-ups."""
    meetings = _meetings(period)
    totals = meetings.aggregate(**_aggregates())
    checked = CheckUp.objects.filter(
        completed_at__date__gte=period.first_day, completed_at__date__lte=period.last_day
    ).values("firm_id")
    attended = Application.objects.filter(
        status=Application.Status.CONFIRMED,
        attended=True,
        mission__start_date__gte=period.first_day,
        mission__start_date__lte=period.last_day,
    ).values("firm_id")
    assisted = (
        Firm.objects.filter(status=Firm.Status.APPROVED)
        .filter(Q(pk__in=checked) | Q(pk__in=attended))
        .count()
    )
    indicators = {
        "firms_assisted": assisted,
        "new_exporters": _new_exporters(period),
        "meetings_held": totals["held"],
        "agreements": totals[f"o_{Meeting.Outcome.AGREEMENT}"],
        "satisfaction": _one_decimal(totals["interest"]),
        "satisfaction_answers": totals["feedback"],
        "orders": totals[f"o_{Meeting.Outcome.ORDER}"],
        "offers": totals[f"o_{Meeting.Outcome.OFFER}"] + totals[f"o_{Meeting.Outcome.SAMPLES}"],
    }
    return Report(
        period=period,
        indicators=indicators,
        rollups={by: rollup(period, by) for by in GROUPS},
    )


def indicator_rows(result: Report) -> list[tuple[str, Any]]:
    """The indicators as (label, value) lines, in the report's order."""
    i = result.indicators
    return [
        (_("Imprese assistite"), i["firms_assisted"]),
        (_("Nuove esportatrici (primo ordine nel periodo)"), i["new_exporters"]),
        (_("Incontri B2B svolti"), i["meetings_held"]),
        (_("Accordi di partnership"), i["agreements"]),
        (_("Ordini"), i["orders"]),
        (_("Offerte e campionature"), i["offers"]),
        (_("Soddisfazione: interesse medio dei partner (1-5)"), i["satisfaction"]),
        (_("Feedback dei partner raccolti"), i["satisfaction_answers"]),
    ]


ROLLUP_TITLES = {
    "mission": gettext_lazy("Per missione"),
    "sector": gettext_lazy("Per settore"),
    "partner": gettext_lazy("Per partner"),
    "firm": gettext_lazy("Per impresa"),
}
SATISFACTION_NOTE = gettext_lazy(
    "Soddisfazione: l'interesse medio che i partner indicano nel loro feedback dopo ogni "
    "incontro (da 1, nessun interesse, a 5, molto alto); il questionario di gradimento dopo la "
    "missione è nelle righe che seguono."
)
