"""A German partner's answer to a mission and the slots they cannot attend: the scheduler and the
staff's manual moves never place the partner's meetings where the partner said no."""

import datetime as dt

import pytest

from missions import services as b2b
from missions.models import Meeting, MissionPartner, Partner, Slot
from missions.services import partner_attendance
from tests.factories import (
    ApplicationFactory,
    FirmFactory,
    MembershipFactory,
    MissionFactory,
    ProgrammeItemFactory,
    city,
    sector,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def b2b_day():
    """One partner, three firms with an accepted request each, a session of 3 slots x 3 tables."""
    mission = MissionFactory(sectors=[sector("lapideo")], slot_minutes=60, tables=3)
    koeln = city("koeln")
    session = ProgrammeItemFactory(
        mission=mission,
        city=koeln,
        starts_at=dt.datetime.combine(mission.start_date, dt.time(10), tzinfo=koeln.tz),
        ends_at=dt.datetime.combine(mission.start_date, dt.time(13), tzinfo=koeln.tz),
    )
    partner = Partner.objects.create(name="Naturstein GmbH", kind="importer", city=koeln)
    mission_partner = MissionPartner.objects.create(mission=mission, partner=partner)
    b2b.slots_generate(mission_id=mission.pk)
    meetings = []
    for n in range(3):
        firm = FirmFactory(name=f"Graniti {n}", sector=sector("lapideo"))
        owner = MembershipFactory(firm=firm).user
        ApplicationFactory(mission=mission, firm=firm)
        request = b2b.meeting_request_create(
            mission_id=mission.pk, firm=firm, user=owner, partner_id=partner.pk, priority=3
        )
        b2b.meeting_requests_decide(request_ids=[request.pk], accept=True)
        meetings.append(Meeting.objects.get(request=request))
    slots = list(Slot.objects.filter(session=session).order_by("index"))
    return mission, mission_partner, slots, meetings


def test_the_scheduler_never_uses_a_blocked_slot(b2b_day):
    mission, mission_partner, slots, _meetings = b2b_day
    partner_attendance.mission_partner_block_slots(
        mission_partner_id=mission_partner.pk, slot_ids={slots[0].pk}
    )
    run = b2b.scheduler_run(mission_id=mission.pk)
    # Three meetings of one partner, two slots left: two placed, none in the blocked slot.
    assert run.placed == 2
    used = set(Meeting.objects.exclude(slot=None).values_list("slot_id", flat=True))
    assert used == {slots[1].pk, slots[2].pk}


def test_a_slot_blocked_after_a_run_is_freed_by_the_next_run(b2b_day):
    mission, mission_partner, slots, _meetings = b2b_day
    b2b.scheduler_run(mission_id=mission.pk)
    assert Meeting.objects.filter(slot=slots[1]).exists()
    partner_attendance.mission_partner_block_slots(
        mission_partner_id=mission_partner.pk, slot_ids={slots[1].pk}
    )
    b2b.scheduler_run(mission_id=mission.pk)
    assert not Meeting.objects.filter(slot=slots[1]).exists()


def test_staff_cannot_move_a_meeting_into_a_blocked_slot(b2b_day):
    _mission, mission_partner, slots, meetings = b2b_day
    partner_attendance.mission_partner_block_slots(
        mission_partner_id=mission_partner.pk, slot_ids={slots[2].pk}
    )
    with pytest.raises(b2b.SlotUnavailable):
        b2b.meeting_move(meeting_id=meetings[0].pk, slot_id=slots[2].pk, table=1)
    meetings[0].refresh_from_db()
    assert meetings[0].slot_id is None


def test_a_partner_who_declined_gets_no_meetings_placed(b2b_day):
    mission, mission_partner, _slots, _meetings = b2b_day
    partner_attendance.mission_partner_respond(
        mission_partner_id=mission_partner.pk, attending=False
    )
    run = b2b.scheduler_run(mission_id=mission.pk)
    assert run.placed == 0
    mission_partner.refresh_from_db()
    assert mission_partner.attendance == MissionPartner.Attendance.DECLINED
    assert mission_partner.responded_at is not None


def test_blocking_a_slot_of_another_mission_is_refused_and_changes_nothing(b2b_day):
    _mission, mission_partner, _slots, _meetings = b2b_day
    other = MissionFactory()
    item = ProgrammeItemFactory(mission=other)
    foreign = Slot.objects.create(
        session=item, index=0, starts_at=item.starts_at, ends_at=item.ends_at, tables=1
    )
    with pytest.raises(b2b.SlotUnavailable):
        partner_attendance.mission_partner_block_slots(
            mission_partner_id=mission_partner.pk, slot_ids={foreign.pk}
        )
    assert not mission_partner.blocked_slots.exists()
