"""A stone firm finds its mission, lands on the waiting list, gets a seat and downloads the .ics."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import dateformat, translation
from playwright.sync_api import Page, expect

from missions.models import Application, ProgrammeItem
from notifications.models import Notification
from tests.factories import (
    ApplicationFactory,
    FirmFactory,
    MissionFactory,
    ProgrammeItemFactory,
    StaffFactory,
    city,
    member,
    sector,
    totp_code,
)
from tests.support.browser import field, log_in, path_of

FIRM_NAME = "Graniti Val Masino S.r.l."
STONE_MISSION = "Pietra e costruzioni a Dortmund"
METAL_MISSION = "Meccanica di precisione a Colonia"
B2B_TITLE = "Sessione B2B con importatori"
BRIEFING_TITLE = "Briefing sul mercato tedesco"


def italian_day(day: dt.date) -> str:
    with translation.override("it"):
        return dateformat.format(day, "l j F Y")


@pytest.mark.django_db(transaction=True)
def test_firm_joins_a_full_mission_from_the_waiting_list_and_gets_its_programme(
    live_server, page: Page, new_page, shot
):
    lapideo = sector("lapideo")
    metalmeccanico = sector("metalmeccanico")
    stone = MissionFactory(
        title=STONE_MISSION,
        summary="Incontri con importatori e distributori di pietra naturale della Ruhr.",
        sectors=[lapideo],
        seats=1,
        max_delegates=2,
    )
    b2b = ProgrammeItemFactory(
        mission=stone,
        city=city("dortmund"),
        title=B2B_TITLE,
        place="Westfalenhallen",
        starts_at=dt.datetime.combine(stone.start_date, dt.time(9, 30), tzinfo=city("dortmund").tz),
        ends_at=dt.datetime.combine(stone.start_date, dt.time(13), tzinfo=city("dortmund").tz),
    )
    briefing_day = stone.start_date - dt.timedelta(days=7)
    sondrio = city("sondrio")
    briefing = ProgrammeItemFactory(
        mission=stone,
        city=sondrio,
        kind=ProgrammeItem.Kind.BRIEFING,
        title=BRIEFING_TITLE,
        place="Camera di Commercio",
        starts_at=dt.datetime.combine(briefing_day, dt.time(17), tzinfo=sondrio.tz),
        ends_at=dt.datetime.combine(briefing_day, dt.time(18, 30), tzinfo=sondrio.tz),
    )
    # Another stone firm already holds the only seat.
    ApplicationFactory(mission=stone, firm=FirmFactory(sector=lapideo))
    metal = MissionFactory(title=METAL_MISSION, sectors=[metalmeccanico])
    ProgrammeItemFactory(mission=metal, city=city("koeln"))
    user = member(sector=lapideo, name=FIRM_NAME)
    firm = user.membership.firm
    staff = StaffFactory(email="ufficio.estero@so.camcom.it")

    # 1. The user logs in, opens "Missioni" and filters by sector: only the stone mission.
    log_in(page, user.email)
    nav = page.get_by_role("navigation", name="Navigazione principale")
    nav.get_by_role("link", name="Missioni", exact=True).click()
    expect(page).to_have_url(path_of("missions:list"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Missioni in Germania")
    expect(page.get_by_role("link", name=METAL_MISSION)).to_be_visible()
    field(page, "Settore").select_option(label="Lapideo")
    page.get_by_role("button", name="Filtra").click()
    expect(page).to_have_url(re.compile(rf"sector={lapideo.pk}"))
    expect(page.get_by_text("1 missione", exact=True)).to_be_visible()
    card = page.locator(".mission-card")
    expect(card).to_have_count(1)
    expect(card.get_by_role("link", name=STONE_MISSION)).to_be_visible()
    expect(card).to_contain_text("Dortmund")
    expect(card).to_contain_text("Posti: 1")
    expect(page.get_by_role("link", name=METAL_MISSION)).to_have_count(0)
    shot(page, "missions-filtered-by-sector")

    page.get_by_role("link", name=STONE_MISSION).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(STONE_MISSION)
    programme = page.get_by_role("region", name="Programma")
    # Two days, in order: the briefing in Sondrio, then the B2B day in Dortmund (local times).
    expect(programme.get_by_role("heading", level=3)).to_have_text(
        [italian_day(briefing_day), italian_day(stone.start_date)]
    )
    rows = programme.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("17:00–18:30")
    expect(rows.nth(0)).to_contain_text(f"Briefing: {BRIEFING_TITLE}")
    expect(rows.nth(0)).to_contain_text("Camera di Commercio, Sondrio")
    expect(rows.nth(1)).to_contain_text("09:30–13:00")
    expect(rows.nth(1)).to_contain_text(f"Sessione B2B: {B2B_TITLE}")
    expect(rows.nth(1)).to_contain_text("Westfalenhallen, Dortmund")
    status_card = page.get_by_role("region", name="La tua impresa")
    expect(status_card).to_contain_text("I posti sono esauriti")
    shot(page, "mission-programme-by-day")

    # 2. Apply: 5 delegates are over the limit (2) and nothing is stored; then 2 delegates.
    status_card.get_by_role("link", name="Candida la tua impresa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Candida la tua impresa")
    field(page, "Numero di delegati").fill("5")
    page.get_by_role("button", name="Invia la candidatura").click()
    expect(page.locator("#id_delegates_error")).to_contain_text("minore o uguale a 2")
    expect(page.get_by_role("heading", level=1)).to_have_text("Candida la tua impresa")
    assert not Application.objects.filter(firm=firm).exists()
    shot(page, "too-many-delegates")

    field(page, "Numero di delegati").fill("2")
    field(page, "Obiettivi e prodotti da presentare").fill(
        "Presentiamo serizzo e granito per facciate ventilate; cerchiamo distributori in NRW."
    )
    page.get_by_role("button", name="Invia la candidatura").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(STONE_MISSION)
    expect(page.get_by_role("status")).to_contain_text("Candidatura inviata: Lista d'attesa.")
    status_card = page.get_by_role("region", name="La tua impresa")
    # issue 16: the status says the firm's place on the waiting list
    expect(status_card.locator(".badge")).to_have_text("Posizione 1 in lista d'attesa")
    expect(page.get_by_role("region", name="Posti e iscrizioni")).to_contain_text(
        "1 impresa in lista d'attesa"
    )
    application = Application.objects.get(firm=firm)
    assert application.status == Application.Status.WAITLISTED
    assert application.mission == stone
    assert application.delegates == 2
    assert application.applied_by == user
    assert "serizzo" in application.note
    shot(page, "waitlisted")

    # 3. Staff raise the seats to 2: the seat is offered to the waiting list; then they confirm.
    admin = new_page()
    log_in(admin, staff.email, url=reverse("admin:login"))
    # Staff have two-factor authentication: the code from their authenticator app.
    admin.locator("input[name=code]").fill(totp_code())
    admin.locator("input[name=code]").press("Enter")
    expect(admin.get_by_role("heading", name="Gestione del Club")).to_be_visible()
    admin.goto(reverse("admin:missions_mission_change", args=[stone.pk]))
    seats = field(admin, "Posti")
    expect(seats).to_have_value("1")
    seats.fill("2")
    admin.locator("[name=_save]").click()
    expect(admin.get_by_text("1 posto offerto alla lista d'attesa.")).to_be_visible()
    stone.refresh_from_db()
    assert stone.seats == 2
    application.refresh_from_db()
    assert application.status == Application.Status.OFFERED
    assert application.offer_expires_at is not None
    shot(admin, "admin-seat-offered")

    admin.goto(reverse("admin:missions_application_changelist"))
    row = admin.get_by_role("row").filter(has_text=FIRM_NAME)
    expect(row).to_contain_text("Posto offerto")
    row.get_by_role("checkbox").check()
    admin.locator("select[name=action]").select_option(label="Conferma le candidature selezionate")
    admin.locator("#changelist-form button[name=index]").click()
    expect(admin.get_by_text("1 candidatura confermata.")).to_be_visible()
    expect(admin.get_by_role("row").filter(has_text=FIRM_NAME)).to_contain_text("Confermata")
    application.refresh_from_db()
    assert application.status == Application.Status.CONFIRMED
    assert application.decided_at is not None
    shot(admin, "admin-application-confirmed")

    # 4. The user sees the confirmation and downloads the firm's programme.
    page.reload()
    status_card = page.get_by_role("region", name="La tua impresa")
    expect(status_card.locator(".badge")).to_have_text("Confermata")
    expect(page.get_by_role("region", name="Posti e iscrizioni")).not_to_contain_text(
        "lista d'attesa"
    )
    shot(page, "confirmed")
    with page.expect_download() as download_info:
        status_card.get_by_role(
            "link", name="Scarica il programma della tua impresa (.ics)"
        ).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    ics = Path(download.path()).read_text(encoding="utf-8")
    assert "BEGIN:VCALENDAR" in ics
    assert B2B_TITLE in ics
    assert BRIEFING_TITLE in ics
    assert "TZID=Europe/Berlin" in ics
    assert "TZID=Europe/Rome" in ics
    assert f"programme-{b2b.pk}@" in ics
    assert f"programme-{briefing.pk}@" in ics
    assert METAL_MISSION not in ics

    # 5. The bell counts the unread notifications; the inbox has the confirmation.
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    kinds = set(unread.values_list("kind", flat=True))
    assert {
        "application_waitlisted",
        "application_offered",
        "application_confirmed",
    } <= kinds, kinds
    bell = nav.get_by_role("link", name=re.compile("Notifiche"))
    expect(bell.locator(".badge.unread")).to_have_text(str(unread.count()))
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifiche")
    confirmed = page.locator(".inbox li").filter(has_text=re.compile(r"^\s*Confermata"))
    expect(confirmed).to_have_count(1)
    expect(confirmed.locator("strong")).to_have_text(
        f"Confermata: {FIRM_NAME} partecipa a {STONE_MISSION}"
    )
    expect(page.get_by_text(f"Lista d'attesa: {STONE_MISSION}")).to_be_visible()
    expect(page.get_by_text(f"Si è liberato un posto: {STONE_MISSION}")).to_be_visible()
    shot(page, "inbox-with-confirmation")
