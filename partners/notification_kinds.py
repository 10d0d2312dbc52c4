"""The notifications of a partner's contacts: firms asking to meet them and answering them.

Imported from PartnersConfig.ready. Italian msgids; the contacts read them in their own language
(German unless they chose another).
"""

from django.utils.translation import gettext_lazy as _

from notifications.registry import Kind, register_group, register_kind

PARTNER_MEETING_REQUESTED = register_kind(
    Kind(
        "partner_meeting_requested",
        _("Imprese che vogliono incontrarvi"),
        _("%(firm)s vuole incontrarvi"),
        _(
            "L'impresa %(firm)s ha chiesto un incontro B2B durante la missione %(mission)s. "
            "Accettate o rifiutate la richiesta nella vostra area partner."
        ),
    )
)
PARTNER_MEETING_ACCEPTED = register_kind(
    Kind(
        "partner_meeting_accepted",
        _("Imprese che hanno accettato di incontrarvi"),
        _("Incontro accettato: %(firm)s"),
        _(
            "%(firm)s ha accettato di incontrarvi durante la missione %(mission)s. "
            "Orario e tavolo arriveranno con l'agenda."
        ),
    )
)
PARTNER_MEETING_DECLINED = register_kind(
    Kind(
        "partner_meeting_declined",
        _("Imprese che non hanno accettato di incontrarvi"),
        _("Incontro non accettato: %(firm)s"),
        _("%(firm)s non potrà incontrarvi durante la missione %(mission)s."),
    )
)
PARTNER_MEETING_CANCELLED = register_kind(
    Kind(
        "partner_meeting_cancelled",
        _("Incontri annullati dalle imprese"),
        _("Incontro annullato: %(firm)s"),
        _("%(firm)s ha annullato l'incontro con voi durante la missione %(mission)s."),
    )
)


def _is_partner_contact(user: object) -> bool:
    return bool(getattr(user, "is_partner_contact", False))


# Only for the partners' contacts: they see these kinds and no other on their preferences page
# (firm, board and Camera notifications never reach them); firm users never see these.
register_group(
    "partner_b2b",
    _("Incontri con le imprese"),
    [
        PARTNER_MEETING_REQUESTED,
        PARTNER_MEETING_ACCEPTED,
        PARTNER_MEETING_DECLINED,
        PARTNER_MEETING_CANCELLED,
    ],
    only_for=_is_partner_contact,
)
