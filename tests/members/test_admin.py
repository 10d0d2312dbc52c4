import pytest
from django.urls import reverse

from members.models import Firm
from tests.factories import FirmFactory

pytestmark = pytest.mark.django_db


def test_staff_approve_pending_firms_with_the_admin_action(staff_client, staff):
    pending = FirmFactory.create_batch(2, status=Firm.Status.PENDING)
    rejected = FirmFactory(status=Firm.Status.REJECTED)
    response = staff_client.post(
        reverse("admin:members_firm_changelist"),
        {
            "action": "approve_firms",
            "_selected_action": [f.pk for f in [*pending, rejected]],
        },
        follow=True,
    )
    assert "2 imprese approvate" in response.content.decode()
    for firm in pending:
        firm.refresh_from_db()
        assert firm.status == Firm.Status.APPROVED
        assert firm.approved_by == staff
    rejected.refresh_from_db()
    assert rejected.status == Firm.Status.REJECTED


def test_admin_is_in_italian_and_lists_filter_and_search(staff_client):
    FirmFactory(name="Graniti Sondrio")
    FirmFactory(name="Bresaole Chiavenna")
    response = staff_client.get(
        reverse("admin:members_firm_changelist"), {"q": "Graniti"}, HTTP_ACCEPT_LANGUAGE="it"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Graniti Sondrio" in body
    assert "Bresaole Chiavenna" not in body  # the search left it out
    assert "Approva le imprese selezionate" in body
    # "Filtra" alone is on every admin page (the sidebar's search box): the changelist's own
    # filter panel, with the firm status filter, is what this page adds.
    assert '<h2 id="changelist-filter-header">Filtra</h2>' in body
    assert "Per stato" in body


def test_firm_user_cannot_reach_the_admin(owner_client):
    response = owner_client.get(reverse("admin:members_firm_changelist"), follow=True)
    assert response.status_code == 403


def test_admin_login_goes_through_the_rate_limited_allauth_login(client):
    response = client.get(reverse("admin:login") + "?next=" + reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "path",
    [
        reverse("admin:members_user_changelist"),
        reverse("admin:members_sector_changelist"),
        reverse("admin:members_membership_changelist"),
        reverse("admin:members_invitation_changelist"),
        reverse("admin:members_joinrequest_changelist"),
        reverse("admin:members_sector_add"),
        reverse("admin:members_firm_add"),
        reverse("admin:members_user_add"),
    ],
)
def test_admin_pages_render(staff_client, path):
    assert staff_client.get(path).status_code == 200


def test_approving_leaves_an_audit_trail_with_the_staff_member(staff_client, staff):
    firm = FirmFactory(status=Firm.Status.PENDING)
    staff_client.post(
        reverse("admin:members_firm_changelist"),
        {"action": "approve_firms", "_selected_action": [firm.pk]},
    )
    latest = firm.history.latest()
    assert latest.status == Firm.Status.APPROVED
    assert latest.history_user == staff
    page = staff_client.get(reverse("admin:members_firm_history", args=[firm.pk])).content.decode()
    assert f">{staff}</a>" in page  # the history row links to the staff member
