"""The live board's rules: a no-show frees its table (and the present side's time), a waiting
meeting takes a freed table only when both sides are here, under the mission lock and the
database constraints, and both sides hear of it once."""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from missionday.board import board_for
from missionday.services.board import NotBothPresent, board_meeting_place
from missions import services as b2b
from missions.models import Meeting
from missions.services import outcomes, scheduling_runs
from missions.services.errors import MeetingSlotReused, SlotEnded, SlotTaken, SlotUnavailable
from notifications.models import Notification
from tests.missionday.board_setup import accepted, check_in, freed, mission_today, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    return mission_today()


def _all_here(day, firm, partner):
    check_in(day, firm=firm)
    check_in(day, partner=partner)


# --- The constraints: a no-show holds nothing ------------------------------------------------


def test_a_no_show_frees_its_table_and_the_present_sides_slot(day):
    slot = day.slots[3]
    gone = place(accepted(day, day.firms[0], day.partners[0]), slot, 1)
    outcomes.meetings_mark_attendance(
        meeting_ids=[gone.pk], attendance=Meeting.Attendance.NO_SHOW, absent=Meeting.Absent.FIRM
    )
    # The same table, and the partner who came, take another meeting in that slot.
    other = place(accepted(day, day.firms[1], day.partners[0]), slot, 1)
    gone.refresh_from_db()
    assert (gone.slot_id, gone.table, gone.attendance, gone.absent) == (
        slot.pk,
        1,
        "no_show",
        "firm",
    )
    assert (other.slot_id, other.table) == (slot.pk, 1)


