"""seed_demo gives the demo firms check-ups at different stages (issue 19)."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from checkup.models import CheckUp
from members.models import User
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def test_the_demo_firms_have_check_ups_at_different_stages():
    with override_settings(DEBUG=True):  # seed_demo runs only in development
        call_command("seed_demo", verbosity=0)
        call_command("seed_demo", verbosity=0)  # idempotent
    counts = {
        name: CheckUp.objects.filter(firm__name=name, completed_at__isnull=False).count()
        for name in (
            "Graniti Val Masino S.r.l.",
            "Pietre di Chiavenna S.n.c.",
            "Officine Meccaniche Adda S.r.l.",
        )
    }
    assert counts == {
        "Graniti Val Masino S.r.l.": 0,
        "Pietre di Chiavenna S.n.c.": 1,
        "Officine Meccaniche Adda S.r.l.": 2,
    }
    mentor = User.objects.get(email="mentore@club.example")
    latest = CheckUp.objects.filter(firm__name="Officine Meccaniche Adda S.r.l.").first()
    page = login(mentor).get(reverse("checkup:result", args=[latest.pk])).content.decode()
    assert "rispetto al check-up del" in page
    my_firm = login(mentor).get(reverse("my_firm")).content.decode()
    assert "Ultimo check-up" in my_firm


def test_the_demo_firms_end_at_different_journey_stages_and_the_funnel_is_not_empty():
    from checkup import journey
    from checkup.models import JourneyStage
    from members.models import Firm
    from missions.models import Meeting
    from tests.factories import StaffFactory

    with override_settings(DEBUG=True):
        call_command("seed_demo", verbosity=0)
        call_command("seed_demo", verbosity=0)  # idempotent: one past meeting, one offer
    firms = {
        f.name: f.pk
        for f in Firm.objects.filter(
            name__in=[
                "Graniti Val Masino S.r.l.",
                "Pietre di Chiavenna S.n.c.",
                "Officine Meccaniche Adda S.r.l.",
            ]
        )
    }
    found = journey.journeys(firms.values())
    stages = {name: found[pk].stage for name, pk in firms.items()}
    assert stages == {
        "Graniti Val Masino S.r.l.": JourneyStage.NON_EXPORTER,
        "Pietre di Chiavenna S.n.c.": JourneyStage.CHECKUP,
        "Officine Meccaniche Adda S.r.l.": JourneyStage.FIRST_OFFER,
    }
    # The offer was recorded on a meeting that took place (a past mission, marked held).
    offer = Meeting.objects.get(firm_id=firms["Officine Meccaniche Adda S.r.l."], outcome="offer")
    assert offer.attendance == Meeting.Attendance.HELD
    assert offer.slot is not None
    assert offer.slot.ends_at < timezone.now()

    response = login(StaffFactory()).get(reverse("staff_dashboard:journeys"))
    assert response.status_code == 200
    funnel = {r.label: r.values for r in response.context["figures"]["percorso_imprese"].rows}
    assert funnel["Prima offerta"][0] >= 1
    assert funnel["Check-up fatto"][1] >= 1
    assert funnel["Non esportatore"][1] >= 1
