from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from core.auth import remember_extra
from notifications.models import Notification, OutgoingEmail, Preference

if TYPE_CHECKING:
    from members.models import User


def inbox(*, user: User, kinds: Collection[str] | None = None) -> QuerySet[Notification]:
    """The person's notifications, newest first; only those `kinds` when given."""
    notifications = Notification.objects.filter(recipient=user)
    if kinds is not None:
        notifications = notifications.filter(kind__in=kinds)
    return notifications.order_by("-created_at", "-pk")


UNREAD = "_unread_notifications"  # the user's attribute; kept beside the user (core/auth.py)


def unread_count(*, user: User) -> int:
    """The bell's count: cached beside the signed-in user in Redis (core/auth.py) and forgotten
    by every service that adds, reads or withdraws an item (`services.forget_unread`)."""
    if hasattr(user, UNREAD):
        cached: int = getattr(user, UNREAD)
        return cached
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    setattr(user, UNREAD, count)
    remember_extra(user, UNREAD, count)
    return count


def email_modes(*, user: User) -> dict[str, str]:
    return dict(Preference.objects.filter(user=user).values_list("kind", "email"))


def oldest_pending_age_seconds() -> float:
    """How long the oldest email still to send has waited (0 when none): the outbox's lag.

    Notifications (partial index notif_outbox) and account emails (OutgoingEmail, every row is
    still to send). Retries wait with backoff (up to 15 minutes each), so a row can be pending
    for a while when the mail server struggles: that is what this reports.
    """
    candidates = [
        Notification.objects.filter(email_status=Notification.EmailStatus.PENDING)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first(),
        OutgoingEmail.objects.order_by("created_at").values_list("created_at", flat=True).first(),
    ]
    waiting = [created_at for created_at in candidates if created_at is not None]
    if not waiting:
        return 0.0
    return max(0.0, (timezone.now() - min(waiting)).total_seconds())
