"""The partner's B2B: the mission's confirmed firms ranked by the reciprocal score, with the
reasons in the reader's language; meeting requests both ways; the agenda."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from members.models import Firm
from missions import services as b2b
from missions.models import Application, Meeting, MeetingRequest, MissionPartner, Slot
from notifications.models import Notification
from tests.factories import (
    ApplicationFactory,
    FirmFactory,
    MembershipFactory,
    ProgrammeItemFactory,
    city,
    member,
    sector,
)
from tests.partners.support import invite, partner_on_mission
from tests.support.clients import login
from tests.support.html import main_of

pytestmark = pytest.mark.django_db

# Session and user, the contact, the mission partner (with the invitation as its condition, and
# the partner's city), the partner's sectors, the open requests, the confirmed firms, and the base
# template's own (language, messages, ...). The header no longer asks for a partner contact's firm
# membership (User.is_partner_contact): one less.
FIRMS_PAGE_QUERIES = 5


def stone_firm(name="Graniti Valmasino S.r.l.", **kwargs):
    defaults = {
        "ateco_code": "23.70.10",
        "sector": sector("lapideo"),
        "products": "Lastre di granito per facciate",
        "languages": ["it", "de"],
    }
    return FirmFactory(name=name, **{**defaults, **kwargs})


@pytest.fixture
def space(django_capture_on_commit_callbacks, eager_celery, mailoutbox):
    """A stone importer from Köln on a mission (attendance confirmed, one 2-hour B2B session),
    its invited contact, a stone firm and a metalworking firm confirmed on the mission."""
    mission, partner, mission_partner = partner_on_mission()
    partner.nace_codes = ["23.70"]
    partner.products_sought = "Granit, Natursteinfassaden"
    partner.languages = ["de", "it"]
    partner.save()
    partner.sectors.set([sector("lapideo")])
    mission_partner.attendance = MissionPartner.Attendance.CONFIRMED
    mission_partner.save()
    koeln = city("koeln")
    ProgrammeItemFactory(
        mission=mission,
        city=koeln,
        starts_at=dt.datetime.combine(mission.start_date, dt.time(10), tzinfo=koeln.tz),
        ends_at=dt.datetime.combine(mission.start_date, dt.time(12), tzinfo=koeln.tz),
    )
    b2b.slots_generate(mission_id=mission.pk)
    contact = invite(django_capture_on_commit_callbacks, mission, partner)
    stone = stone_firm()
    metal = FirmFactory(name="Meccanica Sondrio S.r.l.", languages=["it"])
    for firm in (stone, metal):
        ApplicationFactory(mission=mission, firm=firm)
    return contact, mission, stone, metal


def test_firms_are_ranked_by_the_reciprocal_score_with_reasons_in_german(space):
    contact, mission, stone, metal = space
    ApplicationFactory(
        mission=mission, firm=stone_firm("In Attesa S.r.l."), status=Application.Status.PENDING
    )
    page = login(contact.user, language="de").get(reverse("partners:firms", args=[mission.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index(stone.name) < text.index(metal.name)  # best match first
    assert "In Attesa S.r.l." not in text  # only confirmed firms
    # The reasons are put into words when the page renders, in the reader's language.
    assert "gleiche NACE-Klasse 23.70" in text
    assert "spricht Italienisch" in text
    assert "stessa classe NACE" not in text
    italian = login(contact.user, language="it").get(reverse("partners:firms", args=[mission.pk]))
    assert "stessa classe NACE 23.70" in italian.content.decode()


def test_firms_page_query_count_does_not_grow_with_firms(space, django_assert_num_queries):
    contact, mission, _stone, _metal = space
    client = login(contact.user)
    url = reverse("partners:firms", args=[mission.pk])
    client.get(url)  # warm: the user comes from Redis (core/auth.py)
    with django_assert_num_queries(FIRMS_PAGE_QUERIES):
        assert client.get(url).status_code == 200
    for n in range(5):
        ApplicationFactory(mission=mission, firm=stone_firm(f"Pietre {n} S.r.l."))
    with django_assert_num_queries(FIRMS_PAGE_QUERIES):
        assert client.get(url).status_code == 200


def test_firms_page_is_the_contacts_own(space, django_capture_on_commit_callbacks):
    contact, mission, stone, _metal = space
    url = reverse("partners:firms", args=[mission.pk])
    other_mission, other_partner, _ = partner_on_mission("Andere GmbH")
    other = invite(
        django_capture_on_commit_callbacks, other_mission, other_partner, email="x@andere.de"
    )
    assert login(other.user).get(url).status_code == 404
    assert login(member()).get(url).status_code == 403
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert reverse("partners:signin_request") in anonymous["Location"]


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_cached_firm_cards_show_every_change_at_once(space, django_capture_on_commit_callbacks):
    """The firm cards of the ranking come from the fragment cache (core.fragment_cache): a
    firm's edit, the partner's profile and a renamed sector show on the next page."""
    contact, mission, stone, _metal = space
    url = reverse("partners:firms", args=[mission.pk])
    client = login(contact.user, language="it")
    first = client.get(url).content.decode()
    assert "Lastre di granito per facciate" in first
    assert "stessa classe NACE 23.70" in first
    second = client.get(url).content.decode()
    assert _without_csrf(main_of(second)) == _without_csrf(main_of(first))  # cached: the same

    Firm.objects.filter(pk=stone.pk).update(
        products_it="Cubetti di porfido", website="https://graniti.example"
    )
    page = client.get(url).content.decode()
    assert "Cubetti di porfido" in page
    assert "Lastre di granito per facciate" not in page
    assert 'href="https://graniti.example"' in page

    contact.partner.nace_codes = []  # the partner's profile: the NACE reason goes
    contact.partner.save()
    page = client.get(url).content.decode()
    assert "stessa classe NACE 23.70" not in page

    lapideo = sector("lapideo")
    lapideo.name_it = "Pietre e marmi"
    with django_capture_on_commit_callbacks(execute=True):
        lapideo.save()
    assert "Pietre e marmi ·" in client.get(url).content.decode()


def test_the_cached_rows_follow_the_requests_and_carry_the_readers_token(space):
    """A row's request form works with the token put into the cached row, and the row shows the
    request at once; another contact of the partner sees the same."""
    contact, mission, stone, _metal = space
    url = reverse("partners:firms", args=[mission.pk])
    client = login(contact.user, language="it", enforce_csrf_checks=True)
    page = client.get(url).content.decode()
    assert "cardcsrf" not in page
    action = reverse("partners:meeting_request", args=[mission.pk, stone.pk])
    row = page[page.index(f'action="{action}"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', row)
    assert token
    response = client.post(
        action, {"csrfmiddlewaretoken": token[1], "priority": "4", "reason": "Facciate"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Richiesta inviata (priorità 4)" in page
    assert f'action="{action}"' not in page


def test_the_cached_firm_cards_follow_the_readers_language(space):
    contact, mission, _stone, _metal = space
    url = reverse("partners:firms", args=[mission.pk])
    assert (
        "gleiche NACE-Klasse 23.70" in login(contact.user, language="de").get(url).content.decode()
    )
    italian = login(contact.user, language="it").get(url).content.decode()
    assert "stessa classe NACE 23.70" in italian
    assert "gleiche NACE-Klasse" not in italian


# --- Meeting requests both ways ---------------------------------------------------------------


def test_the_partner_requests_a_meeting_and_the_firm_sees_and_accepts_it(space, mailoutbox):
    contact, mission, stone, _metal = space
    owner = MembershipFactory(firm=stone).user
    client = login(contact.user, language="de")
    response = client.post(
        reverse("partners:meeting_request", args=[mission.pk, stone.pk]),
        {"priority": "5", "reason": "Granitfassaden für Köln"},
        follow=True,
    )
    assert response.status_code == 200
    request = MeetingRequest.objects.get(firm=stone, partner=contact.partner)
    assert (request.origin, request.priority, request.requested_by) == ("partner", 5, contact.user)
    assert (
        "(priorità 5)"
        in login(contact.user, language="it")
        .get(reverse("partners:firms", args=[mission.pk]))
        .content.decode()
    )
    # The firm is told through the existing "a partner wants to meet you" kind, and sees it.
    wish = Notification.objects.get(recipient=owner, kind="meeting_wished")
    assert contact.partner.name in wish.title()
    firm_page = login(owner).get(reverse("missions:b2b", args=[mission.pk])).content.decode()
    assert "Partner che vogliono incontrarvi" in firm_page
    assert "Granitfassaden für Köln" in firm_page
    login(owner).post(reverse("missions:wish_answer", args=[request.pk]), {"answer": "yes"})
    assert Meeting.objects.filter(request=request).exists()
    # The partner's contact is told, in German by default.
    told = Notification.objects.get(recipient=contact.user, kind="partner_meeting_accepted")
    assert stone.name in told.title()


def test_the_partner_answers_a_firms_request(space):
    contact, mission, stone, metal = space
    owner = MembershipFactory(firm=stone).user
    first = b2b.meeting_request_create(
        mission_id=mission.pk,
        firm=stone,
        user=owner,
        partner_id=contact.partner_id,
        priority=4,
        reason="Lastre per facciate",
    )
    # The contact hears of it.
    assert Notification.objects.filter(
        recipient=contact.user, kind="partner_meeting_requested"
    ).exists()
    client = login(contact.user)
    page = client.get(reverse("partners:firms", args=[mission.pk])).content.decode()
    assert "L&#x27;impresa vuole incontrarvi" in page or "L'impresa vuole incontrarvi" in page
    assert "Lastre per facciate" in page
    answer = reverse("partners:request_answer", args=[mission.pk, first.pk])
    assert client.post(answer, {"answer": "yes"}).status_code == 302
    first.refresh_from_db()
    assert first.status == MeetingRequest.Status.ACCEPTED
    assert Meeting.objects.filter(request=first).exists()
    # The firm is told through the existing kind.
    assert Notification.objects.filter(
        recipient=owner, kind="meeting_accepted", object_key=f"meetingrequest:{first.pk}"
    ).exists()
    # Answering again, or a made-up answer, changes nothing.
    assert client.post(answer, {"answer": "no"}).status_code == 404
    assert client.post(answer, {"answer": "forse"}).status_code == 400
    first.refresh_from_db()
    assert first.status == MeetingRequest.Status.ACCEPTED
    second = b2b.meeting_request_create(
        mission_id=mission.pk,
        firm=metal,
        user=MembershipFactory(firm=metal).user,
        partner_id=contact.partner_id,
        priority=2,
    )
    client.post(reverse("partners:request_answer", args=[mission.pk, second.pk]), {"answer": "no"})
    second.refresh_from_db()
    assert second.status == MeetingRequest.Status.DECLINED


def test_the_per_partner_limit_and_attendance_hold(space):
    contact, mission, stone, metal = space
    mission.meeting_requests_per_partner = 1
    mission.save()
    client = login(contact.user)
    client.post(reverse("partners:meeting_request", args=[mission.pk, stone.pk]), {"priority": 3})
    over = client.post(
        reverse("partners:meeting_request", args=[mission.pk, metal.pk]), {"priority": 3}
    )
    assert over.status_code == 400
    assert "numero massimo di richieste" in over.content.decode()
    assert MeetingRequest.objects.filter(partner=contact.partner).count() == 1
    # Staff entering wishes for a partner (who may never sign in) are not capped.
    b2b.partner_wish_create(mission_id=mission.pk, partner_id=contact.partner_id, firm_id=metal.pk)
    assert MeetingRequest.objects.filter(partner=contact.partner).count() == 2
    # A partner that has not confirmed its attendance cannot ask.
    MeetingRequest.objects.all().delete()
    MissionPartner.objects.filter(partner=contact.partner).update(attendance="")
    refused = client.post(
        reverse("partners:meeting_request", args=[mission.pk, stone.pk]), {"priority": 3}
    )
    assert refused.status_code == 400
    assert "Confermate prima" in refused.content.decode()
    assert not MeetingRequest.objects.exists()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"priority": "9"}, "9"),
        ({"priority": "3", "reason": "x" * 201}, "200"),
        ({"priority": "3", "reason": "zwei\nZeilen"}, "una sola riga"),
    ],
)
def test_bad_requests_are_refused_with_a_message(space, payload, message):
    contact, mission, stone, _metal = space
    response = login(contact.user).post(
        reverse("partners:meeting_request", args=[mission.pk, stone.pk]), payload
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MeetingRequest.objects.exists()


def test_others_cannot_request_or_answer_for_the_partner(space, django_capture_on_commit_callbacks):
    contact, mission, stone, metal = space
    owner = MembershipFactory(firm=stone).user
    firms_request = b2b.meeting_request_create(
        mission_id=mission.pk, firm=stone, user=owner, partner_id=contact.partner_id, priority=4
    )
    other_mission, other_partner, _ = partner_on_mission("Andere GmbH")
    other = invite(
        django_capture_on_commit_callbacks, other_mission, other_partner, email="x@andere.de"
    )
    ask = reverse("partners:meeting_request", args=[mission.pk, metal.pk])
    answer = reverse("partners:request_answer", args=[mission.pk, firms_request.pk])
    for client, expected in (
        (login(other.user), 404),
        (login(owner), 403),
        (Client(), 302),
    ):
        assert client.post(ask, {"priority": 3}).status_code == expected
        assert client.post(answer, {"answer": "yes"}).status_code == expected
    # The other partner's contact, on its own mission, cannot answer this request either.
    other_answer = reverse("partners:request_answer", args=[other_mission.pk, firms_request.pk])
    assert login(other.user).post(other_answer, {"answer": "yes"}).status_code == 404
    # A confirmed firm that is not on the mission cannot be asked.
    outsider = stone_firm("Fuori Missione S.r.l.")
    outside = login(contact.user).post(
        reverse("partners:meeting_request", args=[mission.pk, outsider.pk]), {"priority": 3}
    )
    assert outside.status_code == 400
    firms_request.refresh_from_db()
    assert firms_request.status == MeetingRequest.Status.REQUESTED
    assert MeetingRequest.objects.count() == 1


# --- The agenda and cancelling ----------------------------------------------------------------


def scheduled(space):
    """The stone firm asked, the partner accepted, blocked the first slot; agendas published."""
    contact, mission, stone, _metal = space
    owner = MembershipFactory(firm=stone).user
    request = b2b.meeting_request_create(
        mission_id=mission.pk, firm=stone, user=owner, partner_id=contact.partner_id, priority=5
    )
    b2b.meeting_requests_decide(request_ids=[request.pk], accept=True)
    first = Slot.objects.filter(session__mission=mission).order_by("starts_at").first()
    mission_partner = MissionPartner.objects.get(mission=mission, partner=contact.partner)
    b2b.mission_partner_block_slots(mission_partner_id=mission_partner.pk, slot_ids={first.pk})
    b2b.scheduler_run(mission_id=mission.pk)
    meeting = Meeting.objects.get(request=request)
    assert meeting.slot_id is not None
    return owner, meeting, first


def test_the_agenda_in_german_as_page_pdf_and_ics(space):
    contact, mission, stone, _metal = space
    client = login(contact.user, language="de")
    agenda = reverse("partners:agenda", args=[mission.pk])
    owner, meeting, blocked = scheduled(space)
    assert stone.name not in client.get(agenda).content.decode()  # not published yet
    assert client.get(reverse("partners:agenda_pdf", args=[mission.pk])).status_code == 404
    b2b.agenda_publish(mission_id=mission.pk)

    page = client.get(agenda).content.decode()
    assert meeting.slot_id != blocked.pk  # never in the slot the partner blocked
    start = meeting.slot.starts_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert f"{start:%H:%M}–" in page
    assert f"Tisch {meeting.table}" in page  # German
    assert stone.name in page
    assert stone.products in page  # the firm's card
    assert f"{blocked.starts_at.astimezone(ZoneInfo('Europe/Berlin')):%H:%M}–" not in page

    pdf = client.get(reverse("partners:agenda_pdf", args=[mission.pk]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    ics = client.get(reverse("partners:agenda_ics", args=[mission.pk])).content.decode()
    assert "TZID=Europe/Berlin" in ics
    assert f"DTSTART;TZID=Europe/Berlin:{start:%Y%m%dT%H%M%S}" in ics
    assert stone.name in ics
    # The firm's agenda shows the same meeting at the same time and table.
    firm_page = login(owner).get(reverse("missions:agenda", args=[mission.pk])).content.decode()
    assert f"{start:%H:%M}–" in firm_page
    assert f"Tavolo {meeting.table}" in firm_page


def test_the_partner_cancels_a_meeting_with_a_reason_and_the_firm_is_told(space):
    contact, mission, stone, _metal = space
    owner, meeting, _blocked = scheduled(space)
    b2b.agenda_publish(mission_id=mission.pk)
    client = login(contact.user)
    cancel = reverse("partners:meeting_cancel", args=[mission.pk, meeting.request_id])
    empty = client.post(cancel, {"reason": "  "})
    assert empty.status_code == 400
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    response = client.post(cancel, {"reason": "Krankheit im Team"}, follow=True)
    assert response.status_code == 200
    assert "Nessun incontro in agenda." in response.content.decode()
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    request = MeetingRequest.objects.get(pk=meeting.request_id)
    assert (request.status, request.cancelled_reason, request.cancel_note) == (
        "cancelled",
        "by_partner",
        "Krankheit im Team",
    )
    told = Notification.objects.get(recipient=owner, kind="meeting_cancelled_by_partner")
    assert "Krankheit im Team" in told.body()
    # The firm's B2B page no longer lists it as accepted; cancelling twice is refused.
    again = client.post(cancel, {"reason": "nochmal"}, follow=True)
    assert "già annullato" in again.content.decode()


def test_a_firm_cancelling_tells_the_partner(space):
    contact, mission, _stone, _metal = space
    owner, meeting, _blocked = scheduled(space)
    login(owner).post(reverse("missions:meeting_request_cancel", args=[meeting.request_id]))
    assert Notification.objects.filter(
        recipient=contact.user, kind="partner_meeting_cancelled"
    ).exists()


def test_others_cannot_see_the_agenda_or_cancel(space, django_capture_on_commit_callbacks):
    contact, mission, _stone, _metal = space
    owner, meeting, _blocked = scheduled(space)
    b2b.agenda_publish(mission_id=mission.pk)
    other_mission, other_partner, _ = partner_on_mission("Andere GmbH")
    other = invite(
        django_capture_on_commit_callbacks, other_mission, other_partner, email="x@andere.de"
    )
    urls = [
        reverse(name, args=[mission.pk]) for name in ("partners:agenda", "partners:agenda_pdf")
    ] + [reverse("partners:agenda_ics", args=[mission.pk])]
    cancel = reverse("partners:meeting_cancel", args=[mission.pk, meeting.request_id])
    for client, expected in ((login(other.user), 404), (login(owner), 403), (Client(), 302)):
        for url in urls:
            assert client.get(url).status_code == expected
        assert client.post(cancel, {"reason": "x"}).status_code == expected
    own_mission_cancel = reverse(
        "partners:meeting_cancel", args=[other_mission.pk, meeting.request_id]
    )
    assert login(other.user).post(own_mission_cancel, {"reason": "x"}).status_code == 404
    assert Meeting.objects.filter(pk=meeting.pk).exists()


# Session and user, the contact, the mission partner (the invitation its condition), the
# meetings, and the base template's own (no firm membership for a partner contact's header), and
# whether the contact has a badge for the mission (the "Il tuo badge" link, missionday's
# badge_link tag: issue 18).
AGENDA_PAGE_QUERIES = 4


def test_agenda_page_query_count_does_not_grow_with_meetings(space, django_assert_num_queries):
    contact, mission, _stone, metal = space
    scheduled(space)
    b2b.agenda_publish(mission_id=mission.pk)
    client = login(contact.user)
    url = reverse("partners:agenda", args=[mission.pk])
    client.get(url)  # warm: the user comes from Redis (core/auth.py)
    with django_assert_num_queries(AGENDA_PAGE_QUERIES):
        assert client.get(url).status_code == 200
    for firm in (metal, stone_firm("Pietre Nuove S.r.l.")):
        if firm.pk != metal.pk:
            ApplicationFactory(mission=mission, firm=firm)
        request = b2b.meeting_request_create(
            mission_id=mission.pk,
            firm=firm,
            user=MembershipFactory(firm=firm).user,
            partner_id=contact.partner_id,
            priority=3,
        )
        b2b.meeting_requests_decide(request_ids=[request.pk], accept=True)
    b2b.scheduler_run(mission_id=mission.pk)
    assert Meeting.objects.filter(partner=contact.partner, slot__isnull=False).count() == 3
    client.get(url)  # warm again: the new meetings' notifications reset the cached bell count
    with django_assert_num_queries(AGENDA_PAGE_QUERIES):
        page = client.get(url)
    assert page.content.decode().count('class="card meeting"') == 3
