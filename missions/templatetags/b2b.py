"""Matchmaking reasons in words: the score is never shown without them."""

from collections.abc import Mapping

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from missions.matchmaking import Reason
from missions.models import Partner

register = template.Library()

# Whole sentences per value: language and partner-type names take different articles and
# capitals in Italian, German and English, so they are not spliced into one template.
SPEAKS = {
    "it": gettext_lazy("parla italiano"),
    "de": gettext_lazy("parla tedesco"),
    "en": gettext_lazy("parla inglese"),
    "fr": gettext_lazy("parla francese"),
    "es": gettext_lazy("parla spagnolo"),
}
KINDS = dict(Partner.Kind.choices)


def _sentence(code: str, params: Mapping[str, str]) -> str:
    if code == "same_nace_class":
        return _("stessa classe NACE %(code)s") % params
    if code == "same_nace_group":
        return _("stesso gruppo NACE %(group)s") % params
    if code == "same_nace_division":
        return _("stessa divisione NACE %(division)s") % params
    if code == "sector_of_interest":
        return _("cerca imprese del settore %(sector)s") % params
    if code == "product_match":
        return _("cerca «%(concept)s», e voi lo producete") % params
    if code == "common_language":
        language = params.get("language", "")
        return str(SPEAKS.get(language, language))
    if code == "needs_interpreter":
        return _("nessuna lingua in comune: serve un interprete")
    if code == "open_offer":
        return (
            _(
                "avete un'offerta aperta con questo partner dalla missione «%(mission)s»: "
                "riprendete da lì"
            )
            % params
        )
    if code == "targets_market":
        return _("il suo paese è tra i vostri mercati obiettivo")
    if code == "partner_kind":
        kind = params.get("kind", "")
        return _("tipo di partner adatto al vostro settore: %(kind)s") % {
            "kind": KINDS.get(kind, kind)
        }
    return code


@register.simple_tag
def reason_text(reason) -> str:
    """A stored reason [code, params, points] as a sentence in the active language."""
    code, params = reason[0], reason[1] if len(reason) > 1 else {}
    return _sentence(code, params or {})


def _partner_sentence(code: str, params: Mapping[str, str]) -> str:
    """The same reasons, written for the partner reading about a firm ("you" is the partner)."""
    if code == "sector_of_interest":
        return _("l'impresa è di un settore che vi interessa: %(sector)s") % params
    if code == "product_match":
        return _("produce «%(concept)s», che cercate") % params
    if code == "targets_market":
        return _("il vostro paese è tra i suoi mercati obiettivo")
    if code == "partner_kind":
        kind = params.get("kind", "")
        return _("cerca partner del vostro tipo: %(kind)s") % {"kind": KINDS.get(kind, kind)}
    return _sentence(code, params)


@register.simple_tag
def partner_reason_text(reason: Reason) -> str:
    """A live matchmaking.Reason as a sentence for a partner, in the active language (built at
    render time: never stored as text)."""
    return _partner_sentence(reason.code, dict(reason.params))
