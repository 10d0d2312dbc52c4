"""A row that cannot be rendered or sent fails alone, with its reason; it never blocks the rest.

Against PostgreSQL and the real local SMTP server (no worker needed): the services are called as
the worker calls them.
"""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from members.models import User
from notifications import emails, services
from notifications.models import EmailMode, Notification, Preference
from tests.factories import UserFactory
from tests.support.clients import login
from tests.support.smtp_sink import Rule

pytestmark = pytest.mark.django_db
Status = Notification.EmailStatus
NOW = timezone.timedelta(0)


def notify(users, firm="Graniti Val Masino S.r.l.", kind="firm_approved"):
    services.notify(
        recipients=users,
        kind=kind,
        object_key="firm:1",
        context={"firm": firm, "person": firm, "message": "-"},
        url=reverse("members:directory"),
    )


def test_a_batch_of_200_with_one_poisoned_row_gives_199_sent_and_1_failed_with_its_reason(
    sink, staff_client
):
    users = User.objects.bulk_create(
        User(email=f"socio{n}@batch.example.it", first_name=f"Socio{n}") for n in range(199)
    )
    # An address with a line break: no email can carry it in its To header.
    poisoned = User.objects.create(email="rossi\n@batch.example.it", first_name="Rossi")
    users.insert(100, poisoned)
    notify(users)
    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) == 200

    counts = services.notifications_send(notification_ids=ids)

    assert (counts["sent"], counts["failed"]) == (199, 1)
    assert len(sink.received) == 199
    assert Notification.objects.filter(email_status=Status.SENT).count() == 199
    failed = Notification.objects.get(email_status=Status.FAILED)
    assert failed.recipient_id == poisoned.pk
    assert "Invalid address" in failed.last_error
    # Staff see the reason in the outbox's admin.
    page = staff_client.get(
        reverse("admin:notifications_notification_changelist"), {"email_status": "failed"}
    )
    assert page.status_code == 200
    assert escape(failed.last_error[:80]) in page.content.decode()
    # Nothing stays pending: the sweeper has nothing left to retry and keeps working.
    assert services.outbox_sweep(grace=NOW)["notifications"] == 0
    notify([UserFactory()], firm="Dopo S.p.A.")
    later = Notification.objects.filter(email_status=Status.PENDING).values_list("pk", flat=True)
    assert services.notifications_send(notification_ids=list(later))["sent"] == 1


@pytest.mark.parametrize("breaker", ["\n", "\r\n", "\u2028", "\u2029", "\r"])
def test_a_line_break_in_a_firm_name_becomes_a_space_in_the_subject(sink, breaker):
    user = UserFactory()
    notify([user], firm=f"Graniti{breaker}Val Masino")
    ids = list(Notification.objects.values_list("pk", flat=True))

    assert services.notifications_send(notification_ids=ids)["sent"] == 1
    [received] = sink.received
    assert "Graniti Val Masino" in received.subject
    assert Notification.objects.get().email_status == Status.SENT


def test_a_template_error_fails_the_row_not_the_batch(sink, monkeypatch):
    good, bad = UserFactory(), UserFactory(first_name="Guasto")
    notify([good, bad])
    build = emails.NotificationEmails.build

    def broken_for_one(self, notification):
        if notification.recipient.first_name == "Guasto":
            raise RuntimeError("template exploded")
        return build(self, notification)

    monkeypatch.setattr(emails.NotificationEmails, "build", broken_for_one)
    ids = list(Notification.objects.order_by("-recipient_id").values_list("pk", flat=True))

    counts = services.notifications_send(notification_ids=ids)

    assert (counts["sent"], counts["failed"]) == (1, 1)
    assert [r.to for r in sink.received] == [[good.email]]
    row = Notification.objects.get(recipient=bad)
    assert row.email_status == Status.FAILED
    assert "template exploded" in row.last_error


def digest_user(email=None, **kwargs):
    user = UserFactory(**({"email": email} if email else {}), **kwargs)
    Preference.objects.create(user=user, kind="join_request_received", email=EmailMode.DIGEST)
    return user


def test_one_failing_mailbox_does_not_stop_the_digest_of_the_others(sink, settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    first, refused, poisoned, last = (
        digest_user(),
        digest_user(),
        digest_user(),
        digest_user(),
    )
    User.objects.filter(pk=poisoned.pk).update(email="verdi\n@example.it")
    sink.handler.rules[refused.email] = Rule("452 4.2.2 Mailbox full", times=1)
    notify([first, refused, poisoned, last], kind="join_request_received")

    assert services.digests_send() == 2
    assert sorted(r.to[0] for r in sink.received) == sorted([first.email, last.email])
    full = Notification.objects.get(recipient=refused)
    assert full.email_status == Status.DIGEST  # retried later, like other notifications
    assert (full.attempts, full.next_attempt_at is not None) == (1, True)
    assert "452" in full.last_error
    broken = Notification.objects.get(recipient=poisoned)
    assert broken.email_status == Status.FAILED
    assert broken.last_error

    # The retry is not due yet; once due, the sweeper sends the digest again.
    assert services.digests_send() == 0
    Notification.objects.filter(pk=full.pk).update(next_attempt_at=timezone.now())
    assert services.outbox_sweep(grace=NOW)["digests"] == 1
    assert services.digests_send(user_ids=[refused.pk]) == 1
    full.refresh_from_db()
    assert full.email_status == Status.SENT
    assert [r.to[0] for r in sink.received].count(refused.email) == 1


def test_a_digest_gives_up_after_six_failures(sink, settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 0
    user = digest_user()
    sink.handler.rules[user.email] = Rule("451 4.3.0 Busy", times=None)
    notify([user], kind="join_request_received")
    for _ in range(10):
        services.digests_send(user_ids=[user.pk])
    row = Notification.objects.get()
    assert (row.email_status, row.attempts) == (Status.FAILED, 6)


def test_staff_can_open_a_failed_row_and_read_its_reason(sink, staff):
    user = UserFactory()
    User.objects.filter(pk=user.pk).update(email="bianchi\r\n@example.it")
    notify([user])
    services.notifications_send(
        notification_ids=list(Notification.objects.values_list("pk", flat=True))
    )
    row = Notification.objects.get()
    page = login(staff).get(reverse("admin:notifications_notification_change", args=[row.pk]))
    assert row.email_status == Status.FAILED
    assert escape(row.last_error) in page.content.decode()
