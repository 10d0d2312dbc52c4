import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget

from core.translated import any_language
from members.comuni import COMUNE_CHOICES
from members.models import Firm, Sector


class YesNoAllWidget(BooleanWidget):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("Tutte")), ("true", _("Sì")), ("false", _("No"))]


class FirmFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cerca"), method="filter_text")
    sector = django_filters.ModelChoiceFilter(
        label=_("Settore"), queryset=Sector.objects.all(), empty_label=_("Tutti i settori")
    )
    comune = django_filters.ChoiceFilter(
        label=_("Comune"), choices=COMUNE_CHOICES, empty_label=_("Tutti i comuni")
    )
    exports = django_filters.BooleanFilter(
        label=_("Esporta già"), method="filter_exports", widget=YesNoAllWidget
    )
    mentor = django_filters.BooleanFilter(
        label=_("Impresa mentore"),
        field_name="is_mentor",
        widget=YesNoAllWidget,
    )

    class Meta:
        model = Firm
        fields = ["q", "sector", "comune", "exports", "mentor"]

    def filter_text(self, queryset: QuerySet[Firm], name: str, value: str) -> QuerySet[Firm]:
        for word in value.split()[:5]:
            queryset = queryset.filter(
                Q(name__icontains=word)
                | any_language("products", "icontains", word)
                | any_language("description", "icontains", word)
                | Q(vat_number=word)
            )
        return queryset

    def filter_exports(self, queryset: QuerySet[Firm], name: str, value: bool) -> QuerySet[Firm]:
        return queryset.filter(export_share__gt=0) if value else queryset.filter(export_share=0)
