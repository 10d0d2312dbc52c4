from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.confirm import confirmation_page, confirmed
from core.fragment_cache import render_cards
from core.http import AuthenticatedHttpRequest
from core.http import posted as _posted
from members.access import approved_member_required, get_membership, get_owned_membership
from members.models import Firm
from missions import calendar
from missions.forms import ApplicationForm
from missions.models import Application, Mission
from missions.selectors import missions as selectors
from missions.services import applications
from missions.services.errors import ApplicationError

if TYPE_CHECKING:
    from missions.selectors.missions import ListedMission, ShownMission

LIST_PAGE_SIZE = 12


def _firm(request: AuthenticatedHttpRequest) -> Firm | None:
    membership = get_membership(request.user)
    return membership.firm if membership else None


def _get_mission_for_user(request: AuthenticatedHttpRequest, mission_id: int) -> "ShownMission":
    try:
        return selectors.mission_detail(
            user=request.user, firm=_firm(request), mission_id=mission_id
        )
    except Mission.DoesNotExist:
        raise Http404 from None


def _get_application_for_owner(
    request: AuthenticatedHttpRequest, application_id: int
) -> Application:
    """The owner's own firm's application, else 403 (not owner) or 404 (someone else's)."""
    membership = get_owned_membership(request)
    try:
        return Application.objects.select_related("mission", "firm").get(
            pk=application_id, firm=membership.firm
        )
    except Application.DoesNotExist:
        raise Http404 from None


def _get_application_for_member(
    request: AuthenticatedHttpRequest, application_id: int
) -> tuple[Application, bool]:
    """The application of the user's own firm (else 404), and whether the user is its owner."""
    membership = get_membership(request.user)
    if membership is None:
        raise Http404
    try:
        application = Application.objects.select_related("mission", "firm").get(
            pk=application_id, firm=membership.firm
        )
    except Application.DoesNotExist:
        raise Http404 from None
    return application, membership.is_owner


@approved_member_required
def mission_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    mission_filter = selectors.mission_list(
        user=request.user, firm=_firm(request), params=request.GET
    )
    page = Paginator(mission_filter.qs, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.set_waitlist_positions(a for m in page.object_list for a in m.own_applications)
    cards = render_cards(
        list(page.object_list),
        template_name="missions/_mission_card.html",
        name="mission",
        state=_mission_card_state,
        prefetch=("sectors",),  # only for the cards not in the cache
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "missions/list.html",
        {"filter": mission_filter, "page": page, "cards": cards, "query": query.urlencode()},
    )


def _mission_card_state(mission: "ListedMission") -> tuple[object, ...]:
    # Everything the card shows that can change (a mission has no edit time): its fields, the
    # seat counts, destinations and sectors, and this firm's own status.
    return (
        mission.title,
        mission.summary,
        mission.start_date,
        mission.end_date,
        mission.seats,
        mission.seats_held,
        mission.waitlist,
        mission.registration_deadline,
        mission.status,
        tuple(mission.destinations),
        tuple(mission.sector_ids),
        tuple((a.status, a.waitlist_position) for a in mission.own_applications),
    )


@approved_member_required
def mission_detail(request: AuthenticatedHttpRequest, mission_id: int) -> HttpResponse:
    mission = _get_mission_for_user(request, mission_id)
    membership = get_membership(request.user)
    own = mission.own_applications[0] if mission.own_applications else None
    selectors.set_waitlist_positions(mission.own_applications)
    return render(
        request,
        "missions/detail.html",
        {
            "mission": mission,
            "days": selectors.programme_by_day(list(mission.programme.all())),
            "application": own,
            "is_owner": bool(membership and membership.is_owner),
            "seats_left": max(mission.seats - mission.seats_held, 0),
        },
    )


@approved_member_required
@require_http_methods(["GET", "POST"])
def application_apply(request: AuthenticatedHttpRequest, mission_id: int) -> HttpResponse:
    try:
        mission = selectors.mission_to_apply(user=request.user, mission_id=mission_id)
    except Mission.DoesNotExist:
        raise Http404 from None
    membership = get_owned_membership(request)
    form = ApplicationForm(_posted(request), mission=mission)
    if request.method == "POST" and form.is_valid():
        try:
            application = applications.application_create(
                mission_id=mission.pk,
                firm=membership.firm,
                user=request.user,
                delegates=form.cleaned_data["delegates"],
                note=form.cleaned_data["note"],
                answers=form.answers(),
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Candidatura inviata: %(status)s.")
                % {"status": application.get_status_display()},
            )
            return redirect("missions:detail", mission_id=mission.pk)
    return render(request, "missions/apply.html", {"mission": mission, "form": form})


@approved_member_required
@require_POST
def application_withdraw(request: AuthenticatedHttpRequest, application_id: int) -> HttpResponse:
    application = _get_application_for_owner(request, application_id)
    if not confirmed(request):
        if application.status == Application.Status.CONFIRMED:
            message = _(
                "Il posto confermato della tua impresa passa a chi è in lista d'attesa: "
                "non potrai riaverlo."
            )
        else:
            message = _("La candidatura sarà ritirata e non potrai riprenderla.")
        return confirmation_page(
            request,
            title=_("Ritirare la candidatura a «%(mission)s»?") % {"mission": application.mission},
            message=message,
            button=_("Sì, ritira la candidatura"),
            cancel_url=reverse("missions:detail", kwargs={"mission_id": application.mission_id}),
        )
    try:
        applications.application_withdraw(application_id=application.pk, firm=application.firm)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Candidatura ritirata."))
    return redirect("missions:detail", mission_id=application.mission_id)


@approved_member_required
@require_http_methods(["GET", "POST"])
def offer_respond(request: AuthenticatedHttpRequest, application_id: int) -> HttpResponse:
    """The link in the offer email: confirm or decline the freed seat.

    Every person of the firm is told about the offer and may open the page; only an owner
    answers (the others read who can)."""
    application, is_owner = _get_application_for_member(request, application_id)
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied
        accept = request.POST.get("answer") == "accept"
        action = applications.offer_accept if accept else applications.offer_decline
        try:
            action(application_id=application.pk, firm=application.firm)
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Posto confermato.") if accept else _("Hai rinunciato al posto.")
            )
        return redirect("missions:detail", mission_id=application.mission_id)
    return render(
        request, "missions/offer.html", {"application": application, "is_owner": is_owner}
    )


@approved_member_required
@require_POST
def interest_add(request: AuthenticatedHttpRequest, mission_id: int) -> HttpResponse:
    mission = _get_mission_for_user(request, mission_id)
    membership = get_membership(request.user)
    if membership is None:
        raise Http404
    applications.interest_add(mission=mission, firm=membership.firm, user=request.user)
    messages.success(request, _("Ti avviseremo quando si aprono le iscrizioni."))
    return redirect("missions:detail", mission_id=mission.pk)


def ics_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(name) or "programma"}.ics"'
    return response


@approved_member_required
def mission_ics(request: AuthenticatedHttpRequest, mission_id: int) -> HttpResponse:
    mission = _get_mission_for_user(request, mission_id)
    return ics_response(
        calendar.mission_calendar(mission, list(mission.programme.all())), mission.title
    )


@login_required
def firm_programme_ics(request: AuthenticatedHttpRequest) -> HttpResponse:
    firm = _firm(request)
    if firm is None:
        raise Http404
    missions = selectors.firm_programme(firm=firm)
    content = calendar.firm_programme_calendar(
        firm.name, [(m, list(m.programme.all())) for m in missions]
    )
    return ics_response(content, f"programma {firm.name}")
