"""Issue 17's "Done when", in a browser: staff import two German partners from a sheet and invite
one; the partner signs in with the emailed link (German pages), confirms attendance, blocks a
slot and asks to meet an Italian firm; the firm accepts; staff run the scheduler and publish the
agendas; both agendas show the meeting at the same time and table, not in the blocked slot; after
the mission the partner gives feedback and the staff dashboard counts it.

Selectors use names, values, URLs and data, not UI text: the German catalogue is regenerated after
merging, and the partner's pages are in German. Screenshots: test-artifacts/e2e/<test>/.
"""

import datetime as dt
import re

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from playwright.sync_api import Page, expect

from missions import services as b2b
from missions.models import (
    Meeting,
    MeetingRequest,
    Mission,
    MissionPartner,
    Partner,
    ProgrammeItem,
    Slot,
)
from partners.models import PartnerContact, PartnerInvitation
from tests.factories import (
    ApplicationFactory,
    MissionFactory,
    ProgrammeItemFactory,
    StaffFactory,
    city,
    member,
    sector,
)
from tests.partners.support import token_in
from tests.support.browser import log_in, log_in_staff, path_of

MISSION_IT = "Lapideo a Colonia"
MISSION_DE = "Naturstein in Köln"
PLACE = "Koelnmesse"
FIRM_NAME = "Graniti Val Masino S.r.l."
PARTNER = "Rhein Naturstein GmbH"
OTHER_PARTNER = "Westfalen Stein AG"
CONTACT_EMAIL = "anna.becker@rhein-naturstein.de"
SHEET = (
    "name,kind,city,vat_number,sectors,languages,contact_email,contact_first_name,"
    "contact_last_name,contact_role\n"
    f"{PARTNER},importer,Köln,DE136695976,lapideo,de,{CONTACT_EMAIL},Anna,Becker,Einkauf\n"
    f"{OTHER_PARTNER},distributor,Köln,,lapideo,de,jonas.weber@westfalen-stein.de,Jonas,"
    "Weber,Vertrieb\n"
)


def day_in(language: str, day: dt.date) -> re.Pattern[str]:
    """An agenda's heading of `day` in `language`: the day, the month's name (Django's own
    catalogue) and the year, in whatever date format the language uses."""
    with translation.override(language):
        month = dateformat.format(day, "F")
    return re.compile(rf"\b{day.day}\b.*\b{re.escape(month)}\b.*\b{day.year}\b")


def submit(page: Page, action: str) -> None:
    """Click the submit button of the form posting to `action` (a path)."""
    page.locator(f"form[action='{action}'] button[type=submit]").click()


def admin_action(page: Page, mission: Mission, action: str) -> None:
    """Run an admin action of the missions' list on `mission`."""
    page.goto(reverse("admin:missions_mission_changelist"))
    page.locator(f"input[name=_selected_action][value='{mission.pk}']").check()
    page.locator("select[name=action]").select_option(value=action)
    page.locator("#changelist-form button[name=index]").click()
    expect(page.locator("ul.messagelist li")).not_to_have_count(0)


