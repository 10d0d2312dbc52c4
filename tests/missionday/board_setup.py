"""A mission happening today for the live board's tests: a B2B session in Köln that started 75
minutes ago (30-minute slots, 2 tables: slots 0 and 1 ended, slot 2 running, 3-7 to come),
three confirmed firms with a delegate each, two attending partners with a German contact each,
and their badges (not checked in yet)."""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.utils import timezone

from missionday.models import DayPass
from missionday.services.passes import check_in_record, day_passes_issue
from missions import services as b2b
from missions.models import Meeting, Mission, MissionPartner, Partner, ProgrammeItem, Slot
from partners.models import PartnerContact
from tests.factories import (
    ApplicationFactory,
    FirmFactory,
    MembershipFactory,
    MissionFactory,
    ProgrammeItemFactory,
    UserFactory,
    city,
    sector,
)


@dataclass
class Day:
    mission: Mission
    session: ProgrammeItem
    slots: list[Slot]
    firms: list
    partners: list[Partner]
    delegates: list
    contacts: list


def mission_today(*, now: dt.datetime | None = None) -> Day:
    now = now or timezone.now()
    today = timezone.localdate(now)
    mission = MissionFactory(
        title="Missione Pietra a Colonia",
        start_date=today,
        end_date=today + dt.timedelta(days=1),
        sectors=[sector("lapideo")],
        slot_minutes=30,
        tables=2,
    )
    start = (now - dt.timedelta(minutes=75)).replace(second=0, microsecond=0)
    session = ProgrammeItemFactory(
        mission=mission,
        city=city("koeln"),
        title="Incontri B2B",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=4),
    )
    firms, delegates = [], []
    for name in ["Graniti Valmasino", "Serizzo Spa", "Pietre Orobiche"]:
        firm = FirmFactory(name=name, sector=sector("lapideo"))
        delegate = MembershipFactory(firm=firm).user
        ApplicationFactory(mission=mission, firm=firm, applied_by=delegate)
        firms.append(firm)
        delegates.append(delegate)
    partners, contacts = [], []
    for name in ["Naturstein Import GmbH", "Fassaden Köln AG"]:
        partner = Partner.objects.create(name=name, kind=Partner.Kind.IMPORTER, city=city("koeln"))
        MissionPartner.objects.create(
            mission=mission, partner=partner, attendance=MissionPartner.Attendance.CONFIRMED
        )
        contact = UserFactory(language="de")
        PartnerContact.objects.create(user=contact, partner=partner)
        partners.append(partner)
        contacts.append(contact)
    b2b.slots_generate(mission_id=mission.pk)
    day_passes_issue(mission=mission)
    slots = list(Slot.objects.filter(session=session).order_by("index"))
    return Day(mission, session, slots, firms, partners, delegates, contacts)


def accepted(day: Day, firm, partner, *, priority: int = 3) -> Meeting:
    """An accepted request's meeting, not placed."""
    owner = firm.memberships.get().user
    request = b2b.meeting_request_create(
        mission_id=day.mission.pk, firm=firm, user=owner, partner_id=partner.pk, priority=priority
    )
    b2b.meeting_requests_decide(request_ids=[request.pk], accept=True)
    return Meeting.objects.get(request=request)


def place(meeting: Meeting, slot: Slot, table: int) -> Meeting:
    Meeting.objects.filter(pk=meeting.pk).update(slot=slot, table=table)
    meeting.refresh_from_db()
    return meeting


def check_in(day: Day, *, firm=None, partner=None) -> None:
    """Check in the badge of the firm's delegate or of the partner's contact, today."""
    badge = DayPass.objects.get(mission=day.mission, firm=firm, partner=partner)
    check_in_record(mission=day.mission, token=badge.token, client_id=uuid.uuid4())


def freed(day: Day, slot: Slot, table: int = 1) -> Meeting:
    """A no-show at `table` of `slot` (a firm that never came, with the second partner)."""
    firm = FirmFactory(name=f"Assente {slot.index}-{table}", sector=sector("lapideo"))
    MembershipFactory(firm=firm)
    ApplicationFactory(mission=day.mission, firm=firm)
    meeting = accepted(day, firm, day.partners[1])
    Meeting.objects.filter(pk=meeting.pk).update(slot=slot, table=table, attendance="no_show")
    meeting.refresh_from_db()
    return meeting
