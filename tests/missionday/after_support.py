"""People of a mission that ended yesterday: delegates and partner contacts, checked in or not
(for the certificate and survey tests, and the browser journey)."""

import datetime as dt
import uuid

from django.utils import timezone

from missionday.models import CheckIn, DayPass
from missions.models import MissionPartner, Partner
from partners.models import PartnerContact
from tests.factories import ApplicationFactory, MissionFactory, UserFactory, city, member


def past_mission(**kwargs):
    end = timezone.localdate() - dt.timedelta(days=1)
    defaults = {
        "title": "Missione pietra a Colonia",
        "title_de": "Naturstein-Mission Köln",
        "start_date": end - dt.timedelta(days=1),
        "end_date": end,
    }
    return MissionFactory(**{**defaults, **kwargs})


def check_in(day_pass, day=None):
    day = day or day_pass.mission.start_date
    return CheckIn.objects.create(
        day_pass=day_pass,
        day=day,
        client_id=uuid.uuid4(),
        checked_in_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30))),
    )


def delegate(mission, firm_name, first_name, last_name, *, checked_in=True, email=None):
    user = member(name=firm_name)
    user.first_name, user.last_name = first_name, last_name
    if email:
        user.email = email
    user.save()
    firm = user.membership.firm
    ApplicationFactory(mission=mission, firm=firm, applied_by=user)
    day_pass = DayPass.objects.create(
        mission=mission,
        kind=DayPass.Kind.DELEGATE,
        user=user,
        firm=firm,
        full_name=f"{first_name} {last_name}",
    )
    if checked_in:
        check_in(day_pass)
    return day_pass


def partner_contact(mission, name, first_name, last_name, *, checked_in=True, email=None):
    partner = Partner.objects.create(name=name, kind=Partner.Kind.IMPORTER, city=city("koeln"))
    MissionPartner.objects.create(
        mission=mission, partner=partner, attendance=MissionPartner.Attendance.CONFIRMED
    )
    extra = {"email": email} if email else {}
    user = UserFactory(first_name=first_name, last_name=last_name, language="de", **extra)
    PartnerContact.objects.create(user=user, partner=partner)
    day_pass = DayPass.objects.create(
        mission=mission,
        kind=DayPass.Kind.PARTNER,
        user=user,
        partner=partner,
        full_name=f"{first_name} {last_name}",
    )
    if checked_in:
        check_in(day_pass)
    return day_pass
