"""The fields of members shown in the reader's language (django-modeltranslation).

Each field listed here gets a column per language (`name_it`, `name_en`, `name_de`); reading
`sector.name` gives the active language's text, or the Italian one when it is empty. Forms that
edit these fields name the language columns explicitly (`description_de`), never the plain field,
whose assignment would go to whatever language the editor's page is in.
"""

from modeltranslation.translator import TranslationOptions, register

from members.models import Firm, Sector


@register(Sector)
class SectorTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Firm)
class FirmTranslationOptions(TranslationOptions):
    # The firm's own presentation; the ragione sociale, VAT number and ATECO code are not text
    # to translate.
    fields = ("description", "products")
