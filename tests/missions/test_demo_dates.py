"""The demo missions fall on working days in Italy and in Germany (federal and the city's Land):
no B2B day on 25 December, at Easter or on a weekend, whatever day the demo is seeded."""

import datetime as dt

import holidays
import pytest
from django.core.management import call_command

from missionday.demo import DEMO_MISSION as MISSION_TODAY
from missions.models import Mission, ProgrammeItem

pytestmark = pytest.mark.django_db

LAND = {"koeln": "NW", "dortmund": "NW", "leipzig": "SN", "berlin": "BE"}


def closed_because(day: dt.date, land: str | None) -> str | None:
    """Why `day` is not a working day (in Italy, Germany and `land`), or None."""
    if day.weekday() >= 5:
        return "weekend"
    for name, calendar in [
        ("IT", holidays.country_holidays("IT", years=day.year)),
        ("DE", holidays.country_holidays("DE", years=day.year)),
        *([(land, holidays.country_holidays("DE", subdiv=land, years=day.year))] if land else []),
    ]:
        if day in calendar:
            return f"{name}: {calendar.get(day)}"
    return None


# 30 Nov 2026 put the Dortmund day on 25 December, 1 Dec 2026 on 26 December, 4 Mar 2027
# on Easter Monday (29 March); 5 Sep 2027 on a weekend.
@pytest.mark.parametrize("today", ["2026-11-30", "2026-12-01", "2027-03-04", "2027-09-05"])
def test_every_demo_mission_day_is_a_working_day(settings, today):
    settings.DEBUG = True  # seed_demo runs only in development
    call_command("seed_demo", today=dt.date.fromisoformat(today))

    # The mission-day demo happens today, whatever day it is (issue 18: a new user opens the
    # companion and the board at once); the planned missions keep to working days.
    planned = Mission.objects.exclude(title_it=MISSION_TODAY)
    problems = []
    for mission in planned:
        lands = {LAND.get(c) for c in mission.programme.values_list("city__slug", flat=True)} - {
            None
        }
        day = mission.start_date
        while day <= mission.end_date:
            for land in lands or {None}:
                if reason := closed_because(day, land):
                    problems.append((mission.title, day, reason))
            day += dt.timedelta(days=1)
    for item in ProgrammeItem.objects.filter(mission__in=planned).select_related("city", "mission"):
        reason = closed_because(item.local_start().date(), LAND.get(item.city.slug))
        if reason:
            problems.append((item.mission.title, item.title, item.local_start().date(), reason))

    assert Mission.objects.count() >= 3
    assert problems == []
