"""Writes about users, firms and memberships. Every write that spans objects lives here."""

from datetime import timedelta
from functools import partial
from typing import Any, NamedTuple

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import uploads
from core.errors import DomainError
from core.tasks import enqueue
from members import notification_kinds as kinds
from members.models import Firm, FirmChangeRequest, Invitation, JoinRequest, Membership, User
from members.recipients import notify_firm
from members.tasks import send_invitation as send_invitation_task
from notifications.emails import one_line
from notifications.services import notify


class MembershipError(DomainError):
    """Base of the domain errors below; views show `str(exc)` as a form error."""


class AlreadyInFirm(MembershipError):
    pass


class DuplicateVatNumber(MembershipError):
    pass


class LastOwner(MembershipError):
    pass


class InvitationInvalid(MembershipError):
    """Unknown, used, revoked or expired token, or meant for another address."""


class InvitationNotAllowed(MembershipError):
    """Only the owners of an approved firm invite."""


class TooManyInvitations(MembershipError):
    """The firm sent INVITATIONS_PER_FIRM_PER_DAY invitations in the last 24 hours."""


class NotForFirms(MembershipError):
    """The person is a German partner's contact or a co-organiser's member: never in a firm.

    `kind` says which ("partner_contact" or "co_organiser_member"), so a view sends them to
    their own area; `message` says it in words (the admin shows it)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind
        self.message = (
            _("Il referente di un partner non può far parte di un'impresa.")
            if kind == "partner_contact"
            else _("Il membro di un co-organizzatore non può far parte di un'impresa.")
        )


def _not_for_firms(is_partner_contact: bool, is_co_organiser_member: bool) -> None:
    if is_partner_contact:
        raise NotForFirms("partner_contact")
    if is_co_organiser_member:
        raise NotForFirms("co_organiser_member")


def check_may_belong_to_firm(user: User) -> None:
    """The rule, from the flags on the user row (no query): a partner contact or a
    co-organiser's member never creates a firm, asks to join one or accepts a team invitation
    (NotForFirms). The writes below check it again under the person's lock."""
    _not_for_firms(user.is_partner_contact, user.is_co_organiser_member)


def _lock_person(user_id: int) -> None:
    """Lock the person's row: every path that gives a person a firm after checking they have
    none (an invitation accepted, a join request accepted) takes it first, so two of them at
    once cannot both pass the check; the second waits, then sees the membership.

    The flags are read from the locked row (partners set them under the same lock), so a
    partner contact or a co-organiser's member never gets a firm (NotForFirms)."""
    flags = (
        User.objects.select_for_update(no_key=True)
        .filter(pk=user_id)
        .values_list("is_partner_contact", "is_co_organiser_member")
        .first()
    )
    if flags is not None:
        _not_for_firms(*flags)


class NotOwner(MembershipError):
    """The acting person is no longer an owner of the firm (checked under the lock)."""


def firm_create(*, user: User, data: dict[str, Any]) -> Firm:
    """Create a pending firm with `user` as its owner.

    A person belongs to at most one firm: the unique user column of Membership enforces it, so
    two concurrent submissions cannot both succeed.
    """
    try:
        with transaction.atomic():
            _lock_person(user.pk)
            if Membership.objects.filter(user=user).exists():
                raise AlreadyInFirm
            firm = Firm(**data, status=Firm.Status.PENDING)
            firm.full_clean()
            firm.save()
            Membership.objects.create(user=user, firm=firm, role=Membership.Role.OWNER)
            # A pending request to join another firm is moot now.
            JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING).update(
                status=JoinRequest.Status.DECLINED, decided_at=timezone.now()
            )
    except IntegrityError as exc:
        if "vat_number" in str(exc):
            raise DuplicateVatNumber from exc
        raise AlreadyInFirm from exc
    return firm


# --- Profile edits and change requests --------------------------------------------------------


class FirmUpdate(NamedTuple):
    """What an owner's edit did: the fields saved at once, and the change request (if any) that
    holds the rest for staff."""

    saved: list[str]
    change_request: FirmChangeRequest | None


def _attname(name: str) -> str:
    """The column attribute of a form field of Firm ("sector" -> "sector_id")."""
    field = Firm._meta.get_field(name)
    return str(getattr(field, "attname", name))


def _value_of(firm: Firm, name: str) -> object:
    return getattr(firm, _attname(name))


def _form_value(name: str, value: object) -> object:
    """A cleaned form value as the column stores it (a related object becomes its id)."""
    field = Firm._meta.get_field(name)
    if field.is_relation:
        return getattr(value, "pk", value)
    return value


