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
