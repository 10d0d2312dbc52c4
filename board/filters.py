from typing import Any

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

from board.models import Post, Tag


class PostFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cerca"), method="filter_text")
    sector = django_filters.ModelChoiceFilter(
        label=_("Settore"),
        queryset=Tag.objects.filter(kind=Tag.Kind.SECTOR),
        field_name="tags",
        empty_label=_("Tutti"),
    )
    place = django_filters.ModelChoiceFilter(
        label=_("Città o regione"),
        queryset=Tag.objects.filter(kind=Tag.Kind.PLACE),
        field_name="tags",
        empty_label=_("Tutte"),
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Tema"),
        queryset=Tag.objects.filter(kind=Tag.Kind.TOPIC),
        field_name="tags",
        empty_label=_("Tutti"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Tipo"), choices=Post.Kind.choices, empty_label=_("Esperienze e domande")
    )
    firm = django_filters.NumberFilter(field_name="author_firm", widget=forms.HiddenInput)
    unanswered = django_filters.BooleanFilter(
        label=_("Domande senza risposta"), method="filter_unanswered"
    )

    class Meta:
        model = Post
        fields = ["q", "sector", "place", "topic", "kind", "firm", "unanswered"]

    def __init__(
        self,
        data: QueryDict | dict[str, Any] | None = None,
        queryset: QuerySet[Post] | None = None,
        *,
        request: HttpRequest | None = None,
        prefix: str | None = None,
    ) -> None:
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.filters["unanswered"].field.widget = forms.CheckboxInput()

    def filter_text(self, queryset: QuerySet[Post], name: str, value: str) -> QuerySet[Post]:
        # Italian and German stemming: "esportazioni" finds "esportare", "Fassaden" "Fassade".
        query = SearchQuery(value, config="italian", search_type="websearch") | SearchQuery(
            value, config="german", search_type="websearch"
        )
        return queryset.filter(search=query)

    def filter_unanswered(self, queryset: QuerySet[Post], name: str, value: bool) -> QuerySet[Post]:
        if not value:
            return queryset
        return queryset.filter(kind=Post.Kind.QUESTION, answer__isnull=True)
