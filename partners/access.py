"""Who may reach the partners' workspace: a partner contact, and only their own missions."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from missions.models import MissionPartner
from partners.models import PartnerContact, PartnerInvitation


def contact_of(request: HttpRequest) -> PartnerContact:
    """The signed-in partner contact, or 403 (firm users, staff: the workspace is not theirs)."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    contact = (
        PartnerContact.objects.select_related("partner", "user")
        .filter(user_id=request.user.pk or 0, user__is_staff=False)
        .first()
    )
    if contact is None:
        raise PermissionDenied
    return contact


def invited_mission(contact: PartnerContact, mission_id: int) -> MissionPartner:
    """The partner's place on a mission its contact was invited to, or 404 (another partner's
    mission is indistinguishable from a mission that does not exist)."""
    if not PartnerInvitation.objects.filter(contact=contact, mission_id=mission_id).exists():
        raise Http404
    mission_partner = (
        MissionPartner.objects.select_related("mission", "partner")
        .filter(mission_id=mission_id, partner_id=contact.partner_id)
        .first()
    )
    if mission_partner is None:
        raise Http404
    return mission_partner
