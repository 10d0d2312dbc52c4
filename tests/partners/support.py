"""Helpers of the partners' workspace tests: a partner on a mission, an invited contact, links."""

import re

from missions.models import MissionPartner, Partner
from partners import services
from partners.models import PartnerContact
from tests.factories import MissionFactory, StaffFactory, city

LINK = re.compile(r"https?://\S+/partner/accesso/([A-Za-z0-9_\-]+)/")


def partner_on_mission(name="Naturstein Import GmbH", mission=None):
    mission = mission or MissionFactory()
    partner = Partner.objects.create(name=name, kind=Partner.Kind.IMPORTER, city=city("koeln"))
    mission_partner = MissionPartner.objects.create(mission=mission, partner=partner)
    return mission, partner, mission_partner


def invite(capture, mission, partner, email="anna.schmidt@naturstein.de", by=None):
    with capture(execute=True):
        services.contact_invite(
            partner_id=partner.pk,
            mission_id=mission.pk,
            email=email,
            first_name="Anna",
            last_name="Schmidt",
            invited_by=by or StaffFactory(),
        )
    return PartnerContact.objects.get(user__email=email)


def token_in(mail) -> str:
    match = LINK.search(mail.body)
    assert match, mail.body
    return match.group(1)
