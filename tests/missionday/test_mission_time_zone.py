"""A mission's day is the day in its cities' time zone, not the server's (Europe/Rome)."""

import datetime as dt
import uuid

import pytest

from missionday.board import present_today
from missionday.models import CheckIn, DayPass
from missionday.services.board import both_present
from missionday.services.errors import NotAMissionDay
from missionday.services.passes import check_in_record
from missions.models import City, Partner
from tests.factories import MissionFactory, ProgrammeItemFactory, UserFactory, member

pytestmark = pytest.mark.django_db

UTC = dt.UTC
START = dt.date(2027, 1, 11)  # winter: Rome UTC+1, Tokyo UTC+9, New York UTC-5


def _city(slug, tz):
    return City.objects.get_or_create(
        slug=slug, defaults={"name": slug, "local_name": slug, "country": "XX", "time_zone": tz}
    )[0]


def _mission_in(slug, tz):
    mission = MissionFactory(start_date=START, end_date=START + dt.timedelta(days=1))
    ProgrammeItemFactory(mission=mission, city=_city(slug, tz))
    return mission


def _badge(mission, *, firm=None, partner=None):
    user = UserFactory()
    kind = DayPass.Kind.DELEGATE if firm is not None else DayPass.Kind.PARTNER
    return DayPass.objects.create(
        mission=mission, kind=kind, user=user, full_name="X", firm=firm, partner=partner
    )


def test_tokyo_early_morning_of_the_first_day_is_a_mission_day():
    mission = _mission_in("tokyo", "Asia/Tokyo")
    badge = _badge(mission, firm=member().membership.firm)
    # 07:30 in Tokyo on the first day: still the day before in Rome (23:30).
    now = dt.datetime(2027, 1, 10, 22, 30, tzinfo=UTC)

    check_in, created = check_in_record(
        mission=mission, token=badge.token, client_id=uuid.uuid4(), now=now
    )

    assert created
    assert check_in.day == START


def test_new_york_evening_of_the_last_day_is_a_mission_day_and_the_next_is_not():
    mission = _mission_in("new-york", "America/New_York")
    badge = _badge(mission, firm=member().membership.firm)
    # 19:00 in New York on the last day: already the next day in Rome (01:00).
    now = dt.datetime(2027, 1, 13, 0, 0, tzinfo=UTC)

    check_in, _created = check_in_record(
        mission=mission, token=badge.token, client_id=uuid.uuid4(), now=now
    )

    assert check_in.day == mission.end_date
    with pytest.raises(NotAMissionDay):  # the next morning in New York
        check_in_record(
            mission=mission,
            token=badge.token,
            client_id=uuid.uuid4(),
            now=dt.datetime(2027, 1, 13, 14, 0, tzinfo=UTC),
        )


def test_the_board_sees_presence_on_the_missions_day():
    mission = _mission_in("tokyo", "Asia/Tokyo")
    firm = member().membership.firm
    partner = Partner.objects.create(
        name="Tanaka KK", kind="buyer", city=_city("tokyo", "Asia/Tokyo")
    )
    now = dt.datetime(2027, 1, 10, 22, 30, tzinfo=UTC)  # 07:30 on the first day in Tokyo
    for badge in (_badge(mission, firm=firm), _badge(mission, partner=partner)):
        check_in_record(mission=mission, token=badge.token, client_id=uuid.uuid4(), now=now)
    assert set(CheckIn.objects.values_list("day", flat=True)) == {START}

    assert present_today(mission, now) == ({firm.pk}, {partner.pk})
    assert both_present(mission=mission, firm_id=firm.pk, partner_id=partner.pk, day=now)