def firm_update(*, firm_id: int, data: dict[str, Any], by: User) -> FirmUpdate:
    """Save an owner's edit of the firm's profile: only the fields that changed.

    On an approved firm a new ragione sociale, partita IVA or sector becomes a change request
    for staff (one pending per firm: a new one replaces its values); the other fields save at
    once. The firm row is locked and only the changed columns are written, so a concurrent
    approval, logo change or staff edit of other fields is never overwritten by the form's
    stale copy.
    """
    with transaction.atomic():
        firm = Firm.objects.select_for_update(no_key=True).get(pk=firm_id)
        changed = {
            name: _form_value(name, value)
            for name, value in data.items()
            if _form_value(name, value) != _value_of(firm, name)
        }
        guarded = {}
        if firm.status == Firm.Status.APPROVED:
            guarded = {k: changed.pop(k) for k in FirmChangeRequest.FIELDS if k in changed}
        for name, value in changed.items():
            setattr(firm, _attname(name), value)
        if changed:
            # Saved (not updated) so the audit trail records the change.
            firm.save(update_fields=list(changed))
        change_request = None
        if guarded:
            proposed: dict[str, Any] = {
                name: _value_of(firm, name) for name in FirmChangeRequest.FIELDS
            }
            proposed.update(guarded)
            change_request, _created = FirmChangeRequest.objects.update_or_create(
                firm=firm,
                status=FirmChangeRequest.Status.PENDING,
                defaults={
                    "name": str(proposed["name"]),
                    "vat_number": str(proposed["vat_number"]),
                    "sector_id": proposed["sector"],
                    "requested_by": by,
                },
            )
    return FirmUpdate(saved=list(changed), change_request=change_request)


def _describe_changes(change: FirmChangeRequest, firm: Firm) -> str:
    parts = []
    if change.name != firm.name:
        parts.append(f"{firm.name} → {change.name}")
    if change.vat_number != firm.vat_number:
        parts.append(f"{firm.vat_number} → {change.vat_number}")
    if change.sector_id != firm.sector_id:
        parts.append(f"{firm.sector.name} → {change.sector.name}")
    return "; ".join(parts) or "—"


def firm_change_requests_decide(
    *, request_ids: list[int], approve: bool, by: User
) -> tuple[int, int]:
    """Staff approve (the firm takes the new values) or reject pending change requests; the
    firm's owners are told either way. Returns (decided, refused because the partita IVA now
    belongs to another firm)."""
    decided = refused = 0
    for pk in request_ids:
        with transaction.atomic():
            change = (
                FirmChangeRequest.objects.select_for_update(of=("self",))
                .select_related("sector")
                .filter(pk=pk, status=FirmChangeRequest.Status.PENDING)
                .first()
            )
            if change is None:
                continue
            firm = (
                Firm.objects.select_for_update(no_key=True, of=("self",))
                .select_related("sector")
                .get(pk=change.firm_id)
            )
            changes = _describe_changes(change, firm)
            if approve:
                if Firm.objects.filter(vat_number=change.vat_number).exclude(pk=firm.pk).exists():
                    refused += 1
                    continue
                firm.name, firm.vat_number, firm.sector_id = (
                    change.name,
                    change.vat_number,
                    change.sector_id,
                )
                firm.save(update_fields=list(FirmChangeRequest.FIELDS))
            change.status = (
                FirmChangeRequest.Status.APPROVED if approve else FirmChangeRequest.Status.REJECTED
            )
            change.decided_at, change.decided_by = timezone.now(), by
            change.save(update_fields=["status", "decided_at", "decided_by"])
            notify_firm(
                firm=firm,
                owners_only=True,
                kind=(kinds.FIRM_CHANGE_APPROVED if approve else kinds.FIRM_CHANGE_REJECTED).slug,
                object_key=f"firmchangerequest:{change.pk}",
                context={"firm": firm.name, "changes": changes},
                url=reverse("my_firm"),
            )
            decided += 1
    return decided, refused


# --- Logo ---------------------------------------------------------------------------------------

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_FORMATS = ["PNG", "JPEG", "WEBP"]  # Pillow's names; decided by the bytes, not the name
LOGO_BOX = (512, 512)


