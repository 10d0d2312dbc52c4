"""The check-up's texts in the reader's language (django-modeltranslation); see
members/translation.py for how reading and editing them works."""

from modeltranslation.translator import TranslationOptions, register

from checkup.models import CameraService, Dimension, FundingInstrument, Option, Question


@register(Dimension)
class DimensionTranslationOptions(TranslationOptions):
    fields = ("name", "advice")


@register(Question)
class QuestionTranslationOptions(TranslationOptions):
    fields = ("text", "help")


@register(Option)
class OptionTranslationOptions(TranslationOptions):
    fields = ("text",)


@register(CameraService)
class CameraServiceTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(FundingInstrument)
class FundingInstrumentTranslationOptions(TranslationOptions):
    fields = ("name", "description")
