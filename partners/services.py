"""The writes of the partners' workspace: invitations, sign-in links, the first sign-in.

A partner contact is a members.User with no usable password, never staff and never in a firm,
linked to a missions.Partner by a PartnerContact row. Staff invite a contact to a mission (the
invitation email carries a personal sign-in link); a contact asks for a new link from the sign-in
page. Links are single-use, expire after PARTNER_LINK_VALID_HOURS and are stored hashed.
"""

import secrets
from datetime import timedelta
from functools import partial

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.auth import forget_users
from core.errors import DomainError
from core.tasks import enqueue
from core.translated import translations
from members.consents import consent_set
from members.models import Consent, Invitation, JoinRequest, Membership, User
from missions.models import MeetingRequest, MissionPartner
from notifications.emails import one_line
from notifications.services import notify
from partners import notification_kinds as kinds
from partners.models import (
    CoOrganiserMember,
    PartnerContact,
    PartnerInvitation,
    SignInLink,
    token_hash,
)
from partners.tasks import send_invitation as send_invitation_task
from partners.tasks import send_sign_in_link as send_sign_in_link_task


class PartnersError(DomainError):
    """Base of the errors below; `message` is shown to the user, `status` is the page's."""

    status = 400
    message = _("Operazione non consentita.")

    def __str__(self) -> str:
        return str(self.message)


class PartnerNotOnMission(PartnersError):
    message = _("Il partner non partecipa a questa missione: aggiungilo prima alla missione.")


class NotAPartnerContact(PartnersError):
    message = _(
        "Questo indirizzo appartiene a un membro dello staff, a un'impresa, a un co-organizzatore "
        "o al referente di un altro partner: non può essere invitato come referente."
    )


class AccountExists(PartnersError):
    message = _(
        "Questo indirizzo ha già un account sul portale: puoi invitare solo un indirizzo nuovo o "
        "un referente già registrato di questo partner. Per collegare questo account, scrivi allo "
        "staff della Camera."
    )


class PendingFirmApplication(PartnersError):
    message = _(
        "Questa persona ha una richiesta di adesione o un invito in attesa presso un'impresa: non "
        "può essere invitata come referente finché la richiesta o l'invito restano aperti."
    )


class LinkInvalid(PartnersError):
    status = 404
    message = _("Questo link di accesso non è valido. Richiedi un nuovo link.")


class LinkUsed(PartnersError):
    status = 410
    message = _("Questo link di accesso è già stato usato. Richiedi un nuovo link.")


class LinkExpired(PartnersError):
    status = 410
    message = _("Questo link di accesso è scaduto. Richiedi un nuovo link.")


class TermsRequired(PartnersError):
    status = 400
    message = _("Per accedere la prima volta accetta i termini d'uso.")


# --- Invitations --------------------------------------------------------------------------------


def _pending_firm_application(*, user: User | None, email: str) -> bool:
    """A pending join request of the account, or an open, unexpired firm invitation of the email:
    the person is on their way into a firm, which a partner contact never joins."""
    if user is not None and (
        JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING).exists()
    ):
        return True
    return Invitation.objects.filter(
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        created_at__gt=Invitation.valid_since(),
    ).exists()


def _contact_for(
    *,
    partner_id: int,
    email: str,
    first_name: str,
    last_name: str,
    new_or_own_only: bool = False,
) -> PartnerContact:
    """The partner's contact with this email, created with a password-less account if new.

    `new_or_own_only` (a co-organiser's invitation): an existing account is accepted only if it
    is already this partner's contact (AccountExists otherwise); linking anyone else's account is
    staff's. On every path an account on its way into a firm (a pending join request or firm
    invitation) is refused (PendingFirmApplication).

    The person's row is locked, so two invitations of one address create one contact."""
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is not None and (
        user.is_staff
        or user.is_superuser
        or Membership.objects.filter(user=user).exists()
        or CoOrganiserMember.objects.filter(user=user).exists()
    ):
        raise NotAPartnerContact
    if (
        new_or_own_only
        and user is not None
        and not PartnerContact.objects.filter(user=user, partner_id=partner_id).exists()
    ):
        raise AccountExists
    if _pending_firm_application(user=user, email=email):
        raise PendingFirmApplication
    if user is None:
        user = User(
            email=email,
            first_name=first_name,
            last_name=last_name,
            language="de",
            is_partner_contact=True,
        )
        user.set_unusable_password()
        user.save()
    contact = PartnerContact.objects.filter(user=user).first()
    if contact is None:
        contact = PartnerContact.objects.create(user=user, partner_id=partner_id)
    elif contact.partner_id != partner_id:
        raise NotAPartnerContact
    if not user.is_partner_contact:
        # The header reads this flag (templates/base.html): their workspace, no firm pages.
        user.is_partner_contact = True
        user.save(update_fields=["is_partner_contact"])
    return contact


