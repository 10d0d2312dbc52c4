"""Issue 19's "Done when", in a browser: a newcomer firm completes the export check-up, sees its
radar chart, gaps and personal path (a mentor firm and a mission of its sector among the
suggestions), applies to the suggested mission from the path's link; after a held meeting it
records an "offer" outcome on its B2B page; staff see the firm at "first offer" in the journeys
funnel and download the funders' report (XLSX), which counts the meeting held.

What the browser adds nothing to (staff confirming the application, the partner accepting the
meeting, the scheduler placing it, staff marking it held after the trip) is set up through the
services, as the admin actions would. Screenshots: test-artifacts/e2e/<test>/.
"""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from checkup.models import CheckUp
from missions import services as b2b
from missions.models import Application, Meeting, MeetingRequest, MissionPartner, Partner
from tests.e2e.conftest import PHONE
from tests.factories import (
    FirmFactory,
    MembershipFactory,
    MissionFactory,
    ProgrammeItemFactory,
    StaffFactory,
    city,
    member,
    sector,
)
from tests.support.browser import field, log_in, log_in_staff, path_of
from tests.support.checkup import published_questionnaire

FIRM = "Carpenterie Alta Valle S.r.l."
MENTOR = "Officine Meccaniche Adda S.r.l."
MISSION = "Meccanica di precisione a Colonia"
PARTNER = "Kölner Maschinenbau Einkauf GmbH"


def _answer_weakest(page: Page) -> None:
    """The weakest option of every question of the page: every area becomes a gap."""
    questions = page.locator("main fieldset.checkup-question")
    expect(questions).not_to_have_count(0)
    for index in range(questions.count()):
        questions.nth(index).locator("input[type=radio]").first.check()


