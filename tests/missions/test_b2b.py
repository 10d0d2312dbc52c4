"""B2B matchmaking, requests, scheduling and agendas through the services and pages."""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from missions import services as b2b
from missions.models import (
    Application,
    MatchmakingRun,
    MatchSuggestion,
    Meeting,
    MeetingRequest,
    MissionPartner,
    Partner,
    ProgrammeItem,
    Slot,
)
from notifications.models import Notification
from tests.factories import (
    ApplicationFactory,
    FirmFactory,
    MembershipFactory,
    MissionFactory,
    ProgrammeItemFactory,
    city,
    sector,
)
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def make_partner(name="Naturstein Import GmbH", slug="koeln", **kwargs):
    defaults = {
        "kind": Partner.Kind.IMPORTER,
        "nace_codes": ["23.70"],
        "products_sought": "Natursteinfassaden, Granit",
        "languages": ["de", "it"],
    }
    defaults.update(kwargs)
    partner = Partner.objects.create(name=name, city=city(slug), **defaults)
    partner.sectors.set([sector("lapideo")])
    return partner


@pytest.fixture
def setup():
    """A mission with a 3-hour B2B session in Köln (6 slots, 2 tables), 3 firms, 3 partners."""
    mission = MissionFactory(sectors=[sector("lapideo")], slot_minutes=30, tables=2)
    session = ProgrammeItemFactory(
        mission=mission,
        city=city("koeln"),
        starts_at=dt.datetime.combine(mission.start_date, dt.time(10), tzinfo=city("koeln").tz),
        ends_at=dt.datetime.combine(mission.start_date, dt.time(13), tzinfo=city("koeln").tz),
    )
    firms = []
    for n, langs in enumerate([["it", "de"], ["it"], ["it", "en"]]):
        firm = FirmFactory(
            name=f"Graniti {n}",
            sector=sector("lapideo"),
            ateco_code="23.70.00",
            products="Serizzo e granito per rivestimenti",
            languages=langs,
        )
        MembershipFactory(firm=firm)
        ApplicationFactory(mission=mission, firm=firm)
        firms.append(firm)
    partners = [
        make_partner("Naturstein Import GmbH"),
        make_partner("Fassaden Köln AG", languages=["de"]),
        make_partner("Stone Trade KG", languages=["en", "de"]),
    ]
    for partner in partners:
        MissionPartner.objects.create(mission=mission, partner=partner)
    b2b.slots_generate(mission_id=mission.pk)
    return mission, session, firms, partners


def request_and_accept(mission, firm, partner, priority=3):
    owner = firm.memberships.get().user
    request = b2b.meeting_request_create(
        mission_id=mission.pk, firm=firm, user=owner, partner_id=partner.pk, priority=priority
    )
    b2b.meeting_requests_decide(request_ids=[request.pk], accept=True)
    return Meeting.objects.get(request=request)


def test_slots_cut_the_b2b_sessions(setup):
    mission, session, *_ = setup
    slots = list(Slot.objects.filter(session=session).order_by("index"))
    assert len(slots) == 6
    assert {s.tables for s in slots} == {2}
    assert slots[0].starts_at == session.starts_at
    assert slots[-1].ends_at == session.ends_at


def test_matchmaking_run_stores_ranked_suggestions_with_reasons_and_notifies(setup):
    mission, _session, firms, partners = setup
    ApplicationFactory(mission=mission, status=Application.Status.WAITLISTED)  # not a participant
    run = b2b.matchmaking_request(mission_id=mission.pk)
    assert b2b.matchmaking_request(mission_id=mission.pk) == run  # one queued run at a time
    b2b.matchmaking_run(run_id=run.pk)

    run.refresh_from_db()
    assert (run.status, run.progress, run.pairs) == (MatchmakingRun.Status.DONE, 100, 9)
    suggestions = MatchSuggestion.objects.filter(firm=firms[1])
    assert suggestions.count() == 3
    assert all(s.reasons for s in suggestions)
    codes = {r[0] for s in suggestions for r in s.reasons}
    assert "product_match" in codes
    assert Notification.objects.filter(kind="suggestions_ready").count() == 3
    assert b2b.matchmaking_run(run_id=run.pk) == 0  # a finished run does nothing again


def test_suggestions_page_shows_reasons_in_words(setup):
    mission, _session, firms, _partners = setup
    run = b2b.matchmaking_request(mission_id=mission.pk)
    b2b.matchmaking_run(run_id=run.pk)
    client = login(firms[1].memberships.get().user)
    body = client.get(reverse("missions:b2b", args=[mission.pk])).content.decode()
    assert "Naturstein Import GmbH" in body
    assert "e voi lo producete" in body
    assert "parla italiano" in body


