"""Who may do what: small helpers used at the top of views (healthchecks-style)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.auth import forget_users, remember_extra
from core.staff import has_staff_powers
from members.models import Firm, Membership, Sector

MEMBERSHIP = "_cached_membership"  # the user's attribute; kept beside the user (core/auth.py)


def get_membership(user) -> Membership | None:
    """The user's membership with its firm and sector, cached on the user object for the
    request and beside the signed-in user in Redis across requests (forgotten on every change of
    the membership, its firm or the firm's sector: `forget_membership`)."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, MEMBERSHIP):
        membership = (
            Membership.objects.select_related("firm", "firm__sector").filter(user=user).first()
        )
        setattr(user, MEMBERSHIP, membership)
        remember_extra(user, MEMBERSHIP, membership)
    return getattr(user, MEMBERSHIP)


def forget_membership(sender: object, instance: object, **kwargs: object) -> None:
    """post_save / post_delete of Membership, Firm and Sector (connected in apps.ready): the
    cached memberships that show the changed row go."""
    if isinstance(instance, Membership):
        user_ids = [instance.user_id]
    elif isinstance(instance, Firm):
        user_ids = list(
            Membership.objects.filter(firm_id=instance.pk).values_list("user_id", flat=True)
        )
    elif isinstance(instance, Sector):
        user_ids = list(
            Membership.objects.filter(firm__sector_id=instance.pk).values_list("user_id", flat=True)
        )
    else:
        return
    forget_users(user_ids)


def approved_member_required(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Members of approved firms and staff (with two-factor authentication) only; others are sent
    to their firm page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        membership = get_membership(request.user)
        if has_staff_powers(request.user) or (membership and membership.firm.is_approved):
            return view(request, *args, **kwargs)
        from django.contrib import messages

        if membership is None:
            # No firm at all (a new account, a co-organiser's member, a partner's contact):
            # nothing of theirs awaits approval.
            messages.info(
                request,
                _(
                    "Questa sezione è riservata ai soci: "
                    "le imprese iscritte e approvate dalla Camera."
                ),
            )
        else:
            messages.info(
                request,
                _(
                    "Questa sezione è riservata ai soci: "
                    "la tua impresa deve essere approvata dalla Camera."
                ),
            )
        return redirect("my_firm")

    return wrapper


def get_owned_membership(request: HttpRequest) -> Membership:
    """The request user's membership if they are an owner of their firm, else 403."""
    membership = get_membership(request.user)
    if membership is None or not membership.is_owner:
        raise PermissionDenied
    return membership
