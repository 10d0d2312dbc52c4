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


def co_organiser_with_member(name="AHK Köln", email="berater@ahk-koeln.example", missions=()):
    """A co-organiser with one member (an ordinary user, German, flagged as member_add does),
    assigned to `missions`."""
    from partners.models import CoOrganiser, CoOrganiserMember, CoOrganiserMission
    from tests.factories import UserFactory

    co_organiser = CoOrganiser.objects.create(name=name, kind=CoOrganiser.Kind.CHAMBER)
    user = UserFactory(email=email, language="de", is_co_organiser_member=True)
    CoOrganiserMember.objects.create(user=user, co_organiser=co_organiser)
    for mission in missions:
        CoOrganiserMission.objects.create(co_organiser=co_organiser, mission=mission)
    return co_organiser, user


def bring(co_organiser, partner):
    """The partner is one the co-organiser brings."""
    from partners.models import CoOrganiserPartner

    return CoOrganiserPartner.objects.create(co_organiser=co_organiser, partner=partner)
