"""The mission day: badges and check-in (passes.py); each part of the day adds its module here."""

from missionday.models.debriefs import Debrief
from missionday.models.passes import CheckIn, DayPass
from missionday.models.surveys import SurveyResponse, SurveySending

__all__ = ["CheckIn", "DayPass", "Debrief", "SurveyResponse", "SurveySending"]
