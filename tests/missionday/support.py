"""A mission happening today for the companion's tests: a B2B session in Köln with a meeting
under way (its slot started ten minutes ago) and one later, for a delegate and a partner contact
who both have their badge."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from members.models import User
from missionday.models import DayPass
from missionday.services.passes import day_passes_issue
from missions.models import Meeting, MeetingRequest, Mission, MissionPartner, Partner, Slot
from partners.models import PartnerContact
from tests.factories import (
    ApplicationFactory,
    MissionFactory,
    ProgrammeItemFactory,
    UserFactory,
    city,
    member,
)


@dataclass
class MissionDay:
    mission: Mission
    delegate: User
    contact: User
    partner: Partner
    other_partner: Partner
    now_meeting: Meeting  # started ten minutes ago, with the partner, at table 3, interpreter
    later_meeting: Meeting  # in half an hour, with the other partner, at table 1


def _meeting(mission, firm, partner, slot, table, **kwargs):
    request = MeetingRequest.objects.create(
        mission=mission, firm=firm, partner=partner, status=MeetingRequest.Status.ACCEPTED
    )
    return Meeting.objects.create(
        request=request,
        mission=mission,
        firm=firm,
        partner=partner,
        slot=slot,
        table=table,
        **kwargs,
    )


def mission_today(
    *, title="Meccanica a Colonia", contact_language="de", contact_email=None
) -> MissionDay:
    koeln = city("koeln")
    now = timezone.now().replace(second=0, microsecond=0)
    today = timezone.localdate(now, koeln.tz)
    mission = MissionFactory(
        title=title,
        start_date=today - dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=1),
    )
    session = ProgrammeItemFactory(
        mission=mission,
        city=koeln,
        kind="b2b",
        title="B2B",
        place="Koelnmesse",
        starts_at=now - dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(hours=2),
    )
    slots = [
        Slot.objects.create(
            session=session,
            index=index,
            starts_at=now + dt.timedelta(minutes=start),
            ends_at=now + dt.timedelta(minutes=start + 20),
            tables=5,
        )
        for index, start in enumerate((-10, 30))
    ]
    delegate = member(name="Officine Valtellina S.r.l.", products="Valvole in ottone")
    firm = delegate.membership.firm
    ApplicationFactory(mission=mission, firm=firm, applied_by=delegate)
    partner = Partner.objects.create(
        name="Rhein Armaturen GmbH",
        kind=Partner.Kind.IMPORTER,
        city=koeln,
        products_sought="Armaturen, Ventile",
    )
    other_partner = Partner.objects.create(
        name="Westfalen Handel AG", kind=Partner.Kind.DISTRIBUTOR, city=koeln
    )
    contact = UserFactory(
        first_name="Anna",
        last_name="Becker",
        **({"email": contact_email} if contact_email else {}),
        language=contact_language,
        is_partner_contact=True,
    )
    for each in (partner, other_partner):
        MissionPartner.objects.create(
            mission=mission, partner=each, attendance=MissionPartner.Attendance.CONFIRMED
        )
    PartnerContact.objects.create(user=contact, partner=partner)
    now_meeting = _meeting(mission, firm, partner, slots[0], 3, needs_interpreter=True)
    later_meeting = _meeting(mission, firm, other_partner, slots[1], 1)
    Mission.objects.filter(pk=mission.pk).update(agenda_published_at=now)
    mission.refresh_from_db()
    day_passes_issue(mission=mission)
    assert DayPass.objects.filter(mission=mission, user__in=[delegate, contact]).count() == 2
    return MissionDay(
        mission, delegate, contact, partner, other_partner, now_meeting, later_meeting
    )
