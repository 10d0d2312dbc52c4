"""Invitations go through a durable path: the row is the outbox, the worker or the sweeper sends.

These tests commit (transaction=True) so the after-commit enqueue runs inside the request, as in
production: a broker outage there would be the request's 500.
"""

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from members import services, tasks
from members.models import Firm, Invitation

pytestmark = pytest.mark.django_db(transaction=True)
NOW = timezone.timedelta(0)


@pytest.fixture
def broker_down(monkeypatch):
    """Publishing any invitation task fails as it does with Redis unreachable."""

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_invitation, "delay", refuse)
    monkeypatch.setattr(tasks.send_invitation, "apply_async", refuse)
    return monkeypatch


def invite(client, email="collega@example.it"):
    return client.post(reverse("members:team_invite"), {"email": email, "role": "member"})


def test_saving_an_invitation_with_the_broker_down_works_and_the_sweeper_sends_it_later(
    owner_client, owner, mailoutbox, broker_down, eager_celery
):
    response = invite(owner_client)

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.sent_at) == ("collega@example.it", None)
    assert mailoutbox == []

    # Within the grace period the sweeper leaves it to the task that may still arrive.
    broker_down.undo()  # the broker is back
    assert services.invitations_sweep() == 0
    assert services.invitations_sweep(grace=NOW) == 1

    assert [m.to for m in mailoutbox] == [["collega@example.it"]]
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert services.invitations_sweep(grace=NOW) == 0  # sent: never again
    assert len(mailoutbox) == 1


def test_the_sweeper_leaves_accepted_and_stale_invitations_alone(owner, mailoutbox, eager_celery):
    firm = owner.membership.firm
    accepted, stale = (
        Invitation.objects.create(firm=firm, email=f"{n}@example.it", invited_by=owner)
        for n in ("accettato", "vecchio")
    )
    Invitation.objects.filter(pk=accepted.pk).update(accepted_at=timezone.now())
    Invitation.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=3)
    )
    assert services.invitations_sweep(grace=NOW) == 0
    assert mailoutbox == []


def test_a_line_break_in_the_firm_name_does_not_stop_the_invitation_email(
    owner_client, owner, mailoutbox, eager_celery
):
    Firm.objects.filter(pk=owner.membership.firm_id).update(name="Graniti\u2028Val Masino")
    assert invite(owner_client).status_code == 302
    [mail] = mailoutbox
    assert "Graniti Val Masino" in mail.subject
    assert Invitation.objects.get().sent_at is not None


def test_the_beat_runs_the_invitation_sweeper(settings):
    tasks_by_beat = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "members.tasks.sweep_invitations" in tasks_by_beat
