"""A German partner's contact, invited by staff, signs in with the emailed link (no password),
confirms attendance, blocks a slot and completes the organisation's profile.

The pages open in German after sign-in; selectors use names, values and data, not UI text, so
the test holds once the German catalogue is translated.
"""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from missions import services as b2b
from missions.models import MissionPartner, Partner, Slot
from partners import services
from tests.factories import MissionFactory, ProgrammeItemFactory, StaffFactory, city
from tests.partners.support import token_in
from tests.support.browser import path_of


@pytest.mark.django_db(transaction=True)
def test_partner_signs_in_by_link_and_answers_for_the_mission(
    live_server, page: Page, shot, mailoutbox, eager_celery
):
    mission = MissionFactory(title="Lapideo a Colonia", slot_minutes=60, tables=2)
    koeln = city("koeln")
    ProgrammeItemFactory(
        mission=mission,
        city=koeln,
        starts_at=dt.datetime.combine(mission.start_date, dt.time(10), tzinfo=koeln.tz),
        ends_at=dt.datetime.combine(mission.start_date, dt.time(12), tzinfo=koeln.tz),
    )
    b2b.slots_generate(mission_id=mission.pk)
    partner = Partner.objects.create(name="Rhein Naturstein GmbH", kind="importer", city=koeln)
    mission_partner = MissionPartner.objects.create(mission=mission, partner=partner)
    services.contact_invite(
        partner_id=partner.pk,
        mission_id=mission.pk,
        email="anna@rhein-naturstein.de",
        first_name="Anna",
        invited_by=StaffFactory(),
    )
    signin = reverse("partners:signin", args=[token_in(mailoutbox[-1])])

    # 1. The link opens a confirmation page (a mail scanner's GET uses nothing).
    page.goto(signin)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_text("Rhein Naturstein GmbH")).to_be_visible()
    shot(page, "confirm")
    page.locator("input[name=accept_terms]").check()
    page.get_by_role("main").locator("button[type=submit]").click()

    # 2. The workspace lists the mission.
    expect(page).to_have_url(path_of("partners:home"))
    shot(page, "workspace")
    page.get_by_role("link", name="Lapideo a Colonia").click()
    expect(page).to_have_url(path_of("partners:mission", mission.pk))

    # 3. Attendance confirmed, the first slot blocked.
    page.locator("input[name=attending][value=yes]").check()
    page.locator(
        f"form[action='{reverse('partners:attendance', args=[mission.pk])}'] button"
    ).click()
    first = Slot.objects.filter(session__mission=mission).order_by("starts_at").first()
    page.locator(f"input[name=slots][value='{first.pk}']").check()
    page.locator(f"form[action='{reverse('partners:slots', args=[mission.pk])}'] button").click()
    expect(page.locator(f"input[name=slots][value='{first.pk}']")).to_be_checked()
    shot(page, "attendance-and-slots")
    mission_partner.refresh_from_db()
    assert mission_partner.attendance == MissionPartner.Attendance.CONFIRMED
    assert list(mission_partner.blocked_slots.all()) == [first]

    # 4. The organisation's profile, with the USt-IdNr.
    page.goto(reverse("partners:profile"))
    page.locator("textarea[name=products_sought]").fill("Granit, Naturstein")
    page.locator("input[name=vat_number]").fill("DE136695976")
    page.get_by_role("main").locator("button[type=submit]").click()
    expect(page).to_have_url(path_of("partners:profile"))
    shot(page, "profile")
    partner.refresh_from_db()
    assert partner.vat_number == "DE136695976"

    # 5. The link was used once: opening it again is refused.
    response = page.goto(signin)
    assert response is not None
    assert response.status == 410
    shot(page, "link-used")
