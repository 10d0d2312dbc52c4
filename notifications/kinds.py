"""The kinds of notification. Each app registers its own kinds here, in one place.

`title` is the in-app title and the email subject; `body` the first paragraph of the email. Both
are Italian msgids formatted with the notification's context (%(name)s placeholders).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    slug: str
    label: Promise  # shown on the preferences page
    title: Promise
    body: Promise
    default_email: str = "immediate"  # immediate | digest | off


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.slug] = kind
    return kind


def get(slug: str) -> Kind:
    return KINDS[slug]


FIRM_APPROVED = register(
    Kind(
        "firm_approved",
        _("La tua impresa è stata approvata"),
        _("%(firm)s è ora socia del Club degli Esportatori"),
        _(
            "La Camera di Commercio ha approvato l'iscrizione di %(firm)s. Ora puoi vedere le "
            "altre imprese del Club e partecipare alle sue iniziative."
        ),
    )
)
JOIN_REQUEST_RECEIVED = register(
    Kind(
        "join_request_received",
        _("Richieste di adesione alla tua impresa"),
        _("%(person)s chiede di unirsi a %(firm)s"),
        _("%(person)s ha chiesto di entrare a far parte di %(firm)s. Messaggio: %(message)s"),
    )
)
JOIN_REQUEST_ACCEPTED = register(
    Kind(
        "join_request_accepted",
        _("Richieste di adesione accettate"),
        _("Sei entrato a far parte di %(firm)s"),
        _("Il referente di %(firm)s ha accettato la tua richiesta di adesione."),
    )
)
JOIN_REQUEST_DECLINED = register(
    Kind(
        "join_request_declined",
        _("Richieste di adesione rifiutate"),
        _("La tua richiesta di unirti a %(firm)s non è stata accettata"),
        _(
            "Il referente di %(firm)s non ha accettato la tua richiesta. Puoi registrare la tua "
            "impresa o cercarne un'altra."
        ),
    )
)
ANNOUNCEMENT = register(
    Kind(
        "announcement",
        _("Comunicazioni della Camera di Commercio"),
        _("%(title)s"),
        _("%(body)s"),
    )
)