@pytest.mark.django_db(transaction=True)
def test_from_first_check_up_to_a_first_offer_in_the_funnel_and_the_report(
    live_server, new_page, shot, eager_celery
):
    metalmeccanico = sector("metalmeccanico")
    koeln = city("koeln")
    questionnaire = published_questionnaire()
    names = [d.name for d in questionnaire.dimensions.all()]
    # A mentor firm of the same sector, and an open mission of the sector with a B2B session.
    MembershipFactory(firm=FirmFactory(name=MENTOR, sector=metalmeccanico, is_mentor=True))
    day = timezone.localdate() + dt.timedelta(days=10)
    mission = MissionFactory(
        title=MISSION,
        title_it=MISSION,
        sectors=[metalmeccanico],
        start_date=day,
        end_date=day,
        registration_deadline=timezone.now() + dt.timedelta(days=5),
        slot_minutes=60,
        tables=2,
    )
    ProgrammeItemFactory(
        mission=mission,
        city=koeln,
        starts_at=dt.datetime.combine(day, dt.time(10), tzinfo=koeln.tz),
        ends_at=dt.datetime.combine(day, dt.time(12), tzinfo=koeln.tz),
    )
    b2b.slots_generate(mission_id=mission.pk)
    partner = Partner.objects.create(name=PARTNER, city=koeln, kind=Partner.Kind.IMPORTER)
    MissionPartner.objects.create(mission=mission, partner=partner)
    owner = member(name=FIRM, sector=metalmeccanico)
    firm = owner.membership.firm

    # 1. The newcomer takes the check-up from La mia impresa, page by page.
    page = new_page()
    log_in(page, owner.email)
    page.goto(reverse("my_firm"))
    page.get_by_role("region", name="Check-up export").get_by_role(
        "link", name="Fai il check-up"
    ).click()
    shot(page, "checkup-intro")
    page.get_by_role("button", name="Inizia il check-up").click()
    for number, name in enumerate(names, start=1):
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        _answer_weakest(page)
        if number == len(names):
            shot(page, "checkup-last-page")
            page.get_by_role("button", name="Concludi e vedi il risultato").click()
        else:
            page.get_by_role("button", name="Avanti").click()

    # 2. The result: the radar chart, the gaps in words and the path, with the mentor and the
    # mission among the suggestions.
    checkup = CheckUp.objects.get(firm=firm)
    expect(page).to_have_url(path_of("checkup:result", checkup.pk))
    radar = page.get_by_role("img", name=re.compile("profilo di esportazione"))
    expect(radar).to_be_visible()
    for name in names:
        expect(radar).to_contain_text(name)
    gaps = page.get_by_role("region", name="Le lacune e cosa fare")
    expect(gaps.get_by_role("heading", name=re.compile(re.escape(names[0])))).to_be_visible()
    path = page.get_by_role("region", name="Il tuo percorso")
    expect(path.get_by_role("link", name=MENTOR)).to_be_visible()
    expect(path).to_contain_text("è del tuo settore")
    mission_link = path.get_by_role("link", name=MISSION)
    expect(mission_link).to_be_visible()
    shot(page, "checkup-result-and-path")

    # 3. From the path's link to the mission, and the application.
    mission_link.click()
    expect(page).to_have_url(path_of("missions:detail", mission.pk))
    expect(page.get_by_role("heading", level=1)).to_have_text(MISSION)
    page.get_by_role("region", name="La tua impresa").get_by_role(
        "link", name="Candida la tua impresa"
    ).click()
    field(page, "Numero di delegati").fill("1")
    field(page, "Obiettivi e prodotti da presentare").fill(
        "Carpenteria metallica su misura; cerchiamo importatori in Renania."
    )
    page.get_by_role("button", name="Invia la candidatura").click()
    expect(page.get_by_role("status")).to_contain_text("Candidatura inviata")
    shot(page, "applied")
    application = Application.objects.get(mission=mission, firm=firm)

    # 4. No browser step adds anything here: staff confirm the application, the firm's meeting
    # request is accepted for the partner, the scheduler places it, and after the trip staff
    # mark it held (the admin actions call these same services).
    b2b.applications_confirm(application_ids=[application.pk])
    request = b2b.meeting_request_create(
        mission_id=mission.pk, firm=firm, user=owner, partner_id=partner.pk, priority=5
    )
    b2b.meeting_requests_decide(request_ids=[request.pk], accept=True)
    b2b.scheduler_run(mission_id=mission.pk)
    meeting = Meeting.objects.get(request=request)
    assert meeting.slot_id is not None
    assert MeetingRequest.objects.get(pk=request.pk).status == MeetingRequest.Status.ACCEPTED
    b2b.meetings_mark_attendance(meeting_ids=[meeting.pk], attendance=Meeting.Attendance.HELD)

    # 5. The firm records the outcome, an offer with its value band, on its B2B page.
    page.goto(reverse("missions:b2b", args=[mission.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Incontri B2B")
    row = page.get_by_role("row", name=re.compile(PARTNER))
    row.locator(f"#outcome-{meeting.pk}").select_option(value=Meeting.Outcome.OFFER)
    band = row.locator(f"#value-band-{meeting.pk} option").nth(1).get_attribute("value")
    row.locator(f"#value-band-{meeting.pk}").select_option(value=band)
    row.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("status")).to_contain_text("Esito salvato.")
    expect(page.locator(f"#outcome-{meeting.pk}")).to_have_value(Meeting.Outcome.OFFER)
    shot(page, "offer-recorded")

    # 6. Staff: the funnel shows the firm at "first offer" (one firm reached it and stays there).
    staff_member = StaffFactory(email="ufficio.estero@so.camcom.it")
    staff = new_page()
    log_in_staff(staff, staff_member.email)
    staff.goto(reverse("staff_dashboard:journeys"))
    funnel = staff.locator("#chart-percorso-imprese table tbody tr").filter(
        has=staff.get_by_role("rowheader", name="Prima offerta", exact=True)
    )
    expect(funnel.locator("td")).to_have_text(["1", "1"])
    stopped_earlier = staff.locator("#chart-percorso-imprese table tbody tr").filter(
        has=staff.get_by_role("rowheader", name="Primo ordine", exact=True)
    )
    expect(stopped_earlier.locator("td")).to_have_text(["0", "0"])
    shot(staff, "journeys-funnel")

    # 7. Staff download the funders' report of the mission's year as XLSX.
    report = staff.get_by_role("region", name="Rapporto per i finanziatori")
    report.get_by_label("Anno").fill(str(mission.start_date.year))
    report_path = reverse("staff_dashboard:report_xlsx")
    with (
        staff.expect_response(lambda r: report_path in r.url) as response_info,
        staff.expect_download() as download_info,
    ):
        report.get_by_role("button", name="Scarica XLSX").click()
    response = response_info.value
    assert response.status == 200
    assert f"anno={mission.start_date.year}" in response.url
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == f"rapporto-club-{mission.start_date.year}.xlsx"
    workbook = load_workbook(io.BytesIO(download.path().read_bytes()))
    indicators = {row[0]: row[1] for row in workbook.worksheets[0].iter_rows(values_only=True)}
    assert indicators["Incontri B2B svolti"] >= 1

    # 8. The result page on a phone (390 px).
    phone = new_page(width=PHONE)
    log_in(phone, owner.email)
    phone.goto(reverse("checkup:result", args=[checkup.pk]))
    expect(phone.get_by_role("img", name=re.compile("profilo di esportazione"))).to_be_visible()
    shot(phone, "checkup-result-phone")
