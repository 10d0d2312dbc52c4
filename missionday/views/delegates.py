"""A firm's delegates for a mission: its owners name who gets a badge (issue 18)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.http import AuthenticatedHttpRequest
from members.access import get_membership
from members.models import Firm, User
from missionday.forms import DelegateForm
from missionday.models import CheckIn, DayPass
from missionday.services import passes
from missionday.services.errors import DelegateRefused, MissionDayError, PassNotFound
from missions.models import Application


def _get_application_for_owner(
    request: AuthenticatedHttpRequest, mission_id: int
) -> tuple[Application, Firm]:
    """The firm's confirmed application: 403 for a collaborator, 404 for a firm without one."""
    membership = get_membership(request.user)
    if membership is None or not membership.firm.is_approved:
        raise Http404
    try:
        application = passes.delegates_application(
            mission_id=mission_id, firm=membership.firm, by=request.user
        )
    except DelegateRefused:
        if membership.is_owner:
            raise Http404 from None
        raise PermissionDenied from None
    return application, membership.firm


@login_required
@require_http_methods(["GET", "POST"])
def delegates(request: AuthenticatedHttpRequest, mission_id: int) -> HttpResponse:
    application, firm = _get_application_for_owner(request, mission_id)
    badges = list(
        DayPass.objects.filter(mission_id=mission_id, firm=firm, kind=DayPass.Kind.DELEGATE)
        .annotate(checked_in=Exists(CheckIn.objects.filter(day_pass=OuterRef("pk"))))
        .order_by("full_name", "pk")
    )
    people = User.objects.filter(membership__firm=firm).exclude(
        pk__in=[b.user_id for b in badges if b.user_id]
    )
    form = DelegateForm(people=people.order_by("first_name", "last_name", "email"))
    action = request.POST.get("action")
    if request.method == "POST" and action == "add":
        form = DelegateForm(request.POST, people=people)
        if form.is_valid():
            try:
                passes.delegate_add(
                    mission_id=mission_id,
                    firm=firm,
                    by=request.user,
                    user=form.cleaned_data["member"],
                    full_name=form.cleaned_data["full_name"],
                )
            except MissionDayError as error:
                messages.error(request, str(error))
            return redirect("missionday:delegates", mission_id=mission_id)
    elif request.method == "POST":
        return _remove(request, mission_id, firm, request.POST.get("day_pass", ""))
    return render(
        request,
        "missionday/delegates.html",
        {
            "mission": application.mission,
            "application": application,
            "badges": badges,
            "form": form,
            "full": len(badges) >= application.delegates,
            "is_owner": True,
        },
    )


def _remove(
    request: AuthenticatedHttpRequest, mission_id: int, firm: Firm, day_pass_id: str
) -> HttpResponse:
    if (
        request.POST.get("action") != "remove"
        or not (day_pass_id.isascii() and day_pass_id.isdecimal())
        or len(day_pass_id) > 18
    ):
        messages.error(request, _("Richiesta non valida: riprova dalla pagina."))
        return redirect("missionday:delegates", mission_id=mission_id)
    try:
        passes.delegate_remove(
            mission_id=mission_id, day_pass_id=int(day_pass_id), firm=firm, by=request.user
        )
    except PassNotFound:
        messages.error(request, _("Questo delegato non è più nell'elenco."))
    except MissionDayError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Delegato tolto: il suo badge non vale più."))
    return redirect("missionday:delegates", mission_id=mission_id)
