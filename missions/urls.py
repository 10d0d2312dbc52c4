from django.urls import path

from missions import b2b_views, views

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
    path("<int:mission_id>/incontri/", b2b_views.b2b_page, name="b2b"),
    path("<int:mission_id>/incontri/richiedi/", b2b_views.meeting_request, name="meeting_request"),
    path(
        "incontri/richieste/<int:request_id>/annulla/",
        b2b_views.meeting_request_cancel,
        name="meeting_request_cancel",
    ),
    path(
        "incontri/richieste/<int:request_id>/rispondi/", b2b_views.wish_answer, name="wish_answer"
    ),
    path("incontri/<int:meeting_id>/esito/", b2b_views.meeting_outcome, name="meeting_outcome"),
    path("<int:mission_id>/agenda/", b2b_views.agenda, name="agenda"),
    path("<int:mission_id>/agenda.pdf", b2b_views.agenda_pdf, name="agenda_pdf"),
    path("<int:mission_id>/agenda.ics", b2b_views.agenda_ics, name="agenda_ics"),
]
