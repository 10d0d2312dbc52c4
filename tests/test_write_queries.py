"""The writes of the page benchmark (issue 20) run a fixed number of queries: applying to a
mission, requesting a B2B meeting, posting a comment on the board. Each count is pinned with a
second, different target so that it cannot grow with the data (no query per row)."""

import pytest
from django.urls import reverse

from board import services
from missions.models import Application, MeetingRequest
from tests.factories import ApplicationFactory, MissionFactory, member
from tests.partners.support import partner_on_mission
from tests.support.clients import login

pytestmark = pytest.mark.django_db

APPLY_QUERIES = 15
MEETING_REQUEST_QUERIES = 9
COMMENT_QUERIES = 12


@pytest.mark.parametrize("others", [0, 5])
def test_applying_to_a_mission(others, django_assert_num_queries):
    mission = MissionFactory(seats=10)
    for _ in range(others):
        ApplicationFactory(mission=mission)
    owner = member()
    client = login(owner)
    url = reverse("missions:apply", args=[mission.pk])
    with django_assert_num_queries(APPLY_QUERIES):
        response = client.post(url, {"delegates": 1, "note": "Cerchiamo distributori"})
    assert response.status_code == 302
    assert Application.objects.filter(mission=mission, firm__memberships__user=owner).exists()


@pytest.mark.parametrize("partners", [1, 5])
def test_requesting_a_meeting(partners, django_assert_num_queries):
    mission, partner, _ = partner_on_mission()
    for n in range(partners - 1):
        partner_on_mission(f"Partner {n} GmbH", mission=mission)
    owner = member()
    ApplicationFactory(
        mission=mission, firm=owner.membership.firm, status=Application.Status.CONFIRMED
    )
    client = login(owner)
    url = reverse("missions:meeting_request", args=[mission.pk])
    with django_assert_num_queries(MEETING_REQUEST_QUERIES):
        response = client.post(url, {"partner": partner.pk, "priority": 3, "reason": "Marmo"})
    assert response.status_code == 302
    assert MeetingRequest.objects.filter(mission=mission, partner=partner).exists()


@pytest.mark.parametrize("comments", [0, 5])
def test_posting_a_comment(comments, django_assert_num_queries):
    author = member()
    post = services.post_create(
        author=author, kind="question", title="Dogana", body="Come si compila il DAE?", tags=[]
    )
    for n in range(comments):
        services.comment_create(post=post, author=member(), body=f"Risposta {n}")
    client = login(member())
    url = reverse("board:comment", args=[post.pk])
    with django_assert_num_queries(COMMENT_QUERIES):
        response = client.post(url, {"body": "Con il codice EORI"})
    assert response.status_code == 302
    assert post.comments.filter(body="Con il codice EORI").exists()
