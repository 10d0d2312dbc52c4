"""The models of missions, in its two contexts: missions and applications; B2B meetings.

Every model is imported here, so `from missions.models import X` works and Django finds them all;
the tables, the app label and the migrations are those of the former single `models.py`.
"""

from missions.models.applications import Application, Interest
from missions.models.b2b import (
    MatchmakingRun,
    MatchSuggestion,
    Meeting,
    MeetingRequest,
    MissionPartner,
    Partner,
    SchedulerRun,
    Slot,
)
from missions.models.missions import City, Mission, ProgrammeItem, Question, SectorCap

__all__ = [
    "Application",
    "City",
    "Interest",
    "MatchSuggestion",
    "MatchmakingRun",
    "Meeting",
    "MeetingRequest",
    "Mission",
    "MissionPartner",
    "Partner",
    "ProgrammeItem",
    "Question",
    "SchedulerRun",
    "SectorCap",
    "Slot",
]
