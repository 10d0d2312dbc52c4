"""The partner pages' query counts do not grow with the number of missions or slots."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from missions import services as b2b
from missions.models import MissionPartner
from partners.models import PartnerInvitation
from tests.factories import MissionFactory, ProgrammeItemFactory
from tests.partners.support import invite, partner_on_mission
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_home_and_mission_pages_do_not_grow(
    django_capture_on_commit_callbacks, eager_celery, mailoutbox
):
    mission, partner, _ = partner_on_mission()
    ProgrammeItemFactory(mission=mission)
    b2b.slots_generate(mission_id=mission.pk)
    contact = invite(django_capture_on_commit_callbacks, mission, partner)
    client = login(contact.user)
    home, page = reverse("partners:home"), reverse("partners:mission", args=[mission.pk])
    before = (queries(client, home), queries(client, page))

    for _ in range(3):
        other = MissionFactory()
        MissionPartner.objects.create(mission=other, partner=partner)
        PartnerInvitation.objects.create(contact=contact, mission=other)
    ProgrammeItemFactory(mission=mission, title="Seconda sessione")
    b2b.slots_generate(mission_id=mission.pk)  # twice the slots

    assert (queries(client, home), queries(client, page)) == before
    assert queries(client, reverse("partners:profile")) <= 12
