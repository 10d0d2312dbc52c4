"""The mission day's URLs, under /giornata/ (each part of the day adds its block)."""

from django.urls import path

from missionday.views import companion

app_name = "missionday"

urlpatterns: list = []

# --- The companion of delegates and partner contacts: today's agenda offline, the debriefs
# (missionday/views/companion.py) ---
urlpatterns += [
    path("sw.js", companion.service_worker, name="service_worker"),
    path("manifest.webmanifest", companion.manifest, name="manifest"),
    path("<int:mission_id>/", companion.companion, name="companion"),
    path("<int:mission_id>/debrief/sync/", companion.debrief_sync, name="debrief_sync"),
]
