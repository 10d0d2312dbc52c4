import re
from datetime import date
from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.translated import any_language
from members.models import Sector
from missions.models import City, Mission

if TYPE_CHECKING:
    from missions.selectors.missions import MissionWithCounts


class MonthField(forms.CharField):
    """A month as `YYYY-MM` (what `<input type="month">` sends), cleaned to its first day.

    Only ASCII digits, a month from 1 to 12 and a year whose next month still exists (up to
    9998): anything else is a form error, never an exception further down.
    """

    PATTERN = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        match = self.PATTERN.fullmatch(text.strip())
        year, month = (int(part) for part in match.groups()) if match else (0, 0)
        if not (1 <= year <= 9998 and 1 <= month <= 12):
            raise forms.ValidationError(
                _("Indica un mese valido, nella forma AAAA-MM (per esempio 2026-05)."),
                code="invalid",
            )
        return date(year, month, 1)


MONTHS_BACK, MONTHS_AHEAD = 6, 18


def month_choices(today: date, chosen: str | None = None) -> list[tuple[str, str]]:
    """("2026-05", "Maggio 2026") from MONTHS_BACK months ago to MONTHS_AHEAD months ahead,
    plus `chosen` when it is a valid month outside that range (an old link keeps its month)."""
    index = today.year * 12 + today.month - 1
    months = [
        date(i // 12, i % 12 + 1, 1) for i in range(index - MONTHS_BACK, index + MONTHS_AHEAD + 1)
    ]
    try:
        extra = MonthField(required=False).clean(chosen) if chosen else None
    except forms.ValidationError:
        extra = None
    if extra and extra not in months:
        months = sorted([*months, extra])
    return [(f"{m:%Y-%m}", capfirst(date_format(m, "F Y"))) for m in months]


class MonthFilter(django_filters.CharFilter):
    field_class = MonthField


class MissionFilter(django_filters.FilterSet):
    """Filters of the mission list. The queryset must be annotated with `seats_held`."""

    STATUS_CHOICES = [
        ("open", _("Iscrizioni aperte")),
        ("soon", _("Iscrizioni in apertura")),
        ("closed", _("Iscrizioni chiuse")),
        ("past", _("Concluse")),
    ]

    q = django_filters.CharFilter(label=_("Cerca"), method="filter_text")
    sector = django_filters.ModelChoiceFilter(
        label=_("Settore"),
        queryset=Sector.objects.all(),
        field_name="sectors",
        empty_label=_("Tutti i settori"),
    )
    city = django_filters.ModelChoiceFilter(
        label=_("Destinazione"),
        queryset=City.objects.filter(country="DE"),
        method="filter_city",
        empty_label=_("Tutte le destinazioni"),
    )
    month = MonthFilter(label=_("Mese"), method="filter_month")
    status = django_filters.ChoiceFilter(
        label=_("Stato"), choices=STATUS_CHOICES, method="filter_status", empty_label=_("Tutti")
    )
    seats_left = django_filters.BooleanFilter(
        label=_("Solo con posti liberi"), method="filter_seats_left"
    )

    class Meta:
        model = Mission
        fields = ["q", "sector", "city", "month", "status", "seats_left"]

    def __init__(
        self,
        data: QueryDict | dict[str, Any] | None = None,
        queryset: "QuerySet[MissionWithCounts] | None" = None,
        *,
        request: HttpRequest | None = None,
        prefix: str | None = None,
    ) -> None:
        super().__init__(data, queryset, request=request, prefix=prefix)
        # A list of months by name, not <input type="month">: Chromium shows an empty one as
        # "--------- ----" and Firefox as a bare text box (issue 16). The values stay YYYY-MM,
        # so links with a month keep working; MonthField still validates what comes in.
        # Computed only if the form is rendered: a cached filter form (core/fragment_cache.py)
        # does not need them.
        chosen = self.data.get(self._month_key) if self.data else None
        self.filters["month"].field.widget = forms.Select(
            choices=CallableChoiceIterator(
                lambda: [("", _("Tutti i mesi")), *month_choices(timezone.localdate(), chosen)]
            )
        )
        self.filters["seats_left"].field.widget = forms.CheckboxInput()

    @property
    def _month_key(self) -> str:
        return f"{self.form_prefix}-month" if self.form_prefix else "month"

    def filter_text(self, queryset: QuerySet[Mission], name: str, value: str) -> QuerySet[Mission]:
        for word in value.split()[:5]:
            queryset = queryset.filter(
                any_language("title", "icontains", word)
                | any_language("summary", "icontains", word)
                | any_language("description", "icontains", word)
            )
        return queryset

    def filter_city(self, queryset: QuerySet[Mission], name: str, value: City) -> QuerySet[Mission]:
        return queryset.filter(pk__in=value.programme_items.values("mission_id"))

    def filter_month(
        self, queryset: QuerySet[Mission], name: str, value: date
    ) -> QuerySet[Mission]:
        # Missions running at some point in that month (MonthField cleaned it to its first day).
        first = value
        last = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return queryset.filter(start_date__lt=last, end_date__gte=first)

    def filter_status(
        self, queryset: QuerySet[Mission], name: str, value: str
    ) -> QuerySet[Mission]:
        now = timezone.now()
        today = timezone.localdate()
        published = Q(status=Mission.Status.PUBLISHED)
        conditions = {
            "open": published
            & (Q(registration_opens_at__isnull=True) | Q(registration_opens_at__lte=now))
            & Q(registration_deadline__gte=now),
            "soon": published & Q(registration_opens_at__gt=now),
            "closed": (
                Q(status=Mission.Status.CLOSED) | (published & Q(registration_deadline__lt=now))
            )
            & Q(end_date__gte=today),
            "past": Q(end_date__lt=today),
        }
        return queryset.filter(conditions[value])

    def filter_seats_left(
        self, queryset: "QuerySet[MissionWithCounts]", name: str, value: bool
    ) -> "QuerySet[MissionWithCounts]":
        return queryset.filter(seats_held__lt=F("seats")) if value else queryset