def firm_logo_set(*, firm_id: int, upload: "UploadedFile[bytes]") -> Firm:
    """Make `upload` the firm's logo: checked by content, re-encoded, stored under a new name.

    Raises core.uploads.UploadRejected (too big, not a PNG/JPEG/WebP, too many pixels, damaged);
    then nothing is stored and the firm is unchanged. The file is written before the transaction
    and removed if the transaction fails; the old file is deleted only after the commit. The firm
    row is locked, so two replacements at once cannot both delete the same old file and leave
    one of the new ones orphaned.
    """
    name = uploads.clean_name(upload.name)
    data = uploads.read_upload(upload, max_bytes=LOGO_MAX_BYTES)
    image = uploads.open_image(data, formats=LOGO_FORMATS, name=name, allowed="PNG, JPEG, WebP")
    png, (width, height) = uploads.reencode_image(image, format="PNG", name=name, max_size=LOGO_BOX)
    stored = uploads.store(folder="logos", extension="png", data=png)
    try:
        with transaction.atomic():
            firm = Firm.objects.select_for_update(no_key=True).get(pk=firm_id)
            old = firm.logo.name or ""  # delete_on_commit() skips an empty name
            firm.logo, firm.logo_width, firm.logo_height = stored, width, height
            # Saved (not updated) so the audit trail records the change.
            firm.save(update_fields=["logo", "logo_width", "logo_height"])
            uploads.delete_on_commit(old)
    except BaseException:
        uploads.delete_quietly(stored)
        raise
    return firm


def firm_logo_remove(*, firm_id: int) -> bool:
    """Remove the firm's logo; the file is deleted after the commit. False if it had none."""
    with transaction.atomic():
        firm = Firm.objects.select_for_update(no_key=True).get(pk=firm_id)
        if not firm.logo:
            return False
        old = firm.logo.name or ""
        firm.logo, firm.logo_width, firm.logo_height = "", None, None
        firm.save(update_fields=["logo", "logo_width", "logo_height"])
        uploads.delete_on_commit(old)
    return True


def firms_approve(*, firms: QuerySet[Firm], by: User) -> int:
    """Approve the pending firms among `firms` and tell their people; return how many changed."""
    with transaction.atomic():
        ids = list(
            firms.filter(status=Firm.Status.PENDING)
            .select_for_update(no_key=True)
            .values_list("pk", flat=True)
        )
        approved = Firm.objects.filter(pk__in=ids).prefetch_related("memberships")
        for firm in approved:
            # Saved one by one (not a bulk update) so the audit trail records each approval.
            firm.status, firm.approved_at, firm.approved_by = (
                Firm.Status.APPROVED,
                timezone.now(),
                by,
            )
            firm.save(update_fields=["status", "approved_at", "approved_by"])
            notify_firm(
                firm=firm,
                kind=kinds.FIRM_APPROVED.slug,
                object_key=f"firm:{firm.pk}",
                context={"firm": firm.name},
                url=reverse("members:directory"),
            )
    return len(ids)


def firms_reject(*, firms: QuerySet[Firm]) -> int:
    """Reject the pending firms among `firms`; return how many changed.

    Takes the same lock as `firms_approve`, so an approval and a rejection of one firm at the
    same time cannot both apply: the second sees the firm no longer pending.
    """
    with transaction.atomic():
        ids = list(
            firms.filter(status=Firm.Status.PENDING)
            .select_for_update(no_key=True)
            .values_list("pk", flat=True)
        )
        for firm in Firm.objects.filter(pk__in=ids):  # one by one, for the audit trail
            firm.status = Firm.Status.REJECTED
            firm.save(update_fields=["status"])
    return len(ids)


def join_request_create(*, user: User, firm: Firm, message: str = "") -> JoinRequest:
    """Ask to join `firm`. One pending request per user; users already in a firm cannot ask,
    nor can partner contacts and co-organisers' members (NotForFirms)."""
    with transaction.atomic():
        _lock_person(user.pk)
        if Membership.objects.filter(user=user).exists():
            raise AlreadyInFirm
        if firm.status == Firm.Status.REJECTED:
            raise MembershipError
        try:
            with transaction.atomic():
                join_request = JoinRequest.objects.create(user=user, firm=firm, message=message)
        except IntegrityError:
            raise MembershipError from None
        notify_firm(
            firm=firm,
            owners_only=True,
            kind=kinds.JOIN_REQUEST_RECEIVED.slug,
            object_key=f"joinrequest:{join_request.pk}",
            context={
                "person": user.get_full_name() or user.email,
                "firm": firm.name,
                "message": message or "—",
            },
            url=reverse("members:team"),
        )
    return join_request


