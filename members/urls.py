from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:firm_id>/", views.firm_detail, name="firm_detail"),
    path("<int:firm_id>/logo/", views.firm_logo, name="firm_logo"),
    path("nuova/", views.firm_create, name="firm_create"),
    path("la-mia/modifica/", views.firm_edit, name="firm_edit"),
    path("la-mia/logo/", views.firm_logo_upload, name="firm_logo_upload"),
    path("la-mia/logo/rimuovi/", views.firm_logo_remove, name="firm_logo_remove"),
    path("aderisci/", views.firm_join, name="firm_join"),
    path("la-mia/persone/", views.team, name="team"),
    path("la-mia/persone/invita/", views.team_invite, name="team_invite"),
    path("la-mia/persone/inviti/revoca/", views.team_revoke, name="team_revoke"),
    path("la-mia/persone/ruolo/", views.team_set_role, name="team_set_role"),
    path("la-mia/persone/rimuovi/", views.team_remove, name="team_remove"),
    path("la-mia/persone/richieste/", views.team_decide, name="team_decide"),
    path("inviti/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
