"""The outbox service against PostgreSQL and a real local SMTP server (no worker needed here)."""

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications import emails, services
from notifications.models import EmailMode, Notification, Preference
from tests.factories import UserFactory
from tests.support.smtp_sink import Rule

pytestmark = pytest.mark.django_db
Status = Notification.EmailStatus


def notify_one(user, *, version=1, kind="firm_approved", **kwargs):
    return services.notify(
        recipients=[user],
        kind=kind,
        object_key="firm:1",
        version=version,
        context={"firm": "Graniti Val Masino S.r.l."},
        url=reverse("members:directory"),
        **kwargs,
    )


def pending_ids():
    return list(
        Notification.objects.filter(email_status=Status.PENDING).values_list("pk", flat=True)
    )


def test_the_same_event_notified_twice_makes_one_row(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        notify_one(user)
        notify_one(user)
    assert Notification.objects.count() == 1
    notify_one(user, version=2)  # a new version of the event is a new message
    assert Notification.objects.count() == 2
    # enqueue after commit (the other callbacks forget the cached bell counts, core/auth.py);
    # the second finds nothing new to send
    assert len([c for c in callbacks if getattr(c, "func", None)]) == 2


def test_nothing_is_enqueued_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    user = UserFactory()

    def change_that_fails():
        with transaction.atomic():
            notify_one(user)
            raise RuntimeError

    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError):
            change_that_fails()
    assert callbacks == []
    assert not Notification.objects.exists()


def test_preferences_decide_the_email_but_the_inbox_item_always_exists():
    off, digest, default = UserFactory(), UserFactory(), UserFactory()
    Preference.objects.create(user=off, kind="firm_approved", email=EmailMode.OFF)
    Preference.objects.create(user=digest, kind="firm_approved", email=EmailMode.DIGEST)
    services.notify(recipients=[off, digest, default], kind="firm_approved", object_key="f:1")

    status = dict(Notification.objects.values_list("recipient_id", "email_status"))
    assert status == {off.pk: Status.SKIPPED, digest.pk: Status.DIGEST, default.pk: Status.PENDING}


