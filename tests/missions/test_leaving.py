"""A firm that leaves a mission (withdraws, is rejected, loses its seat) loses its B2B with it;
seat caps count the sector recorded on the application; applications are not deleted in admin."""

import datetime as dt

import pytest
from django.urls import reverse

from members.models import Firm
from missions import services as b2b
from missions.models import Application, Meeting, MeetingRequest, Mission, SectorCap
from notifications.models import Notification
from tests.factories import ApplicationFactory, FirmFactory, MembershipFactory, MissionFactory
from tests.factories import sector as make_sector
from tests.missions.test_b2b import request_and_accept, setup  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
Status = Application.Status
Reason = MeetingRequest.CancelReason


def _b2b_of(b2b_setup, firm):
    """One placed meeting, one pending request and one partner's wish, all of `firm`."""
    mission, _session, _firms, partners = b2b_setup
    meeting = request_and_accept(mission, firm, partners[0])
    owner = firm.memberships.get().user
    pending = b2b.meeting_request_create(
        mission_id=mission.pk, firm=firm, user=owner, partner_id=partners[1].pk, priority=2
    )
    wish = b2b.partner_wish_create(
        mission_id=mission.pk, partner_id=partners[2].pk, firm_id=firm.pk
    )
    b2b.scheduler_run(mission_id=mission.pk)
    meeting.refresh_from_db()
    assert meeting.slot_id is not None
    return meeting, pending, wish


def _application(mission, firm):
    return Application.objects.get(mission=mission, firm=firm, status__in=Application.ACTIVE)


def _assert_b2b_cancelled(mission, firm, meeting, reason):
    assert not Meeting.objects.filter(firm=firm).exists()
    assert not Meeting.objects.filter(slot=meeting.slot_id, table=meeting.table).exists()
    requests = MeetingRequest.objects.filter(mission=mission, firm=firm)
    assert {(r.status, r.cancelled_reason) for r in requests} == {
        (MeetingRequest.Status.CANCELLED, reason)
    }
    notice = Notification.objects.get(kind="b2b_cancelled", recipient=firm.memberships.get().user)
    assert "Naturstein Import GmbH" in notice.context["partners"]
    assert notice.context["reason"] == Reason(reason).label


def test_withdrawing_cancels_the_firms_requests_and_meetings_and_frees_the_slot(setup):  # noqa: F811
    mission, _session, firms, partners = setup
    meeting, _pending, _wish = _b2b_of(setup, firms[0])
    b2b.application_withdraw(application_id=_application(mission, firms[0]).pk, firm=firms[0])
    _assert_b2b_cancelled(mission, firms[0], meeting, Reason.WITHDRAWN)

    # The freed slot goes to another firm, and the scheduler leaves the firm out.
    other = request_and_accept(mission, firms[1], partners[0])
    run = b2b.scheduler_run(mission_id=mission.pk)
    assert (run.meetings, run.placed) == (1, 1)
    other.refresh_from_db()
    assert other.slot_id is not None


def test_staff_rejecting_a_confirmed_firm_cancels_its_b2b(setup):  # noqa: F811
    mission, _session, firms, _partners = setup
    meeting, _pending, _wish = _b2b_of(setup, firms[0])
    b2b.applications_reject(application_ids=[_application(mission, firms[0]).pk])
    _assert_b2b_cancelled(mission, firms[0], meeting, Reason.REJECTED)


def test_a_firm_that_loses_its_seat_loses_its_b2b_and_staff_see_why(setup, staff_client):  # noqa: F811
    mission, _session, firms, _partners = setup
    meeting, _pending, _wish = _b2b_of(setup, firms[0])
    b2b.applications_waitlist(application_ids=[_application(mission, firms[0]).pk])
    _assert_b2b_cancelled(mission, firms[0], meeting, Reason.WAITLISTED)
    page = staff_client.get(reverse("admin:missions_meetingrequest_changelist")).content.decode()
    assert "Annullata" in page
    assert "L&#x27;impresa ha perso il posto (lista d&#x27;attesa)" in page
    # The other firms keep theirs.
    assert not Notification.objects.filter(
        kind="b2b_cancelled", recipient__membership__firm__in=firms[1:]
    ).exists()


def test_the_scheduler_ignores_meetings_of_firms_no_longer_confirmed(setup):  # noqa: F811
    """Rows left from before the rule (or written around the services): no slot, no count."""
    mission, _session, firms, partners = setup
    stale = request_and_accept(mission, firms[0], partners[0])
    kept = request_and_accept(mission, firms[1], partners[1])
    b2b.scheduler_run(mission_id=mission.pk)
    Application.objects.filter(mission=mission, firm=firms[0]).update(status=Status.WITHDRAWN)
    run = b2b.scheduler_run(mission_id=mission.pk)
    assert (run.meetings, run.placed) == (1, 1)
    stale.refresh_from_db()
    kept.refresh_from_db()
    assert (stale.slot_id, stale.table) == (None, None)
    assert kept.slot_id is not None


