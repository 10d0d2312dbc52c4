"""Publishing the B2B agendas: each firm with placed meetings is told its agenda is ready."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.translated import translations
from members.models import Firm
from members.recipients import notify_firm
from missions import notification_kinds as kinds
from missions.services import locking


def agenda_publish(*, mission_id: int) -> int:
    """Publish the agendas and tell each firm with placed meetings. Returns firms notified."""
    with transaction.atomic():
        mission = locking.lock_mission(mission_id)
        mission.agenda_published_at = timezone.now()
        mission.save(update_fields=["agenda_published_at"])
        firms = Firm.objects.filter(meetings__mission=mission, meetings__slot__isnull=False)
        firms = firms.distinct().prefetch_related("memberships")
        for firm in firms:
            notify_firm(
                firm=firm,
                kind=kinds.AGENDA_PUBLISHED.slug,
                object_key=f"mission:{mission.pk}:firm:{firm.pk}",
                version=f"agenda-{int(mission.agenda_published_at.timestamp())}",
                context={"mission": translations(mission, "title"), "firm": firm.name},
                url=reverse("missions:agenda", args=[mission.pk]),
            )
    return len(firms)
