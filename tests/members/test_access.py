"""Who can see what: the directory is for members of approved firms; owners edit only their own."""

import pytest

from members.models import Firm, Membership
from tests.factories import FirmFactory, MembershipFactory, member
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def test_pending_firm_user_cannot_see_the_directory():
    user = member(status=Firm.Status.PENDING)
    response = login(user).get("/imprese/", follow=True)

    assert response.redirect_chain[-1][0] == "/imprese/la-mia/"
    assert "riservata ai soci" in response.content.decode()


def test_user_without_firm_cannot_see_the_directory_or_a_firm(client):
    from tests.factories import UserFactory

    firm = FirmFactory()
    c = login(UserFactory())
    assert c.get("/imprese/")["Location"] == "/imprese/la-mia/"
    assert c.get(f"/imprese/{firm.pk}/")["Location"] == "/imprese/la-mia/"


def test_anonymous_visitor_is_sent_to_login(client):
    firm = FirmFactory()
    for url in ["/imprese/", f"/imprese/{firm.pk}/", "/imprese/la-mia/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_approved_member_sees_directory_and_firm_detail():
    other = FirmFactory(name="Graniti del Masino")
    c = login(member())

    assert "Graniti del Masino" in c.get("/imprese/").content.decode()
    assert c.get(f"/imprese/{other.pk}/").status_code == 200


def test_pending_and_rejected_firms_are_not_visible_to_other_members():
    pending = FirmFactory(status=Firm.Status.PENDING, name="Impresa in attesa")
    rejected = FirmFactory(status=Firm.Status.REJECTED)
    c = login(member())

    assert "Impresa in attesa" not in c.get("/imprese/").content.decode()
    assert c.get(f"/imprese/{pending.pk}/").status_code == 404
    assert c.get(f"/imprese/{rejected.pk}/").status_code == 404
    assert c.get("/imprese/999999/").status_code == 404


def test_member_of_firm_a_cannot_change_people_of_firm_b():
    owner_a = member()
    colleague_b = MembershipFactory(role=Membership.Role.MEMBER)
    c = login(owner_a)

    assert (
        c.post("/imprese/la-mia/persone/rimuovi/", {"membership": colleague_b.pk}).status_code
        == 404
    )
    response = c.post(
        "/imprese/la-mia/persone/ruolo/", {"membership": colleague_b.pk, "role": "owner"}
    )
    assert response.status_code == 404
    colleague_b.refresh_from_db()
    assert colleague_b.role == Membership.Role.MEMBER


def test_plain_member_cannot_edit_the_firm_or_manage_people():
    colleague = MembershipFactory(role=Membership.Role.MEMBER)
    c = login(colleague.user)

    assert c.get("/imprese/la-mia/modifica/").status_code == 403
    assert c.post("/imprese/la-mia/modifica/", {"name": "Hacked"}).status_code == 403
    assert c.get("/imprese/la-mia/persone/").status_code == 403
    assert c.post("/imprese/la-mia/persone/invita/", {"email": "x@example.it"}).status_code == 403
    colleague.firm.refresh_from_db()
    assert colleague.firm.name != "Hacked"


def test_owner_edits_only_their_own_firm(owner_client, owner):
    other = FirmFactory(name="Altra impresa")
    own = owner.membership.firm
    data = {
        "name": "Nuovo nome S.r.l.",
        "vat_number": own.vat_number,
        "ateco_code": own.ateco_code,
        "sector": own.sector_id,
        "comune": own.comune,
        "employees": own.employees,
        "export_share": own.export_share,
    }
    assert owner_client.post("/imprese/la-mia/modifica/", data).status_code == 302
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.name == "Nuovo nome S.r.l."
    assert other.name == "Altra impresa"


def test_contacts_show_only_people_who_consented():
    firm = FirmFactory()
    MembershipFactory(firm=firm, user__email="listed@example.it", user__directory_consent=True)
    MembershipFactory(firm=firm, user__email="hidden@example.it", user__directory_consent=False)
    body = login(member()).get(f"/imprese/{firm.pk}/").content.decode()

    assert "listed@example.it" in body
    assert "hidden@example.it" not in body


def test_staff_see_the_directory_without_a_firm(staff_client):
    FirmFactory(name="Visibile allo staff")
    assert "Visibile allo staff" in staff_client.get("/imprese/").content.decode()
