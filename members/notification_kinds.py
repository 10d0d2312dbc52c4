"""The notifications of members (firm approval, join requests) and the audience of approved firms.

Imported from MembersConfig.ready, which registers them with notifications.registry. The texts are
Italian msgids (see the registry's docstring for the placeholders).
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from members.models import Firm, User
from notifications.registry import Kind, register_audience, register_group, register_kind

FIRM_APPROVED = register_kind(
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
FIRM_CHANGE_APPROVED = register_kind(
    Kind(
        "firm_change_approved",
        _("Modifiche ai dati dell'impresa approvate"),
        _("Modifica approvata: %(firm)s"),
        _(
            "La Camera di Commercio ha approvato la modifica dei dati di %(firm)s "
            "(ragione sociale, partita IVA, settore): %(changes)s."
        ),
    )
)
FIRM_CHANGE_REJECTED = register_kind(
    Kind(
        "firm_change_rejected",
        _("Modifiche ai dati dell'impresa non accolte"),
        _("Modifica non accolta: %(firm)s"),
        _(
            "La Camera di Commercio non ha accolto la modifica dei dati di %(firm)s "
            "(ragione sociale, partita IVA, settore): %(changes)s. Per chiarimenti, contatta "
            "la Camera."
        ),
    )
)
JOIN_REQUEST_RECEIVED = register_kind(
    Kind(
        "join_request_received",
        _("Richieste di adesione alla tua impresa"),
        _("%(person)s chiede di unirsi a %(firm)s"),
        _("%(person)s ha chiesto di entrare a far parte di %(firm)s. Messaggio: %(message)s"),
    )
)
JOIN_REQUEST_ACCEPTED = register_kind(
    Kind(
        "join_request_accepted",
        _("Richieste di adesione accettate"),
        _("Sei entrato a far parte di %(firm)s"),
        _("Il referente di %(firm)s ha accettato la tua richiesta di adesione."),
    )
)
JOIN_REQUEST_DECLINED = register_kind(
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


register_group(
    "firm",
    _("La tua impresa"),
    [
        FIRM_APPROVED,
        FIRM_CHANGE_APPROVED,
        FIRM_CHANGE_REJECTED,
        JOIN_REQUEST_RECEIVED,
        JOIN_REQUEST_ACCEPTED,
        JOIN_REQUEST_DECLINED,
    ],
)


# --- Audiences -----------------------------------------------------------------------------------
def approved_firm_users(*, sector_ids: list[int] | None = None) -> QuerySet[User, int]:
    """Active users of approved firms, optionally only of some sectors."""
    users = User.objects.filter(is_active=True, membership__firm__status=Firm.Status.APPROVED)
    if sector_ids:
        users = users.filter(membership__firm__sector_id__in=sector_ids)
    return users.order_by("pk").values_list("pk", flat=True)


register_audience("approved_firm_users", approved_firm_users)
