"""The staff check-in on a phone: the page, the badges list for offline search, and the sync of
the offline queue (each check-in stored once, a foreign badge refused without failing the rest,
bad input refused whole)."""

import datetime as dt
import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from missionday.models import CheckIn, DayPass
from missionday.services.passes import day_passes_issue
from missions.models import MissionPartner, Partner
from partners.models import PartnerContact
from tests.factories import (
    ApplicationFactory,
    MissionFactory,
    StaffFactory,
    UserFactory,
    city,
    member,
)
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def _mission_today(**kwargs):
    today = timezone.localdate()
    return MissionFactory(start_date=today, end_date=today + dt.timedelta(days=1), **kwargs)


def _delegates(mission, count: int) -> list[DayPass]:
    for n in range(count):
        person = member(name=f"Officine {n} S.r.l.")
        ApplicationFactory(mission=mission, firm=person.membership.firm, applied_by=person)
    day_passes_issue(mission=mission)
    return list(DayPass.objects.filter(mission=mission).select_related("firm", "partner"))


def _partner_contact(mission) -> DayPass:
    partner = Partner.objects.create(name="Müller Maschinenbau GmbH", kind="buyer", city=city())
    MissionPartner.objects.create(
        mission=mission, partner=partner, attendance=MissionPartner.Attendance.CONFIRMED
    )
    PartnerContact.objects.create(
        user=UserFactory(first_name="Jonas", last_name="Müller"), partner=partner
    )
    day_passes_issue(mission=mission)
    return DayPass.objects.get(mission=mission, partner=partner)


def _item(badge_or_token, *, client_id=None, method="search", at=None) -> dict:
    token = badge_or_token if isinstance(badge_or_token, str) else badge_or_token.token
    return {
        "client_id": str(client_id or uuid.uuid4()),
        "token": token,
        "checked_in_at": (at or timezone.now()).isoformat(),
        "method": method,
    }


def _sync(client: Client, mission, payload, **extra):
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    return client.post(
        reverse("missionday:checkin_sync", args=[mission.pk]),
        body,
        content_type="application/json",
        **extra,
    )


# --- The sync endpoint ---------------------------------------------------------------------------


def test_the_same_batch_sent_twice_stores_each_check_in_once():
    mission = _mission_today()
    first, second = _delegates(mission, 2)
    staff = StaffFactory()
    batch = {"check_ins": [_item(first), _item(second, method="scan")]}
    client = login(staff)

    answer = _sync(client, mission, batch)
    again = _sync(client, mission, batch)

    assert answer.status_code == again.status_code == 200
    assert [r["status"] for r in answer.json()["results"]] == ["created", "created"]
    assert [r["status"] for r in again.json()["results"]] == ["duplicate", "duplicate"]
    assert CheckIn.objects.count() == 2
    stored = CheckIn.objects.get(day_pass=second)
    assert stored.method == "scan"
    assert stored.by == staff
    assert str(stored.client_id) == batch["check_ins"][1]["client_id"]
    result = answer.json()["results"][0]
    assert result["client_id"] == batch["check_ins"][0]["client_id"]
    assert result["name"] == first.full_name
    assert result["organisation"] == first.organisation
    assert result["message"] == "registrato"
    assert again.json()["results"][0]["message"].startswith("già registrato alle ")


def test_a_badge_scanned_twice_offline_is_sent_twice_and_stored_once():
    mission = _mission_today()
    (badge,) = _delegates(mission, 1)
    earlier = timezone.now() - dt.timedelta(minutes=5)
    batch = {"check_ins": [_item(badge, method="scan", at=earlier), _item(badge, method="scan")]}

    answer = _sync(login(StaffFactory()), mission, batch)

    assert [r["status"] for r in answer.json()["results"]] == ["created", "duplicate"]
    stored = CheckIn.objects.get()
    # The phone's clock is kept: when the badge was seen, not when the phone got a network.
    assert stored.checked_in_at == earlier.replace(microsecond=earlier.microsecond)
    local = timezone.localtime(earlier).strftime("%H:%M")
    assert answer.json()["results"][1]["message"] == f"già registrato alle {local}"


