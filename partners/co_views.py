"""The co-organisers' pages: their missions, their partners on each mission (attendance,
invitations, a new partner), a partner's requests, meetings and agenda, a partner's profile.

Every page starts with partners.access: a signed-in co-organiser member (co_member_of, 403
otherwise), then an assigned mission and one of the organisation's partners (404 otherwise).
"""

from contextlib import nullcontext

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.http import posted
from members.adapter import supported_language
from missions.models import Mission, Partner
from missions.selectors import b2b as b2b_selectors
from missions.services import partner_attendance
from missions.services.errors import PartnerInvalid
from partners import co_organisers, selectors
from partners.access import (
    co_member_of,
    co_mission,
    co_mission_partner,
    co_mission_partners,
    co_partner,
)
from partners.forms import CoContactInviteForm, CoPartnerForm, PartnerProfileForm
from partners.models import CoOrganiserMember
from partners.services import PartnersError


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The organisation's missions. The first visit opens in the member's language (German
    unless staff chose another); the language switch changes it as for anyone."""
    member = co_member_of(request)
    language = supported_language(member.user.language)
    first_visit = settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
    with translation.override(language) if first_visit else nullcontext():
        response = render(
            request,
            "partners/co/home.html",
            {
                "member": member,
                "missions": selectors.co_organiser_missions(co_organiser_id=member.co_organiser_id),
            },
        )
    if first_visit:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
    return response


def _mission_page(
    request: HttpRequest,
    member: CoOrganiserMember,
    mission: Mission,
    *,
    invite_form: CoContactInviteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = selectors.co_mission_partner_rows(
        co_organiser_id=member.co_organiser_id, mission_id=mission.pk
    )
    return render(
        request,
        "partners/co/mission.html",
        {
            "member": member,
            "mission": mission,
            "rows": rows,
            "invite_form": invite_form or _invite_form(member, mission),
        },
        status=status,
    )


def _invite_form(
    member: CoOrganiserMember, mission: Mission, data: object = None
) -> CoContactInviteForm:
    """Only the organisation's partners on the mission can be chosen."""
    queryset = (
        Partner.objects.filter(
            pk__in=co_mission_partners(member.co_organiser_id)
            .filter(mission=mission)
            .values("partner_id")
        )
        .select_related("city")
        .order_by("name")
    )
    return CoContactInviteForm(data, partners=queryset)


@login_required
def mission(request: HttpRequest, mission_id: int) -> HttpResponse:
    member = co_member_of(request)
    return _mission_page(request, member, co_mission(member, mission_id))


@login_required
@require_POST
def invite(request: HttpRequest, mission_id: int) -> HttpResponse:
    """Invite a contact of one of the organisation's partners; the email goes out after commit."""
    member = co_member_of(request)
    mission_obj = co_mission(member, mission_id)
    form = _invite_form(member, mission_obj, request.POST)
    if not form.is_valid():
        return _mission_page(request, member, mission_obj, invite_form=form, status=400)
    data = form.cleaned_data
    try:
        co_organisers.contact_invite(
            member=member,
            mission_id=mission_obj.pk,
            partner_id=data["partner"].pk,
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            role=data["role"],
        )
    except PartnersError as error:
        form.add_error(None, str(error.message))
        return _mission_page(request, member, mission_obj, invite_form=form, status=400)
    messages.success(request, _("Invito inviato a %(email)s.") % {"email": data["email"]})
    return redirect("partners:co_mission", mission_id=mission_obj.pk)


@login_required
def partner_add(request: HttpRequest, mission_id: int) -> HttpResponse:
    """A new partner organisation of the co-organiser's, on the mission."""
    member = co_member_of(request)
    mission_obj = co_mission(member, mission_id)
    form = CoPartnerForm(posted(request))
    if request.method == "POST":
        if form.is_valid():
            try:
                partner = co_organisers.partner_create(
                    co_organiser_id=member.co_organiser_id,
                    mission_id=mission_obj.pk,
                    fields=form.cleaned_data,
                )
            except PartnerInvalid as error:
                for field, errors in error.errors.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("Partner aggiunto alla missione."))
                return redirect(
                    "partners:co_partner", mission_id=mission_obj.pk, partner_id=partner.pk
                )
        context = {"member": member, "mission": mission_obj, "form": form}
        return render(request, "partners/co/partner_add.html", context, status=400)
    context = {"member": member, "mission": mission_obj, "form": form}
    return render(request, "partners/co/partner_add.html", context)


@login_required
def partner(request: HttpRequest, mission_id: int, partner_id: int) -> HttpResponse:
    """One partner on the mission: attendance, meeting requests both ways with each meeting's
    attendance, the firm's outcome and the partner's feedback beside it (its note included: the
    co-organiser brought the partner and follows up its meetings; the partner's form says so),
    and the agenda once staff publish it."""
    member = co_member_of(request)
    mission_partner = co_mission_partner(member, mission_id, partner_id)
    mission_obj, partner_obj = mission_partner.mission, mission_partner.partner
    published = mission_obj.agenda_published_at is not None
    agenda = (
        b2b_selectors.partner_agenda(mission=mission_obj, partner=partner_obj)
        if published
        else {"meetings": [], "days": []}
    )
    return render(
        request,
        "partners/co/partner.html",
        {
            "member": member,
            "mission": mission_obj,
            "partner": partner_obj,
            "mission_partner": mission_partner,
            "requests": selectors.partner_requests(mission=mission_obj, partner=partner_obj),
            "published": published,
            **agenda,
        },
    )


@login_required
def partner_profile(request: HttpRequest, partner_id: int) -> HttpResponse:
    """The partner's profile, as its contacts complete it in their workspace (same form and
    service)."""
    member = co_member_of(request)
    partner_obj = co_partner(member, partner_id)
    form = PartnerProfileForm(posted(request), instance=partner_obj)
    context = {"member": member, "partner": partner_obj, "form": form}
    if request.method == "POST":
        if form.is_valid():
            partner_attendance.partner_profile_update(
                partner_id=partner_obj.pk,
                changes={name: form.cleaned_data[name] for name in form.Meta.fields},
            )
            messages.success(request, _("Profilo aggiornato."))
            return redirect("partners:co_partner_profile", partner_id=partner_obj.pk)
        return render(request, "partners/co/partner_profile.html", context, status=400)
    return render(request, "partners/co/partner_profile.html", context)
