"""Lookups over every language of a translated field (django-modeltranslation).

A filter on the plain field (`title__icontains`) is rewritten to the reader's language only
(`title_de__icontains`), so a German reader would not find a mission by its Italian words while
its German title is still empty. Searches name every language's column instead.
"""

from collections.abc import Callable

from django.conf import settings
from django.db.models import Model, Q
from django.utils import translation
from django.utils.translation import get_language

from core.dates import localized_date


def any_language(field: str, lookup: str, value: object) -> Q:
    """`field__lookup=value` in any language: Q(title_it__icontains=…) | Q(title_en__…) | …"""
    condition = Q()
    for language in settings.MODELTRANSLATION_LANGUAGES:
        condition |= Q(**{f"{field}_{language}__{lookup}": value})
    return condition


# A stored notification context keeps a translated text as {"translations": {"it": …, "de": …}}:
# it is rendered later, in the recipient's language (notifications.models._format).
TRANSLATIONS_KEY = "translations"


def translations(instance: Model, field: str) -> dict[str, dict[str, str]]:
    """Every language's text of `instance.field`, for a context rendered later; `localized`
    picks the reader's."""
    texts = {}
    for language in settings.MODELTRANSLATION_LANGUAGES:
        text = getattr(instance, f"{field}_{language}", None)
        if text:
            texts[language] = str(text)
    return {TRANSLATIONS_KEY: texts}


def in_every_language(render: Callable[[], object]) -> dict[str, dict[str, str]]:
    """`render()` run once per language, for a context rendered later (a text that mixes a
    date and translated words: "25.12.2026 10:00, Tisch 3"); `localized` picks the reader's."""
    texts = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            texts[language] = str(render())
    return {TRANSLATIONS_KEY: texts}


def localized(value: object) -> object:
    """`value` itself, or, for a `translations` dict, the text in the active language, else the
    Italian one, else any; a date stored by `core.dates` (`stored_date_range`, …) in the active
    language's format."""
    date_text = localized_date(value)
    if date_text is not None:
        return date_text
    if not (isinstance(value, dict) and isinstance(value.get(TRANSLATIONS_KEY), dict)):
        return value
    texts: dict[str, str] = value[TRANSLATIONS_KEY]
    for language in (get_language(), settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        if texts.get(language):
            return texts[language]
    return next(iter(texts.values()), "")