def test_a_mixed_batch_refuses_the_foreign_and_forged_tokens_and_stores_the_rest():
    mission = _mission_today()
    other = _mission_today()
    (ours,) = _delegates(mission, 1)
    partner_badge = _partner_contact(mission)
    (foreign,) = _delegates(other, 1)
    batch = {
        "check_ins": [
            _item(ours),
            _item(foreign),
            _item("forged-token-that-is-no-badge"),
            _item("https://example.com/another-event?ticket=1&ü=ß"),
            _item(partner_badge, method="scan"),
        ]
    }

    answer = _sync(login(StaffFactory()), mission, batch)

    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["created", "refused", "refused", "refused", "created"]
    assert results[1]["message"] == "Badge non riconosciuto per questa missione."
    # A refused badge says nothing about whose it is (another mission's person stays unnamed).
    assert results[1]["name"] == ""
    assert results[1]["organisation"] == ""
    assert results[3]["message"] == "Badge non riconosciuto per questa missione."
    assert results[4]["name"] == "Jonas Müller"
    assert results[4]["organisation"] == "Müller Maschinenbau GmbH"
    assert set(CheckIn.objects.values_list("day_pass", flat=True)) == {ours.pk, partner_badge.pk}


def test_a_check_in_outside_the_mission_days_is_refused_with_a_reason():
    mission = MissionFactory()  # in 40 days
    (badge,) = _delegates(mission, 1)

    answer = _sync(login(StaffFactory()), mission, {"check_ins": [_item(badge)]})

    assert answer.status_code == 200
    assert answer.json()["results"][0]["status"] == "refused"
    assert answer.json()["results"][0]["message"] == "Oggi non è un giorno della missione."
    assert not CheckIn.objects.exists()


GOOD = "GOOD"  # replaced by a valid item of the test's badge
MISSING = object()  # in an item's overrides: the field is left out


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ("{not json", "JSON non valido."),
        ("[]", "Manca l'elenco dei check-in."),
        ({"check_ins": "x"}, "Manca l'elenco dei check-in."),
        ({"check_ins": [GOOD, "x"]}, "Check-in 2: formato non valido."),
        ({"check_ins": [GOOD, {"client_id": MISSING}]}, "Check-in 2: client_id non valido."),
        ({"check_ins": [GOOD, {"client_id": "nope"}]}, "Check-in 2: client_id non valido."),
        ({"check_ins": [GOOD, {"token": MISSING}]}, "Check-in 2: token non valido."),
        ({"check_ins": [GOOD, {"token": ""}]}, "Check-in 2: token non valido."),
        ({"check_ins": [GOOD, {"token": 12}]}, "Check-in 2: token non valido."),
        ({"check_ins": [GOOD, {"checked_in_at": "ieri"}]}, "Check-in 2: data e ora non valide."),
        (
            {"check_ins": [GOOD, {"checked_in_at": "2026-13-45T25:00:00Z"}]},
            "Check-in 2: data e ora non valide.",
        ),
        ({"check_ins": [GOOD, {"checked_in_at": MISSING}]}, "Check-in 2: data e ora non valide."),
        (
            {"check_ins": [GOOD, {"checked_in_at": "0001-01-01T00:30:00+05:00"}]},
            "Check-in 2: data e ora non valide.",
        ),
        ({"check_ins": [GOOD, {"token": "x\x00y"}]}, "Check-in 2: token non valido."),
        ({"check_ins": [GOOD, {"token": "x" * 201}]}, "Check-in 2: token non valido."),
        ({"check_ins": [GOOD, {"method": "telepathy"}]}, "Check-in 2: modo non valido."),
        ({"check_ins": [GOOD, {"method": MISSING}]}, "Check-in 2: modo non valido."),
        ({"check_ins": [GOOD] * 501}, "Al massimo 500 check-in per invio."),
    ],
)
def test_bad_input_is_refused_whole_and_stores_nothing(payload, error):
    mission = _mission_today()
    (badge,) = _delegates(mission, 1)
    if isinstance(payload, dict) and isinstance(payload["check_ins"], list):
        items = []
        for entry in payload["check_ins"]:
            if entry == GOOD:
                entry = _item(badge)
            elif isinstance(entry, dict):
                entry = {**_item(badge), **entry}
                entry = {key: value for key, value in entry.items() if value is not MISSING}
            items.append(entry)
        payload = {"check_ins": items}

    answer = _sync(login(StaffFactory()), mission, payload)

    assert answer.status_code == 400
    assert answer.json() == {"error": error}
    assert not CheckIn.objects.exists()