def join_request_decide(
    *, firm: Firm, join_request_id: int, accept: bool, by: User | None
) -> JoinRequest:
    """The owner `by` of `firm` accepts or declines a pending request addressed to `firm`.

    Raises NotOwner if `by` is no longer an owner once the firm's memberships are locked.
    """
    with transaction.atomic():
        _check_owner(_lock_memberships(firm), by)
        join_request = (
            JoinRequest.objects.select_for_update()
            .filter(firm=firm, status=JoinRequest.Status.PENDING)
            .get(pk=join_request_id)
        )
        join_request.decided_at = timezone.now()
        join_request.status = JoinRequest.Status.DECLINED
        if accept:
            _lock_person(join_request.user_id)
            if Membership.objects.filter(user_id=join_request.user_id).exists():
                join_request.save(update_fields=["status", "decided_at"])
                raise AlreadyInFirm
            Membership.objects.create(
                user_id=join_request.user_id, firm=firm, role=Membership.Role.MEMBER
            )
            join_request.status = JoinRequest.Status.ACCEPTED
        join_request.save(update_fields=["status", "decided_at"])
        notify(
            recipients=[join_request.user_id],
            kind=(kinds.JOIN_REQUEST_ACCEPTED if accept else kinds.JOIN_REQUEST_DECLINED).slug,
            object_key=f"joinrequest:{join_request.pk}",
            context={"firm": firm.name},
            url=reverse("my_firm"),
        )
    return join_request


def invitation_create(*, firm: Firm, email: str, role: str, invited_by: User) -> Invitation:
    """Invite a colleague by email; the mail goes out from a Celery task after commit.

    Only an owner of an approved firm invites (InvitationNotAllowed, checked under the firm's
    lock), and a firm sends at most INVITATIONS_PER_FIRM_PER_DAY new invitations in 24 hours
    (TooManyInvitations; revoked and accepted ones count too). Inviting an address that has an
    open invitation again only updates its role; an expired one is renewed (a new link and a
    new email), which counts as a new invitation."""
    email = email.strip().lower()
    if Membership.objects.filter(firm=firm, user__email__iexact=email).exists():
        raise AlreadyInFirm
    with transaction.atomic():
        # The firm row serialises the firm's invitations (the daily cap holds) and its approval.
        firm = Firm.objects.select_for_update(no_key=True).get(pk=firm.pk)
        is_owner = Membership.objects.filter(
            firm=firm, user=invited_by, role=Membership.Role.OWNER
        ).exists()
        if firm.status != Firm.Status.APPROVED or not is_owner:
            raise InvitationNotAllowed
        now = timezone.now()
        invitation = Invitation.objects.filter(
            firm=firm, email=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).first()
        if invitation is None or invitation.is_expired:
            recent = Invitation.objects.filter(firm=firm, created_at__gt=now - timedelta(days=1))
            if recent.count() >= settings.INVITATIONS_PER_FIRM_PER_DAY:
                raise TooManyInvitations
        if invitation is None:
            invitation = Invitation.objects.create(
                firm=firm, email=email, role=role, invited_by=invited_by
            )
        elif invitation.is_expired:
            invitation.token = Invitation._meta.get_field("token").get_default()
            invitation.created_at, invitation.sent_at = now, None
            invitation.role, invitation.invited_by = role, invited_by
            invitation.save(update_fields=["token", "created_at", "sent_at", "role", "invited_by"])
        elif invitation.role != role:
            invitation.role = role
            invitation.save(update_fields=["role"])
        # The row is the outbox: if the broker is down, enqueue logs and the sweeper sends later.
        transaction.on_commit(partial(enqueue, send_invitation_task, invitation.pk))
    return invitation


def invitation_revoke(*, firm: Firm, invitation_id: int) -> Invitation:
    """The owner of `firm` takes back an open invitation: its link stops working and, if the
    email has not gone out yet, it never will. Raises Invitation.DoesNotExist otherwise."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(
            pk=invitation_id, firm=firm, accepted_at__isnull=True, revoked_at__isnull=True
        )
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_accept(*, token: str, user: User) -> Membership:
    """Join the inviting firm. The invitation is for one email address, is used once, and only
    while it is valid (not revoked, not expired, its firm approved). "One firm per person" is
    checked under the person's lock (_lock_person)."""
    with transaction.atomic():
        _lock_person(user.pk)
        try:
            invitation = (
                Invitation.objects.select_for_update(of=("self",))
                .select_related("firm")
                .get(
                    token=token,
                    accepted_at__isnull=True,
                    revoked_at__isnull=True,
                    created_at__gt=Invitation.valid_since(),
                )
            )
        except Invitation.DoesNotExist:
            raise InvitationInvalid from None
        if invitation.email.lower() != user.email.lower():
            raise InvitationInvalid
        if invitation.firm.status != Firm.Status.APPROVED:
            raise InvitationInvalid
        if Membership.objects.filter(user=user).exists():
            raise AlreadyInFirm
        membership = Membership.objects.create(
            user=user, firm_id=invitation.firm_id, role=invitation.role
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING).update(
            status=JoinRequest.Status.DECLINED, decided_at=timezone.now()
        )
    return membership