def test_two_live_meetings_on_one_table_are_still_refused_by_postgresql(day):
    slot = day.slots[3]
    place(accepted(day, day.firms[0], day.partners[0]), slot, 1)
    second = accepted(day, day.firms[1], day.partners[1])
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=second.pk).update(slot=slot, table=1)
    held = accepted(day, day.firms[2], day.partners[1])
    place(held, slot, 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        # held and no_show are different: only no_show lets go of the slot
        Meeting.objects.filter(pk=second.pk).update(slot=slot, table=2, attendance="held")


def test_taking_back_a_no_show_whose_table_was_reused_is_refused_and_changes_nothing(day):
    slot = day.slots[3]
    gone = place(accepted(day, day.firms[0], day.partners[0]), slot, 1)
    outcomes.meetings_mark_attendance(meeting_ids=[gone.pk], attendance="no_show", absent="both")
    place(accepted(day, day.firms[1], day.partners[1]), slot, 1)
    with pytest.raises(MeetingSlotReused):
        outcomes.meetings_mark_attendance(meeting_ids=[gone.pk], attendance="held")
    gone.refresh_from_db()
    assert (gone.attendance, gone.absent) == ("no_show", "both")
    # Not reused: taking it back works.
    lone = place(accepted(day, day.firms[2], day.partners[0]), day.slots[4], 2)
    outcomes.meetings_mark_attendance(meeting_ids=[lone.pk], attendance="no_show")
    assert outcomes.meetings_mark_attendance(meeting_ids=[lone.pk], attendance="") == 1
    lone.refresh_from_db()
    assert (lone.attendance, lone.absent, lone.slot_id) == ("", "", day.slots[4].pk)


def test_the_scheduler_leaves_no_shows_where_they_are_and_uses_their_tables(day):
    # Six slots left of eight; one table each is enough to see the no-show's table reused.
    gone = place(accepted(day, day.firms[0], day.partners[0]), day.slots[0], 1)
    Meeting.objects.filter(pk=gone.pk).update(attendance="no_show")
    waiting = accepted(day, day.firms[1], day.partners[0])
    day.slots[0].tables = 1
    day.slots[0].save()
    for slot in day.slots[1:]:
        slot.delete()
    run = b2b.scheduler_run(mission_id=day.mission.pk)
    gone.refresh_from_db()
    waiting.refresh_from_db()
    assert (gone.slot_id, gone.table, gone.attendance) == (day.slots[0].pk, 1, "no_show")
    assert (waiting.slot_id, waiting.table) == (day.slots[0].pk, 1)
    assert (run.meetings, run.placed) == (1, 1)


# --- Placing a waiting meeting in a freed slot ----------------------------------------------


def test_only_a_table_freed_by_a_no_show_offers_the_waiting_meetings(day):
    waiting = accepted(day, day.firms[1], day.partners[0])
    _all_here(day, day.firms[1], day.partners[0])
    freed(day, day.slots[4], 2)
    board = board_for(day.session)
    assert board.waiting == 1
    assert board.rows[4].cells[0].offers == []  # never used: left to the scheduler and admin
    assert [m.pk for m in board.rows[4].cells[1].offers] == [waiting.pk]


def test_a_waiting_meeting_takes_the_freed_table_and_both_sides_hear_once(day):
    slot = day.slots[3]
    gone = place(accepted(day, day.firms[0], day.partners[0]), slot, 1)
    outcomes.meetings_mark_attendance(meeting_ids=[gone.pk], attendance="no_show", absent="firm")
    waiting = accepted(day, day.firms[1], day.partners[0])
    _all_here(day, day.firms[1], day.partners[0])

    cell = next(c for c in board_for(day.session).rows[3].cells if c.table == 1)
    assert [m.pk for m in cell.offers] == [waiting.pk]
    board_meeting_place(mission=day.mission, meeting_id=waiting.pk, slot_id=slot.pk, table=1)
    waiting.refresh_from_db()
    assert (waiting.slot_id, waiting.table, waiting.locked) == (slot.pk, 1, True)

    rows = Notification.objects.filter(object_key=f"meeting:{waiting.pk}")
    by_kind = {}
    for row in rows:
        by_kind.setdefault(row.kind, set()).add(row.recipient_id)
    assert by_kind == {
        "board_meeting_placed": {day.delegates[1].pk},
        "board_meeting_placed_partner": {day.contacts[0].pk},
    }
    # Again: refused (already placed), and nobody hears twice.
    with pytest.raises(b2b.MeetingError):
        board_meeting_place(mission=day.mission, meeting_id=waiting.pk, slot_id=slot.pk, table=1)
    assert rows.count() == 2
    german = rows.get(kind="board_meeting_placed_partner")
    assert german.context["firm"] == "Serizzo Spa"
    start = timezone.localtime(slot.starts_at, day.session.city.tz)
    with translation.override("it"):
        firm_row = rows.get(kind="board_meeting_placed")
        assert firm_row.title() == "Nuovo incontro oggi con Naturstein Import GmbH"
        assert f"alle {start:%H:%M}, tavolo 1" in firm_row.body()
    with translation.override("de"):
        assert f"{start:%H:%M}, Tisch 1" in german.body()


def test_placing_is_refused_when_one_side_has_not_checked_in(day):
    waiting = accepted(day, day.firms[1], day.partners[0])
    check_in(day, firm=day.firms[1])
    freed(day, day.slots[3])
    assert board_for(day.session).rows[3].cells[0].offers == []
    with pytest.raises(NotBothPresent):
        board_meeting_place(
            mission=day.mission, meeting_id=waiting.pk, slot_id=day.slots[3].pk, table=1
        )
    waiting.refresh_from_db()
    assert waiting.slot_id is None
    assert not Notification.objects.filter(object_key=f"meeting:{waiting.pk}").exists()


def test_placing_is_refused_in_a_slot_the_partner_blocked(day):
    waiting = accepted(day, day.firms[1], day.partners[0])
    _all_here(day, day.firms[1], day.partners[0])
    mp = day.mission.mission_partners.get(partner=day.partners[0])
    mp.blocked_slots.add(day.slots[4])
    freed(day, day.slots[3])
    freed(day, day.slots[4])
    board = board_for(day.session)
    assert [m.pk for m in board.rows[3].cells[0].offers] == [waiting.pk]
    assert board.rows[4].cells[0].offers == []
    with pytest.raises(SlotUnavailable):
        board_meeting_place(
            mission=day.mission, meeting_id=waiting.pk, slot_id=day.slots[4].pk, table=1
        )
    waiting.refresh_from_db()
    assert waiting.slot_id is None


def test_placing_is_refused_in_a_slot_that_has_ended(day):
    waiting = accepted(day, day.firms[1], day.partners[0])
    _all_here(day, day.firms[1], day.partners[0])
    freed(day, day.slots[1])
    freed(day, day.slots[3])
    board = board_for(day.session)
    assert board.rows[1].cells[0].offers == []
    assert [m.pk for m in board.rows[3].cells[0].offers] == [waiting.pk]
    with pytest.raises(SlotEnded):
        board_meeting_place(
            mission=day.mission, meeting_id=waiting.pk, slot_id=day.slots[1].pk, table=1
        )
    waiting.refresh_from_db()
    assert waiting.slot_id is None


def test_placing_is_refused_when_the_table_was_taken_meanwhile(day):
    waiting = accepted(day, day.firms[1], day.partners[0])
    _all_here(day, day.firms[1], day.partners[0])
    place(accepted(day, day.firms[2], day.partners[1]), day.slots[3], 1)
    with pytest.raises(SlotTaken):
        board_meeting_place(
            mission=day.mission, meeting_id=waiting.pk, slot_id=day.slots[3].pk, table=1
        )
    waiting.refresh_from_db()
    assert waiting.slot_id is None
    assert not Notification.objects.filter(object_key=f"meeting:{waiting.pk}").exists()


@pytest.mark.django_db(transaction=True)
def test_two_staff_placing_on_the_same_table_at_once_one_wins():
    day = mission_today()
    first = accepted(day, day.firms[0], day.partners[0])
    second = accepted(day, day.firms[1], day.partners[1])
    for firm, partner in [(day.firms[0], day.partners[0]), (day.firms[1], day.partners[1])]:
        _all_here(day, firm, partner)
    slot = day.slots[5]
    barrier = threading.Barrier(2)
    results: dict[int, str] = {}

    def attempt(meeting):
        try:
            barrier.wait()
            board_meeting_place(
                mission=day.mission, meeting_id=meeting.pk, slot_id=slot.pk, table=2
            )
            results[meeting.pk] = "placed"
        except SlotTaken:
            results[meeting.pk] = "taken"
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(m,)) for m in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == ["placed", "taken"]
    assert Meeting.objects.filter(slot=slot, table=2).count() == 1
    winner = Meeting.objects.get(slot=slot, table=2)
    assert Notification.objects.filter(object_key=f"meeting:{winner.pk}").count() == 2
    loser = (set(results) - {winner.pk}).pop()
    assert not Notification.objects.filter(object_key=f"meeting:{loser}").exists()


