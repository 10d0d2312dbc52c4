"""The header of a German partner contact: their workspace, nothing a firm user has (issue 17).

A partner contact has no firm: "La mia impresa" ("Mein Unternehmen") would offer them to create
one. The header reads a flag on the user row the request already loads (no query)."""

import pytest
from django.urls import reverse

from tests.factories import member
from tests.partners.support import invite, partner_on_mission
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def _header(response) -> str:
    assert response.status_code == 200
    return response.content.decode().split('id="main"', 1)[0]


@pytest.fixture
def contact(django_capture_on_commit_callbacks, eager_celery, mailoutbox):
    mission, partner, _ = partner_on_mission()
    return invite(django_capture_on_commit_callbacks, mission, partner)


def test_a_partner_contact_sees_their_workspace_and_not_my_firm(contact):
    workspace = reverse("partners:home")
    for language in ("it", "de"):
        header = _header(login(contact.user, language=language).get(workspace))
        assert f'href="{workspace}"' in header
        assert f'href="{reverse("my_firm")}"' not in header
        assert "La mia impresa" not in header
        assert "Mein Unternehmen" not in header
        assert f'href="{reverse("missions:list")}"' not in header
        assert f'href="{reverse("notifications:inbox")}"' in header  # they get notifications
    italian = _header(login(contact.user, language="it").get(workspace))
    assert "Area partner" in italian


def test_my_firm_sends_a_partner_contact_to_their_workspace(contact):
    response = login(contact.user).get(reverse("my_firm"))
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:home")


def test_a_firm_users_header_is_unchanged(django_assert_num_queries):
    owner = member()
    header = _header(login(owner).get(reverse("notifications:inbox")))
    assert f'href="{reverse("my_firm")}"' in header
    assert "La mia impresa" in header
    assert f'href="{reverse("missions:list")}"' in header
    assert f'href="{reverse("partners:home")}"' not in header


def test_a_co_organiser_members_header_links_their_area_without_a_query():
    """The co-organiser's member (flagged by member_add) gets "Area co-organizzatore" instead of
    "La mia impresa", read from the user row: no query for a membership or a member row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from partners import co_organisers
    from partners.models import CoOrganiser

    co_organiser = CoOrganiser.objects.create(name="AHK Köln", kind=CoOrganiser.Kind.CHAMBER)
    user = co_organisers.member_add(
        co_organiser_id=co_organiser.pk, email="berater@ahk-koeln.example"
    ).user
    client = login(user, language="it")
    with CaptureQueriesContext(connection) as queries:
        header = _header(client.get(reverse("notifications:inbox")))
    area = reverse("partners:co_home")
    assert f'href="{area}"' in header
    assert "Area co-organizzatore" in header
    assert f'href="{reverse("my_firm")}"' not in header
    assert "La mia impresa" not in header
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "members_membership" not in tables
    assert "partners_coorganisermember" not in tables
