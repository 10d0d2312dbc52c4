"""The notification outbox: write rows in the caller's transaction, send after commit, never lose.

Delivery is at-least-once with an idempotent send: emails are sent in batches of SEND_BATCH rows,
each batch locked and marked sent in one short transaction (one query to lock, one to mark: no
round trip per row), so a row marked sent is never sent again. A worker killed between the SMTP
server's "250 OK" and that commit resends what it had sent of that batch (at most SEND_BATCH
emails); they carry the same Message-IDs, which mailboxes use to collapse duplicates.

Retries of transient SMTP failures are driven by the sweeper (Celery beat), not by countdown
tasks: a failed row gets `next_attempt_at` with capped exponential backoff, and the sweeper
re-enqueues rows that are due. The same sweep re-enqueues rows whose task Redis lost.
"""

from __future__ import annotations

import json
import logging
import smtplib
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from core.auth import forget_users
from core.tasks import enqueue
from notifications import emails, registry
from notifications import notification_kinds as kinds
from notifications.models import (
    Announcement,
    Broadcast,
    EmailMode,
    Notification,
    OutgoingEmail,
    Preference,
)
from notifications.selectors import UNREAD
from notifications.tasks import expand_broadcast as expand_broadcast_task
from notifications.tasks import send_digests as send_digests_task
from notifications.tasks import send_notifications as send_notifications_task
from notifications.tasks import send_outgoing_emails as send_outgoing_emails_task

if TYPE_CHECKING:
    from django.core.mail import EmailMessage, EmailMultiAlternatives
    from django.core.mail.backends.base import BaseEmailBackend

    from members.models import User

logger = logging.getLogger(__name__)

CHUNK_SIZE = 200  # rows per send task: one SMTP connection each
SEND_BATCH = 50  # rows locked, sent and marked per transaction (a killed worker resends these)
MAX_ATTEMPTS = 6
BACKOFF_MAX = timedelta(minutes=15)
SWEEP_GRACE = timedelta(minutes=2)

Status = Notification.EmailStatus
# Keyed by the stored mode (a str): EmailMode members are str and hash as their value.
_INITIAL_STATUS: dict[str, Notification.EmailStatus] = {
    EmailMode.IMMEDIATE: Status.PENDING,
    EmailMode.DIGEST: Status.DIGEST,
    EmailMode.OFF: Status.SKIPPED,
}


