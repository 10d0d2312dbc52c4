import datetime
import zoneinfo

import pytest
from icalendar import Calendar

from missions.calendar import PRODID, firm_programme_calendar, mission_calendar
from missions.models import Mission, ProgrammeItem
from tests.factories import city, sector

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
ROME = zoneinfo.ZoneInfo("Europe/Rome")


def make_mission(title="Missione Meccanica NRW", start=datetime.date(2026, 6, 9), days=3):
    mission = Mission.objects.create(
        title=title,
        start_date=start,
        end_date=start + datetime.timedelta(days=days),
        seats=12,
        registration_deadline=datetime.datetime(2026, 5, 15, 23, 59, tzinfo=ROME),
    )
    mission.sectors.set([sector("metalmeccanico")])
    return mission


@pytest.fixture
def koeln():
    return city("koeln")


@pytest.fixture
def sondrio():
    return city("sondrio")


@pytest.fixture
def mission(koeln, sondrio):
    mission = make_mission()
    ProgrammeItem.objects.create(
        mission=mission,
        city=sondrio,
        kind=ProgrammeItem.Kind.BRIEFING,
        title="Briefing di preparazione",
        starts_at=datetime.datetime(2026, 6, 3, 17, 30, tzinfo=ROME),
        ends_at=datetime.datetime(2026, 6, 3, 19, 0, tzinfo=ROME),
        place="Camera di Commercio, via Piazzi 23",
        description="Obiettivi, agenda e consigli pratici.",
    )
    ProgrammeItem.objects.create(
        mission=mission,
        city=koeln,
        kind=ProgrammeItem.Kind.B2B,
        title="Sessione B2B",
        starts_at=datetime.datetime(2026, 6, 10, 10, 0, tzinfo=BERLIN),
        ends_at=datetime.datetime(2026, 6, 10, 13, 0, tzinfo=BERLIN),
        place="IHK Köln",
    )
    ProgrammeItem.objects.create(
        mission=mission,
        city=koeln,
        kind=ProgrammeItem.Kind.NETWORKING,
        title="Cena di networking",
        starts_at=datetime.datetime(2026, 6, 10, 19, 30, tzinfo=BERLIN),
        ends_at=datetime.datetime(2026, 6, 10, 22, 0, tzinfo=BERLIN),
    )
    return mission


def items_of(mission):
    return list(mission.programme.select_related("city"))


def events_by_title(cal: Calendar) -> dict[str, object]:
    return {str(event["SUMMARY"]): event for event in cal.walk("VEVENT")}


def test_mission_calendar_parses_back_with_one_event_per_item(mission):
    ics = mission_calendar(mission, items_of(mission))
    cal = Calendar.from_ical(ics)

    assert str(cal["PRODID"]) == PRODID
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Missione Meccanica NRW"
    events = events_by_title(cal)
    assert set(events) == {
        "Briefing di preparazione — Missione Meccanica NRW",
        "Sessione B2B — Missione Meccanica NRW",
        "Cena di networking — Missione Meccanica NRW",
    }
    b2b = events["Sessione B2B — Missione Meccanica NRW"]
    assert str(b2b["LOCATION"]) == "IHK Köln, Köln"
    assert "DESCRIPTION" not in b2b
    dinner = events["Cena di networking — Missione Meccanica NRW"]
    assert str(dinner["LOCATION"]) == "Köln"
    briefing = events["Briefing di preparazione — Missione Meccanica NRW"]
    assert str(briefing["LOCATION"]) == "Camera di Commercio, via Piazzi 23, Sondrio"
    assert str(briefing["DESCRIPTION"]) == "Obiettivi, agenda e consigli pratici."


