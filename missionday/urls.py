"""The mission day's URLs, under /giornata/ (each part of the day adds its block)."""

from django.urls import path

from missionday.views import after

app_name = "missionday"

urlpatterns: list = [
    # After the mission: certificate, its verification, the survey (views/after.py).
    path("<int:mission_id>/attestato.pdf", after.certificate, name="certificate"),
    path("attestato/<str:code>/", after.verify, name="verify"),
    path("questionario/<str:token>/", after.survey, name="survey"),
]