def test_email_is_multipart_localised_with_stable_message_id_and_links(sink):
    user = UserFactory(first_name="Hans", language="de")
    notify_one(user)
    notification = Notification.objects.get()

    assert services.notifications_send(notification_ids=[notification.pk])["sent"] == 1

    [received] = sink.received
    message = received.message
    assert received.to == [user.email]
    assert message.is_multipart()
    assert [p.get_content_type() for p in message.walk()][1:] == ["text/plain", "text/html"]
    text = message.get_payload(0).get_payload(decode=True).decode()
    html = message.get_payload(1).get_payload(decode=True).decode()
    assert "Hans" in text
    assert "Graniti Val Masino S.r.l." in received.subject
    assert received.subject != "Graniti Val Masino S.r.l. è ora socia del Club degli Esportatori"
    assert "http://127.0.0.1:8000" + reverse("members:directory") in text
    assert reverse("notifications:preferences") in text
    assert reverse("notifications:preferences") in html
    assert received.message_id == emails.message_id(notification.key)
    # A literal path on purpose: mails already sent carry it, so it must keep working.
    assert message["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/notifiche/disattiva/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    notification.refresh_from_db()
    assert notification.email_status == Status.SENT
    assert notification.sent_at is not None


def test_a_sent_row_is_never_sent_again(sink):
    notify_one(UserFactory())
    ids = pending_ids()
    services.notifications_send(notification_ids=ids)
    assert services.notifications_send(notification_ids=ids) == {
        "sent": 0,
        "failed": 0,
        "retry": 0,
        "skipped": 1,
    }
    assert services.notifications_send(notification_ids=[987654])["skipped"] == 1
    assert len(sink.received) == 1


def test_transient_failure_is_retried_after_backoff_then_delivered(sink, settings):
    user = UserFactory()
    sink.handler.rules[user.email] = Rule("421 4.4.5 Try again later", times=1)
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    notify_one(user)
    ids = pending_ids()

    assert services.notifications_send(notification_ids=ids)["retry"] == 1
    row = Notification.objects.get()
    assert row.email_status == Status.PENDING
    assert row.attempts == 1
    assert "421" in row.last_error
    assert row.next_attempt_at > timezone.now()
    # Not due yet: neither a direct send nor the sweeper touches it.
    assert services.notifications_send(notification_ids=ids)["skipped"] == 1
    assert services.outbox_sweep(grace=timezone.timedelta(0))["notifications"] == 0

    Notification.objects.update(next_attempt_at=timezone.now())
    assert services.notifications_send(notification_ids=ids)["sent"] == 1
    row.refresh_from_db()
    assert (row.email_status, row.attempts) == (Status.SENT, 2)
    assert len(sink.received) == 1


def test_backoff_doubles_and_is_capped_at_fifteen_minutes(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 30
    delays = [services._backoff(n).total_seconds() for n in range(1, 8)]
    assert delays == [30, 60, 120, 240, 480, 900, 900]


def test_permanent_failure_is_recorded_and_not_retried(sink):
    user = UserFactory()
    sink.handler.rules[user.email] = Rule("550 5.1.1 No such user", times=None)
    notify_one(user)
    ids = pending_ids()

    assert services.notifications_send(notification_ids=ids)["failed"] == 1
    row = Notification.objects.get()
    assert row.email_status == Status.FAILED
    assert row.attempts == 1
    assert "550" in row.last_error
    assert services.outbox_sweep(grace=timezone.timedelta(0))["notifications"] == 0
    assert sink.handler.rcpt_attempts[user.email] == 1


def test_gives_up_after_six_transient_failures(sink):
    user = UserFactory()
    sink.handler.rules[user.email] = Rule("451 4.3.0 Busy", times=None)
    notify_one(user)
    ids = pending_ids()
    for _ in range(10):
        services.notifications_send(notification_ids=ids)
    row = Notification.objects.get()
    assert (row.email_status, row.attempts) == (Status.FAILED, 6)
    assert sink.handler.rcpt_attempts[user.email] == 6


def test_digest_sends_one_email_per_person_with_all_items(sink):
    user = UserFactory()
    Preference.objects.create(user=user, kind="join_request_received", email=EmailMode.DIGEST)
    for n in range(3):
        services.notify(
            recipients=[user],
            kind="join_request_received",
            object_key=f"joinrequest:{n}",
            context={"person": f"Persona {n}", "firm": "Acme", "message": "ciao"},
        )
    other = UserFactory()
    Preference.objects.create(user=other, kind="join_request_received", email=EmailMode.DIGEST)
    services.notify(
        recipients=[other],
        kind="join_request_received",
        object_key="joinrequest:9",
        context={"person": "X", "firm": "Y", "message": "-"},
    )

    assert services.digests_send() == 2
    assert services.digests_send() == 0
    mine = [r for r in sink.received if r.to == [user.email]]
    assert len(mine) == 1
    text = mine[0].message.get_payload(0).get_payload(decode=True).decode()
    assert all(f"Persona {n}" in text for n in range(3))
    assert not Notification.objects.exclude(email_status=Status.SENT).exists()


def test_sweeper_picks_only_due_pending_rows_older_than_the_grace():
    users = UserFactory.create_batch(3)
    for user in users:
        notify_one(user)
    rows = list(Notification.objects.order_by("pk"))
    Notification.objects.filter(pk=rows[0].pk).update(email_status=Status.SENT)
    Notification.objects.filter(pk=rows[1].pk).update(
        next_attempt_at=timezone.now() + timezone.timedelta(minutes=5)
    )
    assert services.outbox_sweep()["notifications"] == 0  # all younger than the grace
    assert services.outbox_sweep(grace=timezone.timedelta(0))["notifications"] == 1


def test_staff_retry_failed_puts_rows_back_in_the_outbox(django_capture_on_commit_callbacks):
    notify_one(UserFactory())
    Notification.objects.update(email_status=Status.FAILED, attempts=6, last_error="550")
    with django_capture_on_commit_callbacks() as callbacks:
        count = services.notifications_retry_failed(
            notification_ids=list(Notification.objects.values_list("pk", flat=True))
        )
    assert count == 1
    assert len(callbacks) == 1
    row = Notification.objects.get()
    assert (row.email_status, row.attempts) == (Status.PENDING, 0)


@pytest.mark.parametrize("count", [10, 100])
def test_rows_are_locked_and_marked_in_batches(sink, count, django_assert_num_queries):
    """Issue 20: a send locks its rows (with their recipients) and marks them sent in one query
    each per batch of SEND_BATCH, not a round trip per row; every email still goes out once."""
    users = UserFactory.create_batch(count)
    services.notify(recipients=users, kind="firm_approved", object_key="firm:batch")
    ids = pending_ids()
    batches = -(-count // services.SEND_BATCH)
    # Per batch: the savepoint, the locking SELECT, the UPDATE, the savepoint's release.
    with django_assert_num_queries(4 * batches):
        counts = services.notifications_send(notification_ids=ids)
    assert counts["sent"] == count
    assert sorted(r.to[0] for r in sink.received) == sorted(u.email for u in users)
    assert not Notification.objects.exclude(email_status=Status.SENT).exists()
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}
