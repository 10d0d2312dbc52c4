from django.urls import path

from partners import co_views, views

app_name = "partners"

urlpatterns = [
    path("", views.home, name="home"),
    path("accesso/", views.signin_request, name="signin_request"),
    path("accesso/<str:token>/", views.signin, name="signin"),
    path("profilo/", views.profile, name="profile"),
    path("missioni/<int:mission_id>/", views.mission, name="mission"),
    path("missioni/<int:mission_id>/partecipazione/", views.attendance, name="attendance"),
    path("missioni/<int:mission_id>/fasce/", views.slots, name="slots"),
    path("missioni/<int:mission_id>/imprese/", views.firms, name="firms"),
    path(
        "missioni/<int:mission_id>/imprese/<int:firm_id>/richiesta/",
        views.meeting_request,
        name="meeting_request",
    ),
    path("missioni/<int:mission_id>/agenda/", views.agenda, name="agenda"),
    path("missioni/<int:mission_id>/agenda.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("missioni/<int:mission_id>/agenda.ics", views.agenda_ics, name="agenda_ics"),
    path(
        "missioni/<int:mission_id>/richieste/<int:request_id>/annulla/",
        views.meeting_cancel,
        name="meeting_cancel",
    ),
    path(
        "missioni/<int:mission_id>/incontri/<int:meeting_id>/feedback/",
        views.meeting_feedback,
        name="meeting_feedback",
    ),
    path(
        "missioni/<int:mission_id>/richieste/<int:request_id>/risposta/",
        views.request_answer,
        name="request_answer",
    ),
]

# The co-organisers' pages (partners/co_views.py).
urlpatterns += [
    path("co/", co_views.home, name="co_home"),
    path("co/missioni/<int:mission_id>/", co_views.mission, name="co_mission"),
    path("co/missioni/<int:mission_id>/invita/", co_views.invite, name="co_invite"),
    path(
        "co/missioni/<int:mission_id>/nuovo-partner/", co_views.partner_add, name="co_partner_add"
    ),
    path(
        "co/missioni/<int:mission_id>/partner/<int:partner_id>/",
        co_views.partner,
        name="co_partner",
    ),
    path(
        "co/partner/<int:partner_id>/profilo/", co_views.partner_profile, name="co_partner_profile"
    ),
]
