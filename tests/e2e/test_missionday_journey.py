"""Issue 18's "Done when", in a browser at phone size (390 x 844): staff print the badges; at the
entrance, with no network, a phone checks in two people, who are stored once when the network
returns; on the live board staff mark a no-show and give the freed table to the meeting that
waited; the delegate writes the meeting's debrief offline in the companion, synced once; the
checked-in delegate downloads a certificate (the absent one gets none); the survey is answered
and the staff dashboard shows its NPS.

The data: a mission today in Köln whose B2B session started 75 minutes ago (30-minute slots,
two tables: the third slot is running). Screenshots: test-artifacts/e2e/<test>/.
"""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from missionday.models import CheckIn, DayPass, Debrief, SurveyResponse
from missionday.views import board as board_views
from missions.models import Meeting, Mission
from notifications.models import Notification
from tests.e2e.conftest import PHONE
from tests.e2e.test_missionday_companion import wait_for_offline_copy
from tests.factories import StaffFactory
from tests.missionday.board_setup import accepted, mission_today, place
from tests.support.browser import log_in, log_in_staff

pytestmark = pytest.mark.django_db(transaction=True)

POLL_MS = 15_000


@pytest.fixture
def fast_poll(monkeypatch):
    monkeypatch.setattr(board_views, "POLL_SECONDS", 1)


def _name(day, user, first: str, last: str) -> str:
    """Give a person a fixed name (badges print it) and return it."""
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    DayPass.objects.filter(mission=day.mission, user=user).update(full_name=f"{first} {last}")
    return f"{first} {last}"


def _check_in_by_name(page: Page, query: str, name: str) -> None:
    page.get_by_label("Cerca per nome").fill(query)
    page.get_by_role("button", name=f"Registra ingresso {name}").click()


