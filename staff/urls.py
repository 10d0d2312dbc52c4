from django.urls import path

from staff import views

app_name = "staff_dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("percorsi/", views.journeys, name="journeys"),
    path("rapporto.xlsx", views.report, {"fmt": "xlsx"}, name="report_xlsx"),
    path("rapporto.pdf", views.report, {"fmt": "pdf"}, name="report_pdf"),
    path("missione/<int:mission_id>/questionario/", views.survey, name="survey"),
    path("<slug:figure>.csv", views.figure_csv, name="csv"),
]
