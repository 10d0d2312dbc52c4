"""After the mission: the attendance certificate (PDF) and its public verification page, and
the satisfaction survey reached through a personal signed link (no sign-in)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET, require_http_methods

from core.qr import qr_svg
from missionday.access import holder_pass
from missionday.certificates import certificate_code, certificate_of, certificate_verified
from missionday.services import surveys
from missionday.services.errors import (
    SurveyAlreadyAnswered,
    SurveyInvalid,
    SurveyLinkExpired,
    SurveyLinkInvalid,
)
from missionday.survey_forms import SurveyForm


@login_required
@require_GET
def certificate(request: HttpRequest, mission_id: int) -> HttpResponse:
    """The signed-in delegate's own attendance certificate (there is no other person's URL):
    from their first check-in on; a page saying why otherwise (404)."""
    day_pass = holder_pass(request, mission_id)
    found = certificate_of(day_pass)
    if found is None:
        context = {"mission": day_pass.mission, "partner": day_pass.kind == day_pass.Kind.PARTNER}
        return render(request, "missionday/certificate_unavailable.html", context, status=404)
    import weasyprint  # heavy (Cairo/Pango bindings): loaded only when a PDF is asked for

    verify_url = request.build_absolute_uri(
        reverse("missionday:verify", args=[certificate_code(day_pass)])
    )
    language = getattr(request.user, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        html = render_to_string(
            "missionday/certificate_pdf.html",
            {
                "day_pass": day_pass,
                "mission": day_pass.mission,
                "days": found.days,
                "camera_name": settings.CAMERA_NAME,
                "verify_url": verify_url,
                "qr": qr_svg(verify_url, scale=3, title=verify_url),
            },
        )
    pdf = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="attestato.pdf"'
    return response


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: whether a certificate is genuine. Only what the certificate prints (name,
    organisation, mission, dates, days checked in); a forged code or a deleted badge: 404."""
    found = certificate_verified(code)
    if found is None:
        return render(request, "missionday/verify_invalid.html", status=404)
    context = {
        "certificate": found,
        "day_pass": found.day_pass,
        "mission": found.day_pass.mission,
        "camera_name": settings.CAMERA_NAME,
    }
    return render(request, "missionday/verify.html", context)


def _link_problem(
    request: HttpRequest, error: SurveyLinkInvalid | SurveyLinkExpired
) -> HttpResponse:
    status = 410 if isinstance(error, SurveyLinkExpired) else 404
    context = {"message": error.message, "expired": status == 410}
    return render(request, "missionday/survey_link_invalid.html", context, status=status)


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The survey behind a personal link, in the person's language; answered once (then the
    page thanks them)."""
    try:
        invitation = surveys.survey_invitation(token=token)
    except (SurveyLinkInvalid, SurveyLinkExpired) as error:
        return _link_problem(request, error)
    with translation.override(invitation.user.language or settings.LANGUAGE_CODE):
        context = {"invitation": invitation, "mission": invitation.mission}
        if surveys.survey_answered(invitation):
            # Answers count once: a second submission is refused and the page says so.
            status = 409 if request.method == "POST" else 200
            context["refused"] = status == 409
            return render(request, "missionday/survey_thanks.html", context, status=status)
        form = SurveyForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                surveys.survey_answer(invitation=invitation, **form.cleaned_data)
            except SurveyAlreadyAnswered:  # answered meanwhile (another tab)
                context["refused"] = True
                return render(request, "missionday/survey_thanks.html", context, status=409)
            except SurveyInvalid as error:
                form.add_error(None, error.message)
            else:
                return redirect("missionday:survey", token=token)
        status = 400 if form.is_bound else 200
        return render(request, "missionday/survey.html", {**context, "form": form}, status=status)
