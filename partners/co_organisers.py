"""The writes of the co-organisers: their members, the partners they bring, the invitations they
send. (Services; the reads and the access rules are in partners.access.)

A co-organiser (a German chamber, an Italian chamber abroad, an EEN partner) has members who
manage only their own partners (CoOrganiserPartner) on the missions staff assigned to it
(CoOrganiserMission). Every write below checks that rule again, whatever view or admin calls it.
"""

from typing import Any

from allauth.account.forms import ResetPasswordForm
from allauth.account.models import EmailAddress
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from members.models import Membership, User
from missions.models import Partner
from missions.services import partners as mission_partners
from partners import services
from partners.access import co_mission_partners
from partners.models import (
    CoOrganiser,
    CoOrganiserMember,
    CoOrganiserMission,
    CoOrganiserPartner,
    PartnerContact,
    PartnerInvitation,
)


class CoOrganiserError(services.PartnersError):
    pass


class NotACoOrganiserMember(CoOrganiserError):
    message = _(
        "Questo indirizzo appartiene a un membro dello staff, a un'impresa, al referente di un "
        "partner o al membro di un altro co-organizzatore: non può essere aggiunto."
    )


class MissionNotAssigned(CoOrganiserError):
    status = 404
    message = _("Questa missione non è assegnata al vostro co-organizzatore.")


class PartnerNotYours(CoOrganiserError):
    status = 404
    message = _("Questo partner non è tra i vostri partner della missione.")


def member_add(
    *,
    co_organiser_id: int,
    email: str,
    first_name: str = "",
    last_name: str = "",
    language: str = "de",
) -> CoOrganiserMember:
    """Make the person with this email a member of the co-organiser (an account without a
    password is created if new; member_password_email lets them choose one).

    A member is never staff, in a firm, a partner contact or another co-organiser's member
    (NotACoOrganiserMember). The person's row is locked, so two adds of one address make one."""
    email = User.objects.normalize_email(email).strip()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        if user is None:
            # The flag in the same save: the person never has a moment as a firm-capable user.
            user = User(
                email=email,
                first_name=first_name,
                last_name=last_name,
                language=language,
                is_co_organiser_member=True,
            )
            user.set_unusable_password()
            user.save()
        elif (
            user.is_staff
            or user.is_superuser
            or Membership.objects.filter(user=user).exists()
            or PartnerContact.objects.filter(user=user).exists()
            or CoOrganiserMember.objects.filter(user=user)
            .exclude(co_organiser_id=co_organiser_id)
            .exists()
        ):
            raise NotACoOrganiserMember
        # Staff vouch for the address; the person proves it by choosing a password from the
        # email, so allauth's mandatory verification does not stop their first login.
        address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
        if address is None:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        elif not address.verified:
            address.verified = True
            address.save(update_fields=["verified"])
        member, _created = CoOrganiserMember.objects.get_or_create(
            user=user, defaults={"co_organiser_id": co_organiser_id}
        )
        if not user.is_co_organiser_member:
            # An existing account: members.services keeps them out of firms by this flag, and
            # the header links their area (templates/base.html).
            user.is_co_organiser_member = True
            user.save(update_fields=["is_co_organiser_member"])
    return member


def member_password_email(*, request: HttpRequest, member_id: int) -> bool:
    """Send the member allauth's "choose a password" email (its password reset), in their
    language, through the outbox. False for an inactive member or one no longer there."""
    member = (
        CoOrganiserMember.objects.select_related("user")
        .filter(pk=member_id, user__is_active=True)
        .first()
    )
    if member is None:
        return False
    form = ResetPasswordForm(data={"email": member.user.email})
    if not form.is_valid():
        return False
    form.save(request)
    return True


def partner_create(
    *,
    co_organiser_id: int,
    mission_id: int,
    fields: dict[str, Any],
) -> Partner:
    """A new partner organisation brought by the co-organiser: theirs (CoOrganiserPartner) and
    on the mission. The mission must be assigned to the co-organiser (MissionNotAssigned); the
    partner and its place on the mission are missions.services.partners.partner_create's (the
    mission lock; wrong values raise missions' PartnerInvalid with the field errors), in the
    same transaction as the link, so nothing is written when any of it is refused."""
    with transaction.atomic():
        if not CoOrganiserMission.objects.filter(
            co_organiser_id=co_organiser_id, mission_id=mission_id
        ).exists():
            raise MissionNotAssigned
        partner = mission_partners.partner_create(mission_id=mission_id, fields=fields)
        CoOrganiserPartner.objects.create(co_organiser_id=co_organiser_id, partner=partner)
    return partner


def partner_link(*, co_organiser_id: int, partner_id: int) -> CoOrganiserPartner:
    """Staff give a partner to a co-organiser (admin); idempotent."""
    link, _created = CoOrganiserPartner.objects.get_or_create(
        co_organiser_id=co_organiser_id, partner_id=partner_id
    )
    return link


def contact_invite(
    *,
    member: CoOrganiserMember,
    mission_id: int,
    partner_id: int,
    email: str,
    first_name: str = "",
    last_name: str = "",
    role: str = "",
) -> PartnerInvitation:
    """A co-organiser's member invites a contact of one of their partners to an assigned mission
    (PartnerNotYours otherwise); then as staff's invitations (partners.services.contact_invite),
    with the member as the inviter."""
    if (
        not co_mission_partners(member.co_organiser_id)
        .filter(mission_id=mission_id, partner_id=partner_id)
        .exists()
    ):
        raise PartnerNotYours
    return services.contact_invite(
        partner_id=partner_id,
        mission_id=mission_id,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        invited_by=member.user,
    )


def co_organiser_create(
    *, name: str, kind: str, country: str = "DE", website: str = ""
) -> CoOrganiser:
    """A co-organiser (the demo's; staff create theirs in admin)."""
    co_organiser, _created = CoOrganiser.objects.get_or_create(
        name=name, defaults={"kind": kind, "country": country, "website": website}
    )
    return co_organiser
