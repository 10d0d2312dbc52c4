"""Staff invite a German partner's contact to a mission: a password-less account, an email in
German with a personal sign-in link, sent through the durable path (row, task, sweeper)."""

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse
from django.utils import timezone

from missions.models import Partner
from partners import services, tasks
from partners.models import PartnerContact, PartnerInvitation, SignInLink, token_hash
from tests.factories import MissionFactory, StaffFactory, city, member
from tests.partners.support import invite, partner_on_mission, token_in
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def test_an_invited_contact_gets_a_german_email_with_a_link_stored_only_hashed(
    django_capture_on_commit_callbacks, mailoutbox, eager_celery
):
    mission, partner, _ = partner_on_mission()
    contact = invite(django_capture_on_commit_callbacks, mission, partner)

    assert not contact.user.has_usable_password()
    assert (contact.user.language, contact.user.is_staff) == ("de", False)
    [mail] = mailoutbox
    assert mail.to == ["anna.schmidt@naturstein.de"]
    assert mission.title in mail.subject
    token = token_in(mail)
    link = SignInLink.objects.get()
    assert link.token_hash == token_hash(token)
    assert token not in {link.token_hash, str(link.pk)}
    assert PartnerInvitation.objects.get().sent_at is not None


def test_a_partner_not_on_the_mission_cannot_be_invited_and_nothing_is_written(
    django_capture_on_commit_callbacks, mailoutbox
):
    partner = Partner.objects.create(name="P", kind="buyer", city=city("koeln"))
    with pytest.raises(services.PartnerNotOnMission):
        services.contact_invite(
            partner_id=partner.pk,
            mission_id=MissionFactory().pk,
            email="x@example.de",
            invited_by=None,
        )
    assert not PartnerContact.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("who", ["staff", "firm_user", "other_partner"])
def test_staff_firm_users_and_other_partners_contacts_cannot_become_contacts(
    django_capture_on_commit_callbacks, who
):
    mission, partner, _ = partner_on_mission()
    if who == "staff":
        email = StaffFactory().email
    elif who == "firm_user":
        email = member().email
    else:
        _m, other, _mp = partner_on_mission("Andere GmbH", mission=mission)
        email = invite(django_capture_on_commit_callbacks, mission, other).user.email
    with pytest.raises(services.NotAPartnerContact):
        services.contact_invite(
            partner_id=partner.pk, mission_id=mission.pk, email=email, invited_by=None
        )
    assert not PartnerContact.objects.filter(partner=partner).exists()


def test_with_the_broker_down_the_sweeper_sends_the_invitation_later(
    django_capture_on_commit_callbacks, mailoutbox, eager_celery, monkeypatch
):
    from kombu.exceptions import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("Connection refused.")

    monkeypatch.setattr(tasks.send_invitation, "delay", refuse)
    mission, partner, _ = partner_on_mission()
    invite(django_capture_on_commit_callbacks, mission, partner)
    assert mailoutbox == []
    monkeypatch.undo()
    assert services.invitations_sweep() == 0  # within the grace period
    assert services.invitations_sweep(grace=timezone.timedelta(0)) == 1
    assert len(mailoutbox) == 1
    assert services.invitations_sweep(grace=timezone.timedelta(0)) == 0
    assert len(mailoutbox) == 1


def test_staff_invite_from_admin(mailoutbox, eager_celery):
    mission, partner, _ = partner_on_mission()
    staff = StaffFactory()
    client = login(staff)
    response = client.post(
        reverse("admin:partners_partnerinvitation_add"),
        {
            "partner": partner.pk,
            "email": "jan@naturstein.de",
            "first_name": "Jan",
            "last_name": "Müller",
            "role": "Einkauf",
            "mission": mission.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    invitation = PartnerInvitation.objects.get()
    assert (invitation.contact.user.email, invitation.invited_by) == ("jan@naturstein.de", staff)
    assert invitation.contact.role == "Einkauf"


def test_admin_refuses_a_partner_not_on_the_mission_with_a_message(mailoutbox):
    _mission, partner, _ = partner_on_mission()
    response = login(StaffFactory()).post(
        reverse("admin:partners_partnerinvitation_add"),
        {"partner": partner.pk, "email": "jan@naturstein.de", "mission": MissionFactory().pk},
    )
    assert response.status_code == 200
    assert "non partecipa a questa missione" in response.content.decode()
    assert not PartnerInvitation.objects.exists()


def test_invitation_admin_is_registered():
    assert PartnerInvitation in site._registry