def test_the_mission_day_from_badges_to_the_nps(live_server, new_page, shot, fast_poll):
    day = mission_today()
    # The agendas went out before the day (the companion shows a published agenda).
    Mission.objects.filter(pk=day.mission.pk).update(agenda_published_at=timezone.now())
    running = day.slots[2]
    absent_firm, waiting_firm = day.firms[0], day.firms[1]
    present_partner, other_partner = day.partners[0], day.partners[1]
    giulia = _name(day, day.delegates[1], "Giulia", "Bianchi")  # the waiting firm's delegate
    _name(day, day.delegates[0], "Paolo", "Assenti")  # the firm that never comes
    jonas = _name(day, day.contacts[0], "Jonas", "Müller")  # the waiting partner's contact
    gone = place(accepted(day, absent_firm, other_partner), running, 1)
    waiting = accepted(day, waiting_firm, present_partner, priority=5)
    staff = StaffFactory(email="giornata@so.camcom.it")

    # 1. Staff print the badges: the A4 label sheet names everybody.
    desk = new_page("it", width=PHONE)
    log_in_staff(desk, staff.email)
    desk.goto(reverse("admin:missions_mission_change", args=[day.mission.pk]))
    expect(desk.get_by_role("link", name="Badge da stampare (PDF)")).to_be_visible()
    shot(desk, "admin-mission-badges-link")
    sheet = desk.request.get(reverse("missionday:badges", args=[day.mission.pk]))
    assert sheet.ok
    assert sheet.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(sheet.body())).pages)
    for name in (giulia, jonas, "Paolo Assenti"):
        assert name in text

    # 2. At the entrance there is no network: two check-ins wait on the phone.
    desk.goto(reverse("missionday:checkin", args=[day.mission.pk]))
    expect(desk.locator("#checkin")).to_have_attribute("data-ready", "true")
    desk.context.set_offline(True)
    expect(desk.locator("#checkin-network")).to_contain_text("Non in linea")
    _check_in_by_name(desk, "bianchi", giulia)
    _check_in_by_name(desk, "muller", jonas)
    expect(desk.locator("#checkin-queue")).to_have_text("2 in attesa di invio")
    shot(desk, "check-in-offline-two-waiting")
    assert CheckIn.objects.count() == 0

    # 3. The network returns: both are stored, once.
    desk.context.set_offline(False)
    expect(desk.locator("#checkin-queue")).to_have_text("Nessun check-in in attesa di invio")
    shot(desk, "check-in-synced")
    assert sorted(c.day_pass.full_name for c in CheckIn.objects.select_related("day_pass")) == [
        giulia,
        jonas,
    ]

    # 4. The board: the running slot's firm never came; staff mark it absent and the freed
    # table goes to the meeting that waited, both sides present.
    desk.goto(reverse("missionday:board_session", args=[day.mission.pk, day.session.pk]))
    cell = desk.locator(f"#cell-s{running.pk}-t1")
    expect(cell).to_contain_text(f"{absent_firm.name} ↔ {other_partner.name}")
    expect(cell).to_contain_text("in attesa")
    cell.get_by_role("button", name=re.compile("Segna assente l'impresa")).click()
    expect(desk.get_by_role("status").first).to_contain_text("Assenza registrata")
    cell = desk.locator(f"#cell-s{running.pk}-t1")
    offer = cell.get_by_label("In attesa, entrambi presenti")
    expect(offer.locator("option")).to_have_count(1)
    shot(desk, "board-no-show-offer")
    cell.get_by_role("button", name="Assegna").click()
    expect(desk.get_by_role("status").first).to_contain_text("li abbiamo avvisati")
    cell = desk.locator(f"#cell-s{running.pk}-t1")
    expect(cell).to_contain_text(f"{waiting_firm.name} ↔ {present_partner.name}")
    shot(desk, "board-freed-table-assigned")
    waiting.refresh_from_db()
    assert (waiting.slot_id, waiting.table) == (running.pk, 1)
    assert Meeting.objects.get(pk=gone.pk).attendance == "no_show"
    # Both sides are told (in-app and by email, through the outbox).
    told = Notification.objects.filter(kind__startswith="board_meeting_placed")
    assert {n.recipient_id for n in told} == {day.delegates[1].pk, day.contacts[0].pk}

    # 5. The delegate's companion: the debrief written offline, synced once.
    phone = new_page("it", width=PHONE)
    log_in(phone, day.delegates[1].email)
    _debrief_offline(phone, day, waiting, shot)

    # 6. The certificate: the checked-in delegate gets one, the absent firm's delegate none.
    certificate = reverse("missionday:certificate", args=[day.mission.pk])
    response = phone.request.get(certificate)
    assert response.ok
    assert response.body()[:5] == b"%PDF-"
    absent = new_page("it", width=PHONE)
    log_in(absent, day.delegates[0].email)
    refused = absent.goto(certificate)
    assert refused is not None
    assert refused.status == 404
    shot(absent, "no-certificate-without-check-in")

    # 7. Staff send the survey; the delegate answers through the emailed link.
    desk.goto(reverse("admin:missions_mission_changelist"))
    desk.locator(f"input[name=_selected_action][value='{day.mission.pk}']").check()
    desk.locator("select[name=action]").select_option(value="send_survey")
    desk.locator("#changelist-form button[name=index]").click()
    expect(desk.locator("ul.messagelist li")).to_contain_text("questionario per 2 persone")
    link = Notification.objects.get(kind="missionday_survey", recipient=day.delegates[1]).url
    phone.goto(link)
    phone.locator("input[name=overall][value='10']").check()
    phone.locator("input[name=meetings_usefulness][value='5']").check()
    phone.locator("input[name=organisation][value='4']").check()
    phone.locator("textarea[name=comment]").fill("Il tavolo liberato è stato prezioso")
    shot(phone, "survey")
    phone.locator("form.survey button[type=submit]").click()
    expect(phone.locator("h1")).to_have_text("Grazie per le tue risposte")
    assert SurveyResponse.objects.count() == 1

    # 8. The dashboard shows the NPS: one promoter of one answer.
    today = timezone.localdate().isoformat()
    desk.goto(reverse("staff_dashboard:index") + f"?dal={today}&al={today}")
    kpis = desk.locator("section[aria-labelledby=fig-satisfaction] dl.kpis")
    expect(kpis.locator("div", has_text="NPS").locator("dd")).to_have_text("100")
    expect(kpis.locator("div", has_text="risposte").locator("dd")).to_have_text("1")
    shot(desk, "dashboard-nps")


def _debrief_offline(phone: Page, day, meeting: Meeting, shot) -> None:
    """The delegate opens the companion online (the meeting just placed is the one under way),
    the phone keeps it; in the hall without network the page opens again and the debrief waits
    on the phone; back online it is stored once and feeds the meeting."""
    phone.goto(reverse("missionday:companion", args=[day.mission.pk]))
    expect(phone.locator("#next-meeting")).to_contain_text(meeting.partner.name)
    expect(phone.locator("#next-meeting")).to_contain_text("Tavolo 1")
    wait_for_offline_copy(phone)
    shot(phone, "companion-online")
    phone.context.set_offline(True)
    phone.reload()
    expect(phone.locator("#next-meeting")).to_contain_text(meeting.partner.name)
    form = phone.locator(f"form.debrief-form[data-meeting='{meeting.pk}']")
    form.locator("input[name=held][value=yes]").check()
    form.locator("select[name=interest]").select_option("5")
    form.locator("select[name=next_step]").select_option("offer")
    form.locator("textarea[name=note]").fill("Vogliono un'offerta per 2.000 pezzi")
    form.locator("button[type=submit]").click()
    state = phone.locator(f"#debrief-state-{meeting.pk}")
    expect(state).to_contain_text("Salvato sul telefono")
    shot(phone, "debrief-offline-queued")
    assert not Debrief.objects.exists()
    phone.context.set_offline(False)
    expect(state).to_contain_text("Debriefing inviato")
    shot(phone, "debrief-synced")
    assert Debrief.objects.count() == 1
    meeting.refresh_from_db()
    assert (meeting.attendance, meeting.outcome, meeting.firm_interest) == ("held", "offer", 5)
