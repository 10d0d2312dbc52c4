"""An approved firm's ragione sociale, partita IVA and sector change only with staff approval."""

import pytest
from django.urls import reverse

from members.models import Firm, FirmChangeRequest, Membership
from notifications.models import Notification
from tests.factories import FirmFactory, MembershipFactory, example_vat_number, sector
from tests.support.clients import login

pytestmark = pytest.mark.django_db
Status = FirmChangeRequest.Status


def _form(firm, **changes):
    data = {
        "name": firm.name,
        "vat_number": firm.vat_number,
        "ateco_code": firm.ateco_code,
        "sector": firm.sector_id,
        "comune": firm.comune,
        "employees": firm.employees,
        "export_share": firm.export_share,
        "website": firm.website,
    }
    data.update(changes)
    return data


@pytest.fixture
def approved():
    """An approved metal firm with an owner and a colleague."""
    firm = FirmFactory(name="Rossi Meccanica S.r.l.", sector=sector("metalmeccanico"))
    owner = MembershipFactory(firm=firm).user
    colleague = MembershipFactory(firm=firm, role=Membership.Role.MEMBER).user
    return firm, owner, colleague


def _edit(owner, firm, **changes):
    return login(owner).post(reverse("members:firm_edit"), _form(firm, **changes), follow=True)


def test_the_owner_asks_and_other_fields_save_at_once(approved):
    firm, owner, _colleague = approved
    new_vat = example_vat_number(9001)
    response = _edit(
        owner,
        firm,
        name="Rossi Lapidei S.r.l.",
        vat_number=new_vat,
        sector=sector("lapideo").pk,
        website="https://www.rossi.it",
    )
    assert "si applicherà quando sarà approvata" in response.content.decode()
    firm.refresh_from_db()
    assert (firm.name, firm.sector.slug, firm.website) == (
        "Rossi Meccanica S.r.l.",
        "metalmeccanico",
        "https://www.rossi.it",
    )
    change = FirmChangeRequest.objects.get(firm=firm)
    assert (change.status, change.name, change.vat_number, change.sector.slug) == (
        Status.PENDING,
        "Rossi Lapidei S.r.l.",
        new_vat,
        "lapideo",
    )
    assert change.requested_by == owner
    page = login(owner).get(reverse("members:firm_edit")).content.decode()
    assert (
        f"Modifica in attesa di approvazione: Rossi Lapidei S.r.l., partita IVA {new_vat}" in page
    )

    # Asking again replaces the pending request: still one.
    _edit(owner, firm, name="Rossi Graniti S.r.l.")
    change = FirmChangeRequest.objects.get(firm=firm)
    assert (change.name, change.vat_number, change.sector.slug) == (
        "Rossi Graniti S.r.l.",
        firm.vat_number,
        "metalmeccanico",
    )


def test_a_pending_firm_still_edits_them_at_once():
    firm = FirmFactory(status=Firm.Status.PENDING)
    owner = MembershipFactory(firm=firm).user
    _edit(owner, firm, name="Nome corretto S.r.l.")
    firm.refresh_from_db()
    assert firm.name == "Nome corretto S.r.l."
    assert not FirmChangeRequest.objects.exists()


def _decide(staff_client, change, action):
    return staff_client.post(
        reverse("admin:members_firmchangerequest_changelist"),
        {"action": action, "_selected_action": [change.pk]},
        follow=True,
    )


def test_staff_approve_in_admin_and_the_owners_are_told(approved, staff_client, staff):
    firm, owner, colleague = approved
    _edit(owner, firm, name="Rossi Lapidei S.r.l.", sector=sector("lapideo").pk)
    change = FirmChangeRequest.objects.get()
    page = staff_client.get(reverse("admin:members_firmchangerequest_changelist"))
    assert "Rossi Lapidei S.r.l." in page.content.decode()

    _decide(staff_client, change, "approve")
    firm.refresh_from_db()
    change.refresh_from_db()
    assert (firm.name, firm.sector.slug) == ("Rossi Lapidei S.r.l.", "lapideo")
    assert (change.status, change.decided_by) == (Status.APPROVED, staff)
    notice = Notification.objects.get(kind="firm_change_approved")
    assert notice.recipient == owner
    assert "Rossi Meccanica S.r.l. → Rossi Lapidei S.r.l." in notice.context["changes"]
    assert not Notification.objects.filter(recipient=colleague).exists()


def test_staff_reject_in_admin_and_nothing_changes(approved, staff_client):
    firm, owner, _colleague = approved
    _edit(owner, firm, name="Altro nome S.r.l.")
    change = FirmChangeRequest.objects.get()
    _decide(staff_client, change, "reject")
    firm.refresh_from_db()
    change.refresh_from_db()
    assert firm.name == "Rossi Meccanica S.r.l."
    assert change.status == Status.REJECTED
    assert Notification.objects.get(kind="firm_change_rejected").recipient == owner
    # The request is not edited by form.
    url = reverse("admin:members_firmchangerequest_change", args=[change.pk])
    staff_client.post(url, {"name": "Forzato S.r.l.", "status": "approved"})
    change.refresh_from_db()
    assert (change.name, change.status) == ("Altro nome S.r.l.", Status.REJECTED)


def test_approval_is_refused_when_the_vat_number_was_taken_meanwhile(approved, staff_client):
    firm, owner, _colleague = approved
    new_vat = example_vat_number(9002)
    _edit(owner, firm, vat_number=new_vat)
    FirmFactory(vat_number=new_vat)
    change = FirmChangeRequest.objects.get()
    response = _decide(staff_client, change, "approve")
    assert "la partita IVA è già di un&#x27;altra impresa" in response.content.decode()
    change.refresh_from_db()
    firm.refresh_from_db()
    assert change.status == Status.PENDING
    assert firm.vat_number != new_vat
