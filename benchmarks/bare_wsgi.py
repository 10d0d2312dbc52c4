"""The page benchmark's bare Django app: one "hello" view under the four standard middleware
(benchmarks/bare_settings.py), no session, no database.

    gunicorn benchmarks.bare_wsgi:application   (DJANGO_SETTINGS_MODULE=benchmarks.bare_settings)
"""

import os

from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello")


urlpatterns = [path("hello/", hello)]

os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.bare_settings"
application = get_wsgi_application()
