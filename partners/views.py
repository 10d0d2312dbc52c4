"""The German partners' workspace: sign-in by link, their missions, attendance, slots, profile.

Every page but the two sign-in pages needs a signed-in partner contact (access.contact_of) and
reaches a mission only through the contact's invitations (access.invited_mission).
"""

from allauth.account.utils import perform_login
from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.fragment_cache import render_cards
from core.http import posted
from members.models import Firm
from missions import calendar
from missions.models import Meeting, MeetingRequest, Mission, MissionPartner, Partner, Slot
from missions.selectors import b2b as b2b_selectors
from missions.services import meeting_requests, outcomes, partner_attendance
from missions.services.errors import MissionsError
from partners import services
from partners.access import contact_of, invited_mission
from partners.forms import (
    AttendanceForm,
    MeetingCancelForm,
    MeetingFeedbackForm,
    PartnerMeetingRequestForm,
    PartnerProfileForm,
    RequestAnswerForm,
    SignInConfirmForm,
    SignInRequestForm,
)
from partners.models import PartnerInvitation

SIGN_IN = reverse_lazy("partners:signin_request")
partner_required = login_required(login_url=SIGN_IN)


def _refused(request: HttpRequest, error: services.PartnersError) -> HttpResponse:
    return render(
        request,
        "partners/link_refused.html",
        {"message": error.message},
        status=error.status,
    )


def signin_request(request: HttpRequest) -> HttpResponse:
    """ "Anmeldelink anfordern": the same neutral answer whether or not the address is known."""
    form = SignInRequestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        if not ratelimit.consume(request, action="partner_link", key=email):
            return render(
                request, "partners/signin_request.html", {"form": form, "limited": True}, status=429
            )
        services.sign_in_link_request(email=email)
        return render(request, "partners/signin_requested.html")
    return render(request, "partners/signin_request.html", {"form": form})


