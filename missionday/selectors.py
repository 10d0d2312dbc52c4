"""Reads of the mission day reused by several views."""

from datetime import date, datetime

from django.db.models import QuerySet

from members.models import User
from missionday.models import CheckIn, DayPass
from missions.models import Mission


def pass_of(*, user: User, mission: Mission) -> DayPass | None:
    """The person's badge for the mission, if any."""
    return (
        DayPass.objects.filter(user=user, mission=mission)
        .select_related("firm", "partner", "mission")
        .first()
    )


def passes_for(mission: Mission) -> QuerySet[DayPass]:
    """The mission's badges, by name, with what the badge prints."""
    return DayPass.objects.filter(mission=mission).select_related("firm", "partner")


def checked_in_pass_ids(mission: Mission, day: date) -> set[int]:
    """The ids of the mission's badges checked in on `day`."""
    return set(
        CheckIn.objects.filter(day_pass__mission=mission, day=day).values_list(
            "day_pass_id", flat=True
        )
    )


def check_in_times(mission: Mission, day: date) -> dict[int, datetime]:
    """When each of the mission's badges checked in on `day` was seen: {badge id: time}."""
    return dict(
        CheckIn.objects.filter(day_pass__mission=mission, day=day).values_list(
            "day_pass_id", "checked_in_at"
        )
    )
