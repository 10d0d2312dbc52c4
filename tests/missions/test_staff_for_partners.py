"""Staff act in admin for a partner who never signs in: its attendance and the slots it cannot
attend (through missions.services.partner_attendance, as the partner's own workspace does), and
its wishes to meet firms (through missions.services.meeting_requests.partner_wish_create)."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from missions import services as b2b
from missions.models import Meeting, MeetingRequest, MissionPartner, Slot
from notifications.models import Notification
from tests.factories import ApplicationFactory, FirmFactory, MembershipFactory, ProgrammeItemFactory
from tests.missions.test_b2b import request_and_accept
from tests.missions.test_b2b import setup as setup  # noqa: F401, PLC0414 (the fixture)
from tests.missions.test_partner_feedback_display import over
from tests.support.admin_forms import submit_change_form
from tests.support.clients import login
from tests.test_admin_actions import _view_only_staff

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


# --- The partner's feedback after a meeting, entered by staff ---------------------------------


def meeting_change_url(meeting) -> str:
    return reverse("admin:missions_meeting_change", args=[meeting.pk])


def placed_meeting(setup, *, over_already=True):
    """A meeting placed by the scheduler; its slot moved into the past unless told not to."""
    mission, _session, firms, partners = setup
    meeting = request_and_accept(mission, firms[0], partners[0])
    b2b.scheduler_run(mission_id=mission.pk)
    if over_already:
        over(mission)
    meeting.refresh_from_db()
    return meeting


def feedback_action(client, meeting, **values):
    """The "partner's feedback" action of the meeting's change page; with values, the answer
    posted from the action's own page (whose form carries `_feedback`)."""
    data = {
        "CHANGE_FORM-action": "enter_partner_feedback",
        ACTION_CHECKBOX_NAME: str(meeting.pk),
        "index": "0",
    }
    if values:
        data |= {"_feedback": "1", **values}
    return client.post(meeting_change_url(meeting), data, follow=bool(values))


FEEDBACK = (
    "partner_held",
    "partner_interest",
    "partner_next_step",
    "partner_note",
    "partner_feedback_at",
    "partner_feedback_by_id",
)


def feedback_of(meeting):
    meeting.refresh_from_db()
    return tuple(getattr(meeting, name) for name in FEEDBACK)


def test_staff_enter_the_feedback_of_a_partner_who_never_signs_in(setup, staff_client):
    meeting = placed_meeting(setup)
    page = staff_client.get(meeting_change_url(meeting)).content.decode()
    assert 'value="enter_partner_feedback"' in page  # offered on the meeting's page

    form = feedback_action(staff_client, meeting)
    assert form.status_code == 200
    assert "L&#x27;incontro si è svolto?" in form.content.decode()
    assert feedback_of(meeting)[4] is None  # asking for the answer writes nothing

    done = feedback_action(
        staff_client, meeting, held="yes", interest="4", next_step="call", note="Per telefono"
    )
    assert done.redirect_chain[-1][0] == meeting_change_url(meeting)
    assert "Feedback del partner registrato." in done.content.decode()
    held, interest, next_step, note, at, by = feedback_of(meeting)
    assert (held, interest, next_step, note) == (True, 4, "call", "Per telefono")
    assert at is not None
    assert by is None  # entered by staff for the partner, not by one of its contacts

    # Entered again, it replaces the answer (as when the partner gives it again).
    feedback_action(staff_client, meeting, held="no")
    assert feedback_of(meeting)[:4] == (False, None, "", "")


def test_a_refused_feedback_is_an_admin_message_and_changes_nothing(setup, staff_client):
    meeting = placed_meeting(setup, over_already=False)
    before = feedback_of(meeting)
    early = feedback_action(staff_client, meeting, held="yes", interest="4", next_step="call")
    assert early.status_code == 200
    assert "quando l&#x27;incontro sarà iniziato" in early.content.decode()
    assert feedback_of(meeting) == before

    over(meeting.mission)
    for values, message in (
        ({"held": "no", "interest": "4"}, "Feedback non valido"),  # not held, yet rated
        ({"held": "yes", "interest": "", "next_step": "call"}, "Feedback non valido"),
        ({"held": "yes", "interest": "9", "next_step": "call"}, "errorlist"),  # not a choice
        ({"held": "maybe"}, "errorlist"),
        ({"held": "yes", "interest": "3", "next_step": "call", "note": "x" * 301}, "errorlist"),
    ):
        response = feedback_action(staff_client, meeting, **values)
        assert response.status_code == 200, values
        assert message in response.content.decode(), values
        assert feedback_of(meeting) == before, values


def test_view_only_staff_cannot_enter_a_partners_feedback(setup):
    meeting = placed_meeting(setup)
    client = login(_view_only_staff())
    page = client.get(meeting_change_url(meeting))
    assert page.status_code == 200
    assert "enter_partner_feedback" not in page.content.decode()
    response = feedback_action(client, meeting, held="yes", interest="4", next_step="call")
    assert response.status_code == 403
    assert feedback_of(meeting)[4] is None


def test_a_refusal_of_the_slots_saves_nothing_and_says_why(setup, staff_client, monkeypatch):
    """All or nothing: when the service refuses the slots (a slot deleted or moved to another
    mission between the form's check and the write; simulated here, as a race cannot be timed in
    one request), the sessions are not saved either and there is no success message."""
    from missions.services import partner_attendance
    from missions.services.errors import SlotUnavailable

    mission, session, _firms, _partners = setup
    mission_partner = MissionPartner.objects.filter(mission=mission).first()
    mission_partner.sessions.set([session])
    slot = Slot.objects.filter(session__mission=mission).first()

    def refuse(**kwargs):
        raise SlotUnavailable

    monkeypatch.setattr(partner_attendance, "mission_partner_block_slots", refuse)
    response = submit_change_form(
        staff_client, change_url(mission_partner), sessions=[], unavailable_slots=[str(slot.pk)]
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(mission_partner)
    page = staff_client.get(response["Location"]).content.decode()
    assert str(SlotUnavailable.message) in page
    assert "modificato correttamente" not in page
    assert "successfully" not in page
    assert list(mission_partner.sessions.all()) == [session]
    assert not mission_partner.blocked_slots.exists()