def test_follow_up_reminders_go_only_to_firms_that_took_part(setup):  # noqa: F811
    mission, _session, firms, partners = setup
    for firm, partner in zip(firms, partners, strict=True):
        request_and_accept(mission, firm, partner)
    b2b.scheduler_run(mission_id=mission.pk)
    # firms[1] was marked absent by staff; firms[2] left the mission (a row from before the rule).
    Application.objects.filter(mission=mission, firm=firms[1]).update(attended=False)
    Application.objects.filter(mission=mission, firm=firms[2]).update(status=Status.WITHDRAWN)
    # A no-show at another mission does not keep firms[0] from this one's reminder.
    other = MissionFactory()
    ApplicationFactory(mission=other, firm=firms[0])
    elsewhere = b2b.meeting_request_create(
        mission_id=other.pk,
        firm=firms[0],
        user=firms[0].memberships.get().user,
        partner_id=_attend(other, partners[0]).pk,
        priority=3,
    )
    b2b.meeting_requests_decide(request_ids=[elsewhere.pk], accept=True)
    Meeting.objects.filter(mission=other).update(attendance=Meeting.Attendance.NO_SHOW)

    b2b.followup_reminders_send(today=mission.end_date + dt.timedelta(days=31))
    reminded = Notification.objects.filter(kind="meeting_followup").values_list(
        "recipient__membership__firm", flat=True
    )
    assert list(reminded) == [firms[0].pk]


def _attend(mission, partner):
    from missions.models import MissionPartner

    MissionPartner.objects.create(mission=mission, partner=partner)
    return partner


# --- The sector recorded on the application ------------------------------------------------------


def _apply(mission, firm):
    owner = MembershipFactory(firm=firm).user
    return b2b.application_create(mission_id=mission.pk, firm=firm, user=owner, delegates=1)


def test_an_application_records_the_firms_sector_when_it_is_made():
    metal = make_sector("metalmeccanico")
    application = _apply(MissionFactory(sectors=[metal]), FirmFactory(sector=metal))
    assert application.sector == metal


def test_switching_sector_does_not_get_around_a_sector_cap():
    metal, stone = make_sector("metalmeccanico"), make_sector("lapideo")
    mission = MissionFactory(seats=2, sectors=[metal, stone])
    SectorCap.objects.create(mission=mission, sector=metal, seats=1)
    assert _apply(mission, FirmFactory(sector=metal)).status == Status.CONFIRMED
    waiting = _apply(mission, FirmFactory(sector=metal))
    assert waiting.status == Status.WAITLISTED
    # The waiting firm's sector changes (a change approved later, or staff editing the firm).
    Firm.objects.filter(pk=waiting.firm_id).update(sector=stone)
    Mission.objects.filter(pk=mission.pk).update(seats=3)

    assert b2b.mission_capacity_changed(mission_id=mission.pk) == []
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITLISTED
    assert b2b.applications_confirm(application_ids=[waiting.pk]) == (0, 1)


def test_staff_cannot_delete_an_application_in_admin(staff_client):
    application = ApplicationFactory(status=Status.CONFIRMED)
    waiting = ApplicationFactory(mission=application.mission, status=Status.WAITLISTED)
    url = reverse("admin:missions_application_delete", args=[application.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:missions_application_changelist")
    staff_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [application.pk], "post": "yes"},
    )
    assert Application.objects.filter(pk__in=[application.pk, waiting.pk]).count() == 2
    page = staff_client.get(changelist).content.decode()
    assert 'value="delete_selected"' not in page


def test_staff_cancel_a_mission_and_every_firm_leaves_it_with_its_b2b(setup, staff_client):  # noqa: F811
    # With Mission.status read-only in admin, cancelling is an action through the service.
    mission, _session, firms, _partners = setup
    meeting, _pending, _wish = _b2b_of(setup, firms[0])
    response = staff_client.post(
        reverse("admin:missions_mission_changelist"),
        {"action": "cancel", "_selected_action": [mission.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 missione annullata." in response.content.decode()
    mission.refresh_from_db()
    assert mission.status == Mission.Status.CANCELLED
    assert not Application.objects.filter(mission=mission, status__in=Application.ACTIVE).exists()
    _assert_b2b_cancelled(mission, firms[0], meeting, Reason.WITHDRAWN)
    told = Notification.objects.filter(
        kind="mission_cancelled", object_key__startswith="application:"
    )
    assert set(told.values_list("recipient__membership__firm", flat=True)) == {f.pk for f in firms}

    # Once: a second cancel changes and tells nothing.
    again = staff_client.post(
        reverse("admin:missions_mission_changelist"),
        {"action": "cancel", "_selected_action": [mission.pk]},
        follow=True,
    )
    assert "0 missioni annullate." in again.content.decode()
    assert told.count() == len(firms)
