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

# --- Trade missions -----------------------------------------------------------------------------
MISSION_PUBLISHED = register(
    Kind(
        "mission_published",
        _("Nuove missioni nel tuo settore"),
        _("Nuova missione: %(mission)s"),
        _("La Camera ha pubblicato la missione %(mission)s (%(dates)s), per il tuo settore."),
    )
)
REGISTRATION_OPEN = register(
    Kind(
        "registration_open",
        _("Apertura delle iscrizioni che segui"),
        _("Iscrizioni aperte: %(mission)s"),
        _("Da oggi puoi candidare la tua impresa alla missione %(mission)s."),
    )
)
APPLICATION_RECEIVED = register(
    Kind(
        "application_received",
        _("Candidature ricevute"),
        _("Candidatura ricevuta: %(mission)s"),
        _("Abbiamo ricevuto la candidatura di %(firm)s alla missione %(mission)s."),
    )
)
APPLICATION_CONFIRMED = register(
    Kind(
        "application_confirmed",
        _("Candidature confermate"),
        _("Confermata: %(firm)s partecipa a %(mission)s"),
        _("La partecipazione di %(firm)s alla missione %(mission)s è confermata."),
    )
)
APPLICATION_WAITLISTED = register(
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
APPLICATION_OFFERED = register(
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
APPLICATION_REJECTED = register(
    Kind(
        "application_rejected",
        _("Candidature non accolte"),
        _("Candidatura non accolta: %(mission)s"),
        _("La candidatura di %(firm)s alla missione %(mission)s non è stata accolta."),
    )
)
APPLICATION_OFFER_EXPIRED = register(
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
DEADLINE_SOON = register(
    Kind(
        "mission_deadline_soon",
        _("Scadenze delle iscrizioni"),
        _("Iscrizioni in scadenza: %(mission)s"),
        _("Le iscrizioni alla missione %(mission)s chiudono il %(deadline)s."),
    )
)
MISSION_STARTS_SOON = register(
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
SUGGESTIONS_READY = register(
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
MEETING_WISHED = register(
    Kind(
        "meeting_wished",
        _("Partner che vogliono incontrarti"),
        _("%(partner)s vuole incontrare %(firm)s"),
        _("Il partner %(partner)s ha chiesto un incontro B2B durante la missione %(mission)s."),
    )
)
MEETING_ACCEPTED = register(
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
MEETING_DECLINED = register(
    Kind(
        "meeting_declined",
        _("Incontri B2B non accettati"),
        _("Incontro non accettato: %(partner)s"),
        _("%(partner)s non potrà incontrare %(firm)s durante la missione %(mission)s."),
    )
)
AGENDA_PUBLISHED = register(
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
MEETING_CHANGED = register(
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
MEETING_FOLLOWUP = register(
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

# --- Board ---------------------------------------------------------------------------------------
BOARD_NEW_POST = register(
    Kind(
        "board_new_post",
        _("Nuovi post su ciò che segui"),
        _("Nuovo in bacheca: %(title)s"),
        _("%(author)s ha pubblicato «%(title)s» (%(topics)s)."),
        default_email="digest",
    )
)
BOARD_REPLY = register(
    Kind(
        "board_reply",
        _("Risposte ai tuoi post e commenti"),
        _("Nuova risposta a «%(title)s»"),
        _("%(author)s ha risposto: %(excerpt)s"),
    )
)
BOARD_FOLLOWED_REPLY = register(
    Kind(
        "board_followed_reply",
        _("Nuovi commenti nei post che segui"),
        _("Nuovo commento a «%(title)s»"),
        _("%(author)s ha commentato: %(excerpt)s"),
        default_email="digest",
    )
)
MENTORSHIP_REQUESTED = register(
    Kind(
        "mentorship_requested",
        _("Richieste di affiancamento ricevute"),
        _("%(firm)s chiede il vostro affiancamento"),
        _("%(firm)s vi chiede aiuto su: %(topic)s."),
    )
)
MENTORSHIP_ACCEPTED = register(
    Kind(
        "mentorship_accepted",
        _("Affiancamenti accettati"),
        _("%(mentor)s ha accettato di affiancarvi"),
        _("%(mentor)s ha accettato la richiesta su «%(topic)s»: ora vedete i rispettivi contatti."),
    )
)
MENTORSHIP_DECLINED = register(
    Kind(
        "mentorship_declined",
        _("Affiancamenti non accettati"),
        _("%(mentor)s non può affiancarvi ora"),
        _("%(mentor)s non può accettare la richiesta su «%(topic)s». Prova con un altro mentore."),
    )
)
