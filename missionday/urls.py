"""The mission day's URLs, under /giornata/ (each part of the day has its block)."""

from django.urls import path

from missionday.views import after, badges, checkin, companion, delegates
from missionday.views import board as board_views

app_name = "missionday"

urlpatterns: list = []

# --- The live staff board (missionday/views/board.py) ---
urlpatterns += [
    path("<int:mission_id>/tabellone/", board_views.board_sessions, name="board"),
    path(
        "<int:mission_id>/tabellone/<int:session_id>/",
        board_views.board_session,
        name="board_session",
    ),
    path(
        "<int:mission_id>/tabellone/<int:session_id>/stato/",
        board_views.board_state,
        name="board_state",
    ),
    path(
        "<int:mission_id>/tabellone/<int:session_id>/assente/",
        board_views.board_no_show,
        name="board_no_show",
    ),
    path(
        "<int:mission_id>/tabellone/<int:session_id>/assegna/",
        board_views.board_assign,
        name="board_assign",
    ),
]

# --- Check-in on a staff phone: camera scan, search by name, offline queue (views/checkin.py) ---
urlpatterns += [
    path("check-in/", checkin.checkin_missions, name="checkin_missions"),
    path("<int:mission_id>/check-in/", checkin.checkin, name="checkin"),
    path("<int:mission_id>/check-in/sync/", checkin.checkin_sync, name="checkin_sync"),
    path("<int:mission_id>/check-in/persone.json", checkin.checkin_people, name="checkin_people"),
    path("<int:mission_id>/check-in/sw.js", checkin.checkin_service_worker, name="checkin_sw"),
]

# --- Badges: the staff's label sheet, the holder's badge, a firm's delegates (views/badges.py) ---
urlpatterns += [
    path("<int:mission_id>/badge.pdf", badges.badge_sheet, name="badges"),
    path("<int:mission_id>/mio-badge/", badges.my_badge, name="my_badge"),
    path("<int:mission_id>/delegati/", delegates.delegates, name="delegates"),
]

# --- After the mission: certificate, its verification, the survey (views/after.py) ---
urlpatterns += [
    path("<int:mission_id>/attestato.pdf", after.certificate, name="certificate"),
    path("attestato/<str:code>/", after.verify, name="verify"),
    path("questionario/<str:token>/", after.survey, name="survey"),
]

# --- The companion of delegates and partner contacts: today's agenda offline, the debriefs
# (missionday/views/companion.py) ---
urlpatterns += [
    path("sw.js", companion.service_worker, name="service_worker"),
    path("manifest.webmanifest", companion.manifest, name="manifest"),
    path("<int:mission_id>/", companion.companion, name="companion"),
    path("<int:mission_id>/debrief/sync/", companion.debrief_sync, name="debrief_sync"),
]
