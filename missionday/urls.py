"""The mission day's URLs, under /giornata/ (each part of the day adds its block)."""

from django.urls import path

from missionday.views import badges, delegates

app_name = "missionday"

urlpatterns: list = [
    # Badges (helper badges): the staff's label sheet, the holder's badge, a firm's delegates.
    path("<int:mission_id>/badge.pdf", badges.badge_sheet, name="badges"),
    path("<int:mission_id>/mio-badge/", badges.my_badge, name="my_badge"),
    path("<int:mission_id>/delegati/", delegates.delegates, name="delegates"),
]
