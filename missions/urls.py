from django.urls import path

from missions.views import b2b, missions

app_name = "missions"

urlpatterns = [
    path("", missions.mission_list, name="list"),
    path("<int:mission_id>/", missions.mission_detail, name="detail"),
    path("<int:mission_id>/candidatura/", missions.application_apply, name="apply"),
    path("<int:mission_id>/interesse/", missions.interest_add, name="interest"),
    path("<int:mission_id>/calendario.ics", missions.mission_ics, name="ics"),
    path(
        "candidature/<int:application_id>/ritira/", missions.application_withdraw, name="withdraw"
    ),
    path("candidature/<int:application_id>/offerta/", missions.offer_respond, name="offer"),
    path("programma.ics", missions.firm_programme_ics, name="firm_ics"),
    path("<int:mission_id>/incontri/", b2b.b2b_page, name="b2b"),
    path("<int:mission_id>/incontri/richiedi/", b2b.meeting_request, name="meeting_request"),
    path(
        "incontri/richieste/<int:request_id>/annulla/",
        b2b.meeting_request_cancel,
        name="meeting_request_cancel",
    ),
    path("incontri/richieste/<int:request_id>/rispondi/", b2b.wish_answer, name="wish_answer"),
    path("incontri/<int:meeting_id>/esito/", b2b.meeting_outcome, name="meeting_outcome"),
    path("<int:mission_id>/agenda/", b2b.agenda, name="agenda"),
    path("<int:mission_id>/agenda.pdf", b2b.agenda_pdf, name="agenda_pdf"),
    path("<int:mission_id>/agenda.ics", b2b.agenda_ics, name="agenda_ics"),
]
