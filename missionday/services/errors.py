"""What the mission day's services refuse (views turn them into messages or 4xx answers)."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class MissionDayError(DomainError):
    message = _("Operazione non possibile.")

    def __str__(self) -> str:
        return str(self.message)


class PassNotFound(MissionDayError):
    """No badge with this token on this mission (unknown, forged, or another mission's)."""

    message = _("Badge non riconosciuto per questa missione.")


class CheckInInvalid(MissionDayError):
    """A check-in that cannot be stored: not a day of the mission, or a client id reused for
    another badge."""

    message = _("Check-in non valido.")


class NotAMissionDay(CheckInInvalid):
    message = _("Oggi non è un giorno della missione.")


class DelegateRefused(MissionDayError):
    """A firm's delegates cannot be changed: not an owner, or no confirmed application."""

    message = _("Solo i referenti di un'impresa confermata possono indicare i delegati.")


class DelegatesFull(MissionDayError):
    message = _("Avete già indicato tutti i delegati previsti dalla candidatura.")


class DelegateInvalid(MissionDayError):
    """Neither a member of the firm nor a name, or a person who already has a badge."""

    message = _("Scegli un collaboratore dell'impresa o scrivi nome e cognome.")


class AlreadyDelegate(MissionDayError):
    message = _("Questa persona ha già un badge per la missione.")


class DelegateCheckedIn(MissionDayError):
    """A badge that was checked in is the record of someone's presence: it stays."""

    message = _("Questo delegato ha già fatto il check-in: il suo badge non si può togliere.")


class SurveyLinkInvalid(MissionDayError):
    """A survey link whose signature does not hold (altered, forged) or names nobody."""

    message = _("Questo link al questionario non è valido.")


class SurveyLinkExpired(MissionDayError):
    message = _("Questo link al questionario è scaduto.")


class SurveyInvalid(MissionDayError):
    """Answers out of range or missing."""

    message = _("Risposte non valide: controlla i valori.")


class SurveyAlreadyAnswered(MissionDayError):
    message = _("Hai già risposto a questo questionario: le risposte contano una volta sola.")