def _chunks[T](items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def idempotency_key(*, recipient_id: int, kind: str, object_key: str, version: str) -> str:
    return f"{recipient_id}:{kind}:{object_key}:{version}"


def _enqueue_pending(keys: list[str]) -> None:
    _enqueue_ids(
        list(
            Notification.objects.filter(key__in=keys, email_status=Status.PENDING).values_list(
                "pk", flat=True
            )
        )
    )


def notify(
    *,
    recipients: Iterable[User | int],
    kind: str,
    object_key: str = "",
    version: str | int = 1,
    context: Mapping[str, object] | None = None,
    url: str = "",
) -> int:
    """Tell `recipients` about an event. Call it inside the transaction of the change.

    Writes one row per recipient (in-app item + outbox); rows that exist already (same recipient,
    kind, object and version) are left alone, so notifying one event twice sends one message.
    Emails go out from a Celery task after commit. Returns the number of rows written or kept.
    """
    kind_def = registry.get_kind(kind)
    recipient_ids = sorted({r if isinstance(r, int) else r.pk for r in recipients})
    if not recipient_ids:
        return 0
    modes = dict(
        Preference.objects.filter(user_id__in=recipient_ids, kind=kind).values_list(
            "user_id", "email"
        )
    )
    version = str(version)
    rows = [
        Notification(
            recipient_id=rid,
            kind=kind,
            object_key=object_key,
            version=version,
            key=idempotency_key(
                recipient_id=rid, kind=kind, object_key=object_key, version=version
            ),
            context=context or {},
            url=url,
            email_status=_INITIAL_STATUS[modes.get(rid, kind_def.default_email)],
        )
        for rid in recipient_ids
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    forget_unread(recipient_ids)
    pending = [row.key for row in rows if row.email_status == Status.PENDING]
    if pending:
        transaction.on_commit(partial(_enqueue_pending, pending))
    return len(rows)


def notify_audience(
    *,
    audience: str,
    params: Mapping[str, object] | None = None,
    kind: str,
    object_key: str = "",
    version: str | int = 1,
    context: Mapping[str, object] | None = None,
    url: str = "",
) -> Broadcast:
    """Tell a whole audience (e.g. every approved firm user of some sectors) about an event.

    The caller's request writes one Broadcast row and returns: constant time whatever the
    audience's size. A task expands it into Notification rows and sends them in chunks.
    """
    # Unknown names fail here, in the caller's transaction, not later in the task.
    registry.get_audience(audience)
    registry.get_kind(kind)
    broadcast = Broadcast.objects.create(
        kind=kind,
        audience=audience,
        params=params or {},
        object_key=object_key,
        version=str(version),
        context=context or {},
        url=url,
    )
    transaction.on_commit(partial(enqueue, expand_broadcast_task, broadcast.pk))
    return broadcast


def broadcast_expand(*, broadcast_id: int) -> int:
    """Write the rows of a broadcast, once. Returns the number of recipients written now.

    The audience is read once, in order of user id; its rows are written in chunks of
    CHUNK_SIZE users, each in its own short transaction whose emails are enqueued at its commit,
    so the first emails leave while the rest is being written. Each chunk locks the broadcast
    row and moves its `expanded_through` (the last user id written) on: a redelivered task (a
    worker killed half-way) goes on where the last commit left, and two copies of the task take
    turns instead of writing the same chunk twice (rows have unique keys anyway).
    """
    broadcast = Broadcast.objects.filter(pk=broadcast_id, expanded_at__isnull=True).first()
    if broadcast is None:
        return 0
    audience = registry.get_audience(broadcast.audience)(**broadcast.params)
    user_ids = list(
        dict.fromkeys(audience.filter(pk__gt=broadcast.expanded_through).order_by("pk"))
    )
    total = 0
    for chunk in [*_chunks(user_ids, CHUNK_SIZE), []]:  # the empty last one closes the broadcast
        with transaction.atomic():
            broadcast = (
                Broadcast.objects.select_for_update()
                .filter(pk=broadcast_id, expanded_at__isnull=True)
                .first()
            )
            if broadcast is None:
                return total  # another copy of the task finished it
            chunk = [pk for pk in chunk if pk > broadcast.expanded_through]
            if not chunk:
                if not user_ids or broadcast.expanded_through >= user_ids[-1]:
                    broadcast.expanded_at = timezone.now()
                    broadcast.save(update_fields=["expanded_at"])
                continue
            written = _notify_chunk(broadcast, chunk)
            broadcast.expanded_through = chunk[-1]
            broadcast.recipients += written
            broadcast.save(update_fields=["expanded_through", "recipients"])
            total += written
    return total


def _notify_chunk(broadcast: Broadcast, recipient_ids: list[int]) -> int:
    """`notify` of a broadcast's chunk of recipients, in one INSERT ... SELECT: the rows are made
    by PostgreSQL from the ids and the recipients' preferences, not built one by one in Python
    (a whole audience's rows are most of the cost of a fan-out). The same rows as `notify`: its
    idempotency key, its initial email status, existing rows left alone. Returns the number of
    rows written or kept."""
    kind_def = registry.get_kind(broadcast.kind)
    # The email status from the preference (or the kind's default), as _INITIAL_STATUS says.
    sql = """
        INSERT INTO notifications_notification
            (recipient_id, kind, object_key, version, key, context, url,
             created_at, email_status, attempts, last_error)
        SELECT r.id, %s, %s, %s, r.id::text || %s, %s::jsonb, %s, %s,
               CASE COALESCE(p.email, %s) WHEN %s THEN %s WHEN %s THEN %s WHEN %s THEN %s END,
               0, ''
        FROM unnest(%s::bigint[]) AS r(id)
        LEFT JOIN notifications_preference p ON p.user_id = r.id AND p.kind = %s
        ON CONFLICT (key) DO NOTHING
        RETURNING id, email_status
    """
    suffix = idempotency_key(
        recipient_id=0,
        kind=broadcast.kind,
        object_key=broadcast.object_key,
        version=broadcast.version,
    ).removeprefix("0")
    params: list[Any] = [
        broadcast.kind,
        broadcast.object_key,
        broadcast.version,
        suffix,
        json.dumps(broadcast.context),
        broadcast.url,
        timezone.now(),
        str(kind_def.default_email),
        *(str(value) for item in _INITIAL_STATUS.items() for value in item),
        recipient_ids,
        broadcast.kind,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = cursor.fetchall()
    forget_unread(recipient_ids)
    pending = [pk for pk, status in written if status == Status.PENDING]
    if len(written) < len(recipient_ids):
        # Rows from an earlier try of this chunk: they may still wait to be sent.
        kept = Notification.objects.filter(
            recipient_id__in=recipient_ids,
            kind=broadcast.kind,
            object_key=broadcast.object_key,
            version=broadcast.version,
            email_status=Status.PENDING,
        ).exclude(pk__in=[pk for pk, _status in written])
        pending += kept.values_list("pk", flat=True)
    if pending:
        transaction.on_commit(partial(_enqueue_ids, pending))
    return len(recipient_ids)


def _enqueue_ids(ids: list[int]) -> None:
    for chunk in _chunks(ids, CHUNK_SIZE):
        if not enqueue(send_notifications_task, chunk):
            break  # the broker is down: the sweeper sends them later


def _backoff(attempts: int) -> timedelta:
    base = timedelta(seconds=getattr(settings, "NOTIFICATIONS_RETRY_BASE_SECONDS", 30))
    factor: int = 2 ** max(attempts - 1, 0)  # typeshed: int ** int is Any (negative -> float)
    return min(base * factor, BACKOFF_MAX)


def _smtp_code(exc: Exception) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return min(codes) if codes else None
    return getattr(exc, "smtp_code", None)


def _is_permanent(exc: Exception) -> bool:
    code = _smtp_code(exc)
    return code is not None and 500 <= code < 600


def notifications_send(*, notification_ids: list[int]) -> dict[str, int]:
    """Send the pending emails among `notification_ids` over one SMTP connection.

    In batches of SEND_BATCH rows, each in one short transaction: lock the batch (skipping rows
    another worker holds, and rows no longer pending or not yet due) with their recipients in
    one query, render and send each email, then mark the batch in one UPDATE (and the few
    failures in one more). Idempotent: rows already sent, failed or gone are skipped, so a
    redelivered task (acks_late) sends nothing twice.
    """
    from django.core.mail import mailers

    counts = {"sent": 0, "failed": 0, "retry": 0, "skipped": 0}
    mailer = None
    builder = emails.NotificationEmails()  # each distinct content rendered once
    try:
        for batch in _chunks(notification_ids, SEND_BATCH):
            with transaction.atomic():
                rows = list(
                    Notification.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("recipient")
                    .filter(pk__in=batch, email_status=Status.PENDING)
                    .filter(
                        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now())
                    )
                    .order_by("pk")
                )
                counts["skipped"] += len(batch) - len(rows)
                sent: list[int] = []
                failures: list[Notification] = []
                for notification in rows:
                    notification.attempts += 1
                    try:
                        message = builder.build(notification)
                        if mailer is None:
                            mailer = mailers.default
                            mailer.open()
                        # The once-only effect, under the batch's lock: see the module docstring.
                        mailer.send_messages([message])
                    except (smtplib.SMTPException, OSError) as exc:
                        counts[_record_failure(notification, exc)] += 1
                        failures.append(notification)
                        if not isinstance(exc, smtplib.SMTPRecipientsRefused):
                            _close(mailer)  # the connection may be broken: reopen for the next
                            mailer = None
                    except DatabaseError:
                        raise
                    except Exception as exc:  # noqa: BLE001 - one row's fault, never the batch's
                        # It cannot be rendered or addressed (a template error, a line break in
                        # an address): trying again would fail the same way.
                        counts[_record_failure(notification, exc, permanent=True)] += 1
                        failures.append(notification)
                        _close(mailer)  # it may have failed half-way through a message
                        mailer = None
                    else:
                        sent.append(notification.pk)
                if sent:
                    Notification.objects.filter(pk__in=sent).update(
                        email_status=Status.SENT,
                        sent_at=timezone.now(),
                        attempts=F("attempts") + 1,
                        last_error="",
                    )
                    counts["sent"] += len(sent)
                if failures:
                    Notification.objects.bulk_update(
                        failures, ["email_status", "attempts", "last_error", "next_attempt_at"]
                    )
    finally:
        _close(mailer)
    return counts


def _record_failure(notification: Notification, exc: Exception, *, permanent: bool = False) -> str:
    notification.last_error = _reason(exc)
    if permanent or _is_permanent(exc) or notification.attempts >= MAX_ATTEMPTS:
        notification.email_status = Status.FAILED
        logger.warning("Notification %s failed for good: %s", notification.pk, exc)
        return "failed"
    notification.next_attempt_at = timezone.now() + _backoff(notification.attempts)
    logger.info("Notification %s will be retried: %s", notification.pk, exc)
    return "retry"


def _reason(exc: Exception) -> str:
    """What staff read in the outbox's admin: the error's type and message."""
    return f"{type(exc).__name__}: {exc}"[:2000]


def _close(mailer: BaseEmailBackend | None) -> None:
    if mailer is not None:
        try:
            mailer.close()
        except (smtplib.SMTPException, OSError):
            pass


def outbox_sweep(*, grace: timedelta = SWEEP_GRACE) -> dict[str, int]:
    """Re-enqueue what should have been sent by now: lost tasks, due retries, lost broadcasts,
    ready-made emails."""
    now = timezone.now()
    due = (
        Notification.objects.filter(email_status=Status.PENDING, created_at__lte=now - grace)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ids = list(due[:20_000])
    for chunk in _chunks(ids, CHUNK_SIZE):
        if not enqueue(send_notifications_task, chunk):
            break
    broadcasts = list(
        Broadcast.objects.filter(expanded_at__isnull=True, created_at__lte=now - grace).values_list(
            "pk", flat=True
        )
    )
    for broadcast_id in broadcasts:
        enqueue(expand_broadcast_task, broadcast_id)
    # Digests that failed and are due again (first sends wait for the daily digest).
    digest_users = list(
        Notification.objects.filter(
            email_status=Status.DIGEST, next_attempt_at__isnull=False, next_attempt_at__lte=now
        )
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    for chunk in _chunks(digest_users, CHUNK_SIZE):
        if not enqueue(send_digests_task, chunk):
            break
    # Ready-made emails (allauth's) whose task was lost or whose retry is due.
    outgoing = list(
        OutgoingEmail.objects.filter(created_at__lte=now - grace)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("pk")
        .values_list("pk", flat=True)[:20_000]
    )
    for chunk in _chunks(outgoing, CHUNK_SIZE):
        if not enqueue(send_outgoing_emails_task, chunk):
            break
    return {
        "notifications": len(ids),
        "broadcasts": len(broadcasts),
        "digests": len(digest_users),
        "emails": len(outgoing),
    }


def digests_send(*, user_ids: list[int] | None = None) -> int:
    """Send each person one email with their due digest items; returns the number of emails.

    Each person is handled in their own transaction: a mailbox that fails records the failure on
    its rows and never stops the others. A transient failure is retried by the sweeper with the
    backoff of single emails; a permanent one, an email that cannot be built, or the sixth
    attempt marks the rows failed with the reason (staff can put them back in the outbox).
    """
    from django.core.mail import mailers

    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now())
    waiting = Notification.objects.filter(email_status=Status.DIGEST).filter(due)
    if user_ids is not None:
        waiting = waiting.filter(recipient_id__in=user_ids)
    recipient_ids = list(waiting.values_list("recipient_id", flat=True).distinct())
    sent = 0
    mailer = None
    try:
        for user_id in recipient_ids:
            with transaction.atomic():
                items = list(
                    Notification.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("recipient")
                    .filter(recipient_id=user_id, email_status=Status.DIGEST)
                    .filter(due)
                    .order_by("created_at", "pk")
                )
                if not items:
                    continue
                attempts = max(n.attempts for n in items) + 1
                try:
                    message = emails.build_digest_email(items[0].recipient, items)
                    if mailer is None:
                        mailer = mailers.default
                        mailer.open()
                    # Once-only effect under the rows' lock, as for single emails.
                    mailer.send_messages([message])
                except (smtplib.SMTPException, OSError) as exc:
                    _record_digest_failure(items, attempts, exc)
                    if not isinstance(exc, smtplib.SMTPRecipientsRefused):
                        _close(mailer)
                        mailer = None
                except DatabaseError:
                    raise
                except Exception as exc:  # noqa: BLE001 - one person's fault, never the others'
                    _record_digest_failure(items, attempts, exc, permanent=True)
                    _close(mailer)
                    mailer = None
                else:
                    Notification.objects.filter(pk__in=[n.pk for n in items]).update(
                        email_status=Status.SENT,
                        sent_at=timezone.now(),
                        attempts=attempts,
                        last_error="",
                        next_attempt_at=None,
                    )
                    sent += 1
    finally:
        _close(mailer)
    return sent


def _record_digest_failure(
    items: list[Notification], attempts: int, exc: Exception, *, permanent: bool = False
) -> None:
    rows = Notification.objects.filter(pk__in=[n.pk for n in items])
    if permanent or _is_permanent(exc) or attempts >= MAX_ATTEMPTS:
        logger.warning("Digest of user %s failed for good: %s", items[0].recipient_id, exc)
        rows.update(email_status=Status.FAILED, attempts=attempts, last_error=_reason(exc))
        return
    logger.info("Digest of user %s will be retried: %s", items[0].recipient_id, exc)
    rows.update(
        attempts=attempts,
        last_error=_reason(exc),
        next_attempt_at=timezone.now() + _backoff(attempts),
    )


def notifications_retry_failed(*, notification_ids: list[int]) -> int:
    """Staff action: put failed emails back in the outbox and send them after commit."""
    with transaction.atomic():
        ids = list(
            Notification.objects.filter(pk__in=notification_ids, email_status=Status.FAILED)
            .select_for_update()
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(
            email_status=Status.PENDING, attempts=0, next_attempt_at=None
        )
        for chunk in _chunks(ids, CHUNK_SIZE):
            transaction.on_commit(partial(enqueue, send_notifications_task, chunk))
    return len(ids)


def mark_read(*, user: User, notification_id: int) -> Notification:
    """Raises Notification.DoesNotExist for someone else's notification."""
    notification = Notification.objects.get(pk=notification_id, recipient=user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        forget_unread([user.pk])
    return notification


def mark_all_read(*, user: User) -> int:
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    forget_unread([user.pk])
    return marked


def forget_unread(user_ids: Iterable[int]) -> None:
    """The bell's cached count (notifications.selectors.unread_count) of these users goes: call it
    wherever items are added, read or deleted unread."""
    forget_users(user_ids, only=UNREAD)


def preferences_set(*, user: User, modes: dict[str, str], language: str | None = None) -> None:
    """Save the email mode per kind (and the emails' language); unknown kinds or modes are a
    programming error."""
    with transaction.atomic():
        if language is not None and language != user.language:
            user.language = language
            user.save(update_fields=["language"])
        for kind, mode in modes.items():
            registry.get_kind(kind)
            EmailMode(mode)
        # One upsert for every kind (INSERT ... ON CONFLICT (user, kind) DO UPDATE).
        Preference.objects.bulk_create(
            [Preference(user=user, kind=kind, email=mode) for kind, mode in modes.items()],
            update_conflicts=True,
            unique_fields=["user", "kind"],
            update_fields=["email"],
        )


def unsubscribe(*, token: str) -> tuple[User, str]:
    """One-click opt-out from one kind's emails. Raises signing.BadSignature, User.DoesNotExist."""
    user_id, kind = emails.read_unsubscribe_token(token)
    registry.get_kind(kind)
    user = get_user_model().objects.get(pk=user_id)
    preferences_set(user=user, modes={kind: EmailMode.OFF})
    return user, kind


def announcement_send(*, announcement: Announcement) -> Broadcast:
    """Send a staff announcement to every approved firm user (of its sectors, if any). Once."""
    with transaction.atomic():
        locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if locked.sent_at is not None:
            raise ValueError("Announcement already sent")
        sector_ids = list(locked.sectors.values_list("pk", flat=True))
        broadcast = notify_audience(
            audience="approved_firm_users",
            params={"sector_ids": sector_ids},
            kind=kinds.ANNOUNCEMENT.slug,
            object_key=f"announcement:{locked.pk}",
            context={"title": locked.title, "body": locked.body},
            url=reverse("notifications:inbox"),
        )
        locked.sent_at = timezone.now()
        locked.save(update_fields=["sent_at"])
    return broadcast


def notifications_withdraw(*, object_keys: Iterable[str]) -> int:
    """Take back the messages about these objects (e.g. a post hidden by moderators) that nobody
    has received yet: unread inbox items whose email has not gone out are deleted; items already
    read keep their place in the inbox, but their email, if still due, is not sent. Emails
    already sent stay as they happened. Returns how many rows were deleted or stopped.

    Runs in the caller's transaction; a row that a worker is sending at that moment is waited
    for and, once sent, left alone (its status no longer matches)."""
    keys = list(object_keys)
    if not keys:
        return 0
    unsent = [Status.PENDING, Status.DIGEST, Status.FAILED]
    withdrawn = Notification.objects.filter(
        object_key__in=keys, read_at__isnull=True, email_status__in=[*unsent, Status.SKIPPED]
    )
    forget_unread(withdrawn.values_list("recipient_id", flat=True).distinct())
    deleted, _per_model = withdrawn.delete()
    stopped = Notification.objects.filter(object_key__in=keys, email_status__in=unsent).update(
        email_status=Status.SKIPPED, next_attempt_at=None
    )
    return deleted + stopped


def notifications_purge_read(*, created_before: datetime) -> int:
    """Delete the read inbox items created before `created_before` (retention). Returns the count.

    Unread items stay whatever their age, and so does every row whose email the outbox still
    has to deliver (pending, or waiting for the digest), read or not.
    """
    deleted, _per_model = (
        Notification.objects.filter(read_at__isnull=False, created_at__lt=created_before)
        .exclude(email_status__in=[Status.PENDING, Status.DIGEST])
        .delete()
    )
    return deleted


# --- Ready-made emails (allauth's): the same outbox guarantees as notifications ------------------


def email_queue(*, message: EmailMessage) -> OutgoingEmail:
    """Put a rendered email in the outbox; a worker sends it after commit. Call it in a request.

    Nothing here talks to SMTP. If the broker is down, the row waits for the sweeper. The
    Message-ID is fixed now, so a resend after a worker crash is the same message.
    """
    html = next(
        (
            str(content)
            for content, mimetype in getattr(message, "alternatives", [])
            if mimetype == "text/html"
        ),
        "",
    )
    headers = {str(name): str(value) for name, value in message.extra_headers.items()}
    headers.setdefault("Message-ID", emails.message_id(f"outgoing:{uuid.uuid4().hex}"))
    row = OutgoingEmail.objects.create(
        to=list(message.to),
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        subject=str(message.subject),
        body=str(message.body),
        html=html,
        headers=headers,
    )
    transaction.on_commit(partial(enqueue, send_outgoing_emails_task, [row.pk]))
    return row


def _outgoing_message(row: OutgoingEmail) -> EmailMultiAlternatives:
    message = emails.PortalEmail(
        subject=emails.one_line(row.subject),
        body=row.body,
        from_email=row.from_email,
        to=row.to,
        headers=row.headers,
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message


def outgoing_emails_send(*, email_ids: list[int]) -> dict[str, int]:
    """Send the due ready-made emails among `email_ids` over one SMTP connection.

    Each row is locked (skipping rows another worker holds), sent and deleted in one short
    transaction, so a redelivered task sends nothing twice. A transient failure waits for the
    sweeper with the backoff of notifications, for up to ACCOUNT_EMAIL_RETRY_HOURS; a permanent
    one, or the end of that time, deletes the row and logs why at ERROR (the person can ask for a
    new link).
    """
    from django.core.mail import mailers

    counts = {"sent": 0, "failed": 0, "retry": 0, "skipped": 0}
    mailer = None
    try:
        for email_id in email_ids:
            with transaction.atomic():
                row = (
                    OutgoingEmail.objects.select_for_update(skip_locked=True)
                    .filter(pk=email_id)
                    .filter(
                        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now())
                    )
                    .first()
                )
                if row is None:
                    counts["skipped"] += 1
                    continue
                row.attempts += 1
                try:
                    message = _outgoing_message(row)
                    if mailer is None:
                        mailer = mailers.default
                        mailer.open()
                    # The once-only effect, under the row lock (see the module docstring).
                    mailer.send_messages([message])
                except (smtplib.SMTPException, OSError) as exc:
                    counts[_record_outgoing_failure(row, exc)] += 1
                    if not isinstance(exc, smtplib.SMTPRecipientsRefused):
                        _close(mailer)
                        mailer = None
                except DatabaseError:
                    raise
                except Exception as exc:  # noqa: BLE001 - one row's fault, never the batch's
                    counts[_record_outgoing_failure(row, exc, permanent=True)] += 1
                    _close(mailer)
                    mailer = None
                else:
                    row.delete()  # its body holds one-time links and codes
                    counts["sent"] += 1
    finally:
        _close(mailer)
    return counts


def _record_outgoing_failure(row: OutgoingEmail, exc: Exception, *, permanent: bool = False) -> str:
    """A transient failure (a relay outage) is retried with backoff for ACCOUNT_EMAIL_RETRY_HOURS
    after the email was queued, however many attempts that takes; readiness reports the wait
    (HEALTH_OUTBOX_MAX_AGE). A permanent one (5xx, a message that cannot be built), or the end
    of that time, deletes the row and logs an ERROR: the person's link or code is lost."""
    retry_until = row.created_at + timedelta(hours=settings.ACCOUNT_EMAIL_RETRY_HOURS)
    if permanent or _is_permanent(exc) or timezone.now() >= retry_until:
        logger.error(
            "Email %s to %s failed for good after %s attempt(s): %s",
            row.pk,
            row.to,
            row.attempts,
            _reason(exc),
        )
        row.delete()
        return "failed"
    row.last_error = _reason(exc)
    row.next_attempt_at = timezone.now() + _backoff(row.attempts)
    row.save(update_fields=["attempts", "last_error", "next_attempt_at"])
    logger.info("Email %s will be retried: %s", row.pk, exc)
    return "retry"
