"""seed_demo holds a mission happening today (issue 18): badges issued, meetings placed around
now (past, running, later), one accepted request unplaced, one delegate checked in; the command
prints the day's pages."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from members.models import User
from missionday import demo
from missionday.models import CheckIn, DayPass
from missions.models import Meeting
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_mission_today_with_badges_and_placed_meetings(settings):
    settings.DEBUG = True  # seed_demo runs only in development
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    mission = demo.demo_mission()
    today, now = timezone.localdate(), timezone.now()
    assert mission.start_date == today
    assert mission.end_date >= today
    assert mission.programme.filter(kind="b2b", city__slug="koeln").exists()
    assert mission.sectors.filter(slug="metalmeccanico").exists()

    meetings = Meeting.objects.filter(mission=mission).select_related("slot")
    placed = [m for m in meetings if m.slot is not None]
    assert len(placed) == 5
    assert any(m.slot.ends_at <= now for m in placed)  # some over
    assert sum(m.slot.starts_at <= now < m.slot.ends_at for m in placed) == 1  # one running
    assert any(m.slot.starts_at > now for m in placed)  # some later
    unplaced = [m for m in meetings if m.slot is None]
    assert len(unplaced) == 1
    assert unplaced[0].request.status == "accepted"

    badges = DayPass.objects.filter(mission=mission)
    assert badges.filter(kind="delegate").count() == 3
    assert badges.filter(kind="partner").count() == 2
    assert CheckIn.objects.filter(day_pass__mission=mission, day=today).count() == 2
    assert CheckIn.objects.filter(day_pass__mission=mission, day_pass__kind="delegate").count() == 1

    # The mentor firm's owner opens their badge at once; the command printed the day's pages.
    mentor = User.objects.get(email="mentore@club.example")
    badge_url = reverse("missionday:my_badge", args=[mission.pk])
    assert login(mentor).get(badge_url).status_code == 200
    printed = out.getvalue()
    for path in (badge_url, f"/giornata/{mission.pk}/check-in/", f"/giornata/{mission.pk}/"):
        assert path in printed
    assert f"/giornata/{mission.pk}/tabellone/" in printed
