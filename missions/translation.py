"""The fields of missions shown in the reader's language (django-modeltranslation); see
members/translation.py for how reading and editing them works."""

from modeltranslation.translator import TranslationOptions, register

from missions.models import Mission, ProgrammeItem


@register(Mission)
class MissionTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "description", "costs")


@register(ProgrammeItem)
class ProgrammeItemTranslationOptions(TranslationOptions):
    fields = ("title", "description")
