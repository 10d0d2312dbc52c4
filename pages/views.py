from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from members.models import Firm, Sector


def terms(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/terms.html", {"version": settings.TERMS_VERSION})


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "sectors": Sector.objects.order_by("name"),
        "firm_count": Firm.objects.filter(status=Firm.Status.APPROVED).count(),
        "mentor_count": Firm.objects.filter(status=Firm.Status.APPROVED, is_mentor=True).count(),
    }
    return render(request, "pages/home.html", context)
