"""Members' part of the person's data: the account, its email addresses (allauth), consents and
data requests, the membership, join requests and invitations; and the firm's profile and team.

Registered with core.privacy from MembersConfig.ready. The steps that act on the account itself
(`leave_firm`, `anonymise_account`) are called by privacy.erasure.erase_user at their place in
the erasure, around the other apps' steps.
"""

from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.privacy import Contributor, Erasure, ErasureStep, KeptRecord, iso
from members.models import (
    Consent,
    DataRequest,
    Firm,
    FirmChangeRequest,
    Invitation,
    JoinRequest,
    Membership,
    User,
)


def export_person(user: User) -> dict[str, Any]:
    membership = Membership.objects.select_related("firm").filter(user=user).first()
    return {
        "account": {
            "id": user.pk,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
            "date_joined": iso(user.date_joined),
            "last_login": iso(user.last_login),
            "terms_accepted_at": iso(user.terms_accepted_at),
            "terms_version": user.terms_version,
            "directory_consent": user.directory_consent,
            "newsletter_consent": user.newsletter_consent,
        },
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "consents": [
            {
                "kind": c.get_kind_display(),
                "granted": c.granted,
                "policy_version": c.policy_version,
                "source": c.get_source_display(),
                "created_at": iso(c.created_at),
            }
            for c in Consent.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "data_requests": [
            {
                "kind": r.get_kind_display(),
                "note": r.note,
                "created_at": iso(r.created_at),
                "completed_at": iso(r.completed_at),
            }
            for r in DataRequest.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "membership": {
            "firm": membership.firm.name,
            "role": membership.get_role_display(),
            "since": iso(membership.created_at),
        }
        if membership
        else None,
        "join_requests": [
            {
                "firm": r.firm.name,
                "message": r.message,
                "status": r.get_status_display(),
                "created_at": iso(r.created_at),
                "decided_at": iso(r.decided_at),
            }
            for r in JoinRequest.objects.filter(user=user).select_related("firm").order_by("pk")
        ],
        "invitations": [
            {
                "firm": i.firm.name,
                "email": i.email,
                "role": i.get_role_display(),
                "created_at": iso(i.created_at),
                "accepted_at": iso(i.accepted_at),
            }
            for i in Invitation.objects.filter(email__iexact=user.email)
            .select_related("firm")
            .order_by("pk")
        ],
    }


def _text(firm: Firm, column: str) -> str:
    # A translation column (not declared on the model class, so read by name); NULL is "".
    return str(getattr(firm, column) or "")


def export_firm(firm: Firm) -> dict[str, Any]:
    """What the firm's owner can already see about the firm: its profile and its team."""
    return {
        "profile": {
            "name": firm.name,
            "vat_number": firm.vat_number,
            "ateco_code": firm.ateco_code,
            "sector": firm.sector.name,
            "comune": firm.comune,
            "website": firm.website,
            # The Italian texts, then the German and English versions (members/translation.py).
            "description": _text(firm, "description_it"),
            "products": _text(firm, "products_it"),
            "description_de": _text(firm, "description_de"),
            "products_de": _text(firm, "products_de"),
            "description_en": _text(firm, "description_en"),
            "products_en": _text(firm, "products_en"),
            "employees": firm.get_employees_display(),
            "export_share": firm.get_export_share_display(),
            "target_markets": firm.target_markets,
            "languages": firm.languages,
            "is_mentor": firm.is_mentor,
            "status": firm.get_status_display(),
            "created_at": iso(firm.created_at),
            "approved_at": iso(firm.approved_at),
            # The image itself is on the firm's page; the export says whether there is one.
            "has_logo": bool(firm.logo),
        },
        "memberships": [
            {
                "name": m.user.get_full_name(),
                "email": m.user.email,
                "role": m.get_role_display(),
                "since": iso(m.created_at),
            }
            for m in firm.memberships.select_related("user").order_by("pk")
        ],
        "invitations": [
            {
                "email": i.email,
                "role": i.get_role_display(),
                "created_at": iso(i.created_at),
                "accepted_at": iso(i.accepted_at),
            }
            for i in firm.invitations.order_by("pk")
        ],
        "change_requests": [
            {
                "name": c.name,
                "vat_number": c.vat_number,
                "sector": c.sector.name,
                "status": c.get_status_display(),
                "created_at": iso(c.created_at),
                "decided_at": iso(c.decided_at),
            }
            for c in firm.change_requests.select_related("sector").order_by("pk")
        ],
    }


# --- Erasure ------------------------------------------------------------------------------------


def leave_firm(*, user: User) -> dict[str, Any]:
    """Remove the membership of a person being erased; the firm stays (it is a business record,
    not the person's).

    If the person was the firm's only owner, the longest-standing colleague becomes owner so
    the firm is not left without one; if they were its last member, the firm is flagged
    (`Firm.without_members_since`) for staff. Locks the firm's memberships in pk order, like every
    other role change (members.services). Returns the firm's id and the promoted membership's,
    or {} if the person had no firm.
    """
    membership = Membership.objects.filter(user=user).first()
    if membership is None:
        return {}
    memberships = list(
        Membership.objects.select_for_update().filter(firm_id=membership.firm_id).order_by("pk")
    )
    others = [m for m in memberships if m.user_id != user.pk]
    promoted = None
    if membership.is_owner and others and not any(m.is_owner for m in others):
        promoted = min(others, key=lambda m: (m.created_at, m.pk))
        promoted.role = Membership.Role.OWNER
        promoted.save(update_fields=["role"])
    Membership.objects.filter(pk=membership.pk).delete()
    if not others:
        # Nobody is left: flag the firm for staff (the other apps release what it held).
        firm = Firm.objects.select_for_update(no_key=True).get(pk=membership.firm_id)
        firm.without_members_since = timezone.now()
        firm.save(update_fields=["without_members_since"])
    return {"firm_id": membership.firm_id, "promoted_membership_id": promoted and promoted.pk}


def emptied_firm_id(firm_change: dict[str, Any]) -> int | None:
    """The firm that `leave_firm` (its result) left without members, if any."""
    firm_id = firm_change.get("firm_id")
    if firm_id is None or Membership.objects.filter(firm_id=firm_id).exists():
        return None
    return int(firm_id)


# The domain of every erased account's address (members.selectors keeps those rows).
ERASED_EMAIL_DOMAIN = "@invalid.example"


def anonymous_email(user: User) -> str:
    """The address an erased account keeps: unique, undeliverable, and says nothing."""
    return f"deleted-{user.pk}{ERASED_EMAIL_DOMAIN}"


def anonymise_account(*, user: User) -> None:
    """Strip the User row down to its id and sign-up date; the id keeps the consent and request
    logs together. Caller must hold the lock on the row (privacy.erasure.erase_user does)."""
    user.email = anonymous_email(user)
    user.first_name = user.last_name = ""
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.directory_consent = user.newsletter_consent = False
    user.terms_accepted_at, user.terms_version = None, ""
    user.last_login = None
    user.language = settings.LANGUAGE_CODE
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


def delete_account(*, user: User) -> dict[str, int]:
    """Delete an account that never became one (never verified, see
    members.selectors.never_verified_accounts) with its consent and request logs: there is no
    person left whose consents they would prove. Caller must hold the lock on the row and have
    run the other erasure steps first (privacy.erasure.delete_never_verified does)."""
    counts = {
        "consents": Consent.objects.filter(user=user).delete()[0],
        "data_requests": DataRequest.objects.filter(user=user).delete()[0],
    }
    # A queryset delete leaves `user.pk` set for the history step that runs after it.
    User.objects.filter(pk=user.pk).delete()
    return counts


def _delete(erasure: Erasure) -> dict[str, int]:
    user = erasure.user
    counts = {
        "email_addresses": EmailAddress.objects.filter(user=user).delete()[0],
        "join_requests": JoinRequest.objects.filter(user=user).delete()[0],
    }
    # Invitations to the person's address: the address is theirs, whoever sent them. Not for an
    # address nobody confirmed: the invitations may be to its real owner.
    if erasure.identity_confirmed:
        counts["invitations"] = Invitation.objects.filter(email__iexact=user.email).delete()[0]
    return counts


def _unlink(erasure: Erasure) -> dict[str, int]:
    user = erasure.user
    return {
        "invitations_sent": Invitation.objects.filter(invited_by=user).update(invited_by=None),
        "firms_approved": Firm.objects.filter(approved_by=user).update(approved_by=None),
        "firm_changes_requested": FirmChangeRequest.objects.filter(requested_by=user).update(
            requested_by=None
        ),
        "firm_changes_decided": FirmChangeRequest.objects.filter(decided_by=user).update(
            decided_by=None
        ),
    }


def _history(erasure: Erasure) -> dict[str, int]:
    # The rows about the person's membership, including the one its deletion just wrote.
    return {
        "membership_history": Membership.history.filter(user_id=erasure.user.pk).delete()[0],
    }


CONTRIBUTOR = Contributor(
    app_label="members",
    order=10,  # the account comes first in the export
    export_person=export_person,
    export_firm=export_firm,
    erasure={
        ErasureStep.DELETE: _delete,
        ErasureStep.UNLINK: _unlink,
        ErasureStep.HISTORY: _history,
    },
    kept_records=(
        KeptRecord(
            "user_row",
            _("Un account anonimo con il solo numero identificativo e la data di iscrizione"),
            _("Collega il registro dei consensi e delle richieste senza dire chi eri."),
        ),
        KeptRecord(
            "consents",
            _("Il registro dei consensi (tipo, versione dell'informativa, data)"),
            _("Prova dei consensi raccolti, richiesta dall'art. 7(1) del GDPR."),
        ),
        KeptRecord(
            "data_requests",
            _("La registrazione di questa cancellazione e delle tue richieste precedenti"),
            _("Dimostra che abbiamo rispettato i tuoi diritti (art. 5(2) del GDPR)."),
        ),
    ),
    exported={
        "account.EmailAddress",
        "members.Consent",
        "members.DataRequest",
        "members.Firm",
        "members.FirmChangeRequest",  # in the firm's document
        "members.Invitation",
        "members.JoinRequest",
        "members.Membership",
    },
    not_exported={
        "members.HistoricalFirm": "The audit trail of the firm's profile; its current state is "
        "exported to the owners.",
        "members.HistoricalMembership": "The audit trail of memberships; the current membership "
        "is exported.",
        "members.User_groups": "Staff permission groups, given by the Club, not by the person.",
        "members.User_user_permissions": "Staff permissions, given by the Club, not by the person.",
    },
    erased={
        "account.EmailAddress",  # deleted
        "members.DataRequest",  # anonymised (address and note), closed
        "members.Firm",  # approved_by unlinked; the firm itself is a business record
        "members.FirmChangeRequest",  # requested_by and decided_by unlinked
        "members.HistoricalMembership",  # the rows about the person deleted
        "members.Invitation",  # those to the person's address deleted, those sent unlinked
        "members.JoinRequest",  # deleted
        "members.Membership",  # the person leaves the firm (leave_firm)
        "members.User_groups",  # cleared (anonymise_account)
        "members.User_user_permissions",  # cleared (anonymise_account)
    },
    kept={
        "members.Consent": "The proof of consent (GDPR art. 7(1)), linked to the anonymous "
        "account; the erasure appends the withdrawals.",
        "members.HistoricalFirm": "The firm's audit trail; who made each change is cleared by "
        "the privacy app's history step.",
    },
)
