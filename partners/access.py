"""Who may reach the partners' workspace: a partner contact, and only their own missions; a
co-organiser's member, and only their organisation's partners on its assigned missions."""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, QuerySet
from django.http import Http404, HttpRequest

from missions.models import Mission, MissionPartner, Partner
from partners.models import CoOrganiserMember, PartnerContact, PartnerInvitation


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
    # One query: the invitation is a condition of the row (and the partner's city comes along:
    # the firms ranking and the agenda read its country and time zone).
    invited = PartnerInvitation.objects.filter(contact=contact, mission_id=mission_id)
    mission_partner = (
        MissionPartner.objects.select_related("mission", "partner__city")
        .filter(Exists(invited), mission_id=mission_id, partner_id=contact.partner_id)
        .first()
    )
    if mission_partner is None:
        raise Http404
    return mission_partner


# --- Co-organisers ------------------------------------------------------------------------------
# The one place that says what a co-organiser's member may reach: their organisation's missions
# (CoOrganiserMission, assigned by staff) and, on those, their organisation's partners
# (CoOrganiserPartner). Any other id is a 404, indistinguishable from an id that does not exist.


def is_co_organiser_member(user: object) -> bool:
    """Whether the account is a co-organiser's member (their home is the co-organisers' area)."""
    user_id = getattr(user, "pk", None)
    return user_id is not None and CoOrganiserMember.objects.filter(user_id=user_id).exists()


def co_member_of(request: HttpRequest) -> CoOrganiserMember:
    """The signed-in co-organiser member, or 403 (firm users, partner contacts, staff)."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    member = (
        CoOrganiserMember.objects.select_related("co_organiser", "user")
        .filter(user_id=request.user.pk or 0, user__is_staff=False, user__is_active=True)
        .first()
    )
    if member is None:
        raise PermissionDenied
    return member


def co_missions(member: CoOrganiserMember) -> QuerySet[Mission]:
    """The missions the member's organisation works on."""
    return Mission.objects.filter(co_organiser_links__co_organiser_id=member.co_organiser_id)


def co_partners(member: CoOrganiserMember) -> QuerySet[Partner]:
    """The partners the member's organisation brings."""
    return Partner.objects.filter(co_organiser_links__co_organiser_id=member.co_organiser_id)


def co_mission(member: CoOrganiserMember, mission_id: int) -> Mission:
    """A mission assigned to the member's organisation, or 404."""
    mission = co_missions(member).filter(pk=mission_id).first()
    if mission is None:
        raise Http404
    return mission


def co_partner(member: CoOrganiserMember, partner_id: int) -> Partner:
    """A partner of the member's organisation, or 404."""
    partner = co_partners(member).select_related("city").filter(pk=partner_id).first()
    if partner is None:
        raise Http404
    return partner


def co_mission_partners(co_organiser_id: int) -> QuerySet[MissionPartner]:
    """The places of the organisation's partners on the organisation's missions: the rule the
    pages below and the co-organisers' services (partners.co_organisers) share."""
    return MissionPartner.objects.filter(
        mission__co_organiser_links__co_organiser_id=co_organiser_id,
        partner__co_organiser_links__co_organiser_id=co_organiser_id,
    )


def co_mission_partner(
    member: CoOrganiserMember, mission_id: int, partner_id: int
) -> MissionPartner:
    """The place on an assigned mission of one of the organisation's partners, or 404."""
    mission_partner = (
        co_mission_partners(member.co_organiser_id)
        .select_related("mission", "partner__city")
        .filter(mission_id=mission_id, partner_id=partner_id)
        .first()
    )
    if mission_partner is None:
        raise Http404
    return mission_partner
