"""A page with a deliberate N+1, to prove the detector watches requests (tests only)."""

from django.http import HttpResponse
from django.urls import path

from members.models import Membership


def firms_row_by_row(request):
    return HttpResponse(", ".join(m.firm.name for m in Membership.objects.all()))


def firms_joined(request):
    return HttpResponse(", ".join(m.firm.name for m in Membership.objects.select_related("firm")))


urlpatterns = [path("n1/", firms_row_by_row), path("joined/", firms_joined)]
