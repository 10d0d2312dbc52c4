"""Staff act in admin for a partner who never signs in: its attendance and the slots it cannot
attend (through missions.services.partner_attendance, as the partner's own workspace does), and
its wishes to meet firms (through missions.services.meeting_requests.partner_wish_create)."""

import pytest
from django.urls import reverse

from missions import services as b2b
from missions.models import Meeting, MeetingRequest, MissionPartner, Slot
from notifications.models import Notification
from tests.factories import ApplicationFactory, FirmFactory, MembershipFactory, ProgrammeItemFactory
from tests.missions.test_b2b import request_and_accept
from tests.missions.test_b2b import setup as setup  # noqa: F401, PLC0414 (the fixture)
from tests.support.admin_forms import submit_change_form

pytestmark = pytest.mark.django_db


def changelist() -> str:
    return reverse("admin:missions_missionpartner_changelist")


def change_url(mission_partner) -> str:
    return reverse("admin:missions_missionpartner_change", args=[mission_partner.pk])


def test_staff_confirm_and_decline_a_partners_attendance_with_actions(setup, staff_client):
    mission, _session, _firms, partners = setup
    first, second, _third = MissionPartner.objects.filter(mission=mission).order_by("pk")
    response = staff_client.post(
        changelist(), {"action": "confirm_attendance", "_selected_action": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.attendance == MissionPartner.Attendance.CONFIRMED
    assert first.responded_at is not None
    decline = {"action": "decline_attendance", "_selected_action": [second.pk]}
    staff_client.post(changelist(), decline)
    second.refresh_from_db()
    assert second.attendance == MissionPartner.Attendance.DECLINED
    page = staff_client.get(changelist(), {"mission__id__exact": mission.pk}).content.decode()
    assert partners[0].name in page
    assert "Partecipa" in page


def test_the_attendance_is_not_edited_by_the_change_form(setup, staff_client):
    mission, _session, _firms, _partners = setup
    mission_partner = MissionPartner.objects.filter(mission=mission).first()
    response = submit_change_form(staff_client, change_url(mission_partner), attendance="declined")
    assert response.status_code == 302
    mission_partner.refresh_from_db()
    assert mission_partner.attendance == MissionPartner.Attendance.UNKNOWN
    assert mission_partner.responded_at is None


def test_staff_block_slots_for_a_partner_and_the_scheduler_moves_its_meeting_out(
    setup, staff_client
):
    mission, _session, firms, partners = setup
    meeting = request_and_accept(mission, firms[0], partners[0])
    b2b.scheduler_run(mission_id=mission.pk)
    meeting.refresh_from_db()
    taken = meeting.slot
    assert taken is not None
    assert not meeting.locked
    mission_partner = MissionPartner.objects.get(mission=mission, partner=partners[0])
    free = Slot.objects.filter(session__mission=mission).exclude(pk=taken.pk).first()

    response = submit_change_form(
        staff_client,
        change_url(mission_partner),
        unavailable_slots=[str(taken.pk), str(free.pk)],
    )
    assert response.status_code == 302
    assert set(mission_partner.blocked_slots.values_list("pk", flat=True)) == {taken.pk, free.pk}
    # As when the partner blocks it: the meeting stays until the scheduler runs again (staff are
    # told), then it leaves the blocked slots.
    page = staff_client.get(response["Location"]).content.decode()
    assert "esegui di nuovo il pianificatore" in page
    meeting.refresh_from_db()
    assert meeting.slot_id == taken.pk
    b2b.scheduler_run(mission_id=mission.pk)
    meeting.refresh_from_db()
    assert meeting.slot_id not in (taken.pk, free.pk, None)

    # The form shows the blocked slots; emptying it unblocks them.
    response = submit_change_form(staff_client, change_url(mission_partner), unavailable_slots=[])
    assert response.status_code == 302
    assert not mission_partner.blocked_slots.exists()


def test_a_slot_of_another_mission_is_refused_and_nothing_changes(setup, staff_client):
    mission, _session, _firms, _partners = setup
    mission_partner = MissionPartner.objects.filter(mission=mission).first()
    own = Slot.objects.filter(session__mission=mission).first()
    b2b.mission_partner_block_slots(mission_partner_id=mission_partner.pk, slot_ids={own.pk})
    other = ProgrammeItemFactory(kind="b2b")
    b2b.slots_generate(mission_id=other.mission_id)
    foreign = Slot.objects.filter(session__mission=other.mission).first()
    response = submit_change_form(
        staff_client, change_url(mission_partner), unavailable_slots=[str(foreign.pk)]
    )
    assert response.status_code == 200  # the form again, with its error
    assert "errorlist" in response.content.decode()
    assert list(mission_partner.blocked_slots.values_list("pk", flat=True)) == [own.pk]


def test_staff_enter_a_partners_wish_in_admin_and_the_firm_answers(setup, staff_client):
    mission, _session, firms, partners = setup
    owner = firms[1].memberships.get().user
    response = staff_client.post(
        reverse("admin:missions_meetingrequest_add"),
        {
            "mission": mission.pk,
            "firm": firms[1].pk,
            "partner": partners[2].pk,
            "priority": 4,
            "reason": "Sucht Granit für Fassaden",
            "_save": "Salva",
        },
    )
    assert response.status_code == 302
    wish = MeetingRequest.objects.get(firm=firms[1], partner=partners[2])
    assert (wish.origin, wish.status, wish.priority, wish.reason) == (
        "partner",
        "requested",
        4,
        "Sucht Granit für Fassaden",
    )
    assert wish.requested_by is None  # entered by staff, not a contact of the partner
    assert Notification.objects.filter(recipient=owner, kind="meeting_wished").exists()
    b2b.partner_wish_answer(request_id=wish.pk, firm=firms[1], accept=True)
    assert Meeting.objects.filter(request=wish).exists()


def test_a_wish_staff_cannot_enter_is_refused_with_a_message(setup, staff_client):
    mission, _session, _firms, partners = setup
    outsider = FirmFactory(name="Non Iscritta S.r.l.")
    MembershipFactory(firm=outsider)
    add = reverse("admin:missions_meetingrequest_add")
    data = {"mission": mission.pk, "partner": partners[0].pk, "priority": 3, "_save": "Salva"}
    refused = staff_client.post(add, {**data, "firm": outsider.pk})
    assert refused.status_code == 200
    assert "Gli incontri B2B sono per le imprese confermate sulla missione." in (
        refused.content.decode()
    )
    assert not MeetingRequest.objects.filter(firm=outsider).exists()
    ApplicationFactory(mission=mission, firm=outsider)
    assert staff_client.post(add, {**data, "firm": outsider.pk}).status_code == 302
    twice = staff_client.post(add, {**data, "firm": outsider.pk})
    assert twice.status_code == 200
    assert "Esiste già una richiesta di incontro con questa impresa." in twice.content.decode()
    assert MeetingRequest.objects.filter(firm=outsider).count() == 1
