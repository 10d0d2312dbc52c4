from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.http import AuthenticatedHttpRequest
from members.access import get_membership
from members.models import Firm, Invitation, JoinRequest, Sector
from missions import selectors as mission_selectors


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
    """'La mia impresa': create or join a firm, or see its status and completeness."""
    membership = get_membership(request.user)
    context: dict[str, object] = {"membership": membership}
    if membership:
        context["completeness"], context["missing"] = membership.firm.completeness()
        if membership.firm.is_approved:
            context.update(mission_selectors.firm_dashboard(firm=membership.firm))
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
