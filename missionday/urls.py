"""The mission day's URLs, under /giornata/ (each part of the day adds its block)."""

from django.urls import path

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
