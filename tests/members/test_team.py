"""Owners invite colleagues, accept requests to join, and manage roles."""

import re

import pytest
from django.urls import reverse

from members import services
from members.models import Invitation, JoinRequest, Membership
from tests.factories import FirmFactory, MembershipFactory, UserFactory
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def test_invitation_is_emailed_after_commit_and_accepted_by_that_email(
    owner_client, owner, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = owner_client.post(
            reverse("members:team_invite"), {"email": "Collega@Example.it", "role": "member"}
        )
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["collega@example.it"]
    assert owner.membership.firm.name in mail.subject
    # The path as the mail carries it (a literal: mails already sent must keep working).
    path = re.search(r"http://[^/]+(/imprese/inviti/[^/\s]+/)", mail.body).group(1)

    # Someone else cannot use the link.
    intruder = login(UserFactory())
    assert intruder.get(path).status_code == 404
    intruder.post(path)
    assert not Membership.objects.filter(firm=owner.membership.firm, role="member").exists()

    colleague = UserFactory(email="collega@example.it")
    c = login(colleague)
    assert c.get(path).status_code == 200
    c.post(path)
    assert Membership.objects.get(user=colleague).firm == owner.membership.firm
    assert Invitation.objects.get().accepted_at is not None
    # Used once.
    assert c.get(path).status_code == 404


def test_sending_an_invitation_twice_sends_one_email(owner, mailoutbox):
    firm = owner.membership.firm
    invitation = services.invitation_create(
        firm=firm, email="x@example.it", role="member", invited_by=owner
    )
    assert services.invitation_send(invitation_id=invitation.pk) is True
    assert services.invitation_send(invitation_id=invitation.pk) is False
    assert services.invitation_send(invitation_id=999999) is False
    assert len(mailoutbox) == 1


def test_reinviting_the_same_email_keeps_one_open_invitation(owner_client, eager_celery):
    for _ in range(2):
        owner_client.post(
            reverse("members:team_invite"), {"email": "a@example.it", "role": "member"}
        )
    assert Invitation.objects.count() == 1


def test_invalid_invitation_email_shows_an_error(owner_client):
    response = owner_client.post(
        reverse("members:team_invite"), {"email": "not-an-email"}, follow=True
    )
    assert "Indica un indirizzo email valido" in response.content.decode()
    assert not Invitation.objects.exists()


def test_join_request_accepted_by_owner(owner_client, owner):
    firm = owner.membership.firm
    newcomer = UserFactory()
    c = login(newcomer)
    search = c.get(reverse("members:firm_join"), {"q": firm.name[:12]})
    assert firm.name in search.content.decode()
    c.post(
        reverse("members:firm_join"), {"firm": firm.pk, "message": "Sono il responsabile export"}
    )
    assert JoinRequest.objects.get().status == JoinRequest.Status.PENDING

    team = owner_client.get(reverse("members:team")).content.decode()
    assert "Sono il responsabile export" in team
    join_request = JoinRequest.objects.get()
    owner_client.post(
        reverse("members:team_decide"), {"join_request": join_request.pk, "accept": "1"}
    )

    assert Membership.objects.get(user=newcomer).firm == firm
    assert JoinRequest.objects.get().status == JoinRequest.Status.ACCEPTED


def test_owner_cannot_decide_requests_to_another_firm(owner_client):
    other_request = JoinRequest.objects.create(user=UserFactory(), firm=FirmFactory())
    response = owner_client.post(
        reverse("members:team_decide"), {"join_request": other_request.pk, "accept": "1"}
    )
    assert response.status_code == 404
    assert not Membership.objects.filter(user=other_request.user).exists()


def test_only_one_pending_join_request_per_user():
    user = UserFactory()
    services.join_request_create(user=user, firm=FirmFactory())
    with pytest.raises(services.MembershipError):
        services.join_request_create(user=user, firm=FirmFactory())
    assert JoinRequest.objects.count() == 1


def test_the_last_owner_cannot_be_demoted_or_removed(owner_client, owner):
    me = owner.membership
    response = owner_client.post(
        reverse("members:team_set_role"), {"membership": me.pk, "role": "member"}, follow=True
    )
    assert "almeno un referente" in response.content.decode()
    owner_client.post(reverse("members:team_remove"), {"membership": me.pk, "confirm": "yes"})
    me.refresh_from_db()
    assert me.role == Membership.Role.OWNER


def test_owner_promotes_a_colleague_then_steps_down(owner_client, owner):
    colleague = MembershipFactory(firm=owner.membership.firm, role=Membership.Role.MEMBER)
    owner_client.post(
        reverse("members:team_set_role"), {"membership": colleague.pk, "role": "owner"}
    )
    owner_client.post(
        reverse("members:team_set_role"), {"membership": owner.membership.pk, "role": "member"}
    )
    colleague.refresh_from_db()
    owner.membership.refresh_from_db()
    assert colleague.role == Membership.Role.OWNER
    assert owner.membership.role == Membership.Role.MEMBER


def test_bad_role_value_changes_nothing(owner_client, owner):
    colleague = MembershipFactory(firm=owner.membership.firm, role=Membership.Role.MEMBER)
    owner_client.post(
        reverse("members:team_set_role"), {"membership": colleague.pk, "role": "admin"}
    )
    colleague.refresh_from_db()
    assert colleague.role == Membership.Role.MEMBER


def test_completeness_lists_what_is_missing(owner_client, owner):
    firm = owner.membership.firm
    firm.website = ""
    firm.description = ""
    firm.target_markets = []
    firm.languages = ["it"]
    firm.save()
    percent, missing = firm.completeness()
    # The German texts count too (every mission goes to Germany): issue 17.
    assert missing == [
        "sito web",
        "descrizione",
        "mercati obiettivo",
        "descrizione in tedesco",
        "prodotti e servizi in tedesco",
    ]
    assert percent == 62
    body = owner_client.get(reverse("my_firm")).content.decode()
    assert "62%" in body
    assert "sito web, descrizione, mercati obiettivo, descrizione in tedesco" in body
