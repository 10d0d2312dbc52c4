"""Invitation rules (issue 14): only owners of approved firms invite, a daily cap per firm,
invitations expire and can be revoked, and accepting re-checks "one firm per person" under a
lock."""

import datetime as dt
import threading

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import Firm, Invitation, Membership
from tests.factories import MembershipFactory, UserFactory, member
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def invite(owner, email="collega@example.it"):
    return services.invitation_create(
        firm=owner.membership.firm, email=email, role="member", invited_by=owner
    )


def test_only_owners_of_approved_firms_invite():
    pending_owner = member(status=Firm.Status.PENDING)
    response = login(pending_owner).post(
        reverse("members:team_invite"), {"email": "a@example.it", "role": "member"}, follow=True
    )
    assert "Solo i referenti di un" in response.content.decode()
    with pytest.raises(services.InvitationNotAllowed):
        invite(pending_owner)
    colleague = MembershipFactory(role=Membership.Role.MEMBER)
    with pytest.raises(services.InvitationNotAllowed):
        services.invitation_create(
            firm=colleague.firm, email="b@example.it", role="owner", invited_by=colleague.user
        )
    assert not Invitation.objects.exists()


def test_a_firm_sends_at_most_the_set_number_of_invitations_a_day(settings, owner, owner_client):
    settings.INVITATIONS_PER_FIRM_PER_DAY = 2
    for n in range(3):
        response = owner_client.post(
            reverse("members:team_invite"),
            {"email": f"p{n}@example.it", "role": "member"},
            follow=True,
        )
    assert "al massimo 2 inviti al giorno" in response.content.decode()
    assert Invitation.objects.count() == 2
    # Re-sending an open invitation is not a new one; a day later the firm may invite again.
    invite(owner, "p0@example.it")
    Invitation.objects.update(created_at=timezone.now() - dt.timedelta(days=1, minutes=1))
    invite(owner, "p2@example.it")
    assert Invitation.objects.count() == 3


def test_an_invitation_expires(settings, owner):
    settings.INVITATION_VALID_DAYS = 14
    invitation = invite(owner)
    Invitation.objects.update(created_at=timezone.now() - dt.timedelta(days=15))
    colleague = login(UserFactory(email="collega@example.it"))
    path = reverse("members:invitation_accept", args=[invitation.token])
    assert colleague.get(path).status_code == 404
    response = colleague.post(path, follow=True)
    assert "Invito non valido, scaduto" in response.content.decode()
    assert not Membership.objects.filter(user__email="collega@example.it").exists()
    # Inviting the same person again renews it, with a new link.
    renewed = invite(owner)
    assert renewed.pk == invitation.pk
    assert renewed.token != invitation.token
    assert (
        colleague.get(reverse("members:invitation_accept", args=[renewed.token])).status_code == 200
    )


def test_the_owner_revokes_an_invitation_from_the_team_page(owner, owner_client):
    invitation = invite(owner)
    page = owner_client.get(reverse("members:team")).content.decode()
    assert reverse("members:team_revoke") in page
    response = owner_client.post(
        reverse("members:team_revoke"), {"invitation": invitation.pk}, follow=True
    )
    assert "Invito revocato" in response.content.decode()
    assert "collega@example.it" not in owner_client.get(reverse("members:team")).content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    colleague = login(UserFactory(email="collega@example.it"))
    path = reverse("members:invitation_accept", args=[invitation.token])
    assert colleague.get(path).status_code == 404
    colleague.post(path)
    assert not Membership.objects.filter(user__email="collega@example.it").exists()
    # Another firm's owner cannot revoke it.
    other = member()
    again = invite(owner, "altro@example.it")
    assert (
        login(other).post(reverse("members:team_revoke"), {"invitation": again.pk}).status_code
        == 404
    )
    again.refresh_from_db()
    assert again.revoked_at is None


def test_a_revoked_invitation_is_never_emailed(owner, mailoutbox):
    invitation = invite(owner)
    services.invitation_revoke(firm=owner.membership.firm, invitation_id=invitation.pk)
    assert services.invitation_send(invitation_id=invitation.pk) is False
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_accepting_two_invitations_at_once_joins_one_firm():
    """Two firms invite the same person; both acceptances run at once. The second waits for the
    first (the person's row is the lock) and is refused cleanly, not with a database error."""
    person = UserFactory(email="conteso@example.it")
    first = invite(member(), "conteso@example.it")
    second = invite(member(), "conteso@example.it")
    first_done, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def accept_first():
        try:
            with transaction.atomic():
                services.invitation_accept(token=first.token, user=person)
                first_done.set()
                release.wait(timeout=10)  # holds its transaction open
        finally:
            from django.db import connection

            connection.close()

    def accept_second():
        try:
            services.invitation_accept(token=second.token, user=person)
            outcome["second"] = "joined"
        except Exception as exc:  # noqa: BLE001 - the test reports which error it was
            outcome["second"] = type(exc).__name__
        finally:
            from django.db import connection

            connection.close()

    one = threading.Thread(target=accept_first)
    one.start()
    assert first_done.wait(timeout=10)
    two = threading.Thread(target=accept_second)
    two.start()
    two.join(timeout=1)  # it reaches the lock (or the unique index) and waits there
    release.set()
    one.join(timeout=10)
    two.join(timeout=10)
    assert outcome["second"] == "AlreadyInFirm"
    assert Membership.objects.get(user=person).firm_id == first.firm_id


def test_staff_revoke_invitations_in_admin_and_cannot_create_them_there(owner, staff_client):
    # An invitation made in admin would skip the owner check, the daily cap and the email path.
    invitation = invite(owner)
    assert staff_client.get(reverse("admin:members_invitation_add")).status_code == 403
    response = staff_client.post(
        reverse("admin:members_invitation_changelist"),
        {"action": "revoke", "_selected_action": [invitation.pk]},
        follow=True,
    )
    assert "1 invito revocato." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
