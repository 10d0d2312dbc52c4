"""Pages of the B2B meetings of a mission, for the firms confirmed on it."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from members.access import approved_member_required, get_membership
from missions import calendar, selectors
from missions.models import Application, Meeting, MeetingRequest, Mission
from missions.services import ApplicationError, b2b
from missions.views import _ics_response


class MeetingRequestForm(forms.Form):
    partner = forms.IntegerField(widget=forms.HiddenInput)
    priority = forms.TypedChoiceField(
        label=gettext_lazy("Priorità"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        initial=3,
    )
    reason = forms.CharField(
        label=gettext_lazy("Perché volete incontrarli"), max_length=200, required=False
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=Meeting.Outcome.choices[1:])
    note = forms.CharField(max_length=300, required=False)


def _get_participation(request: HttpRequest, mission_id: int) -> tuple[Mission, object]:
    """The mission and the user's firm, if that firm is confirmed on it; else 404."""
    membership = get_membership(request.user)
    mission = Mission.objects.filter(pk=mission_id, status__in=selectors.VISIBLE).first()
    if mission is None or membership is None:
        raise Http404
    confirmed = Application.objects.filter(
        mission=mission, firm=membership.firm, status=Application.Status.CONFIRMED
    ).exists()
    if not confirmed:
        raise Http404
    return mission, membership


@approved_member_required
def b2b_page(request: HttpRequest, mission_id: int) -> HttpResponse:
    mission, membership = _get_participation(request, mission_id)
    context = selectors.firm_b2b(mission=mission, firm=membership.firm)
    context.update(
        mission=mission,
        is_owner=membership.is_owner,
        outcome_choices=Meeting.Outcome.choices,
    )
    return render(request, "missions/b2b.html", context)


@approved_member_required
@require_POST
def meeting_request(request: HttpRequest, mission_id: int) -> HttpResponse:
    mission, membership = _get_participation(request, mission_id)
    if not membership.is_owner:
        raise Http404
    form = MeetingRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Richiesta non valida: scegli una priorità da 1 a 5."))
        return redirect("missions:b2b", mission_id=mission.pk)
    try:
        b2b.meeting_request_create(
            mission_id=mission.pk,
            firm=membership.firm,
            user=request.user,
            partner_id=form.cleaned_data["partner"],
            priority=form.cleaned_data["priority"],
            reason=form.cleaned_data["reason"],
        )
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Richiesta di incontro inviata."))
    return redirect("missions:b2b", mission_id=mission.pk)


@approved_member_required
@require_POST
def meeting_request_cancel(request: HttpRequest, request_id: int) -> HttpResponse:
    membership = get_membership(request.user)
    if membership is None or not membership.is_owner:
        raise Http404
    try:
        meeting_request = b2b.meeting_request_cancel(request_id=request_id, firm=membership.firm)
    except MeetingRequest.DoesNotExist:
        raise Http404 from None
    except ApplicationError as exc:
        messages.error(request, str(exc))
        return redirect("missions:list")
    messages.success(request, _("Richiesta annullata."))
    return redirect("missions:b2b", mission_id=meeting_request.mission_id)


@approved_member_required
@require_POST
def wish_answer(request: HttpRequest, request_id: int) -> HttpResponse:
    membership = get_membership(request.user)
    if membership is None or not membership.is_owner:
        raise Http404
    try:
        meeting_request = b2b.partner_wish_answer(
            request_id=request_id, firm=membership.firm, accept=request.POST.get("answer") == "yes"
        )
    except MeetingRequest.DoesNotExist:
        raise Http404 from None
    except ApplicationError:
        messages.error(request, _("Hai già risposto a questa richiesta."))
        return redirect("missions:list")
    return redirect("missions:b2b", mission_id=meeting_request.mission_id)


def _agenda_context(request: HttpRequest, mission_id: int) -> dict:
    mission, membership = _get_participation(request, mission_id)
    if mission.agenda_published_at is None:
        raise Http404
    context = selectors.firm_agenda(mission=mission, firm=membership.firm)
    context.update(mission=mission, firm=membership.firm)
    return context


@approved_member_required
def agenda(request: HttpRequest, mission_id: int) -> HttpResponse:
    return render(request, "missions/agenda.html", _agenda_context(request, mission_id))


@approved_member_required
def agenda_pdf(request: HttpRequest, mission_id: int) -> HttpResponse:
    import weasyprint

    context = _agenda_context(request, mission_id)
    html = render_to_string("missions/agenda_pdf.html", context, request=request)
    pdf = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="agenda.pdf"'
    return response


@approved_member_required
def agenda_ics(request: HttpRequest, mission_id: int) -> HttpResponse:
    context = _agenda_context(request, mission_id)
    content = calendar.agenda_calendar(context["mission"], context["items"], context["meetings"])
    return _ics_response(content, f"agenda {context['mission'].title}")


@approved_member_required
@require_POST
def meeting_outcome(request: HttpRequest, meeting_id: int) -> HttpResponse:
    membership = get_membership(request.user)
    if membership is None:
        raise Http404
    form = OutcomeForm(request.POST)
    try:
        meeting = Meeting.objects.get(pk=meeting_id, firm=membership.firm)
    except Meeting.DoesNotExist:
        raise Http404 from None
    if form.is_valid():
        b2b.meeting_record_outcome(
            meeting_id=meeting.pk,
            firm=membership.firm,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Esito salvato."))
    else:
        messages.error(request, _("Scegli un esito."))
    return redirect("missions:b2b", mission_id=meeting.mission_id)
