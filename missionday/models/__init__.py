"""The mission day: badges and check-in (passes.py); each part of the day adds its module here."""

from missionday.models.debriefs import Debrief
from missionday.models.passes import CheckIn, DayPass

__all__ = ["CheckIn", "DayPass", "Debrief"]
