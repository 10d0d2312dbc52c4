from django.urls import path

from club import dashboard_views

app_name = "staff_dashboard"

urlpatterns = [
    path("", dashboard_views.dashboard, name="index"),
    path("<slug:figure>.csv", dashboard_views.figure_csv, name="csv"),
]
