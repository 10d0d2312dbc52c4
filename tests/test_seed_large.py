"""seed_large's mission day, staff login and check-ups, which benchmarks/pages.py measures: the
rows are there at a tiny scale, and every new page answers 200 to the person the benchmark signs
in as (the check-in sync with the same body: every check-in a duplicate)."""

import io
import json

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management import call_command
from django.utils import timezone

from benchmarks import pages
from checkup.models import CheckUp
from club.management.commands import seed_large
from members.models import User
from missionday.models import CheckIn, DayPass
from missions.models import Meeting, Mission, MissionPartner, ProgrammeItem
from tests.support.clients import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(monkeypatch):
    # VACUUM cannot run inside the test's transaction.
    monkeypatch.setattr(seed_large.Command, "vacuum_analyze", lambda self: "skipped")
    call_command("seed_large", scale=0.01, stdout=io.StringIO())
    return Mission.objects.get(title=seed_large.MISSION_DAY_TITLE)


def test_the_benchmark_keeps_seed_large_names():
    assert pages.BENCH_STAFF_EMAIL == seed_large.BENCH_STAFF_EMAIL
    assert pages.BENCH_TOTP_SECRET == seed_large.BENCH_TOTP_SECRET
    assert pages.MISSION_DAY_TITLE == seed_large.MISSION_DAY_TITLE


def test_totp_code_is_the_authenticator_apps():
    at = 1_790_000_000
    expected = format_hotp_value(hotp_value(pages.BENCH_TOTP_SECRET, at // 30))
    assert pages.totp_code(pages.BENCH_TOTP_SECRET, at) == expected


def test_mission_day_is_today_with_badges_meetings_and_check_ins(seeded):
    mission = seeded
    today = timezone.localdate()
    assert mission.start_date == today <= mission.end_date
    assert mission.agenda_published_at is not None
    bench = User.objects.get(email=seed_large.BENCH_EMAIL)
    partner = User.objects.get(email=seed_large.BENCH_PARTNER_EMAIL)
    assert DayPass.objects.filter(mission=mission, user=bench, kind="delegate").exists()
    assert DayPass.objects.filter(mission=mission, user=partner, kind="partner").exists()
    assert MissionPartner.objects.filter(mission=mission, attendance="confirmed").count() == 24
    placed = Meeting.objects.filter(mission=mission, slot__isnull=False)
    assert placed.filter(firm__memberships__user=bench).exists()
    assert placed.filter(partner__contacts__user=partner).exists()
    assert Meeting.objects.filter(mission=mission, slot__isnull=True).exists()  # waiting
    assert CheckIn.objects.filter(day_pass__mission=mission).count() >= pages.SYNC_BATCH
    staff = User.objects.get(email=seed_large.BENCH_STAFF_EMAIL)
    assert staff.is_staff
    assert staff.authenticator_set.filter(type="totp").exists()
    assert CheckUp.objects.filter(firm__memberships__user=bench).count() == 2


def test_every_new_page_answers_to_whom_the_benchmark_signs_in(seeded):
    mission = seeded
    session = ProgrammeItem.objects.get(mission=mission, kind="b2b")
    users = {
        who: User.objects.get(email=email)
        for who, email in [
            ("firm", seed_large.BENCH_EMAIL),
            ("partner", seed_large.BENCH_PARTNER_EMAIL),
            ("staff", seed_large.BENCH_STAFF_EMAIL),
        ]
    }
    checkup = CheckUp.objects.filter(firm__memberships__user=users["firm"]).latest("completed_at")
    day = f"/giornata/{mission.pk}/"
    board = f"{day}tabellone/{session.pk}/"
    for who, path in [
        ("firm", "/check-up/"),
        ("firm", f"/check-up/{checkup.pk}/risultato/"),
        ("firm", day),
        ("partner", day),
        ("staff", board),
        ("staff", f"{board}stato/"),
        ("staff", f"{day}check-in/persone.json"),
    ]:
        assert login(users[who]).get(path).status_code == 200, (who, path)
    queued = CheckIn.objects.filter(day_pass__mission=mission).select_related("day_pass")
    body = {
        "check_ins": [
            {
                "client_id": str(c.client_id),
                "token": c.day_pass.token,
                "checked_in_at": c.checked_in_at.isoformat(),
                "method": c.method,
            }
            for c in queued.order_by("pk")[: pages.SYNC_BATCH]
        ]
    }
    response = login(users["staff"]).post(
        f"{day}check-in/sync/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200
    assert {r["status"] for r in response.json()["results"]} == {"duplicate"}