def _lock_memberships(firm: Firm) -> list[Membership]:
    # Role changes of one firm are serialised on its membership rows, so two owners cannot
    # demote each other at the same time and leave the firm with none.
    return list(Membership.objects.select_for_update().filter(firm=firm).order_by("pk"))


def _check_owner(memberships: list[Membership], by: User | None) -> None:
    """The acting person must still be an owner, read under the lock on the memberships: an
    owner demoted or removed a moment ago cannot act on a page loaded before. `by=None` is Camera
    staff acting in admin, where the admin's model permissions decide."""
    if by is not None and not any(m.user_id == by.pk and m.is_owner for m in memberships):
        raise NotOwner


def membership_set_role(
    *, firm: Firm, membership_id: int, role: str, by: User | None
) -> Membership:
    """The owner `by` changes a colleague's role; a firm always keeps at least one owner."""
    with transaction.atomic():
        memberships = _lock_memberships(firm)
        _check_owner(memberships, by)
        membership = next((m for m in memberships if m.pk == membership_id), None)
        if membership is None:
            raise Membership.DoesNotExist
        owners = [m for m in memberships if m.is_owner]
        if membership.is_owner and role != Membership.Role.OWNER and len(owners) == 1:
            raise LastOwner
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def membership_add(*, user: User, firm: Firm, role: str) -> Membership:
    """Staff put a person in a firm (admin). One firm per person (AlreadyInFirm), never a
    partner contact or a co-organiser's member (NotForFirms), checked under the person's lock."""
    with transaction.atomic():
        _lock_person(user.pk)
        if Membership.objects.filter(user=user).exists():
            raise AlreadyInFirm
        membership = Membership.objects.create(user=user, firm=firm, role=role)
    return membership


def membership_remove(*, firm: Firm, membership_id: int, by: User | None) -> None:
    """The owner `by` removes a person from the firm; a firm always keeps at least one owner."""
    with transaction.atomic():
        memberships = _lock_memberships(firm)
        _check_owner(memberships, by)
        membership = next((m for m in memberships if m.pk == membership_id), None)
        if membership is None:
            raise Membership.DoesNotExist
        if membership.is_owner and sum(m.is_owner for m in memberships) == 1:
            raise LastOwner
        membership.delete()


def invitation_send(*, invitation_id: int) -> bool:
    """Send the invitation email once. Returns False if gone, accepted or already sent."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("firm", "invited_by")
            .filter(
                pk=invitation_id,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
                sent_at__isnull=True,
                created_at__gt=Invitation.valid_since(),
            )
            .first()
        )
        if invitation is None:
            return False
        url = settings.SITE_URL + reverse("members:invitation_accept", args=[invitation.token])
        with translation.override(settings.LANGUAGE_CODE):
            context = {"invitation": invitation, "url": url}
            subject = one_line(render_to_string("members/email/invitation_subject.txt", context))
            body = render_to_string("members/email/invitation_body.txt", context)
        # The send is the once-only effect: it runs under the row lock so a redelivered task
        # waits and then sees sent_at set.
        send_mail(subject, body, None, [invitation.email])
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
    return True


INVITATION_SWEEP_GRACE = timedelta(minutes=2)
# The sweeper gives up on an email that could not be sent in a day (the owner can invite again).
INVITATION_SWEEP_WINDOW = timedelta(days=1)


def invitations_sweep(*, grace: timedelta = INVITATION_SWEEP_GRACE) -> int:
    """Enqueue the invitations whose email is not sent yet: a task lost with the broker, or one
    that gave up on its retries. Returns how many were enqueued (beat, every few minutes)."""
    now = timezone.now()
    ids = list(
        Invitation.objects.filter(
            sent_at__isnull=True,
            accepted_at__isnull=True,
            revoked_at__isnull=True,  # a revoked invitation is never emailed
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
