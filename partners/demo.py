"""Demo data of the partners' workspace (seed_demo): a German partner's contact invited to the
Colonia–Dortmund mission, and AHK Köln, a co-organiser bringing that partner, with one member.
`seed_demo --accounts` prints a fresh sign-in link for the contact and the member's login."""

from allauth.account.models import EmailAddress
from django.utils import timezone

from members.models import User
from missions.models import Mission, MissionPartner, Partner
from partners.models import (
    CoOrganiser,
    CoOrganiserMember,
    CoOrganiserMission,
    CoOrganiserPartner,
    PartnerContact,
    PartnerInvitation,
)

DEMO_CONTACT_EMAIL = "kontakt@naturstein.example"
DEMO_MISSION = "Metalmeccanico e lapideo a Colonia e Dortmund"
DEMO_PARTNER = "Rhein Naturstein Import GmbH"
DEMO_CO_ORGANISER = "AHK Köln (demo)"
DEMO_CO_MEMBER_EMAIL = "beratung@ahk-koeln.example"


def seed() -> PartnerContact | None:
    """Idempotent; nothing if the demo mission or partner is missing."""
    mission = Mission.objects.filter(title_it=DEMO_MISSION).first()
    partner = Partner.objects.filter(name=DEMO_PARTNER).first()
    if mission is None or partner is None:
        return None
    MissionPartner.objects.get_or_create(mission=mission, partner=partner)
    user = User.objects.filter(email=DEMO_CONTACT_EMAIL).first()
    if user is None:
        user = User(
            email=DEMO_CONTACT_EMAIL,
            first_name="Anna",
            last_name="Schneider",
            language="de",
            is_partner_contact=True,
        )
        user.set_unusable_password()
        user.save()
    contact, _created = PartnerContact.objects.get_or_create(
        user=user, defaults={"partner": partner, "role": "Einkauf"}
    )
    # Marked as sent: the demo prints the link (seed_demo --accounts) instead of emailing it.
    PartnerInvitation.objects.get_or_create(
        contact=contact, mission=mission, defaults={"sent_at": timezone.now()}
    )
    return contact


def demo_contact() -> PartnerContact | None:
    return PartnerContact.objects.filter(user__email=DEMO_CONTACT_EMAIL).first()


def seed_co_organiser(*, password: str) -> CoOrganiserMember | None:
    """AHK Köln, on the demo mission, bringing the demo partner; one member (German) who logs
    in with `password`. Idempotent; nothing if the demo mission or partner is missing."""
    mission = Mission.objects.filter(title_it=DEMO_MISSION).first()
    partner = Partner.objects.filter(name=DEMO_PARTNER).first()
    if mission is None or partner is None:
        return None
    co_organiser, _created = CoOrganiser.objects.get_or_create(
        name=DEMO_CO_ORGANISER,
        defaults={
            "kind": CoOrganiser.Kind.CHAMBER,
            "country": "DE",
            "website": "https://www.ahk-koeln.example",
        },
    )
    CoOrganiserMission.objects.get_or_create(co_organiser=co_organiser, mission=mission)
    CoOrganiserPartner.objects.get_or_create(co_organiser=co_organiser, partner=partner)
    user = User.objects.filter(email=DEMO_CO_MEMBER_EMAIL).first()
    if user is None:
        user = User(
            email=DEMO_CO_MEMBER_EMAIL,
            first_name="Lena",
            last_name="Weber",
            language="de",
            terms_accepted_at=timezone.now(),
            is_co_organiser_member=True,  # as member_add: their area, never a firm
        )
        user.set_password(password)
        user.save()
    elif not user.is_co_organiser_member:
        user.is_co_organiser_member = True
        user.save(update_fields=["is_co_organiser_member"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    member, _created = CoOrganiserMember.objects.get_or_create(
        user=user, defaults={"co_organiser": co_organiser}
    )
    return member


def demo_co_member() -> CoOrganiserMember | None:
    return (
        CoOrganiserMember.objects.select_related("user", "co_organiser")
        .filter(user__email=DEMO_CO_MEMBER_EMAIL)
        .first()
    )