def signin(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a confirmation (a mail gateway's link scanner must not use the link up);
    POST uses the link and opens a session through allauth's login."""
    try:
        contact = services.sign_in_link_check(token=token)
    except services.PartnersError as error:
        return _refused(request, error)
    first = contact.user.terms_accepted_at is None
    form = SignInConfirmForm(posted(request), first_sign_in=first)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in_link_use(
                token=token, accept_terms=bool(form.cleaned_data.get("accept_terms"))
            )
        except services.PartnersError as error:
            return _refused(request, error)
        if request.user.is_authenticated and request.user.pk != user.pk:
            logout(request)
        response = perform_login(
            request, user, email_verification="none", redirect_url=reverse("partners:home")
        )
        # The workspace opens in the contact's language (German unless they chose another);
        # the language switch changes it as for anyone.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.language or "de",
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
        return response
    with translation.override(contact.user.language or "de"):
        return render(
            request,
            "partners/signin_confirm.html",
            {"contact": contact, "form": form, "first_sign_in": first},
        )


@partner_required
def home(request: HttpRequest) -> HttpResponse:
    contact = contact_of(request)
    invitations = list(
        PartnerInvitation.objects.filter(
            contact=contact, mission__mission_partners__partner_id=contact.partner_id
        )
        .select_related("mission")
        .prefetch_related(
            Prefetch(
                "mission__mission_partners",
                queryset=MissionPartner.objects.filter(partner_id=contact.partner_id),
                to_attr="own",
            )
        )
        .order_by("mission__start_date")
    )
    rows = [(i.mission, next(iter(getattr(i.mission, "own", [])), None)) for i in invitations]
    return render(request, "partners/home.html", {"contact": contact, "rows": rows})


def _mission_page(
    request: HttpRequest,
    mission_partner: MissionPartner,
    *,
    attendance_form: AttendanceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    slots = list(
        Slot.objects.filter(session__mission_id=mission_partner.mission_id)
        .select_related("session__city")
        .order_by("starts_at", "pk")
    )
    blocked = set(mission_partner.blocked_slots.values_list("pk", flat=True))
    initial = {"attending": {"confirmed": "yes", "declined": "no"}.get(mission_partner.attendance)}
    return render(
        request,
        "partners/mission.html",
        {
            "mission": mission_partner.mission,
            "mission_partner": mission_partner,
            "attendance_form": attendance_form or AttendanceForm(initial=initial),
            "slots": [(slot, slot.pk in blocked) for slot in slots],
        },
        status=status,
    )


@partner_required
def mission(request: HttpRequest, mission_id: int) -> HttpResponse:
    mission_partner = invited_mission(contact_of(request), mission_id)
    return _mission_page(request, mission_partner)


@partner_required
@require_POST
def attendance(request: HttpRequest, mission_id: int) -> HttpResponse:
    mission_partner = invited_mission(contact_of(request), mission_id)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        return _mission_page(request, mission_partner, attendance_form=form, status=400)
    partner_attendance.mission_partner_respond(
        mission_partner_id=mission_partner.pk, attending=form.cleaned_data["attending"]
    )
    messages.success(request, _("Risposta registrata."))
    return redirect("partners:mission", mission_id=mission_id)


@partner_required
@require_POST
def slots(request: HttpRequest, mission_id: int) -> HttpResponse:
    mission_partner = invited_mission(contact_of(request), mission_id)
    raw = request.POST.getlist("slots")
    if not all(value.isascii() and value.isdigit() and len(value) < 12 for value in raw):
        messages.error(request, _("Scegli le fasce dall'elenco."))
        return _mission_page(request, mission_partner, status=400)
    try:
        partner_attendance.mission_partner_block_slots(
            mission_partner_id=mission_partner.pk, slot_ids={int(value) for value in raw}
        )
    except MissionsError as error:
        messages.error(request, str(error.message))
        return _mission_page(request, mission_partner, status=400)
    messages.success(request, _("Disponibilità registrata."))
    return redirect("partners:mission", mission_id=mission_id)


@partner_required
def profile(request: HttpRequest) -> HttpResponse:
    contact = contact_of(request)
    form = PartnerProfileForm(posted(request), instance=contact.partner)
    if request.method == "POST":
        if form.is_valid():
            partner_attendance.partner_profile_update(
                partner_id=contact.partner_id,
                changes={name: form.cleaned_data[name] for name in form.Meta.fields},
            )
            messages.success(request, _("Profilo aggiornato."))
            return redirect("partners:profile")
        return render(request, "partners/profile.html", {"form": form}, status=400)
    return render(request, "partners/profile.html", {"form": form, "contact": contact})


def _firms_page(
    request: HttpRequest,
    mission_partner: MissionPartner,
    *,
    form: PartnerMeetingRequestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    mission = mission_partner.mission
    ranking = b2b_selectors.partner_ranking(mission=mission, partner=mission_partner.partner)
    open_wishes = sum(
        1 for row in ranking if row.request and row.request.origin == MeetingRequest.Origin.PARTNER
    )
    confirmed = mission_partner.attendance == MissionPartner.Attendance.CONFIRMED
    requests_left = max(mission.meeting_requests_per_partner - open_wishes, 0)
    # Each row is a cached card: its key holds the values below, the same for every contact of
    # the partner (the rows show no person); the forms get the reader's CSRF token on the way out.
    row_context = {
        "mission": mission,
        "confirmed": confirmed,
        "requests_left": requests_left,
        "choices": PartnerMeetingRequestForm.base_fields["priority"].choices,  # type: ignore[attr-defined]
    }
    cards = render_cards(
        ranking,
        template_name="partners/_ranked_firm.html",
        name="row",
        state=lambda row: (_ranked_firm_state(row), mission.pk, confirmed, bool(requests_left)),
        context=lambda row: row_context,
        csrf_token=get_token(request),
    )
    return render(
        request,
        "partners/firms.html",
        {
            "mission": mission,
            "mission_partner": mission_partner,
            "cards": cards,
            "confirmed": confirmed,
            "requests_left": requests_left,
            "form": form,
        },
        status=status,
    )


def _ranked_firm_state(row: b2b_selectors.RankedFirm) -> tuple[object, ...]:
    # Everything the row shows that can change: the firm's fields (its sector's name is
    # reference data, in the key already), the score and its reasons, and the open request.
    firm, request = row.firm, row.request
    return (
        firm.name,
        firm.sector_id,
        firm.comune,
        firm.website,
        firm.products,
        tuple(firm.languages),
        row.score,
        row.reasons,
        (request.pk, request.status, request.origin, request.reason, request.priority)
        if request
        else None,
    )


@partner_required
def firms(request: HttpRequest, mission_id: int) -> HttpResponse:
    """The mission's confirmed Italian firms, best match for the partner first, with the reasons
    of the score in the reader's language, the requests both ways and the answers."""
    return _firms_page(request, invited_mission(contact_of(request), mission_id))


@partner_required
@require_POST
def meeting_request(request: HttpRequest, mission_id: int, firm_id: int) -> HttpResponse:
    contact = contact_of(request)
    mission_partner = invited_mission(contact, mission_id)
    form = PartnerMeetingRequestForm(request.POST)
    if not form.is_valid():
        return _firms_page(request, mission_partner, form=form, status=400)
    try:
        meeting_requests.partner_wish_create(
            mission_id=mission_id,
            partner_id=contact.partner_id,
            firm_id=firm_id,
            priority=form.cleaned_data["priority"],
            reason=form.cleaned_data["reason"],
            contact=contact.user,
        )
    except MissionsError as error:
        messages.error(request, str(error.message))
        return _firms_page(request, mission_partner, form=form, status=400)
    except Firm.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("Richiesta di incontro inviata."))
    return redirect("partners:firms", mission_id=mission_id)


@partner_required
@require_POST
def request_answer(request: HttpRequest, mission_id: int, request_id: int) -> HttpResponse:
    """Accept or decline a firm's request to meet the partner (mutual opt-in)."""
    contact = contact_of(request)
    mission_partner = invited_mission(contact, mission_id)
    form = RequestAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Scegliete se accettare o rifiutare."))
        return _firms_page(request, mission_partner, status=400)
    request_ids = list(
        MeetingRequest.objects.filter(
            pk=request_id, mission_id=mission_id, partner_id=contact.partner_id
        ).values_list("pk", flat=True)
    )
    if not request_ids:
        raise Http404  # another partner's request, or another mission's
    if mission_partner.attendance != MissionPartner.Attendance.CONFIRMED:
        messages.error(request, _("Confermate prima la vostra partecipazione alla missione."))
        return _firms_page(request, mission_partner, status=400)
    accept = form.cleaned_data["answer"] == "yes"
    answered = meeting_requests.meeting_requests_decide(
        request_ids=request_ids, accept=accept, partner_id=contact.partner_id
    )
    if not answered:
        raise Http404  # already answered
    messages.success(request, _("Incontro accettato.") if accept else _("Richiesta rifiutata."))
    return redirect("partners:firms", mission_id=mission_id)


class AgendaPage(b2b_selectors.PartnerAgenda):
    """The context of the partner's agenda, as a page, a PDF and an .ics."""

    mission: Mission
    partner: Partner
    published: bool


def _agenda_context(mission_partner: MissionPartner) -> AgendaPage:
    mission = mission_partner.mission
    return {
        **b2b_selectors.partner_agenda(mission=mission, partner=mission_partner.partner),
        "mission": mission,
        "partner": mission_partner.partner,
        "published": mission.agenda_published_at is not None,
    }


def _published_agenda(request: HttpRequest, mission_id: int) -> AgendaPage:
    context = _agenda_context(invited_mission(contact_of(request), mission_id))
    if not context["published"]:
        raise Http404
    return context


def _agenda_page(
    request: HttpRequest,
    mission_partner: MissionPartner,
    *,
    cancel_form: MeetingCancelForm | None = None,
    feedback_form: tuple[int, MeetingFeedbackForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The agenda page; each meeting whose slot has started carries its feedback form (the bound
    `feedback_form` of one meeting, with its errors, after a refused submit)."""
    context = _agenda_context(mission_partner)
    now = timezone.now()
    for meeting in context["meetings"]:
        if meeting.slot is not None and outcomes.feedback_opens_at(meeting.slot) <= now:
            form = MeetingFeedbackForm.for_meeting(meeting)
            if feedback_form is not None and feedback_form[0] == meeting.pk:
                form = feedback_form[1]
            meeting.feedback_form = form  # type: ignore[attr-defined]
    page = {**context, "cancel_form": cancel_form or MeetingCancelForm()}
    return render(request, "partners/agenda.html", page, status=status)


@partner_required
def agenda(request: HttpRequest, mission_id: int) -> HttpResponse:
    """The partner's meetings (time in the city's zone, table, the firm's card), once staff
    published the agendas; each can be cancelled with a reason and, once over, rated."""
    return _agenda_page(request, invited_mission(contact_of(request), mission_id))


@partner_required
def agenda_pdf(request: HttpRequest, mission_id: int) -> HttpResponse:
    import weasyprint  # heavy (Cairo/Pango bindings): loaded only when a PDF is asked for

    html = render_to_string(
        "partners/agenda_pdf.html", _published_agenda(request, mission_id), request=request
    )
    pdf = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="agenda.pdf"'
    return response


@partner_required
def agenda_ics(request: HttpRequest, mission_id: int) -> HttpResponse:
    context = _published_agenda(request, mission_id)
    content = calendar.partner_agenda_calendar(context["mission"], context["meetings"])
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="agenda.ics"'
    return response


@partner_required
@require_POST
def meeting_cancel(request: HttpRequest, mission_id: int, request_id: int) -> HttpResponse:
    """Cancel a meeting (or an open request) with a reason; the firm is told."""
    contact = contact_of(request)
    mission_partner = invited_mission(contact, mission_id)
    if not MeetingRequest.objects.filter(
        pk=request_id, mission_id=mission_id, partner_id=contact.partner_id
    ).exists():
        raise Http404
    form = MeetingCancelForm(request.POST)
    if not form.is_valid():
        return _agenda_page(request, mission_partner, cancel_form=form, status=400)
    try:
        meeting_requests.meeting_request_cancel(
            request_id=request_id, partner_id=contact.partner_id, note=form.cleaned_data["reason"]
        )
    except MissionsError:
        messages.error(request, _("Questo incontro è già annullato."))
    else:
        messages.success(request, _("Incontro annullato: l'impresa è stata avvisata."))
    return redirect("partners:agenda", mission_id=mission_id)


@partner_required
@require_POST
def meeting_feedback(request: HttpRequest, mission_id: int, meeting_id: int) -> HttpResponse:
    """After a meeting: held or not, the partner's interest and next step, a note for staff."""
    contact = contact_of(request)
    mission_partner = invited_mission(contact, mission_id)
    meeting = Meeting.objects.filter(
        pk=meeting_id, mission_id=mission_id, partner_id=contact.partner_id
    ).first()
    if meeting is None:
        raise Http404  # another partner's meeting, or another mission's
    form = MeetingFeedbackForm.for_meeting(meeting, request.POST)
    if not form.is_valid():
        feedback = (meeting.pk, form)
        return _agenda_page(request, mission_partner, feedback_form=feedback, status=400)
    try:
        outcomes.meeting_partner_feedback(
            meeting_id=meeting.pk,
            partner_id=contact.partner_id,
            held=form.cleaned_data["held"],
            interest=form.cleaned_data["interest"],
            next_step=form.cleaned_data["next_step"],
            note=form.cleaned_data["note"],
            user=contact.user,
        )
    except MissionsError as error:
        messages.error(request, str(error.message))
        return _agenda_page(request, mission_partner, status=400)
    messages.success(request, _("Grazie: feedback registrato."))
    return redirect(reverse("partners:agenda", args=[mission_id]) + f"#meeting-{meeting.pk}")
