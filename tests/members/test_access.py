"""Who can see what: the directory is for members of approved firms; owners edit only their own."""

import pytest
from django.urls import reverse

from members.models import Firm, Membership
from tests.factories import FirmFactory, MembershipFactory, member
from tests.support.clients import login
from tests.support.urls import assert_public_path

pytestmark = pytest.mark.django_db


def test_pending_firm_user_cannot_see_the_directory():
    user = member(status=Firm.Status.PENDING)
    response = login(user).get(reverse("members:directory"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("my_firm")
    assert "riservata ai soci" in response.content.decode()


def test_user_without_firm_cannot_see_the_directory_or_a_firm(client):
    my_firm = reverse("my_firm")
    from tests.factories import UserFactory

    firm = FirmFactory()
    c = login(UserFactory())
    assert c.get(reverse("members:directory"))["Location"] == my_firm
    assert c.get(reverse("members:firm_detail", args=[firm.pk]))["Location"] == my_firm


def test_anonymous_visitor_is_sent_to_login(client):
    firm = FirmFactory()
    for url in [
        reverse("members:directory"),
        reverse("members:firm_detail", args=[firm.pk]),
        reverse("my_firm"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_approved_member_sees_directory_and_firm_detail():
    other = FirmFactory(name="Graniti del Masino")
    c = login(member())

    assert "Graniti del Masino" in c.get(reverse("members:directory")).content.decode()
    assert c.get(reverse("members:firm_detail", args=[other.pk])).status_code == 200


def test_pending_and_rejected_firms_are_not_visible_to_other_members():
    pending = FirmFactory(status=Firm.Status.PENDING, name="Impresa in attesa")
    rejected = FirmFactory(status=Firm.Status.REJECTED)
    c = login(member())

    assert "Impresa in attesa" not in c.get(reverse("members:directory")).content.decode()
    assert c.get(reverse("members:firm_detail", args=[pending.pk])).status_code == 404
    assert c.get(reverse("members:firm_detail", args=[rejected.pk])).status_code == 404
    assert c.get(reverse("members:firm_detail", args=[999999])).status_code == 404


def test_member_of_firm_a_cannot_change_people_of_firm_b():
    owner_a = member()
    colleague_b = MembershipFactory(role=Membership.Role.MEMBER)
    c = login(owner_a)

    assert c.post(reverse("members:team_remove"), {"membership": colleague_b.pk}).status_code == 404
    response = c.post(
        reverse("members:team_set_role"), {"membership": colleague_b.pk, "role": "owner"}
    )
    assert response.status_code == 404
    colleague_b.refresh_from_db()
    assert colleague_b.role == Membership.Role.MEMBER


def test_plain_member_cannot_edit_the_firm_or_manage_people():
    colleague = MembershipFactory(role=Membership.Role.MEMBER)
    c = login(colleague.user)

    assert c.get(reverse("members:firm_edit")).status_code == 403
    assert c.post(reverse("members:firm_edit"), {"name": "Hacked"}).status_code == 403
    assert c.get(reverse("members:team")).status_code == 403
    assert c.post(reverse("members:team_invite"), {"email": "x@example.it"}).status_code == 403
    colleague.firm.refresh_from_db()
    assert colleague.firm.name != "Hacked"


def test_owner_edits_only_their_own_firm(owner_client, owner):
    other = FirmFactory(name="Altra impresa")
    own = owner.membership.firm
    data = {
        # The profile's own fields (a new ragione sociale waits for staff: test_firm_changes).
        "name": own.name,
        "website": "https://www.nuovo-sito.it",
        "vat_number": own.vat_number,
        "ateco_code": own.ateco_code,
        "sector": own.sector_id,
        "comune": own.comune,
        "employees": own.employees,
        "export_share": own.export_share,
    }
    assert owner_client.post(reverse("members:firm_edit"), data).status_code == 302
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.website == "https://www.nuovo-sito.it"
    assert (other.name, other.website) == ("Altra impresa", "")


def test_contacts_show_only_people_who_consented():
    firm = FirmFactory()
    MembershipFactory(firm=firm, user__email="listed@example.it", user__directory_consent=True)
    MembershipFactory(firm=firm, user__email="hidden@example.it", user__directory_consent=False)
    body = login(member()).get(reverse("members:firm_detail", args=[firm.pk])).content.decode()

    assert "listed@example.it" in body
    assert "hidden@example.it" not in body


def test_staff_see_the_directory_without_a_firm(staff_client):
    FirmFactory(name="Visibile allo staff")
    assert "Visibile allo staff" in staff_client.get(reverse("members:directory")).content.decode()


# The one test of this app that writes paths as literals, on purpose: people bookmark the directory
# and invitation mails carry their link. Every other test builds its URLs with reverse().
@pytest.mark.parametrize(
    ("name", "args", "path"),
    [
        ("members:directory", [], "/imprese/"),
        ("members:firm_detail", [7], "/imprese/7/"),
        ("members:invitation_accept", ["t0k3n"], "/imprese/inviti/t0k3n/"),
    ],
)
def test_public_paths_stay_as_they_are(name, args, path):
    assert_public_path(name, path, *args)
