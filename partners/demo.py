"""Demo data of the partners' workspace (seed_demo): a German partner's contact invited to the
Colonia–Dortmund mission. `seed_demo --accounts` prints a fresh sign-in link for them."""

from django.utils import timezone

from members.models import User
from missions.models import Mission, MissionPartner, Partner
from partners.models import PartnerContact, PartnerInvitation

DEMO_CONTACT_EMAIL = "kontakt@naturstein.example"
DEMO_MISSION = "Metalmeccanico e lapideo a Colonia e Dortmund"
DEMO_PARTNER = "Rhein Naturstein Import GmbH"


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