def test_an_empty_batch_is_answered_with_no_results():
    mission = _mission_today()
    answer = _sync(login(StaffFactory()), mission, {"check_ins": []})
    assert answer.status_code == 200
    assert answer.json() == {"results": []}


def test_the_sync_needs_the_csrf_token():
    mission = _mission_today()
    (badge,) = _delegates(mission, 1)
    client = login(StaffFactory(), enforce_csrf_checks=True)
    page = client.get(reverse("missionday:checkin", args=[mission.pk]))
    batch = {"check_ins": [_item(badge)]}

    refused = _sync(client, mission, batch)
    assert refused.status_code == 403
    assert not CheckIn.objects.exists()

    token = page.cookies["csrftoken"].value
    accepted = _sync(client, mission, batch, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200
    assert CheckIn.objects.count() == 1


@pytest.mark.parametrize(("size", "queries"), [(1, 10), (20, 10 + 19 * 4)])
def test_the_sync_query_count_grows_by_a_fixed_number_per_check_in(
    django_assert_num_queries, size, queries
):
    mission = _mission_today()
    badges = _delegates(mission, size)
    client = login(StaffFactory())
    batch = {"check_ins": [_item(badge) for badge in badges]}
    # 2 to reach the view (user, the staff member's authenticator; the session comes from
    # Redis), 1 the mission, 1 its time zone (the check-ins' day), 1 the batch's badges with their
    # firm or partner, 1 the check-ins already stored under its client ids; per new check-in 4
    # (by client id, savepoint, insert, release): 6 + 4 for one, 6 + 80 for twenty.
    with django_assert_num_queries(queries):
        answer = _sync(client, mission, batch)
    assert [r["status"] for r in answer.json()["results"]] == ["created"] * size
    # The same queue sent again (the phone missed the answer): 5 whatever its length (the user
    # now comes from Redis with the session).
    with django_assert_num_queries(5):
        again = _sync(client, mission, batch)
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"] * size
    assert CheckIn.objects.count() == size


# --- The page and the people list ----------------------------------------------------------------


def test_the_page_is_made_for_a_phone_and_loads_the_decoder_and_the_queue():
    mission = _mission_today(title="Missione a Colonia 2026")
    response = login(StaffFactory()).get(reverse("missionday:checkin", args=[mission.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Missione a Colonia 2026" in page
    assert "vendor/jsqr/jsQR.js" in page
    assert "js/missionday-checkin.js" in page
    assert reverse("missionday:checkin_sync", args=[mission.pk]) in page
    assert reverse("missionday:checkin_people", args=[mission.pk]) in page
    assert "Cerca per nome" in page
    assert 'aria-live="polite"' in page


def test_the_people_list_says_who_is_checked_in_today(django_assert_num_queries):
    mission = _mission_today()
    badges = _delegates(mission, 3)
    partner_badge = _partner_contact(mission)
    client = login(StaffFactory())
    _sync(client, mission, {"check_ins": [_item(badges[0])]})
    client = login(StaffFactory())

    # User, authenticator, mission, its time zone (today is the mission's day), badges with
    # firm/partner, today's check-ins.
    with django_assert_num_queries(6):
        response = client.get(reverse("missionday:checkin_people", args=[mission.pk]))

    assert response.status_code == 200
    people = {p["token"]: p for p in response.json()["people"]}
    assert len(people) == 4
    assert people[badges[0].token]["checked_in"] is True
    assert people[badges[0].token]["checked_in_at"]
    assert people[badges[1].token]["checked_in"] is False
    assert people[badges[1].token]["checked_in_at"] is None
    assert people[partner_badge.token] == {
        "token": partner_badge.token,
        "name": "Jonas Müller",
        "organisation": "Müller Maschinenbau GmbH",
        "kind": "partner",
        "checked_in": False,
        "checked_in_at": None,
    }


def test_the_mission_chooser_lists_the_missions_under_way_and_the_next_ones():
    today = timezone.localdate()
    under_way = MissionFactory(title="Colonia oggi", start_date=today - dt.timedelta(days=1))
    soon = MissionFactory(title="Lipsia tra poco", start_date=today + dt.timedelta(days=5))
    MissionFactory(title="Berlino in autunno", start_date=today + dt.timedelta(days=40))
    MissionFactory(title="Monaco passata", start_date=today - dt.timedelta(days=9))
    MissionFactory(title="Dortmund in bozza", start_date=today, status="draft")

    response = login(StaffFactory()).get(reverse("missionday:checkin_missions"))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Colonia oggi") < page.index("Lipsia tra poco")
    assert reverse("missionday:checkin", args=[under_way.pk]) in page
    assert reverse("missionday:checkin", args=[soon.pk]) in page
    for hidden in ("Berlino in autunno", "Monaco passata", "Dortmund in bozza"):
        assert hidden not in page
    assert login(member()).get(reverse("missionday:checkin_missions")).status_code == 403


def test_the_service_worker_keeps_this_page_and_its_files_only():
    mission = _mission_today()
    response = login(StaffFactory()).get(reverse("missionday:checkin_sw", args=[mission.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    assert f'const PAGE = "{reverse("missionday:checkin", args=[mission.pk])}";' in script
    assert "/static/vendor/jsqr/jsQR.js" in script
    assert "/static/js/missionday-checkin.js" in script
    # The service worker lives in the page's folder: its default scope is the page.
    page_url = reverse("missionday:checkin", args=[mission.pk])
    assert reverse("missionday:checkin_sw", args=[mission.pk]).startswith(page_url)


# --- Access --------------------------------------------------------------------------------------


def _staff_without_two_factor():
    return StaffFactory(totp=False)


@pytest.mark.parametrize("who", ["delegate", "member", "staff_without_2fa"])
def test_only_staff_with_two_factor_check_anyone_in(who):
    mission = _mission_today()
    (badge,) = _delegates(mission, 1)
    if who == "delegate":
        user = badge.user
    elif who == "member":
        user = member(name="Altra impresa")
    else:
        user = _staff_without_two_factor()
    client = login(user)

    assert client.get(reverse("missionday:checkin", args=[mission.pk])).status_code == 403
    people = client.get(reverse("missionday:checkin_people", args=[mission.pk]))
    assert people.status_code == 403
    assert _sync(client, mission, {"check_ins": [_item(badge)]}).status_code == 403
    assert client.get(reverse("missionday:checkin_sw", args=[mission.pk])).status_code == 403
    assert not CheckIn.objects.exists()


def test_anonymous_people_are_sent_to_sign_in_or_refused():
    mission = _mission_today()
    (badge,) = _delegates(mission, 1)
    client = Client()
    page = client.get(reverse("missionday:checkin", args=[mission.pk]))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("missionday:checkin_people", args=[mission.pk])).status_code == 403
    assert _sync(client, mission, {"check_ins": [_item(badge)]}).status_code == 403
    assert not CheckIn.objects.exists()


def test_a_mission_that_does_not_exist_is_404_for_staff():
    client = login(StaffFactory())
    assert client.get(reverse("missionday:checkin", args=[999999])).status_code == 404
    assert client.get(reverse("missionday:checkin_people", args=[999999])).status_code == 404


def test_the_sync_is_post_only():
    mission = _mission_today()
    response = login(StaffFactory()).get(reverse("missionday:checkin_sync", args=[mission.pk]))
    assert response.status_code == 405