def contact_add(
    *, partner_id: int, email: str, first_name: str = "", last_name: str = "", role: str = ""
) -> tuple[PartnerContact, bool]:
    """A contact of the partner, created if new (a password-less account), without inviting them
    to any mission (staff's import; inviting stays contact_invite). Returns (contact, created).

    An existing contact keeps the names they gave; the role is replaced when one is given.
    Raises NotAPartnerContact for staff, firm users and other partners' contacts."""
    email = User.objects.normalize_email(email).strip()
    with transaction.atomic():
        existed = PartnerContact.objects.filter(user__email__iexact=email).exists()
        contact = _contact_for(
            partner_id=partner_id, email=email, first_name=first_name, last_name=last_name
        )
        if role and contact.role != role:
            contact.role = role
            contact.save(update_fields=["role"])
    return contact, not existed


def contact_invite(
    *,
    partner_id: int,
    mission_id: int,
    email: str,
    first_name: str = "",
    last_name: str = "",
    role: str = "",
    invited_by: User | None,
) -> PartnerInvitation:
    """Invite a person of a partner attending the mission (PartnerNotOnMission otherwise).

    Creates the contact if new; inviting the same contact again sends a new email with a new
    link. The email goes out after commit (a task; the sweeper if the broker is down).

    An inviter who is not staff (a co-organiser's member) may invite only a new address or an
    existing contact of this partner (AccountExists otherwise)."""
    email = User.objects.normalize_email(email).strip()
    with transaction.atomic():
        if not MissionPartner.objects.filter(mission_id=mission_id, partner_id=partner_id).exists():
            raise PartnerNotOnMission
        contact = _contact_for(
            partner_id=partner_id,
            email=email,
            first_name=first_name,
            last_name=last_name,
            new_or_own_only=invited_by is not None and not invited_by.is_staff,
        )
        if role and contact.role != role:
            contact.role = role
            contact.save(update_fields=["role"])
        invitation, created = PartnerInvitation.objects.select_for_update().get_or_create(
            contact=contact, mission_id=mission_id, defaults={"invited_by": invited_by}
        )
        if not created:
            invitation.created_at, invitation.sent_at = timezone.now(), None
            invitation.invited_by = invited_by
            invitation.save(update_fields=["created_at", "sent_at", "invited_by"])
        transaction.on_commit(partial(enqueue, send_invitation_task, invitation.pk))
    return invitation


def _new_link(contact: PartnerContact) -> str:
    """Create a link for the contact; returns the raw token (kept nowhere but in the email)."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    SignInLink.objects.create(
        contact=contact,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + SignInLink.lifetime(),
    )
    return token


def _link_url(token: str) -> str:
    from django.urls import reverse

    return settings.SITE_URL + reverse("partners:signin", args=[token])


def _send(contact: PartnerContact, template: str, context: dict[str, object]) -> None:
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override(contact.user.language or "de"):
        context = {
            "contact": contact,
            "settings_hours": settings.PARTNER_LINK_VALID_HOURS,
            **context,
        }
        subject = one_line(render_to_string(f"partners/email/{template}_subject.txt", context))
        body = render_to_string(f"partners/email/{template}_body.txt", context)
    send_mail(subject, body, None, [contact.user.email])


def invitation_send(*, invitation_id: int) -> bool:
    """Send the invitation email, with a new sign-in link, once. False if gone or already sent."""
    with transaction.atomic():
        invitation = (
            PartnerInvitation.objects.select_for_update(of=("self",))
            .select_related("contact__user", "contact__partner", "mission")
            .filter(pk=invitation_id, sent_at__isnull=True, contact__user__is_active=True)
            .first()
        )
        if invitation is None:
            return False
        url = _link_url(_new_link(invitation.contact))
        # The send is the once-only effect: it runs under the row lock so a redelivered task
        # waits and then sees sent_at set.
        _send(
            invitation.contact,
            "invitation",
            {"invitation": invitation, "mission": invitation.mission, "url": url},
        )
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
    return True


INVITATION_SWEEP_GRACE = timedelta(minutes=2)
INVITATION_SWEEP_WINDOW = timedelta(days=1)


def invitations_sweep(*, grace: timedelta = INVITATION_SWEEP_GRACE) -> int:
    """Enqueue the invitations whose email is not sent yet (a task lost with the broker, or one
    that gave up on its retries). Returns how many were enqueued (beat, every few minutes)."""
    now = timezone.now()
    ids = list(
        PartnerInvitation.objects.filter(
            sent_at__isnull=True,
            created_at__lte=now - grace,
            created_at__gt=now - INVITATION_SWEEP_WINDOW,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    enqueued = 0
    for invitation_id in ids:
        if not enqueue(send_invitation_task, invitation_id):
            break  # the broker is still down: the next sweep tries again
        enqueued += 1
    return enqueued


# --- Sign-in links ------------------------------------------------------------------------------


def sign_in_link_request(*, email: str) -> bool:
    """Someone asked for a sign-in link for `email`: a link goes out only to an active partner
    contact (after commit). The caller answers the same whatever this returns (no enumeration);
    rate limits are the view's, per address and per client."""
    contact = (
        PartnerContact.objects.filter(
            user__email__iexact=email.strip(), user__is_active=True, user__is_staff=False
        )
        .only("pk")
        .first()
    )
    if contact is None:
        return False
    transaction.on_commit(partial(enqueue, send_sign_in_link_task, contact.pk))
    return True


