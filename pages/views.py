import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseServerError,
)
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token

from checkup import selectors as checkup_selectors
from checkup.path import firm_path
from core.http import AuthenticatedHttpRequest
from core.middleware import STAFF_AREAS
from members.access import get_membership
from members.models import Firm, Invitation, JoinRequest, Sector
from missionday import selectors as missionday_selectors
from missions import selectors as mission_selectors
from partners.access import is_co_organiser_member


def terms(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/terms.html", {"version": settings.TERMS_VERSION})


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "sectors": Sector.objects.order_by("name"),
        "firm_count": Firm.objects.filter(status=Firm.Status.APPROVED).count(),
        "mentor_count": Firm.objects.filter(status=Firm.Status.APPROVED, is_mentor=True).count(),
    }
    return render(request, "pages/home.html", context)


@login_required
def my_firm(request: AuthenticatedHttpRequest) -> HttpResponse:
    """'La mia impresa': create or join a firm, or see its status and completeness.

    A co-organiser's member has no firm: they land in their own area (where login takes them)."""
    if request.user.is_partner_contact:
        # A German partner's contact has no firm and may not create one: their workspace.
        return redirect("partners:home")
    membership = get_membership(request.user)
    if membership is None and is_co_organiser_member(request.user):
        return redirect("partners:co_home")
    context: dict[str, object] = {"membership": membership}
    if membership:
        context["completeness"], context["missing"] = membership.firm.completeness()
        if membership.is_owner:  # the check-up is for the people who may edit the firm
            context["checkups"] = summary = checkup_selectors.firm_checkups(firm=membership.firm)
            if summary.last:  # the personal path, from the latest check-up's gaps
                context["path"] = firm_path(firm=membership.firm, checkup=summary.last)
        if membership.firm.is_approved:
            context.update(mission_selectors.firm_dashboard(firm=membership.firm))
            # The person's attendance certificates (missions they checked in at).
            context["certificates"] = missionday_selectors.certificate_passes(request.user)
    else:
        context["pending_request"] = (
            JoinRequest.objects.filter(user=request.user, status=JoinRequest.Status.PENDING)
            .select_related("firm")
            .first()
        )
        context["invitations"] = Invitation.objects.filter(
            email__iexact=request.user.email, accepted_at__isnull=True
        ).select_related("firm")
    return render(request, "pages/my_firm.html", context)


# --- Error pages (club/urls.py: handler400/403/404/500) ------------------------------------------
# Each says what happened and offers a way back: home, and the page the visitor came from when it
# is one of ours. 403 and 404 render in the site's layout with the visitor's menu; 400 and 500 use
# templates/_error_base.html, which needs no request, user, session or database: a 400 can come
# before the session exists (a host we do not serve), a 500 while PostgreSQL is down.


logger = logging.getLogger(__name__)
_PLAIN_500 = (
    '<!DOCTYPE html><html lang="it"><head><meta charset="utf-8"><title>Errore</title></head>'
    '<body><h1>Si è verificato un errore</h1><p><a href="/">Torna alla home</a></p></body></html>'
)


def _back_url(request: HttpRequest) -> str | None:
    """The page the visitor came from, as a path, when it is ours and not this very page."""
    referer = request.headers.get("referer", "")
    try:
        host = request.get_host()
    except Exception:  # noqa: BLE001 (DisallowedHost, or a request too broken to have one)
        return None
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(referer)
    back = parts.path + (f"?{parts.query}" if parts.query else "")
    if not back.startswith("/") or back == request.get_full_path():
        return None
    return back


def _staff_area(request: HttpRequest) -> bool:
    return request.path.startswith(STAFF_AREAS)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    body = loader.get_template("400.html").render({"back_url": _back_url(request)})
    return HttpResponseBadRequest(body)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    staff_area = _staff_area(request)
    context = {
        "back_url": _back_url(request),
        "staff_area": staff_area,
        # A co-organiser's member reaches only their own area: the page says where it is (the
        # firms' pages and the partners' workspace are not theirs).
        "co_organiser_area": not staff_area and is_co_organiser_member(request.user),
    }
    return render(request, "403.html", context, status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"back_url": _back_url(request)}, status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """No RequestContext: the context processors query the database, which may be the failure."""
    try:
        body = loader.get_template("500.html").render({"back_url": _back_url(request)})
    except Exception:  # the error page must not fail in turn: a plain one, still with a way home
        logger.exception("The 500 page could not be rendered")
        body = _PLAIN_500
    return HttpResponseServerError(body)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: an expired or foreign form, said in the visitor's words."""
    return render(request, "403_csrf.html", {"back_url": _back_url(request)}, status=403)
