"""Missions themselves: publish, close registration, and the periodic reminders about them."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from core.dates import stored_date, stored_date_range, stored_datetime
from core.translated import translations
from missions import notification_kinds as kinds
from missions.models import Application, Mission
from missions.services import applications, locking
from notifications.services import notify, notify_audience


def mission_publish(*, mission_id: int) -> bool:
    """Publish a draft and tell the approved firms of its sectors (one fan-out). Once."""
    with transaction.atomic():
        mission = locking.lock_mission(mission_id)
        if mission.status != Mission.Status.DRAFT:
            return False
        mission.status = Mission.Status.PUBLISHED
        mission.published_at = timezone.now()
        mission.save(update_fields=["status", "published_at"])
        notify_audience(
            audience="approved_firm_users",
            params={"sector_ids": list(mission.sectors.values_list("pk", flat=True))},
            kind=kinds.MISSION_PUBLISHED.slug,
            object_key=f"mission:{mission.pk}",
            context={
                "mission": translations(mission, "title"),
                "dates": stored_date_range(mission.start_date, mission.end_date),
            },
            url=reverse("missions:detail", args=[mission.pk]),
        )
    return True


def mission_close_registration(*, mission_id: int) -> bool:
    with transaction.atomic():
        mission = locking.lock_mission(mission_id)
        if mission.status != Mission.Status.PUBLISHED:
            return False
        mission.status = Mission.Status.CLOSED
        mission.save(update_fields=["status"])
    return True


def mission_cancel(*, mission_id: int) -> bool:
    """Cancel a mission: every active application is withdrawn through the one status path
    (the firm is told; a confirmed firm's B2B requests and meetings go with it), in the same
    transaction under the mission lock. Once: a cancelled mission stays as it is."""
    with transaction.atomic():
        mission = locking.lock_mission(mission_id)
        if mission.status == Mission.Status.CANCELLED:
            return False
        mission.status = Mission.Status.CANCELLED
        mission.save(update_fields=["status"])
        active = Application.objects.filter(mission=mission, status__in=Application.ACTIVE)
        for application in active.select_related("firm", "mission").order_by("pk"):
            applications.application_set_status(
                application,
                status=Application.Status.WITHDRAWN,
                withdrawn_reason=applications.MISSION_CANCELLED,
            )
    return True


def _claim(queryset: QuerySet[Mission], flag: str) -> list[Mission]:
    """Lock and stamp the missions a reminder is due for, so it goes out once."""
    missions = list(queryset.select_for_update(skip_locked=True))
    Mission.objects.filter(pk__in=[m.pk for m in missions]).update(**{flag: timezone.now()})
    return missions


def reminders_send(*, now: datetime | None = None) -> dict[str, int]:
    """Periodic scan (beat): registration opened, deadline in 48 h, mission starts in 7 days."""
    now = now or timezone.now()
    counts = {"opened": 0, "deadline": 0, "start": 0}
    with transaction.atomic():
        for mission in _claim(
            Mission.objects.filter(
                status=Mission.Status.PUBLISHED,
                registration_opens_at__lte=now,
                registration_deadline__gt=now,
                opening_notified_at__isnull=True,
            ),
            "opening_notified_at",
        ):
            notify(
                recipients=mission.interests.values_list("user_id", flat=True),
                kind=kinds.REGISTRATION_OPEN.slug,
                object_key=f"mission:{mission.pk}",
                context={"mission": translations(mission, "title")},
                url=reverse("missions:detail", args=[mission.pk]),
            )
            counts["opened"] += 1
        for mission in _claim(
            Mission.objects.filter(
                status=Mission.Status.PUBLISHED,
                registration_deadline__gt=now,
                registration_deadline__lte=now + timedelta(hours=48),
                deadline_reminded_at__isnull=True,
            ),
            "deadline_reminded_at",
        ):
            # Stored as data: each recipient reads it in their own language (core/dates.py).
            deadline = stored_datetime(mission.registration_deadline)
            notify_audience(
                audience="mission_non_applicants",
                params={"mission_id": mission.pk},
                kind=kinds.DEADLINE_SOON.slug,
                object_key=f"mission:{mission.pk}",
                context={"mission": translations(mission, "title"), "deadline": deadline},
                url=reverse("missions:detail", args=[mission.pk]),
            )
            counts["deadline"] += 1
        today = timezone.localdate(now)
        for mission in _claim(
            Mission.objects.filter(
                status__in=[Mission.Status.PUBLISHED, Mission.Status.CLOSED],
                start_date__gt=today,
                start_date__lte=today + timedelta(days=7),
                start_reminded_at__isnull=True,
            ),
            "start_reminded_at",
        ):
            notify_audience(
                audience="mission_participants",
                params={"mission_id": mission.pk},
                kind=kinds.MISSION_STARTS_SOON.slug,
                object_key=f"mission:{mission.pk}",
                context={
                    "mission": translations(mission, "title"),
                    "start": stored_date(mission.start_date),
                },
                url=reverse("missions:detail", args=[mission.pk]),
            )
            counts["start"] += 1
    return counts