def test_requests_respect_limit_duplicates_and_participation(setup):
    mission, _session, firms, partners = setup
    mission.meeting_requests_per_firm = 2
    mission.save()
    firm = firms[0]
    user = firm.memberships.get().user
    b2b.meeting_request_create(
        mission_id=mission.pk, firm=firm, user=user, partner_id=partners[0].pk, priority=5
    )
    with pytest.raises(b2b.AlreadyRequested):
        b2b.meeting_request_create(
            mission_id=mission.pk, firm=firm, user=user, partner_id=partners[0].pk, priority=5
        )
    b2b.meeting_request_create(
        mission_id=mission.pk, firm=firm, user=user, partner_id=partners[1].pk, priority=1
    )
    with pytest.raises(b2b.RequestLimitReached):
        b2b.meeting_request_create(
            mission_id=mission.pk, firm=firm, user=user, partner_id=partners[2].pk, priority=3
        )
    outsider = FirmFactory(sector=sector("lapideo"))
    with pytest.raises(b2b.NotAParticipant):
        b2b.meeting_request_create(
            mission_id=mission.pk, firm=outsider, user=user, partner_id=partners[0].pk, priority=3
        )
    stranger = make_partner("Nicht dabei GmbH")
    with pytest.raises(b2b.PartnerNotAttending):
        b2b.meeting_request_create(
            mission_id=mission.pk, firm=firms[1], user=user, partner_id=stranger.pk, priority=3
        )
    assert MeetingRequest.objects.count() == 2


def test_accepting_creates_the_meeting_and_flags_the_interpreter(setup):
    mission, _session, firms, partners = setup
    meeting = request_and_accept(mission, firms[1], partners[1])  # it  vs  de: no common language
    assert meeting.needs_interpreter is True
    assert request_and_accept(mission, firms[0], partners[1]).needs_interpreter is False
    assert Notification.objects.filter(kind="meeting_accepted").count() == 2


def test_partner_wish_needs_the_firms_yes(setup):
    mission, _session, firms, partners = setup
    wish = b2b.partner_wish_create(
        mission_id=mission.pk, partner_id=partners[2].pk, firm_id=firms[2].pk
    )
    assert not Meeting.objects.exists()
    assert (
        Notification.objects.get(kind="meeting_wished").recipient == firms[2].memberships.get().user
    )
    b2b.partner_wish_answer(request_id=wish.pk, firm=firms[2], accept=True)
    assert Meeting.objects.get().request == wish


def test_scheduler_places_everything_without_double_booking(setup):
    mission, _session, firms, partners = setup
    for firm in firms:
        for partner in partners:
            request_and_accept(mission, firm, partner)
    run = b2b.scheduler_run(mission_id=mission.pk)
    assert (run.meetings, run.placed) == (9, 9)
    placed = list(Meeting.objects.values_list("slot_id", "firm_id", "partner_id", "table"))
    assert len({(s, f) for s, f, _p, _t in placed}) == 9
    assert len({(s, p) for s, _f, p, _t in placed}) == 9
    assert len({(s, t) for s, _f, _p, t in placed}) == 9
    assert all(1 <= t <= 2 for *_, t in placed)


def test_scheduler_keeps_locked_meetings_and_avoids_other_programme_items(setup):
    mission, session, firms, partners = setup
    visit_start = session.starts_at + dt.timedelta(hours=2)
    ProgrammeItemFactory(
        mission=mission,
        kind=ProgrammeItem.Kind.RESEARCH_VISIT,
        title="Visita",
        starts_at=visit_start,
        ends_at=visit_start + dt.timedelta(hours=2),
    )
    meetings = [request_and_accept(mission, firms[0], p) for p in partners]
    last_free = (
        Slot.objects.filter(session=session, starts_at__lt=visit_start).order_by("-index").first()
    )
    b2b.meeting_move(meeting_id=meetings[0].pk, slot_id=last_free.pk, table=2)
    b2b.scheduler_run(mission_id=mission.pk)
    meetings[0].refresh_from_db()
    assert (meetings[0].slot_id, meetings[0].table, meetings[0].locked) == (last_free.pk, 2, True)
    for meeting in Meeting.objects.all():
        assert meeting.slot.starts_at < visit_start


def test_database_refuses_double_bookings_and_phantom_tables(setup):
    mission, session, firms, partners = setup
    slot = Slot.objects.filter(session=session).first()
    a = request_and_accept(mission, firms[0], partners[0])
    b = request_and_accept(mission, firms[0], partners[1])
    c = request_and_accept(mission, firms[1], partners[0])
    Meeting.objects.filter(pk=a.pk).update(slot=slot, table=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=b.pk).update(slot=slot, table=2)  # same firm, same slot
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=c.pk).update(slot=slot, table=2)  # same partner, same slot
    d = request_and_accept(mission, firms[2], partners[2])
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=d.pk).update(slot=slot, table=1)  # same table
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=d.pk).update(slot=slot, table=3)  # the slot has 2 tables
    with pytest.raises(b2b.SlotTaken):
        b2b.meeting_move(meeting_id=b.pk, slot_id=slot.pk, table=2)
    with pytest.raises(b2b.SlotUnavailable):
        b2b.meeting_move(meeting_id=b.pk, slot_id=slot.pk, table=9)


