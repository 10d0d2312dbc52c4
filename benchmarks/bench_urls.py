"""The portal's URLs plus /hello/: the cheapest logged-in page, the benchmark's yardstick."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from club.urls import urlpatterns as club_urlpatterns


@login_required
def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello")


urlpatterns = [*club_urlpatterns, path("hello/", hello, name="bench_hello")]
