"""Narrow races of members: approve vs reject, an owner demoted while acting, the firm edit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members import services, views
from members.models import Firm, JoinRequest, Membership
from tests.factories import FirmFactory, MembershipFactory, UserFactory
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def test_firms_reject_takes_the_same_lock_as_firms_approve(staff):
    pending = FirmFactory(status=Firm.Status.PENDING)
    for service, kwargs in ((services.firms_approve, {"by": staff}), (services.firms_reject, {})):
        with CaptureQueriesContext(connection) as queries:
            service(firms=Firm.objects.filter(pk=pending.pk), **kwargs)
        locks = [q["sql"] for q in queries if "FOR NO KEY UPDATE" in q["sql"]]
        assert len(locks) == 1, service.__name__
        assert 'FROM "members_firm"' in locks[0]
        Firm.objects.filter(pk=pending.pk).update(status=Firm.Status.PENDING)


def test_an_approval_after_a_rejection_does_not_apply(staff):
    firm = FirmFactory(status=Firm.Status.PENDING)
    assert services.firms_reject(firms=Firm.objects.filter(pk=firm.pk)) == 1
    assert services.firms_approve(firms=Firm.objects.filter(pk=firm.pk), by=staff) == 0
    firm.refresh_from_db()
    assert firm.status == Firm.Status.REJECTED


@pytest.fixture
def two_owners():
    """A firm with owners `a` and `b` and a member `c`."""
    firm = FirmFactory()
    a = MembershipFactory(firm=firm)
    b = MembershipFactory(firm=firm)
    c = MembershipFactory(firm=firm, role=Membership.Role.MEMBER)
    return firm, a, b, c


def _demoted_while_acting(monkeypatch, firm, acting):
    """The page's owner check passes, then another owner demotes `acting` before the write."""
    real = views.get_owned_membership

    def stale_check(request):
        membership = real(request)
        Membership.objects.filter(pk=acting.pk).update(role=Membership.Role.MEMBER)
        return membership

    monkeypatch.setattr(views, "get_owned_membership", stale_check)


def test_a_demoted_owner_cannot_remove_a_colleague(monkeypatch, two_owners):
    firm, _a, b, c = two_owners
    _demoted_while_acting(monkeypatch, firm, b)
    response = login(b.user).post(
        reverse("members:team_remove"), {"membership": c.pk, "confirm": "yes"}
    )
    assert response.status_code == 403
    assert Membership.objects.filter(pk=c.pk).exists()


def test_a_demoted_owner_cannot_change_roles(monkeypatch, two_owners):
    firm, _a, b, c = two_owners
    _demoted_while_acting(monkeypatch, firm, b)
    response = login(b.user).post(
        reverse("members:team_set_role"), {"membership": c.pk, "role": Membership.Role.OWNER}
    )
    assert response.status_code == 403
    c.refresh_from_db()
    assert c.role == Membership.Role.MEMBER


def test_a_demoted_owner_cannot_decide_a_join_request(monkeypatch, two_owners):
    firm, _a, b, _c = two_owners
    join_request = JoinRequest.objects.create(user=UserFactory(), firm=firm)
    _demoted_while_acting(monkeypatch, firm, b)
    response = login(b.user).post(
        reverse("members:team_decide"), {"join_request": join_request.pk, "accept": "1"}
    )
    assert response.status_code == 403
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING
    assert not Membership.objects.filter(user=join_request.user).exists()


def test_the_firm_edit_saves_only_the_fields_it_changed(monkeypatch, staff):
    """Staff approve the firm while its owner's edit is in flight: the edit keeps the approval."""
    owner = MembershipFactory(firm=FirmFactory(status=Firm.Status.PENDING)).user
    firm = owner.membership.firm
    real = views.get_owned_membership

    def approved_meanwhile(request):
        membership = real(request)  # the firm is read here, still pending
        services.firms_approve(firms=Firm.objects.filter(pk=firm.pk), by=staff)
        return membership

    monkeypatch.setattr(views, "get_owned_membership", approved_meanwhile)
    data = {
        "name": firm.name,
        "vat_number": firm.vat_number,
        "ateco_code": firm.ateco_code,
        "sector": firm.sector_id,
        "comune": firm.comune,
        "employees": firm.employees,
        "export_share": firm.export_share,
        "website": "https://www.esempio.it",
    }
    with CaptureQueriesContext(connection) as queries:
        assert login(owner).post(reverse("members:firm_edit"), data).status_code == 302
    firm.refresh_from_db()
    assert (firm.status, firm.website) == (Firm.Status.APPROVED, "https://www.esempio.it")
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "members_firm"')]
    assert updates[-1].startswith('UPDATE "members_firm" SET "website" = ')
