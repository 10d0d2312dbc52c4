"""Which accounts may become a partner contact, and the flags going when the row goes
(reviewer's findings on issues 17 and 19).

A co-organiser's member may invite only a new address or an existing contact of that partner: an
existing account is never turned into a contact by them. Nobody (staff included) turns an account
with a pending join request or firm invitation into one. When a PartnerContact or a
CoOrganiserMember row is deleted (admin, privacy erasure, cascade) the user's flag goes too: they
reach "La mia impresa" again."""

import pytest
from django.urls import reverse

from members.models import Invitation, JoinRequest
from partners import services
from partners.models import CoOrganiser, CoOrganiserMember, PartnerContact, PartnerInvitation
from tests.factories import FirmFactory, StaffFactory, UserFactory
from tests.partners.support import bring, co_organiser_with_member, invite, partner_on_mission
from tests.support.clients import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def co():
    mission, partner, _mp = partner_on_mission("Rhein Naturstein GmbH")
    co_organiser, user = co_organiser_with_member(missions=[mission])
    bring(co_organiser, partner)
    return {"mission": mission, "partner": partner, "client": login(user)}


def _co_invite(co, capture, email):
    with capture(execute=True):
        return co["client"].post(
            reverse("partners:co_invite", args=[co["mission"].pk]),
            {"partner": co["partner"].pk, "email": email},
        )


# --- 1. Who may be invited ----------------------------------------------------------------------


def test_a_co_member_cannot_turn_an_existing_account_into_a_contact(
    co, django_capture_on_commit_callbacks, mailoutbox
):
    someone = UserFactory(email="mario@rossi.it", language="it")
    response = _co_invite(co, django_capture_on_commit_callbacks, "MARIO@rossi.it")
    assert response.status_code == 400
    assert "ha già un account sul portale" in response.content.decode()
    someone.refresh_from_db()
    assert not someone.is_partner_contact
    assert not PartnerContact.objects.exists()
    assert not PartnerInvitation.objects.exists()
    assert mailoutbox == []
    # They still reach their firm pages.
    response = login(someone).get(reverse("my_firm"))
    assert response.get("Location") != reverse("partners:home")


def test_a_co_member_may_invite_again_an_existing_contact_of_that_partner(
    co, django_capture_on_commit_callbacks, mailoutbox, eager_celery
):
    contact = invite(django_capture_on_commit_callbacks, co["mission"], co["partner"])
    mailoutbox.clear()
    response = _co_invite(co, django_capture_on_commit_callbacks, contact.user.email)
    assert response.status_code == 302
    [mail] = mailoutbox
    assert mail.to == [contact.user.email]


def test_a_pending_join_request_blocks_the_invitation_on_every_path(
    co, django_capture_on_commit_callbacks, mailoutbox
):
    applicant = UserFactory(email="mario@rossi.it", language="it")
    JoinRequest.objects.create(user=applicant, firm=FirmFactory())
    response = _co_invite(co, django_capture_on_commit_callbacks, applicant.email)
    assert response.status_code == 400
    assert not PartnerContact.objects.exists()
    with pytest.raises(services.PendingFirmApplication) as error:
        services.contact_invite(
            partner_id=co["partner"].pk,
            mission_id=co["mission"].pk,
            email=applicant.email,
            invited_by=StaffFactory(),
        )
    assert "richiesta di adesione" in str(error.value.message)
    applicant.refresh_from_db()
    assert not applicant.is_partner_contact
    assert not PartnerContact.objects.exists()
    assert mailoutbox == []


def test_a_pending_firm_invitation_blocks_the_invitation_for_staff_too(co):
    Invitation.objects.create(firm=FirmFactory(), email="luca@bianchi.it")
    with pytest.raises(services.PendingFirmApplication):
        services.contact_invite(
            partner_id=co["partner"].pk,
            mission_id=co["mission"].pk,
            email="Luca@Bianchi.it",
            invited_by=StaffFactory(),
        )
    assert not PartnerContact.objects.exists()


def test_staff_may_still_link_an_existing_account(co, django_capture_on_commit_callbacks):
    someone = UserFactory(email="anna@naturstein.de")
    invite(django_capture_on_commit_callbacks, co["mission"], co["partner"], email=someone.email)
    someone.refresh_from_db()
    assert someone.is_partner_contact


# --- 2. The flags go with the rows ----------------------------------------------------------------


def _my_firm_is_back(user):
    client = login(user, language="it")
    response = client.get(reverse("my_firm"))
    assert response.get("Location") not in (
        reverse("partners:home"),
        reverse("partners:co_home"),
    )
    page = client.get(reverse("notifications:inbox")).content.decode()
    header = page.split('id="main"', 1)[0]
    assert "La mia impresa" in header
    assert f'href="{reverse("my_firm")}"' in header


def test_a_deleted_contact_reaches_my_firm_again(django_capture_on_commit_callbacks):
    mission, partner, _mp = partner_on_mission()
    contact = invite(django_capture_on_commit_callbacks, mission, partner)
    user = contact.user
    contact.delete()
    user.refresh_from_db()
    assert not user.is_partner_contact
    _my_firm_is_back(user)


def test_the_admins_delete_of_a_contact_clears_the_flag(django_capture_on_commit_callbacks):
    mission, partner, _mp = partner_on_mission()
    contact = invite(django_capture_on_commit_callbacks, mission, partner)
    response = login(StaffFactory()).post(
        reverse("admin:partners_partnercontact_changelist"),
        {"action": "delete_selected", "_selected_action": [contact.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not PartnerContact.objects.exists()
    _my_firm_is_back(contact.user)


def test_a_partners_deletion_cascades_and_clears_the_flag(django_capture_on_commit_callbacks):
    mission, partner, _mp = partner_on_mission()
    contact = invite(django_capture_on_commit_callbacks, mission, partner)
    partner.delete()
    contact.user.refresh_from_db()
    assert not contact.user.is_partner_contact


def test_a_deleted_co_organiser_member_reaches_my_firm_again():
    co_organiser, user = co_organiser_with_member()
    CoOrganiserMember.objects.filter(user=user).delete()
    user.refresh_from_db()
    assert not user.is_co_organiser_member
    _my_firm_is_back(user)


def test_a_co_organisers_deletion_cascades_and_clears_the_flag():
    co_organiser, user = co_organiser_with_member()
    CoOrganiser.objects.filter(pk=co_organiser.pk).delete()
    user.refresh_from_db()
    assert not user.is_co_organiser_member
