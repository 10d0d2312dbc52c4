"""Read queries about firms, reused by views; each returns a queryset ready for its template."""

from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.http import QueryDict

from core.staff import has_staff_powers
from members.access import get_membership
from members.filters import FirmFilter
from members.models import DataRequest, Firm, Invitation, Membership, User
from members.privacy import ERASED_EMAIL_DOMAIN


def firm_directory(*, params: QueryDict) -> FirmFilter:
    """The approved firms, filtered by the directory's query string."""
    queryset = Firm.objects.filter(status=Firm.Status.APPROVED).select_related("sector")
    return FirmFilter(params, queryset=queryset.order_by("name", "pk"))


def _member_may_see(user: User, firm: Firm) -> bool:
    """The firm page's rule, shared by its logo: approved firms, the user's own, or staff."""
    membership = get_membership(user)
    own = membership is not None and membership.firm_id == firm.pk
    return firm.is_approved or own or has_staff_powers(user)


def firm_for_member(*, user: User, firm_id: int) -> Firm:
    """A firm as a member sees it: approved firms, or the user's own. Raises Firm.DoesNotExist."""
    contacts = Membership.objects.filter(user__directory_consent=True).select_related("user")
    queryset = Firm.objects.select_related("sector").prefetch_related(
        Prefetch("memberships", queryset=contacts, to_attr="listed_contacts")
    )
    firm = queryset.get(pk=firm_id)
    if not _member_may_see(user, firm):
        raise Firm.DoesNotExist
    return firm


def firm_logo_for_member(*, user: User, firm_id: int) -> Firm:
    """A firm with a logo, under the same rule as firm_for_member (one query, no contacts).

    Raises Firm.DoesNotExist when the firm is unknown, hidden from the user or has no logo."""
    firm = Firm.objects.only("pk", "status", "logo").exclude(logo="").get(pk=firm_id)
    if not _member_may_see(user, firm):
        raise Firm.DoesNotExist
    return firm


def firm_search(*, text: str) -> QuerySet[Firm]:
    """Firms a user may ask to join, by name or partita IVA."""
    queryset = Firm.objects.exclude(status=Firm.Status.REJECTED).select_related("sector")
    if text.isdigit():
        return queryset.filter(vat_number=text)
    return queryset.filter(name__icontains=text)[:20]


def invitation_for_user(*, token: str, user: User) -> Invitation:
    """The valid invitation behind a link, if it is meant for `user`: not accepted, revoked or
    expired. Raises Invitation.DoesNotExist."""
    return Invitation.objects.select_related("firm").get(
        token=token,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        created_at__gt=Invitation.valid_since(),
        email__iexact=user.email,
    )


def open_invitations(*, firm: Firm) -> QuerySet[Invitation]:
    """The invitations of the team page: not accepted nor revoked (expired ones included,
    shown as such, so the owner can renew or revoke them)."""
    return firm.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True)


def never_verified_accounts(*, joined_before: datetime) -> QuerySet[User]:
    """Accounts nobody ever confirmed: no verified address (allauth), never logged in, not staff,
    no firm, signed up before `joined_before`. The retention purge deletes them.

    Never an erased account: erasure anonymises the row (no address, no login, no firm) but
    keeps it on purpose, with its consent log and erasure record (GDPR arts. 7(1), 5(2))."""
    return (
        User.objects.filter(
            date_joined__lt=joined_before,
            is_staff=False,
            is_superuser=False,
            last_login__isnull=True,
            membership__isnull=True,
        )
        .exclude(emailaddress__verified=True)
        .exclude(data_requests__kind=DataRequest.Kind.ERASURE)
        .exclude(email__endswith=ERASED_EMAIL_DOMAIN)
        .order_by("pk")
    )
