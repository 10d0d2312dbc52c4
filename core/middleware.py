from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.staff import has_staff_powers

STAFF_AREAS = ("/admin/", "/staff/")


class StaffMFARequiredMiddleware:
    """Staff reach the admin and the dashboard only with two-factor authentication active.

    Logging in already asks for the TOTP code once it is active (allauth.mfa); this makes
    activating it compulsory for staff accounts, which can change every firm's data. On the site,
    the same rule (core.staff.has_staff_powers) withholds their other powers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            request.path.startswith(STAFF_AREAS)
            and user.is_authenticated
            and user.is_staff
            and not has_staff_powers(user)
        ):
            messages.warning(
                request,
                _("Per usare l'amministrazione attiva prima l'autenticazione a due fattori."),
            )
            return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.path})}")
        return self.get_response(request)
