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
