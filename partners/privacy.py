"""The partners' workspace's part of a person's data: their partner contact (which organisation,
their role), the missions they were invited to and the sign-in links they were sent; their
membership of a co-organiser and the invitations they sent as one.

Registered with core.privacy from PartnersConfig.ready.
"""

from typing import Any

from core.privacy import Contributor, Erasure, ErasureStep, iso
from members.models import User
from missions.models import Meeting
from partners.models import CoOrganiserMember, PartnerContact, PartnerInvitation, SignInLink


def export_person(user: User) -> dict[str, Any]:
    return {**_export_contact(user), **_export_co_organiser_member(user)}


def _export_co_organiser_member(user: User) -> dict[str, Any]:
    member = CoOrganiserMember.objects.select_related("co_organiser").filter(user=user).first()
    if member is None:
        return {}
    return {
        "co_organiser_member": {
            "co_organiser": member.co_organiser.name,
            "created_at": iso(member.created_at),
            "partner_invitations_sent": [
                {
                    "partner": i.contact.partner.name,
                    "mission": i.mission.title,
                    "created_at": iso(i.created_at),
                }
                for i in PartnerInvitation.objects.filter(invited_by=user)
                .select_related("contact__partner", "mission")
                .order_by("pk")
            ],
        }
    }


def _export_contact(user: User) -> dict[str, Any]:
    contact = PartnerContact.objects.select_related("partner").filter(user=user).first()
    if contact is None:
        return {}
    return {
        "partner_contact": {
            "partner": contact.partner.name,
            "role": contact.role,
            "created_at": iso(contact.created_at),
            "invitations": [
                {"mission": i.mission.title, "created_at": iso(i.created_at)}
                for i in PartnerInvitation.objects.filter(contact=contact)
                .select_related("mission")
                .order_by("pk")
            ],
            "sign_in_links": [
                {
                    "created_at": iso(link.created_at),
                    "expires_at": iso(link.expires_at),
                    "used_at": iso(link.used_at),
                }
                for link in SignInLink.objects.filter(contact=contact).order_by("pk")
            ],
            "meeting_feedback": _meeting_feedback(user),
        }
    }


def _meeting_feedback(user: User) -> list[dict[str, Any]]:
    """The feedback on meetings that this contact gave (the last answer of each meeting)."""
    return [
        {
            "mission": m.mission.title,
            "firm": m.firm.name,
            "starts_at": iso(m.slot.starts_at) if m.slot else None,
            "held": m.partner_held,
            "interest": m.get_partner_interest_display() if m.partner_interest else None,
            "next_step": m.get_partner_next_step_display() if m.partner_next_step else None,
            "note": m.partner_note,
            "given_at": iso(m.partner_feedback_at),
        }
        for m in Meeting.objects.filter(partner_feedback_by=user)
        .select_related("mission", "firm", "slot")
        .order_by("pk")
    ]


def _delete(erasure: Erasure) -> dict[str, int]:
    # The contact's invitations and links go with it (cascade); the partner organisation stays.
    deleted, _by_model = PartnerContact.objects.filter(user=erasure.user).delete()
    # The membership of a co-organiser goes; the organisation and its partners stay.
    members, _by_model = CoOrganiserMember.objects.filter(user=erasure.user).delete()
    return {"partner_contact": deleted, "co_organiser_member": members}


def _unlink(erasure: Erasure) -> dict[str, int]:
    return {
        "partner_invitations_sent": PartnerInvitation.objects.filter(
            invited_by=erasure.user
        ).update(invited_by=None)
    }


contributor = Contributor(
    app_label="partners",
    order=45,
    export_person=export_person,
    erasure={ErasureStep.DELETE: _delete, ErasureStep.UNLINK: _unlink},
    exported={
        "partners.PartnerContact",
        "partners.PartnerInvitation",
        "partners.SignInLink",
        "partners.CoOrganiserMember",
    },
    erased={
        "partners.CoOrganiserMember",  # deleted (the co-organiser and its partners stay)
        "partners.PartnerContact",  # deleted, with its invitations and links
        "partners.PartnerInvitation",  # the person's deleted; those they sent (staff) unlinked
        "partners.SignInLink",  # deleted with the contact
    },
)
