"""The holder's badge page and the staff's sheet of labels (issue 18): the QR carries only the
opaque token; the sheet has one label per badge, sorted by organisation then name."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from missionday.models import DayPass
from missionday.services.passes import day_passes_issue, delegate_add
from missions.models import MissionPartner, Partner
from partners.models import PartnerContact
from tests.factories import ApplicationFactory, MissionFactory, UserFactory, city, member
from tests.support.clients import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission_with_badges():
    today = timezone.localdate()
    mission = MissionFactory(
        title="Metalmeccanico a Colonia", start_date=today, end_date=today + dt.timedelta(days=1)
    )
    delegate = member(name="Officine Valtellina S.r.l.")
    delegate.first_name, delegate.last_name = "Marco", "Fognini"
    delegate.save()
    ApplicationFactory(mission=mission, firm=delegate.membership.firm, applied_by=delegate)
    other = member(name="Carpenterie Tellina S.p.A.")
    other.first_name, other.last_name = "Luca", "Pedrotti"
    other.save()
    ApplicationFactory(mission=mission, firm=other.membership.firm, applied_by=other, delegates=2)
    partner = Partner.objects.create(name="Müller Maschinenbau GmbH", kind="buyer", city=city())
    MissionPartner.objects.create(mission=mission, partner=partner, attendance="confirmed")
    contact = UserFactory(first_name="Jonas", last_name="Müller", language="de")
    PartnerContact.objects.create(user=contact, partner=partner)
    return mission, delegate, other, contact


def _svg(page: str) -> str:
    found = re.search(r"<svg.*?</svg>", page, re.S)
    assert found, "no inline SVG QR code on the page"
    return found.group(0)


def test_my_badge_shows_a_qr_of_the_token_only(mission_with_badges):
    mission, delegate, _other, _contact = mission_with_badges
    day_passes_issue(mission=mission)
    badge = DayPass.objects.get(user=delegate)
    page = login(delegate).get(reverse("missionday:my_badge", args=[mission.pk])).content.decode()
    svg = _svg(page)
    assert "Marco Fognini" in page
    assert "Officine Valtellina S.r.l." in page
    assert "Metalmeccanico a Colonia" in page
    # The QR is drawn from the token alone: no name, no email, no URL in it.
    for personal in ("Fognini", delegate.email, "Officine", "http"):
        assert personal not in svg
    assert badge.token not in page.replace(svg, "")


def test_partner_contacts_get_their_badge_too(mission_with_badges):
    mission, _delegate, _other, contact = mission_with_badges
    day_passes_issue(mission=mission)
    response = login(contact).get(reverse("missionday:my_badge", args=[mission.pk]))
    assert response.status_code == 200
    assert "Müller Maschinenbau GmbH" in response.content.decode()


def test_a_badge_of_another_mission_is_404(mission_with_badges):
    mission, delegate, _other, _contact = mission_with_badges
    day_passes_issue(mission=mission)
    elsewhere = MissionFactory()
    client = login(delegate)
    assert client.get(reverse("missionday:my_badge", args=[elsewhere.pk])).status_code == 404
    assert login(member()).get(reverse("missionday:my_badge", args=[mission.pk])).status_code == 404
    anonymous = login(UserFactory())
    anonymous.logout()
    assert anonymous.get(reverse("missionday:my_badge", args=[mission.pk])).status_code == 302


def test_my_badge_query_count(mission_with_badges, django_assert_num_queries):
    mission, delegate, _other, _contact = mission_with_badges
    day_passes_issue(mission=mission)
    client = login(delegate)
    # The user (the session comes from Redis), the badge with its mission and firm, and the
    # base template's own two (unread notifications, the header's membership).
    with django_assert_num_queries(MY_BADGE_QUERIES):
        response = client.get(reverse("missionday:my_badge", args=[mission.pk]))
    assert "Marco Fognini" in response.content.decode()


MY_BADGE_QUERIES = 4


def _pdf_text(response) -> list[str]:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    return [page.extract_text() for page in reader.pages]


def test_the_badge_sheet_issues_missing_badges_and_prints_one_label_each(
    mission_with_badges, staff_client
):
    mission, delegate, other, _contact = mission_with_badges
    firm = other.membership.firm
    delegate_add(mission_id=mission.pk, firm=firm, by=other, full_name="Anna Bianchi")
    delegate_add(mission_id=mission.pk, firm=firm, by=other, user=other)
    response = staff_client.get(reverse("missionday:badges", args=[mission.pk]))
    assert response.status_code == 200
    pages = _pdf_text(response)
    text = "\n".join(pages)
    assert len(pages) == 1  # four labels: one A4 sheet
    # Issued first: the first firm's applicant and the partner's contact had no badge yet.
    assert DayPass.objects.filter(mission=mission).count() == 4
    for name in ("Marco Fognini", "Anna Bianchi", "Luca Pedrotti", "Jonas Müller"):
        assert text.count(name) == 1
    assert text.count("Metalmeccanico a Colonia") == 4
    # By organisation, then name.
    order = [
        text.index(n) for n in ("Anna Bianchi", "Luca Pedrotti", "Jonas Müller", "Marco Fognini")
    ]
    assert order == sorted(order)


def test_nine_badges_take_two_sheets(staff_client):
    mission = MissionFactory(title="Missione grande")
    for n in range(9):
        person = member(name=f"Impresa {n:02d}")
        ApplicationFactory(mission=mission, firm=person.membership.firm, applied_by=person)
    response = staff_client.get(reverse("missionday:badges", args=[mission.pk]))
    pages = _pdf_text(response)
    assert len(pages) == 2
    assert "\n".join(pages).count("Missione grande") == 9


def test_only_staff_print_the_badge_sheet(mission_with_badges):
    mission, delegate, _other, _contact = mission_with_badges
    url = reverse("missionday:badges", args=[mission.pk])
    assert login(delegate).get(url).status_code == 403
    assert not DayPass.objects.exists()  # nothing issued for them either


def test_the_agendas_link_to_the_readers_badge(mission_with_badges):
    mission, delegate, other, contact = mission_with_badges
    mission.agenda_published_at = timezone.now()
    mission.save(update_fields=["agenda_published_at"])
    badge_url = reverse("missionday:my_badge", args=[mission.pk])
    firm_agenda = reverse("missions:agenda", args=[mission.pk])
    partner_agenda = reverse("partners:agenda", args=[mission.pk])
    from partners.models import PartnerInvitation

    PartnerInvitation.objects.create(contact=contact.partner_contact, mission=mission)
    # No badge yet: no link.
    assert badge_url not in login(delegate).get(firm_agenda).content.decode()
    day_passes_issue(mission=mission)
    assert badge_url in login(delegate).get(firm_agenda).content.decode()
    page = login(contact).get(partner_agenda)
    assert page.status_code == 200
    assert badge_url in page.content.decode()


def test_la_mia_impresa_links_owners_to_their_delegates(mission_with_badges):
    mission, delegate, _other, _contact = mission_with_badges
    page = login(delegate).get(reverse("my_firm")).content.decode()
    assert reverse("missionday:delegates", args=[mission.pk]) in page


def test_the_agenda_and_the_badge_lead_the_holder_to_their_day(mission_with_badges):
    """The companion is reached from the agenda's badge card and from the badge page."""
    mission, delegate, _other, _contact = mission_with_badges
    mission.agenda_published_at = timezone.now()
    mission.save(update_fields=["agenda_published_at"])
    day_passes_issue(mission=mission)
    client = login(delegate)
    companion = reverse("missionday:companion", args=[mission.pk])
    badge_page = client.get(reverse("missionday:my_badge", args=[mission.pk])).content.decode()
    assert f'href="{companion}"' in badge_page
    agenda = client.get(reverse("missions:agenda", args=[mission.pk])).content.decode()
    assert f'href="{companion}"' in agenda
