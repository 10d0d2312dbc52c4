"""Pages of the B2B meetings of a mission, for the firms confirmed on it."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.http import AuthenticatedHttpRequest
from members.access import approved_member_required, get_membership
from members.models import Firm, Membership
from missions import calendar
from missions.forms import MeetingRequestForm, OutcomeForm
from missions.models import Application, Meeting, MeetingRequest, Mission
from missions.selectors import b2b as b2b_selectors
from missions.selectors.missions import VISIBLE
from missions.services import meeting_requests, outcomes
from missions.services.errors import MeetingError
from missions.views.missions import ics_response


def _get_participation(
    request: AuthenticatedHttpRequest, mission_id: int
) -> tuple[Mission, Membership]:
    """The mission and the user's firm, if that firm is confirmed on it; else 404."""
    membership = get_membership(request.user)
    mission = Mission.objects.filter(pk=mission_id, status__in=VISIBLE).first()
    if mission is None or membership is None:
        raise Http404
    confirmed = Application.objects.filter(
        mission=mission, firm=membership.firm, status=Application.Status.CONFIRMED
    ).exists()
    if not confirmed:
        raise Http404
    return mission, membership


@approved_member_required
def b2b_page(request: AuthenticatedHttpRequest, mission_id: int) -> HttpResponse:
    mission, membership = _get_participation(request, mission_id)
    context = {
        **b2b_selectors.firm_b2b(mission=mission, firm=membership.firm),
        "mission": mission,
        "is_owner": membership.is_owner,
        "outcome_choices": Meeting.Outcome.choices,
        "value_band_choices": Meeting.ValueBand.choices,
    }
    return render(request, "missions/b2b.html", context)


@approved_member_required
@require_POST
def meeting_request(request: AuthenticatedHttpRequest, mission_id: int) -> HttpResponse:
    # One query for what _get_participation checks (the service checks it again under the lock).
    membership = get_membership(request.user)
    if membership is None or not membership.is_owner:
        raise Http404
    confirmed = Application.objects.filter(
        mission_id=mission_id,
        mission__status__in=VISIBLE,
        firm=membership.firm,
        status=Application.Status.CONFIRMED,
    )
    if not confirmed.exists():
        raise Http404
    form = MeetingRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Richiesta non valida: scegli una priorità da 1 a 5."))
        return redirect("missions:b2b", mission_id=mission_id)
    try:
        meeting_requests.meeting_request_create(
            mission_id=mission_id,
            firm=membership.firm,
            user=request.user,
            partner_id=form.cleaned_data["partner"],
            priority=form.cleaned_data["priority"],
            reason=form.cleaned_data["reason"],
        )
    except MeetingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Richiesta di incontro inviata."))
    return redirect("missions:b2b", mission_id=mission_id)


@approved_member_required
@require_POST
def meeting_request_cancel(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    membership = get_membership(request.user)
    if membership is None or not membership.is_owner:
        raise Http404
    try:
        meeting_request = meeting_requests.meeting_request_cancel(
            request_id=request_id, firm=membership.firm
        )
    except MeetingRequest.DoesNotExist:
        raise Http404 from None
    except MeetingError as exc:
        messages.error(request, str(exc))
        return redirect("missions:list")
    messages.success(request, _("Richiesta annullata."))
    return redirect("missions:b2b", mission_id=meeting_request.mission_id)


@approved_member_required
@require_POST
def wish_answer(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    membership = get_membership(request.user)
    if membership is None or not membership.is_owner:
        raise Http404
    try:
        meeting_request = meeting_requests.partner_wish_answer(
            request_id=request_id, firm=membership.firm, accept=request.POST.get("answer") == "yes"
        )
    except MeetingRequest.DoesNotExist:
        raise Http404 from None
    except MeetingError:
        messages.error(request, _("Hai già risposto a questa richiesta."))
        return redirect("missions:list")
    return redirect("missions:b2b", mission_id=meeting_request.mission_id)


class AgendaPage(b2b_selectors.FirmAgenda):
    """The context of the agenda, as a page, a PDF and an .ics."""

    mission: Mission
    firm: Firm


def _agenda_context(request: AuthenticatedHttpRequest, mission_id: int) -> AgendaPage:
    mission, membership = _get_participation(request, mission_id)
    if mission.agenda_published_at is None:
        raise Http404
    return {
        **b2b_selectors.firm_agenda(mission=mission, firm=membership.firm),
        "mission": mission,
        "firm": membership.firm,
    }


@approved_member_required
def agenda(request: AuthenticatedHttpRequest, mission_id: int) -> HttpResponse:
    return render(request, "missions/agenda.html", _agenda_context(request, mission_id))


@approved_member_required
def agenda_pdf(request: AuthenticatedHttpRequest, mission_id: int) -> HttpResponse:
    import weasyprint  # heavy (Cairo/Pango bindings): loaded only when a PDF is asked for

    context = _agenda_context(request, mission_id)
    html = render_to_string("missions/agenda_pdf.html", context, request=request)
    pdf = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="agenda.pdf"'
    return response


@approved_member_required
def agenda_ics(request: AuthenticatedHttpRequest, mission_id: int) -> HttpResponse:
    context = _agenda_context(request, mission_id)
    content = calendar.agenda_calendar(context["mission"], context["items"], context["meetings"])
    return ics_response(content, f"agenda {context['mission'].title}")


@approved_member_required
@require_POST
def meeting_outcome(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    membership = get_membership(request.user)
    if membership is None:
        raise Http404
    form = OutcomeForm(request.POST)
    try:
        meeting = Meeting.objects.get(pk=meeting_id, firm=membership.firm)
    except Meeting.DoesNotExist:
        raise Http404 from None
    if form.is_valid():
        outcomes.meeting_record_outcome(
            meeting_id=meeting.pk,
            firm=membership.firm,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            value_band=form.cleaned_data["value_band"],
        )
        messages.success(request, _("Esito salvato."))
    elif "value_band" in form.errors:
        messages.error(request, _("Fascia di valore non valida: scegli una delle fasce."))
    else:
        messages.error(request, _("Scegli un esito."))
    return redirect("missions:b2b", mission_id=meeting.mission_id)
