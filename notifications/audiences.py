"""Named groups of recipients for fan-out. Each returns a queryset of user ids."""

from collections.abc import Callable

from django.db.models import QuerySet

from members.models import Firm, User


def approved_firm_users(*, sector_ids: list[int] | None = None) -> QuerySet:
    """Active users of approved firms, optionally only of some sectors."""
    users = User.objects.filter(is_active=True, membership__firm__status=Firm.Status.APPROVED)
    if sector_ids:
        users = users.filter(membership__firm__sector_id__in=sector_ids)
    return users.order_by("pk").values_list("pk", flat=True)


AUDIENCES: dict[str, Callable[..., QuerySet]] = {
    "approved_firm_users": approved_firm_users,
}
