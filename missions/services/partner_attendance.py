"""A German partner's answers for one mission: attending or not, and the slots they cannot attend.

Both are read by the scheduler (scheduling_runs), so both are written under the mission lock: a
run never sees half an answer, and an answer given during a run waits for it.
"""

from django.db import transaction
from django.utils import timezone

from missions.models import MissionPartner, Partner, Slot
from missions.services import locking
from missions.services.errors import SlotUnavailable


def mission_partner_respond(*, mission_partner_id: int, attending: bool) -> MissionPartner:
    """The partner confirms or declines the mission (declined: none of its meetings is placed)."""
    with transaction.atomic():
        mission_id = MissionPartner.objects.values_list("mission_id", flat=True).get(
            pk=mission_partner_id
        )
        locking.lock_mission(mission_id)
        mission_partner = MissionPartner.objects.get(pk=mission_partner_id)
        mission_partner.attendance = (
            MissionPartner.Attendance.CONFIRMED if attending else MissionPartner.Attendance.DECLINED
        )
        mission_partner.responded_at = timezone.now()
        mission_partner.save(update_fields=["attendance", "responded_at"])
    return mission_partner


def mission_partner_block_slots(*, mission_partner_id: int, slot_ids: set[int]) -> MissionPartner:
    """Replace the slots the partner cannot attend. Every slot must be one of the mission's
    (SlotUnavailable otherwise, and nothing changes). The next scheduler run moves the meetings
    out of newly blocked slots; meetings staff locked there stay until staff move them."""
    with transaction.atomic():
        mission_id = MissionPartner.objects.values_list("mission_id", flat=True).get(
            pk=mission_partner_id
        )
        mission = locking.lock_mission(mission_id)
        mission_partner = MissionPartner.objects.get(pk=mission_partner_id)
        slots = list(Slot.objects.filter(pk__in=slot_ids, session__mission=mission))
        if len(slots) != len(set(slot_ids)):
            raise SlotUnavailable
        mission_partner.blocked_slots.set(slots)
    return mission_partner


def partner_blocked_slots(*, mission_id: int, partner_ids: set[int]) -> dict[int, set[int]]:
    """{partner id: ids of the slots it blocked} for the mission (partners with none left out)."""
    blocked: dict[int, set[int]] = {}
    rows = MissionPartner.blocked_slots.through.objects.filter(
        missionpartner__mission_id=mission_id, missionpartner__partner_id__in=partner_ids
    ).values_list("missionpartner__partner_id", "slot_id")
    for partner_id, slot_id in rows:
        blocked.setdefault(partner_id, set()).add(slot_id)
    return blocked


PROFILE_FIELDS = frozenset(
    {"products_sought", "nace_codes", "languages", "size", "website", "vat_number"}
)


def partner_profile_update(*, partner_id: int, changes: dict[str, object]) -> Partner:
    """A partner's own profile, as its contact completes it (fields PROFILE_FIELDS only;
    the caller's form validates the values)."""
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise ValueError(sorted(unknown))
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner_id)
        for name, value in changes.items():
            setattr(partner, name, value)
        partner.full_clean(exclude=["city"])
        partner.save(update_fields=sorted(changes))
    return partner
