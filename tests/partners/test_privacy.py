"""A partner contact's data: in their export, and gone with their erasure (the organisation and
its place on the mission stay: they are the Club's business records)."""

import pytest

from missions.models import MissionPartner, Partner
from partners.models import PartnerContact, PartnerInvitation, SignInLink
from privacy.erasure import erase_user
from privacy.export import export_user_data
from tests.partners.support import invite, partner_on_mission

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(django_capture_on_commit_callbacks, eager_celery, mailoutbox):
    mission, partner, _ = partner_on_mission()
    return invite(django_capture_on_commit_callbacks, mission, partner)


def test_the_export_has_the_contact_their_invitations_and_links(contact):
    document = export_user_data(user=contact.user)
    section = document["partner_contact"]
    assert section["partner"] == "Naturstein Import GmbH"
    assert len(section["invitations"]) == 1
    assert len(section["sign_in_links"]) == 1
    assert "token" not in str(section).lower()


def test_erasure_deletes_the_contact_their_invitations_and_links(contact):
    erase_user(user=contact.user)
    assert not PartnerContact.objects.exists()
    assert not PartnerInvitation.objects.exists()
    assert not SignInLink.objects.exists()
    assert Partner.objects.count() == 1
    assert MissionPartner.objects.count() == 1


def test_erasing_the_staff_member_who_invited_keeps_the_invitation(contact):
    invitation = PartnerInvitation.objects.get()
    erase_user(user=invitation.invited_by)
    invitation.refresh_from_db()
    assert invitation.invited_by is None


def test_a_co_organiser_member_is_exported_and_erased_and_the_organisation_stays(
    django_capture_on_commit_callbacks, eager_celery, mailoutbox
):
    from partners import co_organisers
    from partners.models import CoOrganiser, CoOrganiserMember, CoOrganiserPartner
    from tests.partners.support import bring, co_organiser_with_member

    mission, partner, _ = partner_on_mission()
    co_organiser, user = co_organiser_with_member(missions=[mission])
    bring(co_organiser, partner)
    with django_capture_on_commit_callbacks(execute=True):
        co_organisers.contact_invite(
            member=CoOrganiserMember.objects.get(user=user),
            mission_id=mission.pk,
            partner_id=partner.pk,
            email="jan@naturstein.de",
        )

    section = export_user_data(user=user)["co_organiser_member"]
    assert section["co_organiser"] == "AHK Köln"
    [sent] = section["partner_invitations_sent"]
    assert (sent["partner"], sent["mission"]) == ("Naturstein Import GmbH", mission.title)
    assert "jan@naturstein.de" not in str(section)  # the contact's address is theirs, not ours

    erase_user(user=user)
    assert not CoOrganiserMember.objects.exists()
    assert CoOrganiser.objects.count() == 1
    assert CoOrganiserPartner.objects.count() == 1
    assert PartnerInvitation.objects.get().invited_by is None
