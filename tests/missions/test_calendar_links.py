"""The calendar links of a mission page say what each calendar contains."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from missions.models import Application
from tests.factories import ApplicationFactory, MembershipFactory, MissionFactory
from tests.support.clients import login
from tests.support.html import main_of

pytestmark = pytest.mark.django_db


def description_of(html: str, href: str) -> str:
    """The text the link to `href` is described by (aria-describedby)."""
    link = re.search(rf'<a [^>]*href="{re.escape(href)}"[^>]*>', html)
    assert link, f"no link to {href}"
    ref = re.search(r'aria-describedby="([^"]+)"', link.group(0))
    assert ref, f"the link to {href} has no description"
    described = re.search(rf'<[a-z]+ [^>]*id="{ref.group(1)}"[^>]*>(.*?)</', html, re.S)
    assert described, f"no element with id {ref.group(1)}"
    return " ".join(described.group(1).split())


def test_each_calendar_link_says_what_it_contains():
    owner = MembershipFactory().user
    mission = MissionFactory(agenda_published_at=timezone.now())
    ApplicationFactory(
        mission=mission, firm=owner.membership.firm, status=Application.Status.CONFIRMED
    )

    main = main_of(login(owner).get(reverse("missions:detail", args=[mission.pk])).content.decode())

    mission_only = description_of(main, reverse("missions:ics", args=[mission.pk]))
    firm_wide = description_of(main, reverse("missions:firm_ics"))
    agenda = description_of(main, reverse("missions:agenda_ics", args=[mission.pk]))
    assert "programma di questa missione, uguale per tutti" in mission_only
    assert "tutte le missioni" in firm_wide
    assert "incontri B2B" in agenda


def test_a_firm_not_taking_part_sees_only_the_mission_calendar_described():
    owner = MembershipFactory().user
    mission = MissionFactory()

    main = main_of(login(owner).get(reverse("missions:detail", args=[mission.pk])).content.decode())

    assert "uguale per tutti" in description_of(main, reverse("missions:ics", args=[mission.pk]))
    assert reverse("missions:firm_ics") not in main