@pytest.mark.django_db(transaction=True)
def test_german_partner_journey_from_import_to_feedback_on_the_dashboard(
    live_server, new_page, shot, mailoutbox, eager_celery
):
    lapideo = sector("lapideo")
    koeln = city("koeln")
    day = timezone.localdate() + dt.timedelta(days=30)
    mission = MissionFactory(
        title_it=MISSION_IT,
        title_de=MISSION_DE,
        sectors=[lapideo],
        start_date=day,
        end_date=day,
        slot_minutes=60,
        tables=3,
    )
    # One B2B session, 10:00-12:00 in Köln: two slots of an hour.
    ProgrammeItemFactory(
        mission=mission,
        city=koeln,
        place=PLACE,
        starts_at=dt.datetime.combine(day, dt.time(10), tzinfo=koeln.tz),
        ends_at=dt.datetime.combine(day, dt.time(12), tzinfo=koeln.tz),
    )
    b2b.slots_generate(mission_id=mission.pk)
    first_slot, second_slot = Slot.objects.filter(session__mission=mission).order_by("starts_at")
    firm_user = member(sector=lapideo, name=FIRM_NAME, products="Granito e serizzo per facciate")
    firm = firm_user.membership.firm
    ApplicationFactory(mission=mission, firm=firm)
    staff_member = StaffFactory(email="ufficio.estero@so.camcom.it")

    # 1. Staff import two partners from a sheet (preview, then confirm) and invite one contact.
    staff = new_page("it")
    log_in_staff(staff, staff_member.email)
    staff.goto(reverse("admin:missions_partner_import"))
    staff.locator("input[name=import_file]").set_input_files(
        {"name": "partner.csv", "mimeType": "text/csv", "buffer": SHEET.encode()}
    )
    staff.locator("select[name=format]").select_option(value="0")  # CSV
    staff.locator("form[enctype='multipart/form-data'] input[type=submit]").click()
    preview = staff.locator("table.import-preview")
    expect(preview.locator("tr.new")).to_have_count(2)
    expect(preview).to_contain_text(PARTNER)
    expect(preview).to_contain_text(OTHER_PARTNER)
    assert not Partner.objects.exists()  # the preview writes nothing
    shot(staff, "staff-import-preview")
    staff.locator("input[name=confirm]").click()
    expect(staff).to_have_url(path_of("admin:missions_partner_changelist"))
    expect(staff.locator("ul.messagelist li.success")).to_have_count(1)
    expect(staff.locator("#result_list")).to_contain_text(PARTNER)
    expect(staff.locator("#result_list")).to_contain_text(OTHER_PARTNER)
    shot(staff, "staff-partners-imported")
    partner = Partner.objects.get(name=PARTNER)
    assert partner.vat_number == "DE136695976"
    assert partner.city == koeln
    assert set(PartnerContact.objects.values_list("user__email", flat=True)) == {
        CONTACT_EMAIL,
        "jonas.weber@westfalen-stein.de",
    }

    # The partner attends the mission (the mission's page, partners inline), then its contact
    # is invited (the invitation's add page, which calls partners.services.contact_invite).
    staff.goto(reverse("admin:missions_mission_change", args=[mission.pk]))
    inline = staff.locator("#mission_partners-group")
    inline.locator("a.add-row, .add-row a").first.click()
    inline.locator("#mission_partners-0 .select2-selection").click()
    staff.locator(".select2-search__field").fill("Rhein")
    staff.locator(".select2-results__option", has_text=PARTNER).click()
    expect(staff.locator("select[name='mission_partners-0-partner']")).to_have_value(
        str(partner.pk)
    )
    staff.locator("input[name=_continue]").click()
    expect(staff.locator("ul.messagelist li.success")).to_have_count(1)
    assert MissionPartner.objects.filter(mission=mission, partner=partner).exists()

    staff.goto(reverse("admin:partners_partnerinvitation_add"))
    staff.locator("select[name=partner]").select_option(value=str(partner.pk))
    staff.locator("input[name=email]").fill(CONTACT_EMAIL)
    staff.locator("select[name=mission]").select_option(value=str(mission.pk))
    shot(staff, "staff-invitation")
    staff.locator("input[name=_save]").click()
    expect(staff).to_have_url(path_of("admin:partners_partnerinvitation_changelist"))
    invitation = PartnerInvitation.objects.get(mission=mission)
    assert invitation.contact.user.email == CONTACT_EMAIL
    assert invitation.sent_at is not None
    invite = mailoutbox[-1]
    assert invite.to == [CONTACT_EMAIL]
    # The email is in German: the mission's German title, not the Italian one.
    assert MISSION_DE in invite.subject + invite.body
    assert MISSION_IT not in invite.subject + invite.body

    # 2. The partner opens the link (a page in German), accepts the terms: the workspace.
    page = new_page("de")
    page.goto(reverse("partners:signin", args=[token_in(invite)]))
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("main")).to_contain_text(PARTNER)
    shot(page, "partner-link-opened")
    page.locator("input[name=accept_terms]").check()
    page.get_by_role("main").locator("button[type=submit]").click()
    expect(page).to_have_url(path_of("partners:home"))
    expect(page.locator("html")).to_have_attribute("lang", "de")
    shot(page, "partner-workspace")

    # 3. Attendance confirmed and the first slot blocked.
    page.locator(f"main a[href='{reverse('partners:mission', args=[mission.pk])}']").click()
    expect(page).to_have_url(path_of("partners:mission", mission.pk))
    expect(page.get_by_role("heading", level=1)).to_have_text(MISSION_DE)
    page.locator("input[name=attending][value=yes]").check()
    submit(page, reverse("partners:attendance", args=[mission.pk]))
    expect(page).to_have_url(path_of("partners:mission", mission.pk))
    blocked = page.locator(f"input[name=slots][value='{first_slot.pk}']")
    blocked.check()
    submit(page, reverse("partners:slots", args=[mission.pk]))
    expect(page).to_have_url(path_of("partners:mission", mission.pk))
    expect(page.locator("input[name=attending][value=yes]")).to_be_checked()
    expect(blocked).to_be_checked()
    expect(page.locator(f"input[name=slots][value='{second_slot.pk}']")).not_to_be_checked()
    shot(page, "partner-attendance-and-blocked-slot")
    mission_partner = MissionPartner.objects.get(mission=mission, partner=partner)
    assert mission_partner.attendance == MissionPartner.Attendance.CONFIRMED
    assert list(mission_partner.blocked_slots.all()) == [first_slot]

    # 4. The ranking of the confirmed firms: a request with priority 1 and a reason.
    page.locator(f"main a[href='{reverse('partners:firms', args=[mission.pk])}']").click()
    expect(page).to_have_url(path_of("partners:firms", mission.pk))
    card = page.locator(f"#firm-{firm.pk}")
    expect(card).to_contain_text(FIRM_NAME)
    request_form = card.locator(
        f"form[action='{reverse('partners:meeting_request', args=[mission.pk, firm.pk])}']"
    )
    request_form.locator("select[name=priority]").select_option(value="1")
    request_form.locator("input[name=reason]").fill("Granit für Fassaden in NRW")
    request_form.locator("button[type=submit]").click()
    expect(page).to_have_url(path_of("partners:firms", mission.pk))
    expect(card.locator("form")).to_have_count(0)  # requested: no second request form
    shot(page, "partner-meeting-requested")
    wish = MeetingRequest.objects.get(mission=mission, firm=firm, partner=partner)
    assert wish.origin == MeetingRequest.Origin.PARTNER
    assert (wish.priority, wish.reason) == (1, "Granit für Fassaden in NRW")
    assert wish.status == MeetingRequest.Status.REQUESTED

    # 5. The firm's owner (another browser) accepts the partner's request on the B2B page.
    firm_page = new_page("it")
    log_in(firm_page, firm_user.email)
    firm_page.goto(reverse("missions:b2b", args=[mission.pk]))
    answer = reverse("missions:wish_answer", args=[wish.pk])
    expect(firm_page.locator("#wishes-title + ul")).to_contain_text(PARTNER)
    expect(firm_page.locator("#wishes-title + ul")).to_contain_text("Granit für Fassaden in NRW")
    shot(firm_page, "firm-sees-the-request")
    firm_page.locator(
        f"form[action='{answer}']:has(input[name=answer][value=yes]) button[type=submit]"
    ).click()
    expect(firm_page).to_have_url(path_of("missions:b2b", mission.pk))
    expect(firm_page.locator(f"form[action='{answer}']")).to_have_count(0)
    shot(firm_page, "firm-accepted")
    wish.refresh_from_db()
    assert wish.status == MeetingRequest.Status.ACCEPTED

    # 6. Staff run the scheduler, then publish the agendas (the missions' admin actions).
    admin_action(staff, mission, "run_scheduler")
    expect(staff.locator("ul.messagelist li.success")).to_contain_text(MISSION_IT)
    meeting = Meeting.objects.select_related("slot").get(mission=mission)
    assert (meeting.firm, meeting.partner) == (firm, partner)
    assert meeting.slot == second_slot  # the only free slot of the partner
    assert meeting.table is not None
    shot(staff, "staff-scheduler-run")
    admin_action(staff, mission, "publish_agendas")
    expect(staff.locator("ul.messagelist li.info")).to_contain_text(MISSION_IT)
    expect(staff.locator("ul.messagelist li.error, ul.messagelist li.warning")).to_have_count(0)
    shot(staff, "staff-agendas-published")
    mission.refresh_from_db()
    assert mission.agenda_published_at is not None

    # 7. Both agendas: the same day, time and table, not the blocked slot (10:00-11:00).
    when, blocked_when = "11:00–12:00", "10:00–11:00"
    table = re.compile(rf"\b{meeting.table},\s+{PLACE}\b")
    firm_page.goto(reverse("missions:agenda", args=[mission.pk]))
    firm_row = firm_page.locator("tr.meeting")
    expect(firm_row).to_have_count(1)
    expect(firm_row).to_contain_text(PARTNER)
    expect(firm_row.locator("td").first).to_have_text(when)
    expect(firm_row).to_contain_text(table)
    expect(firm_page.locator("main h2")).to_have_text([day_in("it", day)])
    expect(firm_page.locator("main")).not_to_contain_text(blocked_when)
    shot(firm_page, "firm-agenda")

    page.goto(reverse("partners:agenda", args=[mission.pk]))
    expect(page.locator("html")).to_have_attribute("lang", "de")
    partner_meeting = page.locator(f"#meeting-{meeting.pk}")
    expect(page.locator(".meeting")).to_have_count(1)
    expect(partner_meeting).to_contain_text(FIRM_NAME)
    expect(partner_meeting.locator("p strong").first).to_have_text(when)
    expect(partner_meeting).to_contain_text(table)
    expect(page.locator("main h2")).to_have_text([day_in("de", day)])
    expect(page.locator("main")).not_to_contain_text(blocked_when)
    # Before the meeting there is no feedback form (only the cancellation's).
    expect(partner_meeting.locator("select[name=interest]")).to_have_count(0)
    shot(page, "partner-agenda")

    # 8. After the mission. The browser's clock cannot be moved (the live server reads the real
    # time), so the mission, its programme and its slots move 31 days into the past instead:
    # the meeting was yesterday.
    back = dt.timedelta(days=31)
    Mission.objects.filter(pk=mission.pk).update(
        start_date=F("start_date") - back,
        end_date=F("end_date") - back,
        registration_deadline=F("registration_deadline") - back,
    )
    ProgrammeItem.objects.filter(mission=mission).update(
        starts_at=F("starts_at") - back, ends_at=F("ends_at") - back
    )
    Slot.objects.filter(session__mission=mission).update(
        starts_at=F("starts_at") - back, ends_at=F("ends_at") - back
    )
    page.reload()
    feedback = partner_meeting.locator(
        f"form[action='{reverse('partners:meeting_feedback', args=[mission.pk, meeting.pk])}']"
    )
    feedback.locator("input[name=held][value=yes]").check()
    feedback.locator("select[name=interest]").select_option(
        value=str(Meeting.PartnerInterest.HIGH.value)
    )
    feedback.locator("select[name=next_step]").select_option(value=Meeting.PartnerNextStep.SAMPLES)
    feedback.locator("textarea[name=note]").fill("Muster bis Ende des Monats.")
    shot(page, "partner-feedback-form")
    feedback.locator("button[type=submit]").click()
    expect(page).to_have_url(
        path_of("partners:agenda", mission.pk, suffix=f"#meeting-{meeting.pk}")
    )
    expect(feedback.locator("input[name=held][value=yes]")).to_be_checked()
    expect(feedback.locator("select[name=interest]")).to_have_value(
        str(Meeting.PartnerInterest.HIGH.value)
    )
    expect(feedback.locator("select[name=next_step]")).to_have_value(
        Meeting.PartnerNextStep.SAMPLES
    )
    shot(page, "partner-feedback-given")
    meeting.refresh_from_db()
    assert meeting.partner_feedback_at is not None
    assert meeting.partner_held is True
    assert meeting.partner_interest == Meeting.PartnerInterest.HIGH
    assert meeting.partner_next_step == Meeting.PartnerNextStep.SAMPLES
    assert meeting.partner_feedback_by == invitation.contact.user

    # 9. The staff dashboard counts the feedback (and the partner as interested).
    staff.goto(reverse("staff_dashboard:index"))
    figures = staff.locator("section[aria-labelledby=fig-feedback] dl.kpis dd")
    expect(figures).to_have_text(["0", "1", "1"])  # held (staff's mark), feedback, interested
    feedback_row = staff.locator("section[aria-labelledby=fig-feedback] tr", has_text=MISSION_IT)
    expect(feedback_row).to_have_count(1)
    shot(staff, "staff-dashboard-feedback")
