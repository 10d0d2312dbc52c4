"""Issue 18's end of the journey, in a browser at phone size: a delegate opens the survey link
from their email, answers and is thanked; a partner contact answers in German; staff see the NPS
on the dashboard; the delegate downloads their certificate from "La mia impresa"; anyone opens
its verification page. Axe at 390 and 320 px on the survey and verification pages.

Selectors use names, values, URLs and data where the page is German (the catalogue is
regenerated after merging). Screenshots: test-artifacts/e2e/<test>/.
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from missionday.certificates import certificate_code
from missionday.models import SurveyResponse
from missionday.services import surveys
from notifications.models import Notification
from tests.e2e.checks import assert_no_serious_violations, run_axe
from tests.e2e.conftest import PHONE
from tests.factories import StaffFactory
from tests.missionday.after_support import delegate, partner_contact, past_mission
from tests.support.browser import log_in_any_language, log_in_staff

pytestmark = pytest.mark.django_db(transaction=True)


def _check(page: Page, csp, name: str) -> None:
    """Axe (no serious or critical violation), CSP, and no sideways scrolling."""
    csp.check(page)
    assert_no_serious_violations(run_axe(page), f"{name} {page.url}")
    width, window = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, window.innerWidth]"
    )
    assert width <= window, f"{name}: the page is {width}px wide at {window}px"


def _answer(page: Page, overall: str, usefulness: str, organisation: str, comment: str) -> None:
    page.locator(f"input[name=overall][value='{overall}']").check()
    page.locator(f"input[name=meetings_usefulness][value='{usefulness}']").check()
    page.locator(f"input[name=organisation][value='{organisation}']").check()
    page.locator("textarea[name=comment]").fill(comment)
    page.locator("form.survey button[type=submit]").click()


def test_survey_certificate_and_dashboard_at_phone_size(new_page, shot, csp):
    mission = past_mission()
    giulia = delegate(mission, "Officine Valtellina S.r.l.", "Giulia", "Rossi")
    anna = partner_contact(mission, "Naturstein Import GmbH", "Anna", "Schmidt")
    staff = StaffFactory()
    surveys.survey_send(mission=mission)
    links = {n.recipient_id: n.url for n in Notification.objects.all()}

    # The delegate opens the link from the email (no sign-in) and answers.
    phone = new_page("it", width=PHONE)
    phone.goto(links[giulia.user_id])
    expect(phone.locator("h1")).to_have_text("Questionario di gradimento")
    expect(phone.locator("fieldset legend").first).to_contain_text("consigli")
    shot(phone, "survey")
    _check(phone, csp, "survey-390")
    _answer(phone, "10", "4", "5", "Tavoli ben organizzati")
    expect(phone.locator("h1")).to_have_text("Grazie per le tue risposte")
    shot(phone, "survey-thanks")

    # The partner contact answers in German (the page is in their language).
    partner_phone = new_page("it", width=PHONE)
    partner_phone.goto(links[anna.user_id])
    expect(partner_phone.locator("html")).to_have_attribute("lang", "de")
    expect(partner_phone.locator("main")).to_contain_text("Naturstein-Mission Köln")
    _answer(partner_phone, "6", "2", "3", "")
    expect(partner_phone.locator("main [role=status]")).to_have_count(1)
    shot(partner_phone, "survey-partner-de")
    assert SurveyResponse.objects.count() == 2

    # The survey page reflows at 320 px (a fresh link: the delegate's is answered).
    narrow = new_page("it", width=320)
    other = delegate(mission, "Terza S.r.l.", "Luca", "Verdi")
    narrow.goto(surveys.survey_url(mission_id=mission.pk, user_id=other.user_id))
    _check(narrow, csp, "survey-320")

    # Staff see the NPS: one promoter (10), one detractor (6) of two: 0.
    board = new_page("it", width=PHONE)
    log_in_staff(board, staff.email)
    today = timezone.localdate().isoformat()
    board.goto(
        reverse("staff_dashboard:index") + f"?dal={mission.start_date.isoformat()}&al={today}"
    )
    kpis = board.locator("section[aria-labelledby=fig-satisfaction] dl.kpis")
    expect(kpis).to_contain_text("NPS")
    expect(kpis.locator("div", has_text="NPS").locator("dd")).to_have_text("0")
    expect(kpis.locator("div", has_text="risposte").locator("dd")).to_have_text("2")
    shot(board, "dashboard-satisfaction")

    # The delegate downloads their certificate from La mia impresa.
    log_in_any_language(phone, giulia.user.email)
    phone.goto(reverse("my_firm"))
    link = phone.locator(f"a[href='{reverse('missionday:certificate', args=[mission.pk])}']")
    shot(phone, "my-firm-certificate-link")
    # The first PDF loads WeasyPrint in the live server: give it time on a busy machine.
    with phone.expect_download(timeout=60_000) as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "attestato.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # Anyone opens the verification URL printed on it.
    visitor = new_page("it", width=PHONE)
    visitor.goto(reverse("missionday:verify", args=[certificate_code(giulia)]))
    expect(visitor.locator("h1")).to_have_text("Attestato autentico")
    expect(visitor.locator("main")).to_contain_text("Giulia Rossi")
    shot(visitor, "verify")
    _check(visitor, csp, "verify-390")
    narrow.goto(reverse("missionday:verify", args=[certificate_code(giulia)]))
    _check(narrow, csp, "verify-320")
    narrow.goto(reverse("missionday:verify", args=["forged"]))
    expect(narrow.locator("h1")).to_have_text(re.compile("non valido"))
    _check(narrow, csp, "verify-forged-320")
