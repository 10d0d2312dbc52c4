from django.db.models import QuerySet

from members.models import User
from notifications.models import Notification, Preference


def inbox(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def email_modes(*, user: User) -> dict[str, str]:
    return dict(Preference.objects.filter(user=user).values_list("kind", "email"))
