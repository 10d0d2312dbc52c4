from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:notification_id>/leggi/", views.mark_read, name="mark_read"),
    path("leggi-tutte/", views.mark_all_read, name="mark_all_read"),
    path("preferenze/", views.preferences, name="preferences"),
    path("disattiva/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
