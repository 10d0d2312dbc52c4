"""iCalendar (.ics) files of mission programmes: pure functions, no queries, no requests.

Every programme item keeps the wall-clock time of its own city (a B2B session in Köln at 10:00
is ``DTSTART;TZID=Europe/Berlin:…T100000``, a briefing in Sondrio uses Europe/Rome), and the
calendar carries a VTIMEZONE for each TZID it uses, so any client shows the right time.
Output is deterministic (stable UIDs, DTSTAMP from the mission, sorted components): the same
programme always gives the same bytes.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.utils.translation import gettext
from icalendar import Calendar, Event

PRODID = "-//Camera di Commercio della Valtellina//Club degli Esportatori//IT"
UID_DOMAIN = "club-esportatori"


def item_uid(item) -> str:
    """Stable UID of a programme item: updates replace the event in the attendee's calendar."""
    return getattr(item, "uid", None) or f"programme-{item.pk}@{UID_DOMAIN}"


@dataclass(frozen=True)
class _MeetingEntry:
    """A placed B2B meeting shaped like a programme item, for the calendar."""

    pk: int
    uid: str
    title: str
    starts_at: datetime
    ends_at: datetime
    city: object
    place: str
    description: str


def agenda_calendar(mission, items: Iterable, meetings: Iterable) -> bytes:
    """A firm's agenda: the mission's programme items plus its placed meetings (slot, table).

    Meeting UIDs are stable, so a moved meeting updates the event instead of adding one.
    """
    entries = list(items)
    for meeting in meetings:
        slot = meeting.slot
        entries.append(
            _MeetingEntry(
                pk=meeting.pk,
                uid=f"meeting-{meeting.pk}@{UID_DOMAIN}",
                title=f"B2B: {meeting.partner.name} (tavolo {meeting.table})",
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                city=slot.session.city,
                place=slot.session.place,
                description=meeting.partner.description,
            )
        )
    return _calendar(f"Agenda B2B · {mission.title}", [(mission, entries)])


def partner_agenda_calendar(mission, meetings: Iterable) -> bytes:
    """A German partner's agenda: its placed meetings, named in the active language."""
    entries = [
        _MeetingEntry(
            pk=meeting.pk,
            uid=f"meeting-{meeting.pk}-partner@{UID_DOMAIN}",
            title=gettext("B2B: %(firm)s (tavolo %(table)s)")
            % {"firm": meeting.firm.name, "table": meeting.table},
            starts_at=meeting.slot.starts_at,
            ends_at=meeting.slot.ends_at,
            city=meeting.slot.session.city,
            place=meeting.slot.session.place,
            description=meeting.firm.products,
        )
        for meeting in meetings
    ]
    return _calendar(f"B2B · {mission.title}", [(mission, entries)])


def mission_calendar(mission, items: Iterable) -> bytes:
    """The programme of one mission: one VEVENT per item (items with ``.city`` loaded)."""
    return _calendar(mission.title, [(mission, items)])


def firm_programme_calendar(firm_name: str, missions_with_items: Iterable[tuple]) -> bytes:
    """A firm's whole programme: ``missions_with_items`` is an iterable of (mission, items)."""
    return _calendar(f"Programma di {firm_name}", missions_with_items)


def _calendar(name: str, missions_with_items: Iterable[tuple]) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)

    events = []
    for mission, items in missions_with_items:
        stamp = _stamp(mission)
        for item in items:
            events.append((item, _event(mission, item, stamp)))
    events.sort(key=lambda entry: (entry[0].starts_at, entry[0].pk))
    for _item, event in events:
        cal.add_component(event)

    if events:
        # VTIMEZONEs only for the years the programme spans (a full 1970–2038 table is huge).
        first_year = min(item.starts_at.year for item, _event in events)
        last_year = max(item.ends_at.year for item, _event in events)
        cal.add_missing_timezones(
            first_date=date(first_year - 1, 1, 1), last_date=date(last_year + 2, 1, 1)
        )
        _sort_timezones(cal)
    return cal.to_ical()


def _stamp(mission) -> datetime:
    moment = mission.published_at or mission.created_at
    return moment.astimezone(UTC).replace(microsecond=0)


def _event(mission, item, stamp: datetime) -> Event:
    city = item.city
    tz = city.tz
    event = Event()
    event.add("uid", item_uid(item))
    event.add("dtstamp", stamp)
    event.add("summary", f"{item.title} — {mission.title}")
    event.add("dtstart", item.starts_at.astimezone(tz))
    event.add("dtend", item.ends_at.astimezone(tz))
    event.add("location", f"{item.place}, {city.local_name}" if item.place else city.local_name)
    if item.description:
        event.add("description", item.description)
    return event


def _sort_timezones(cal: Calendar) -> None:
    """add_missing_timezones() iterates a set: put the VTIMEZONEs first, ordered by TZID."""
    timezones = sorted(
        (c for c in cal.subcomponents if c.name == "VTIMEZONE"), key=lambda c: str(c["TZID"])
    )
    others = [c for c in cal.subcomponents if c.name != "VTIMEZONE"]
    cal.subcomponents[:] = [*timezones, *others]
