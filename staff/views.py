"""The staff dashboard (Cruscotto del Club) and its CSV exports. Staff only."""

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from checkup import ledger
from core.spreadsheets import as_csv
from core.staff import has_staff_powers
from missionday.selectors import survey_comments, survey_results
from missions.models import Mission
from staff import figures as selectors
from staff import journey_figures, ledger_report


# staff_member_required sends anonymous users and members of firms alike to the admin login.
@staff_member_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form, filters = selectors.filters_from_params(request.GET)
    data = selectors.dashboard(filters)
    context = {
        "form": form,
        "filters": filters,
        # Template variables cannot hold hyphens: imprese-per-settore → imprese_per_settore.
        "figures": {slug.replace("-", "_"): fig for slug, fig in data.figures.items()},
        "numbers": data.numbers,
        "satisfaction": data.satisfaction,
        "satisfaction_overall": data.satisfaction_overall,
        "query": filters.query(),
    }
    return render(request, "staff/dashboard.html", context)


@login_required
@require_GET
def survey(request: HttpRequest, mission_id: int) -> HttpResponse:
    """One mission's satisfaction survey: the figures and every comment, without names. Staff
    with two-factor authentication only (403 for anyone else, as every page with an id)."""
    if not has_staff_powers(request.user):
        raise PermissionDenied
    mission = get_object_or_404(Mission, pk=mission_id)
    missions = Mission.objects.filter(pk=mission.pk)
    results = survey_results(missions)
    context = {
        "mission": mission,
        "result": results[0] if results else None,
        "comments": list(survey_comments(missions)),
    }
    return render(request, "staff/survey.html", context)


@staff_member_required
@require_GET
def figure_csv(request: HttpRequest, figure: str) -> HttpResponse:
    # Invalid filters fall back to the defaults, as on the page; the file name says the period.
    _form, filters = selectors.filters_from_params(request.GET)
    result = selectors.figure(figure, filters) or journey_figures.figure(figure, filters)
    if result is None:
        raise Http404
    response = HttpResponse(as_csv(result.csv_rows()), content_type="text/csv; charset=utf-8")
    name = f"cruscotto-{figure}-{filters.date_from:%Y%m%d}-{filters.date_to:%Y%m%d}"
    if filters.sector is not None:
        name += f"-{filters.sector.slug}"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@staff_member_required
@require_GET
def journeys(request: HttpRequest) -> HttpResponse:
    """The firms' export journey: the funnel, by sector and by quarter joined, the times."""
    form, filters = selectors.filters_from_params(request.GET)
    figures, overridden = journey_figures.journey_figures(filters)
    context = {
        "form": form,
        "filters": filters,
        "figures": {slug.replace("-", "_"): fig for slug, fig in figures.items()},
        "overridden": overridden,
        "query": filters.query(),
        "this_year": timezone.localdate().year,  # the report's latest year
    }
    return render(request, "staff/journeys.html", context)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@staff_member_required
@require_GET
def report(request: HttpRequest, fmt: str) -> HttpResponse:
    """The funders' report for a year (`anno`) or a quarter of it (`trimestre`): XLSX or PDF."""
    try:
        period = ledger.parse_period(
            request.GET.get("anno"), request.GET.get("trimestre"), today=timezone.localdate()
        )
    except ledger.PeriodInvalid as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    result = ledger.report(period)
    if fmt == "xlsx":
        response = HttpResponse(ledger_report.as_xlsx(result), content_type=XLSX)
    else:
        pdf = ledger_report.as_pdf(result, base_url=request.build_absolute_uri("/"))
        response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rapporto-club-{period.slug}.{fmt}"'
    return response
