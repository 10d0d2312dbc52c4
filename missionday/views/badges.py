"""Badges (issue 18): the holder's own badge page (a QR of the opaque token, big enough to scan
from a phone) and the staff's A4 sheet of labels to print."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.http import AuthenticatedHttpRequest
from core.qr import qr_svg
from missionday.access import holder_pass, staff_mission
from missionday.models import DayPass
from missionday.selectors import passes_for
from missionday.services.passes import day_passes_issue

# A4 portrait cut into 2 columns × 4 rows of 105 × 74 mm labels.
LABELS_PER_SHEET = 8


@login_required
@require_GET
def my_badge(request: AuthenticatedHttpRequest, mission_id: int) -> HttpResponse:
    day_pass = holder_pass(request, mission_id)
    return render(
        request,
        "missionday/my_badge.html",
        {
            "day_pass": day_pass,
            "mission": day_pass.mission,
            # Only the token: the QR carries no name, email or address.
            "qr": qr_svg(day_pass.token, scale=10, title=_("Codice QR del badge")),
        },
    )


def _sheet_order(day_pass: DayPass) -> tuple[str, str, int]:
    return (day_pass.organisation.casefold(), day_pass.full_name.casefold(), day_pass.pk)


@require_GET
def badge_sheet(request: AuthenticatedHttpRequest, mission_id: int) -> HttpResponse:
    """Staff only: issues the missing badges first, then prints them all, by organisation and
    name."""
    import weasyprint  # heavy (Cairo/Pango bindings): loaded only when a PDF is asked for

    mission = staff_mission(request, mission_id)
    day_passes_issue(mission=mission)
    labels = [
        {"day_pass": p, "qr": qr_svg(p.token, scale=4, title=_("Codice QR del badge"))}
        for p in sorted(passes_for(mission), key=_sheet_order)
    ]
    sheets = [labels[i : i + LABELS_PER_SHEET] for i in range(0, len(labels), LABELS_PER_SHEET)]
    html = render_to_string(
        "missionday/badges_pdf.html",
        {"mission": mission, "sheets": sheets},
        request=request,
    )
    pdf = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slugify(f"badge {mission.title}") or "badge"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
