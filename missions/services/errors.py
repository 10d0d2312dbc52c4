"""The domain errors of missions: what a service raises when a rule says no.

Views show `str(exc)` as a form error or a message; `MissionsError` catches any of them.
"""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class MissionsError(DomainError):
    """Base of the errors below; `message` is shown to the user."""

    message = _("Operazione non consentita.")

    def __str__(self) -> str:
        return str(self.message)


# --- Applications and seats ------------------------------------------------------------------


class ApplicationError(MissionsError):
    """A refused application, withdrawal or answer to an offer."""


class RegistrationClosed(ApplicationError):
    message = _("Le iscrizioni a questa missione non sono aperte.")


class AlreadyApplied(ApplicationError):
    message = _("La tua impresa ha già una candidatura attiva per questa missione.")


class TooManyDelegates(ApplicationError):
    message = _("Il numero di delegati supera il limite della missione.")


class SectorNotAdmitted(ApplicationError):
    message = _("La missione è riservata ad altri settori.")


class FirmNotApproved(ApplicationError):
    message = _("Solo le imprese approvate possono candidarsi.")


class NotActive(ApplicationError):
    message = _("La candidatura non è più attiva.")


class OfferExpired(ApplicationError):
    message = _("L'offerta del posto è scaduta.")


class MissionFull(ApplicationError):
    message = _("Non ci sono posti liberi.")


# --- B2B meetings --------------------------------------------------------------------------


class MeetingError(MissionsError):
    """A refused meeting request, answer, slot generation or placement."""


class NotAParticipant(MeetingError):
    message = _("Gli incontri B2B sono per le imprese confermate sulla missione.")


class PartnerNotAttending(MeetingError):
    message = _("Questo partner non partecipa alla missione.")


class RequestLimitReached(MeetingError):
    message = _("Hai raggiunto il numero massimo di richieste di incontro per questa missione.")


class PartnerRequestLimitReached(MeetingError):
    message = _("Avete raggiunto il numero massimo di richieste di incontro per questa missione.")


class AttendanceNotConfirmed(MeetingError):
    message = _("Confermate prima la vostra partecipazione alla missione.")


class AlreadyRequested(MeetingError):
    message = _("Hai già chiesto di incontrare questo partner.")


class FirmAlreadyRequested(AlreadyRequested):
    message = _("Esiste già una richiesta di incontro con questa impresa.")


class SlotsInUse(MeetingError):
    message = _("Ci sono incontri già collocati: sposta o annulla prima quelli.")


class SlotTaken(MeetingError):
    message = _("La fascia o il tavolo sono già occupati, o un partecipante è già impegnato.")


class MeetingSlotReused(MeetingError):
    message = _(
        "Il tavolo o la fascia di questo incontro sono stati assegnati a un altro incontro: "
        "l'assenza non si può annullare."
    )


class SlotEnded(MeetingError):
    message = _("Questa fascia è già finita.")


class MeetingAlreadyPlaced(MeetingError):
    message = _("Questo incontro è già in agenda.")


class SlotUnavailable(MeetingError):
    message = _(
        "La fascia non appartiene a questa missione, il tavolo non esiste "
        "o il partner non è disponibile in quella fascia."
    )


# --- Partner organisations ---------------------------------------------------------------


class PartnerInvalid(MeetingError):
    """A new partner's values break a rule of the model; `errors` maps each field to its
    messages (as ValidationError.message_dict), so a form can show them beside its fields."""

    message = _("Controllate i dati del partner.")

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__()
        self.errors = errors


# --- After the meetings --------------------------------------------------------------------


class FeedbackError(MeetingError):
    """A refused partner feedback on a meeting."""


class FeedbackNotPlaced(FeedbackError):
    message = _("Questo incontro non è in agenda: non si può dare un feedback.")


class FeedbackTooEarly(FeedbackError):
    message = _("Potrete dare il vostro feedback quando l'incontro sarà iniziato.")


class FeedbackSlotReused(FeedbackError):
    """A debrief that would put back a meeting whose table or slot went to another meeting."""

    message = _(
        "Il tavolo o la fascia di questo incontro sono stati assegnati a un altro incontro: "
        "il debriefing non può segnarlo come svolto."
    )


class FeedbackInvalid(FeedbackError):
    message = _(
        "Feedback non valido: dite se l'incontro si è svolto e, se sì, il vostro interesse "
        "e il prossimo passo (nota di al massimo 300 caratteri)."
    )
