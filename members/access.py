"""Who may do what: small helpers used at the top of views (healthchecks-style)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.staff import has_staff_powers
from members.models import Membership


def get_membership(user) -> Membership | None:
    """The user's membership with its firm, cached on the user object for the request."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_cached_membership"):
        user._cached_membership = (
            Membership.objects.select_related("firm", "firm__sector").filter(user=user).first()
        )
    return user._cached_membership


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