def test_the_partners_other_meeting_in_that_slot_keeps_the_offer_away(day):
    waiting = accepted(day, day.firms[1], day.partners[0])
    _all_here(day, day.firms[1], day.partners[0])
    place(accepted(day, day.firms[2], day.partners[0]), day.slots[3], 2)
    freed(day, day.slots[3])
    freed(day, day.slots[4])
    board = board_for(day.session)
    assert board.rows[3].cells[0].offers == []
    assert [m.pk for m in board.rows[4].cells[0].offers] == [waiting.pk]
    with pytest.raises(SlotTaken):
        scheduling_runs.meeting_place_in_freed_slot(
            meeting_id=waiting.pk, slot_id=day.slots[3].pk, table=1
        )


def test_best_first_priority_then_longest_waiting(day):
    low = accepted(day, day.firms[0], day.partners[0], priority=2)
    old = accepted(day, day.firms[1], day.partners[0], priority=4)
    new = accepted(day, day.firms[2], day.partners[0], priority=4)
    for firm in day.firms:
        check_in(day, firm=firm)
    check_in(day, partner=day.partners[0])
    freed(day, day.slots[4])
    offers = board_for(day.session).rows[4].cells[0].offers
    assert [m.pk for m in offers] == [old.pk, new.pk, low.pk]
    assert dt.timedelta(0) <= new.request.decided_at - old.request.decided_at