def sign_in_link_send(*, contact_id: int) -> bool:
    """Email a new sign-in link to the contact (the task of sign_in_link_request)."""
    with transaction.atomic():
        contact = (
            PartnerContact.objects.select_related("user", "partner")
            .filter(pk=contact_id, user__is_active=True, user__is_staff=False)
            .first()
        )
        if contact is None:
            return False
        url = _link_url(_new_link(contact))
        _send(contact, "link", {"url": url})
    return True


def sign_in_link_issue(*, contact_id: int) -> str:
    """A new sign-in link for the contact, returned instead of emailed (the demo's --accounts;
    the raw token exists only in what this returns)."""
    contact = PartnerContact.objects.get(pk=contact_id)
    return _link_url(_new_link(contact))


def _find_link(token: str) -> SignInLink:
    """The link of this token (LinkInvalid if none), then LinkUsed or LinkExpired if so."""
    link = (
        SignInLink.objects.select_related("contact__user", "contact__partner")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if link is None or not link.contact.user.is_active or link.contact.user.is_staff:
        raise LinkInvalid
    if link.used_at is not None:
        raise LinkUsed
    if link.expires_at <= timezone.now():
        raise LinkExpired
    return link


def sign_in_link_check(*, token: str) -> PartnerContact:
    """Whom the link signs in, without using it (the confirmation page: mail scanners open
    links with GET, which must not consume them). Raises LinkInvalid, LinkUsed or LinkExpired."""
    return _find_link(token).contact


def sign_in_link_use(*, token: str, accept_terms: bool = False) -> User:
    """Use the link once; returns the user to log in. The link proves the address, so allauth's
    verification is recorded; the first sign-in records the acceptance of the terms in the consent
    log (TermsRequired without it, and the link stays unused)."""
    with transaction.atomic():
        try:
            link = SignInLink.objects.select_for_update().get(token_hash=token_hash(token))
        except SignInLink.DoesNotExist:
            raise LinkInvalid from None
        link = _find_link(token)  # re-read under the lock: a concurrent use wins once
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        user = link.contact.user
        address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
        if address is None:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        elif not address.verified:
            address.verified = True
            address.save(update_fields=["verified"])
        if user.terms_accepted_at is None:
            if not accept_terms:
                raise TermsRequired
            consent_set(
                user=user, kind=Consent.Kind.TERMS, granted=True, source=Consent.Source.SIGNUP
            )
    return user


def contacts_notify_meeting_request(request: MeetingRequest, event: str) -> None:
    """Tell the partner's contacts invited to the mission that a firm asked to meet them or
    answered their request (missions.partner_events listener, inside the writing transaction)."""
    kind = {
        "requested": kinds.PARTNER_MEETING_REQUESTED,
        "accepted": kinds.PARTNER_MEETING_ACCEPTED,
        "declined": kinds.PARTNER_MEETING_DECLINED,
        "cancelled": kinds.PARTNER_MEETING_CANCELLED,
    }.get(event)
    if kind is None:
        return
    recipients = PartnerContact.objects.filter(
        partner_id=request.partner_id,
        invitations__mission_id=request.mission_id,
        user__is_active=True,
    ).values_list("user_id", flat=True)
    notify(
        recipients=list(recipients),
        kind=kind.slug,
        object_key=f"meetingrequest:{request.pk}",
        version=f"partner-{event}",
        context={
            # Every language's title: each contact reads their own (German by default).
            "mission": translations(request.mission, "title"),
            "firm": request.firm.name,
            "partner": request.partner.name,
        },
        url=reverse("partners:firms", args=[request.mission_id]),
    )


# --- The user's flags follow the rows ------------------------------------------------------------


def contact_row_deleted(*, sender: object, instance: PartnerContact, **kwargs: object) -> None:
    """post_delete of a PartnerContact (connected in apps.ready): the user is no longer a partner
    contact, so the header and "La mia impresa" are theirs again.

    A signal rather than calls in each deleting service: the row also goes by admin delete (one or
    a queryset), the privacy erasure and cascades (a partner's deletion); Django sends post_delete
    for every one of them, so no path can leave the flag behind."""
    User.objects.filter(pk=instance.user_id).update(is_partner_contact=False)
    forget_users([instance.user_id])  # no post_save for an update(): the cached copy goes here


def co_member_row_deleted(*, sender: object, instance: CoOrganiserMember, **kwargs: object) -> None:
    """post_delete of a CoOrganiserMember (connected in apps.ready): as contact_row_deleted, for
    is_co_organiser_member (a co-organiser's deletion cascades to its members)."""
    User.objects.filter(pk=instance.user_id).update(is_co_organiser_member=False)
    forget_users([instance.user_id])
