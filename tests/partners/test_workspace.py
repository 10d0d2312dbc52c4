"""The partner's workspace: their missions only, attendance, blocked slots, the organisation's
profile with a checked USt-IdNr."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from missions import services as b2b
from missions.models import MissionPartner, Partner, Slot
from tests.factories import MissionFactory, ProgrammeItemFactory, StaffFactory, city, member
from tests.partners.support import invite, partner_on_mission
from tests.support.clients import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def workspace(django_capture_on_commit_callbacks, eager_celery, mailoutbox):
    mission, partner, mission_partner = partner_on_mission()
    koeln = city("koeln")
    ProgrammeItemFactory(
        mission=mission,
        city=koeln,
        starts_at=dt.datetime.combine(mission.start_date, dt.time(10), tzinfo=koeln.tz),
        ends_at=dt.datetime.combine(mission.start_date, dt.time(12), tzinfo=koeln.tz),
    )
    b2b.slots_generate(mission_id=mission.pk)
    contact = invite(django_capture_on_commit_callbacks, mission, partner)
    return contact, mission, mission_partner


def test_home_lists_only_the_contacts_missions(workspace, django_capture_on_commit_callbacks):
    contact, mission, _ = workspace
    other_mission = MissionFactory(title="Missione di un altro partner")
    partner_on_mission("Andere GmbH", mission=other_mission)
    MissionPartner.objects.create(mission=other_mission, partner=contact.partner)  # not invited
    page = login(contact.user).get(reverse("partners:home")).content.decode()
    assert mission.title in page
    assert "Missione di un altro partner" not in page


def test_confirming_attendance(workspace):
    contact, mission, mission_partner = workspace
    client = login(contact.user)
    response = client.post(
        reverse("partners:attendance", args=[mission.pk]), {"attending": "yes"}, follow=True
    )
    assert response.status_code == 200
    mission_partner.refresh_from_db()
    assert mission_partner.attendance == MissionPartner.Attendance.CONFIRMED
    bad = client.post(reverse("partners:attendance", args=[mission.pk]), {"attending": "forse"})
    assert bad.status_code == 400
    mission_partner.refresh_from_db()
    assert mission_partner.attendance == MissionPartner.Attendance.CONFIRMED


def test_blocking_slots_shows_them_checked(workspace):
    contact, mission, mission_partner = workspace
    slots = list(Slot.objects.filter(session__mission=mission).order_by("starts_at"))
    client = login(contact.user)
    response = client.post(
        reverse("partners:slots", args=[mission.pk]), {"slots": [slots[0].pk]}, follow=True
    )
    assert response.status_code == 200
    assert set(mission_partner.blocked_slots.values_list("pk", flat=True)) == {slots[0].pk}
    assert re.search(rf'value="{slots[0].pk}"\s+checked', response.content.decode())


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999", "²"])
def test_odd_slot_ids_are_refused_and_change_nothing(workspace, value):
    contact, mission, mission_partner = workspace
    response = login(contact.user).post(
        reverse("partners:slots", args=[mission.pk]), {"slots": [value]}
    )
    assert response.status_code == 400
    assert not mission_partner.blocked_slots.exists()


def test_a_slot_of_another_mission_is_refused(workspace):
    contact, mission, mission_partner = workspace
    item = ProgrammeItemFactory(mission=MissionFactory())
    foreign = Slot.objects.create(
        session=item, index=0, starts_at=item.starts_at, ends_at=item.ends_at, tables=1
    )
    response = login(contact.user).post(
        reverse("partners:slots", args=[mission.pk]), {"slots": [foreign.pk]}
    )
    assert response.status_code == 400
    assert not mission_partner.blocked_slots.exists()


def test_completing_the_profile_with_a_valid_ust_idnr(workspace):
    contact, _mission, _ = workspace
    response = login(contact.user).post(
        reverse("partners:profile"),
        {
            "products_sought": "Granit, Naturstein",
            "nace_codes": "23.70, 46.73",
            "languages": ["de", "it"],
            "size": "small",
            "website": "https://naturstein.example.de",
            "vat_number": "DE 136 695 976",
        },
    )
    assert response.status_code == 302
    partner = Partner.objects.get(pk=contact.partner_id)
    assert partner.vat_number == "DE136695976"
    assert partner.nace_codes == ["23.70", "46.73"]
    assert (partner.size, partner.languages) == ("small", ["de", "it"])


@pytest.mark.parametrize(
    ("field", "value"), [("vat_number", "DE123456789"), ("nace_codes", "abc, 23.70")]
)
def test_a_wrong_ust_idnr_or_nace_code_is_a_form_error(workspace, field, value):
    contact, _mission, _ = workspace
    data = {"products_sought": "Granit", "nace_codes": "", "vat_number": "", "size": ""}
    data[field] = value
    response = login(contact.user).post(reverse("partners:profile"), data)
    assert response.status_code == 400
    partner = Partner.objects.get(pk=contact.partner_id)
    assert (partner.vat_number, partner.nace_codes, partner.products_sought) == ("", [], "")


def test_others_cannot_reach_the_workspace(workspace, django_capture_on_commit_callbacks):
    contact, mission, _ = workspace
    _m, other_partner, _mp = partner_on_mission("Andere GmbH", mission=MissionFactory())
    stranger = invite(django_capture_on_commit_callbacks, _m, other_partner, email="x@andere.de")
    urls = [
        reverse("partners:mission", args=[mission.pk]),
        reverse("partners:attendance", args=[mission.pk]),
        reverse("partners:slots", args=[mission.pk]),
    ]
    for url in urls:
        assert login(stranger.user).post(url, {"attending": "no"}).status_code == 404
        for user in (member(), StaffFactory()):
            assert login(user).post(url, {"attending": "no"}).status_code == 403
        anonymous = Client().get(url)
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith(reverse("partners:signin_request"))
    for user in (member(), StaffFactory()):
        assert login(user).get(reverse("partners:home")).status_code == 403
        assert login(user).get(reverse("partners:profile")).status_code == 403
    assert MissionPartner.objects.get(mission=mission).attendance == ""
