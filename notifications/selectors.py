from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from notifications.models import Notification, Preference

if TYPE_CHECKING:
    from members.models import User


def inbox(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def email_modes(*, user: User) -> dict[str, str]:
    return dict(Preference.objects.filter(user=user).values_list("kind", "email"))
