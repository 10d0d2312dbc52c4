"""The partner's B2B: the mission's confirmed firms ranked by the reciprocal score, with the
reasons in the reader's language; meeting requests both ways; the agenda."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from missions import services as b2b
from missions.models import Application, MissionPartner
from tests.factories import (
    ApplicationFactory,
    FirmFactory,
    ProgrammeItemFactory,
    city,
    member,
    sector,
)
from tests.partners.support import invite, partner_on_mission
from tests.support.clients import login

pytestmark = pytest.mark.django_db

# Session and user, the contact, the invitation and mission partner, the partner's sectors, the
# open requests, the confirmed firms, and the base template's own (language, messages, ...).
FIRMS_PAGE_QUERIES = 11


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
