from django.urls import path

from missions import views

app_name = "missions"

urlpatterns = [
    path("", views.mission_list, name="list"),
    path("<int:mission_id>/", views.mission_detail, name="detail"),
    path("<int:mission_id>/candidatura/", views.application_apply, name="apply"),
    path("<int:mission_id>/interesse/", views.interest_add, name="interest"),
    path("<int:mission_id>/calendario.ics", views.mission_ics, name="ics"),
    path("candidature/<int:application_id>/ritira/", views.application_withdraw, name="withdraw"),
    path("candidature/<int:application_id>/offerta/", views.offer_respond, name="offer"),
    path("programma.ics", views.firm_programme_ics, name="firm_ics"),
]
