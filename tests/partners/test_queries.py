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
    client.get(home)  # warm: the user comes from Redis (core/auth.py)
    before = (queries(client, home), queries(client, page))

    for _ in range(3):
        other = MissionFactory()
        MissionPartner.objects.create(mission=other, partner=partner)
        PartnerInvitation.objects.create(contact=contact, mission=other)
    ProgrammeItemFactory(mission=mission, title="Seconda sessione")
    b2b.slots_generate(mission_id=mission.pk)  # twice the slots

    assert (queries(client, home), queries(client, page)) == before
    assert queries(client, reverse("partners:profile")) <= 12


def test_the_co_organiser_mission_page_has_a_fixed_query_count(
    django_assert_num_queries, django_capture_on_commit_callbacks, eager_celery, mailoutbox
):
    from missions.models import MeetingRequest
    from tests.factories import member
    from tests.partners.support import bring, co_organiser_with_member

    mission, partner, _ = partner_on_mission()
    co_organiser, user = co_organiser_with_member(missions=[mission])
    bring(co_organiser, partner)
    invite(django_capture_on_commit_callbacks, mission, partner)
    client = login(user)
    url = reverse("partners:co_mission", args=[mission.pk])
    # Session and user, the member, the mission, the rows with their counts, the contacts,
    # the partners (with their cities) of the invitation form; the menu's unread count (no firm:
    # the header reads User.is_co_organiser_member).
    client.get(url)  # warm: the user comes from Redis (core/auth.py)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.status_code == 200
    assert "Naturstein Import GmbH" in response.content.decode()

    for n in range(4):  # more partners, contacts and requests: the same queries
        _m, more, _mp = partner_on_mission(f"Partner {n} GmbH", mission=mission)
        bring(co_organiser, more)
        invite(django_capture_on_commit_callbacks, mission, more, email=f"k{n}@p{n}.example")
        firm = member(name=f"Impresa {n}").membership.firm
        MeetingRequest.objects.create(mission=mission, firm=firm, partner=more)
    client.get(url)  # warm again: the invitations' notifications reset the cached bell count
    with django_assert_num_queries(5):
        response = client.get(url)
    assert "Partner 3 GmbH" in response.content.decode()
    assert "k3@p3.example" in response.content.decode()


def test_the_co_organiser_partner_page_does_not_grow_with_requests_and_meetings(
    django_assert_num_queries,
):
    from django.utils import timezone

    from missions.models import Meeting, MeetingRequest
    from tests.factories import member
    from tests.partners.support import bring, co_organiser_with_member

    mission, partner, _ = partner_on_mission()
    mission.agenda_published_at = timezone.now()
    mission.save(update_fields=["agenda_published_at"])
    ProgrammeItemFactory(mission=mission, kind="b2b")
    b2b.slots_generate(mission_id=mission.pk)
    slots = list(mission.programme.get().slots.order_by("starts_at"))
    co_organiser, user = co_organiser_with_member(missions=[mission])
    bring(co_organiser, partner)
    client = login(user)
    url = reverse("partners:co_partner", args=[mission.pk, partner.pk])

    def add_meeting(n):
        firm = member(name=f"Impresa {n}").membership.firm
        request = MeetingRequest.objects.create(
            mission=mission, firm=firm, partner=partner, status="accepted"
        )
        Meeting.objects.create(
            request=request,
            mission=mission,
            firm=firm,
            partner=partner,
            slot=slots[n],
            table=1,
            partner_held=True,
            partner_interest=4,
            partner_next_step="offer",
            partner_note=f"Notiz {n}",
            partner_feedback_at=timezone.now(),
        )

    add_meeting(0)
    # Session and user, the member, the partner on the mission, the agenda's meetings, the
    # requests with their meetings (and the partner's feedback on them); the menu's unread count
    # (no firm: the header reads User.is_co_organiser_member).
    client.get(url)  # warm: the user comes from Redis (core/auth.py)
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200
    for n in range(1, 4):
        add_meeting(n)
    with django_assert_num_queries(4):
        response = client.get(url)
    assert "Impresa 3" in response.content.decode()
    assert "Notiz 3" in response.content.decode()
