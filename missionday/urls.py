"""The mission day's URLs, under /giornata/ (each part of the day adds its block)."""

from django.urls import path

from missionday.views import checkin

app_name = "missionday"

urlpatterns: list = [
    # Check-in on a staff phone (camera scan, search by name, offline queue).
    path("check-in/", checkin.checkin_missions, name="checkin_missions"),
    path("<int:mission_id>/check-in/", checkin.checkin, name="checkin"),
    path("<int:mission_id>/check-in/sync/", checkin.checkin_sync, name="checkin_sync"),
    path("<int:mission_id>/check-in/persone.json", checkin.checkin_people, name="checkin_people"),
    path("<int:mission_id>/check-in/sw.js", checkin.checkin_service_worker, name="checkin_sw"),
]
