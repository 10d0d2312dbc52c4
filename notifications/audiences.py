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


def mission_non_applicants(*, mission_id: int) -> QuerySet:
    """Users of approved firms of the mission's sectors whose firm has not applied."""
    from missions.models import Application, Mission

    sector_ids = Mission.sectors.through.objects.filter(mission_id=mission_id).values("sector_id")
    applied = Application.objects.filter(mission_id=mission_id, status__in=Application.ACTIVE)
    return (
        approved_firm_users(sector_ids=None)
        .filter(membership__firm__sector_id__in=sector_ids)
        .exclude(membership__firm__in=applied.values("firm_id"))
    )


def mission_participants(*, mission_id: int) -> QuerySet:
    """Users of the firms confirmed on the mission."""
    from missions.models import Application

    confirmed = Application.objects.filter(
        mission_id=mission_id, status=Application.Status.CONFIRMED
    )
    return (
        User.objects.filter(is_active=True, membership__firm__in=confirmed.values("firm_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


AUDIENCES: dict[str, Callable[..., QuerySet]] = {
    "approved_firm_users": approved_firm_users,
    "mission_non_applicants": mission_non_applicants,
    "mission_participants": mission_participants,
}
