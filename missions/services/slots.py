"""B2B slots: the mission's B2B sessions cut into time slots, each with a number of tables."""

from datetime import timedelta

from django.db import transaction

from missions.models import Meeting, ProgrammeItem, Slot
from missions.services import locking
from missions.services.errors import SlotsInUse


def slots_generate(*, mission_id: int) -> int:
    """Cut the mission's B2B sessions into slots of `slot_minutes` with `tables` tables.

    Refused (SlotsInUse) once meetings are placed: regenerating would drop their slots.
    """
    with transaction.atomic():
        mission = locking.lock_mission(mission_id)
        if Meeting.objects.filter(mission=mission, slot__isnull=False).exists():
            raise SlotsInUse
        Slot.objects.filter(session__mission=mission).delete()
        length = timedelta(minutes=mission.slot_minutes)
        slots = []
        for session in mission.programme.filter(kind=ProgrammeItem.Kind.B2B):
            start, index = session.starts_at, 0
            while start + length <= session.ends_at:
                slots.append(
                    Slot(
                        session=session,
                        index=index,
                        starts_at=start,
                        ends_at=start + length,
                        tables=mission.tables,
                    )
                )
                start += length
                index += 1
        Slot.objects.bulk_create(slots)
    return len(slots)
