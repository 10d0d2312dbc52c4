"""The holder's badge on a phone (issue 18): 390 px wide, the QR code fills most of the width
(a scanner reads it from the screen), nothing scrolls sideways, no serious axe finding and no
CSP violation; at 320 px it reflows."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from missionday.services.passes import day_passes_issue
from tests.e2e.checks import assert_no_serious_violations, run_axe
from tests.e2e.conftest import PHONE
from tests.factories import ApplicationFactory, MissionFactory, member
from tests.support.browser import log_in_any_language


@pytest.mark.django_db(transaction=True)
def test_my_badge_on_a_phone(live_server, new_page, shot, csp):
    today = timezone.localdate()
    mission = MissionFactory(
        title="Giornata B2B a Colonia", start_date=today, end_date=today + dt.timedelta(days=1)
    )
    delegate = member(name="Officine Meccaniche Adda S.r.l.")
    delegate.first_name, delegate.last_name = "Marco", "Fognini"
    delegate.save()
    ApplicationFactory(mission=mission, firm=delegate.membership.firm, applied_by=delegate)
    day_passes_issue(mission=mission)
    url = reverse("missionday:my_badge", args=[mission.pk])

    for width in (PHONE, 320):
        page = new_page(width=width)
        log_in_any_language(page, delegate.email)
        page.goto(url)
        expect(page.get_by_role("heading", name="Marco Fognini")).to_be_visible()
        expect(page.get_by_text("Officine Meccaniche Adda S.r.l.")).to_be_visible()
        qr = page.locator(".day-badge-qr svg")
        expect(qr).to_be_visible()
        size = qr.bounding_box()
        assert size is not None
        # Big enough to scan from the screen: most of the phone's width, and square.
        assert size["width"] >= min(0.6 * width, 280), size
        assert abs(size["width"] - size["height"]) < 2, size
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"the page scrolls sideways at {width}px ({scroll}px)"
        shot(page, f"my-badge-{width}")
        assert_no_serious_violations(run_axe(page), url)
        csp.check(page)
