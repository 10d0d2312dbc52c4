"""The mission day's URLs, under /giornata/ (each part of the day adds its block)."""

from django.urls import path  # noqa: F401 (the parts add their paths below)

app_name = "missionday"

urlpatterns: list = []