def test_agenda_publish_page_pdf_ics_and_change_notice(setup):
    mission, _session, firms, partners = setup
    meeting = request_and_accept(mission, firms[0], partners[0])
    b2b.scheduler_run(mission_id=mission.pk)
    user = firms[0].memberships.get().user
    client = login(user)
    agenda = reverse("missions:agenda", args=[mission.pk])
    assert client.get(agenda).status_code == 404  # not published yet

    assert b2b.agenda_publish(mission_id=mission.pk) == 1
    assert Notification.objects.filter(kind="agenda_published", recipient=user).exists()
    page = client.get(agenda).content.decode()
    assert "Naturstein Import GmbH" in page
    assert "Tavolo" in page
    pdf = client.get(reverse("missions:agenda_pdf", args=[mission.pk]))
    assert pdf.content.startswith(b"%PDF")
    ics = client.get(reverse("missions:agenda_ics", args=[mission.pk])).content.decode()
    assert f"meeting-{meeting.pk}@" in ics
    assert "TZID=Europe/Berlin" in ics

    other_slot = Slot.objects.exclude(pk=Meeting.objects.get().slot_id).first()
    b2b.meeting_move(meeting_id=meeting.pk, slot_id=other_slot.pk, table=1)
    assert Notification.objects.filter(kind="meeting_changed", recipient=user).count() == 1


def test_outcomes_and_follow_up_reminders(setup):
    mission, _session, firms, partners = setup
    meeting = request_and_accept(mission, firms[0], partners[0])
    b2b.scheduler_run(mission_id=mission.pk)
    client = login(firms[0].memberships.get().user)
    outcome = reverse("missions:meeting_outcome", args=[meeting.pk])
    client.post(outcome, {"outcome": "samples", "note": "20 kg"})
    meeting.refresh_from_db()
    assert (meeting.outcome, meeting.outcome_note) == ("samples", "20 kg")
    assert client.post(outcome, {"outcome": "bogus"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.outcome == "samples"

    end = mission.end_date
    assert b2b.followup_reminders_send(today=end + dt.timedelta(days=10)) == 0
    assert b2b.followup_reminders_send(today=end + dt.timedelta(days=31)) == 1
    assert (
        b2b.followup_reminders_send(today=end + dt.timedelta(days=32)) == 1
    )  # same key: no new row
    assert Notification.objects.filter(kind="meeting_followup").count() == 1
    b2b.followup_reminders_send(today=end + dt.timedelta(days=91))
    assert Notification.objects.filter(kind="meeting_followup").count() == 2


def test_other_firms_and_non_participants_get_404(setup):
    mission, _session, firms, partners = setup
    meeting = request_and_accept(mission, firms[0], partners[0])
    outsider = MembershipFactory(firm=FirmFactory(sector=sector("lapideo"))).user
    c = login(outsider)
    outcome = reverse("missions:meeting_outcome", args=[meeting.pk])
    cancel = reverse("missions:meeting_request_cancel", args=[meeting.request_id])
    assert c.get(reverse("missions:b2b", args=[mission.pk])).status_code == 404
    assert c.post(outcome, {"outcome": "order"}).status_code == 404
    assert c.post(cancel).status_code == 404
    other = login(firms[1].memberships.get().user)
    assert other.post(outcome, {"outcome": "order"}).status_code == 404
    meeting.refresh_from_db()
    assert meeting.outcome == ""


@pytest.mark.django_db(transaction=True)
def test_scheduler_runs_and_manual_moves_racing_never_double_book(setup):
    mission, session, firms, partners = setup
    for firm in firms:
        for partner in partners:
            request_and_accept(mission, firm, partner)
    slots = list(Slot.objects.filter(session=session).order_by("index"))
    meetings = list(Meeting.objects.order_by("pk"))
    barrier = threading.Barrier(4)
    errors = []

    def run():
        barrier.wait()
        try:
            b2b.scheduler_run(mission_id=mission.pk)
        except Exception as exc:  # noqa: BLE001 - the test reports any failure
            errors.append(exc)
        finally:
            connection.close()

    def move(meeting, slot):
        barrier.wait()
        try:
            b2b.meeting_move(meeting_id=meeting.pk, slot_id=slot.pk, table=1)
        except b2b.SlotTaken:
            pass
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run),
        threading.Thread(target=run),
        threading.Thread(target=move, args=(meetings[0], slots[0])),
        threading.Thread(target=move, args=(meetings[1], slots[0])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    placed = list(
        Meeting.objects.filter(slot__isnull=False).values_list(
            "slot_id", "firm_id", "partner_id", "table"
        )
    )
    assert len({(s, f) for s, f, _p, _t in placed}) == len(placed)
    assert len({(s, p) for s, _f, p, _t in placed}) == len(placed)
    assert len({(s, t) for s, _f, _p, t in placed}) == len(placed)


def test_a_new_participant_queues_a_matchmaking_run(setup, django_capture_on_commit_callbacks):
    from missions import services as application_services

    mission, *_ = setup
    firm = FirmFactory(sector=sector("lapideo"))
    with django_capture_on_commit_callbacks() as callbacks:
        application_services.application_create(
            mission_id=mission.pk, firm=firm, user=MembershipFactory(firm=firm).user, delegates=1
        )
    assert MatchmakingRun.objects.filter(mission=mission, status="queued").count() == 1
    assert len(callbacks) >= 1