def test_times_are_in_each_citys_own_time_zone_with_vtimezones(mission):
    ics = mission_calendar(mission, items_of(mission))

    assert b"DTSTART;TZID=Europe/Berlin:20260610T100000" in ics
    assert b"DTEND;TZID=Europe/Berlin:20260610T130000" in ics
    assert b"DTSTART;TZID=Europe/Rome:20260603T173000" in ics
    cal = Calendar.from_ical(ics)
    assert sorted(str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")) == [
        "Europe/Berlin",
        "Europe/Rome",
    ]
    assert cal.get_missing_tzids() == set()
    # Parsed back, the instants are right: 10:00 in Köln in summer is 08:00 UTC.
    b2b = events_by_title(cal)["Sessione B2B — Missione Meccanica NRW"]
    start = b2b.decoded("DTSTART")
    assert start.astimezone(datetime.UTC) == datetime.datetime(
        2026, 6, 10, 8, 0, tzinfo=datetime.UTC
    )
    # VTIMEZONE components come before the events that use them.
    names = [component.name for component in cal.subcomponents]
    assert names[:2] == ["VTIMEZONE", "VTIMEZONE"]
    assert set(names[2:]) == {"VEVENT"}


def test_output_is_deterministic_with_stable_uids(mission):
    first = mission_calendar(mission, items_of(mission))
    second = mission_calendar(mission, items_of(mission))

    assert first == second
    uids = sorted(str(e["UID"]) for e in Calendar.from_ical(first).walk("VEVENT"))
    assert uids == sorted(
        f"programme-{pk}@club-esportatori" for pk in mission.programme.values_list("pk", flat=True)
    )
    stamps = {e.decoded("DTSTAMP") for e in Calendar.from_ical(first).walk("VEVENT")}
    assert stamps == {mission.created_at.replace(microsecond=0)}


def test_dtstamp_is_the_publication_time_when_published(mission):
    published = datetime.datetime(2026, 4, 1, 9, 0, tzinfo=ROME)
    mission.published_at = published
    ics = mission_calendar(mission, items_of(mission))

    assert b"DTSTAMP:20260401T070000Z" in ics


def test_no_queries_inside(mission, django_assert_num_queries):
    items = items_of(mission)
    with django_assert_num_queries(0):
        own = mission_calendar(mission, items)
        programme = firm_programme_calendar("Rossi S.r.l.", [(mission, items)])
    assert len(Calendar.from_ical(own).walk("VEVENT")) == 3
    assert len(Calendar.from_ical(programme).walk("VEVENT")) == 3


def test_firm_programme_spans_missions(mission, koeln):
    autumn = make_mission(title="Fiera Anuga", start=datetime.date(2026, 10, 10))
    ProgrammeItem.objects.create(
        mission=autumn,
        city=koeln,
        kind=ProgrammeItem.Kind.FAIR,
        title="Visita alla fiera",
        # 10:00 in Köln after the end of summer time is 09:00 UTC.
        starts_at=datetime.datetime(2026, 10, 26, 10, 0, tzinfo=BERLIN),
        ends_at=datetime.datetime(2026, 10, 26, 17, 0, tzinfo=BERLIN),
        place="Koelnmesse",
    )

    ics = firm_programme_calendar(
        "Società Agricola Àlpe", [(mission, items_of(mission)), (autumn, items_of(autumn))]
    )

    cal = Calendar.from_ical(ics)
    assert str(cal["X-WR-CALNAME"]) == "Programma di Società Agricola Àlpe"
    events = events_by_title(cal)
    assert len(events) == 4
    fair = events["Visita alla fiera — Fiera Anuga"]
    assert fair.decoded("DTSTART").astimezone(datetime.UTC).hour == 9
    assert b"DTSTART;TZID=Europe/Berlin:20261026T100000" in ics
    assert sorted(str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")) == [
        "Europe/Berlin",
        "Europe/Rome",
    ]
    # Events in chronological order across missions.
    starts = [e.decoded("DTSTART") for e in cal.walk("VEVENT")]
    assert starts == sorted(starts)


def test_empty_programme_is_still_a_valid_calendar():
    mission = make_mission()

    cal = Calendar.from_ical(mission_calendar(mission, []))

    assert cal.walk("VEVENT") == []
    assert cal.walk("VTIMEZONE") == []
    assert str(cal["X-WR-CALNAME"]) == mission.title
