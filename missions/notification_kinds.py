"""The notifications of missions, applications and B2B meetings, and the mission audiences.

Imported from MissionsConfig.ready, which registers them with notifications.registry. The texts are
Italian msgids (see the registry's docstring for the placeholders).
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from members.models import User
from members.notification_kinds import approved_firm_users
from missions.models import Application, Mission
from notifications.registry import Kind, register_audience, register_group, register_kind

# --- Trade missions -----------------------------------------------------------------------------
MISSION_PUBLISHED = register_kind(
    Kind(
        "mission_published",
        _("Nuove missioni nel tuo settore"),
        _("Nuova missione: %(mission)s"),
        _("La Camera ha pubblicato la missione %(mission)s (%(dates)s), per il tuo settore."),
    )
)
MISSION_CANCELLED = register_kind(
    Kind(
        "mission_cancelled",
        _("Missioni annullate"),
        _("Missione annullata: %(mission)s"),
        _(
            "La Camera di Commercio ha annullato la missione %(mission)s. La candidatura di "
            "%(firm)s è ritirata e i suoi incontri B2B sono annullati."
        ),
    )
)
REGISTRATION_OPEN = register_kind(
    Kind(
        "registration_open",
        _("Apertura delle iscrizioni che segui"),
        _("Iscrizioni aperte: %(mission)s"),
        _("Da oggi puoi candidare la tua impresa alla missione %(mission)s."),
    )
)
APPLICATION_RECEIVED = register_kind(
    Kind(
        "application_received",
        _("Candidature ricevute"),
        _("Candidatura ricevuta: %(mission)s"),
        _("Abbiamo ricevuto la candidatura di %(firm)s alla missione %(mission)s."),
    )
)
APPLICATION_CONFIRMED = register_kind(
    Kind(
        "application_confirmed",
        _("Candidature confermate"),
        _("Confermata: %(firm)s partecipa a %(mission)s"),
        _("La partecipazione di %(firm)s alla missione %(mission)s è confermata."),
    )
)
APPLICATION_WAITLISTED = register_kind(
    Kind(
        "application_waitlisted",
        _("Candidature in lista d'attesa"),
        _("Lista d'attesa: %(mission)s"),
        _(
            "I posti della missione %(mission)s sono esauriti: %(firm)s è in lista d'attesa. "
            "Se un posto si libera, te lo offriremo."
        ),
    )
)
APPLICATION_OFFERED = register_kind(
    Kind(
        "application_offered",
        _("Posti liberati offerti alla tua impresa"),
        _("Si è liberato un posto: %(mission)s"),
        _(
            "Si è liberato un posto nella missione %(mission)s. Conferma o rinuncia entro "
            "%(expires)s; poi il posto passa alla prossima impresa in lista."
        ),
    )
)
APPLICATION_REJECTED = register_kind(
    Kind(
        "application_rejected",
        _("Candidature non accolte"),
        _("Candidatura non accolta: %(mission)s"),
        _("La candidatura di %(firm)s alla missione %(mission)s non è stata accolta."),
    )
)
APPLICATION_OFFER_EXPIRED = register_kind(
    Kind(
        "application_offer_expired",
        _("Offerte di posto scadute"),
        _("Offerta scaduta: %(mission)s"),
        _(
            "Il posto offerto a %(firm)s per la missione %(mission)s non è stato "
            "confermato in tempo."
        ),
    )
)
DEADLINE_SOON = register_kind(
    Kind(
        "mission_deadline_soon",
        _("Scadenze delle iscrizioni"),
        _("Iscrizioni in scadenza: %(mission)s"),
        _("Le iscrizioni alla missione %(mission)s chiudono il %(deadline)s."),
    )
)
MISSION_STARTS_SOON = register_kind(
    Kind(
        "mission_starts_soon",
        _("Promemoria di partenza"),
        _("Si parte tra una settimana: %(mission)s"),
        _(
            "La missione %(mission)s inizia il %(start)s. Trovi il programma e il "
            "calendario nel portale."
        ),
    )
)

# --- B2B meetings --------------------------------------------------------------------------------
SUGGESTIONS_READY = register_kind(
    Kind(
        "suggestions_ready",
        _("Partner suggeriti per le missioni"),
        _("I partner suggeriti per %(mission)s sono pronti"),
        _(
            "Abbiamo individuato i partner tedeschi più adatti a %(firm)s per la missione "
            "%(mission)s, con i motivi. Scegli chi vuoi incontrare."
        ),
    )
)
MEETING_WISHED = register_kind(
    Kind(
        "meeting_wished",
        _("Partner che vogliono incontrarti"),
        _("%(partner)s vuole incontrare %(firm)s"),
        _("Il partner %(partner)s ha chiesto un incontro B2B durante la missione %(mission)s."),
    )
)
MEETING_ACCEPTED = register_kind(
    Kind(
        "meeting_accepted",
        _("Incontri B2B accettati"),
        _("Incontro accettato: %(partner)s"),
        _(
            "%(partner)s ha accettato di incontrare %(firm)s durante la missione %(mission)s. "
            "Orario e tavolo arriveranno con l'agenda."
        ),
    )
)
MEETING_DECLINED = register_kind(
    Kind(
        "meeting_declined",
        _("Incontri B2B non accettati"),
        _("Incontro non accettato: %(partner)s"),
        _("%(partner)s non potrà incontrare %(firm)s durante la missione %(mission)s."),
    )
)
AGENDA_PUBLISHED = register_kind(
    Kind(
        "agenda_published",
        _("Agende degli incontri B2B"),
        _("La tua agenda per %(mission)s è pronta"),
        _(
            "L'agenda degli incontri B2B di %(firm)s per la missione %(mission)s è pubblicata: "
            "orari, tavoli e profili dei partner. Scaricala in PDF o nel calendario."
        ),
    )
)
MEETING_CHANGED = register_kind(
    Kind(
        "meeting_changed",
        _("Modifiche agli incontri B2B"),
        _("Cambiato l'incontro con %(partner)s"),
        _(
            "L'incontro con %(partner)s (missione %(mission)s) ora è: %(when)s. "
            "Il calendario aggiornato è nella tua agenda."
        ),
    )
)
MEETING_CANCELLED_BY_PARTNER = register_kind(
    Kind(
        "meeting_cancelled_by_partner",
        _("Incontri B2B annullati dal partner"),
        _("Incontro annullato: %(partner)s"),
        _(
            "%(partner)s ha annullato l'incontro con %(firm)s durante la missione %(mission)s. "
            "Motivo: %(reason)s"
        ),
    )
)
B2B_CANCELLED = register_kind(
    Kind(
        "b2b_cancelled",
        _("Incontri B2B annullati"),
        _("Incontri B2B annullati: %(mission)s"),
        _(
            "Le richieste e gli incontri B2B di %(firm)s per la missione %(mission)s "
            "(%(partners)s) sono annullati: %(reason)s."
        ),
    )
)
MEETING_FOLLOWUP = register_kind(
    Kind(
        "meeting_followup",
        _("Esiti degli incontri B2B"),
        _("Com'è andata dopo %(mission)s?"),
        _(
            "Sono passati %(days)s giorni dalla missione %(mission)s: indica l'esito di ogni "
            "incontro (contatto, offerta, campioni, ordine). Serve a misurare i risultati."
        ),
    )
)


register_group(
    "missions",
    _("Missioni"),
    [
        MISSION_PUBLISHED,
        MISSION_CANCELLED,
        REGISTRATION_OPEN,
        APPLICATION_RECEIVED,
        APPLICATION_CONFIRMED,
        APPLICATION_WAITLISTED,
        APPLICATION_OFFERED,
        APPLICATION_REJECTED,
        APPLICATION_OFFER_EXPIRED,
        DEADLINE_SOON,
        MISSION_STARTS_SOON,
        SUGGESTIONS_READY,
        MEETING_WISHED,
        MEETING_ACCEPTED,
        MEETING_DECLINED,
        AGENDA_PUBLISHED,
        MEETING_CHANGED,
        MEETING_CANCELLED_BY_PARTNER,
        B2B_CANCELLED,
        MEETING_FOLLOWUP,
    ],
)


# --- Audiences -----------------------------------------------------------------------------------
def mission_non_applicants(*, mission_id: int) -> QuerySet[User, int]:
    """Users of approved firms of the mission's sectors whose firm has not applied."""
    sector_ids = Mission.sectors.through.objects.filter(mission_id=mission_id).values("sector_id")
    applied = Application.objects.filter(mission_id=mission_id, status__in=Application.ACTIVE)
    return (
        approved_firm_users(sector_ids=None)
        .filter(membership__firm__sector_id__in=sector_ids)
        .exclude(membership__firm__in=applied.values("firm_id"))
    )


def mission_participants(*, mission_id: int) -> QuerySet[User, int]:
    """Users of the firms confirmed on the mission."""
    confirmed = Application.objects.filter(
        mission_id=mission_id, status=Application.Status.CONFIRMED
    )
    return (
        User.objects.filter(is_active=True, membership__firm__in=confirmed.values("firm_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


register_audience("mission_non_applicants", mission_non_applicants)
register_audience("mission_participants", mission_participants)
