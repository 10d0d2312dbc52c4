"""The mission page in reading order: the firm's own status and action first (on a phone the
cards stack, so what comes first in the page is what a person sees first)."""

import pytest
from django.urls import reverse

from missions.models import Application
from tests.factories import ApplicationFactory, MissionFactory
from tests.support.html import main_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [None, Application.Status.WAITLISTED])
def test_the_firms_status_and_action_come_before_the_seats_and_the_description(
    owner_client, owner, status
):
    mission = MissionFactory(description="Una lunga descrizione della missione. " * 40)
    if status:
        ApplicationFactory(mission=mission, firm=owner.membership.firm, status=status)
    main = main_of(owner_client.get(reverse("missions:detail", args=[mission.pk])).content.decode())
    action = "Ritira la candidatura" if status else "Candida la tua impresa"
    order = [
        main.index('id="status-title"'),
        main.index(action),
        main.index('id="seats-title"'),
        main.index("Una lunga descrizione"),
    ]
    assert order == sorted(order)
