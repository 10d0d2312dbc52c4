from django.urls import path

from privacy import views as privacy_views

app_name = "privacy"

urlpatterns = [
    path("", privacy_views.privacy, name="index"),
    path("consensi/", privacy_views.consent_update, name="consent"),
    path("esporta.json", privacy_views.export, name="export"),
    path("richieste/", privacy_views.data_request_create, name="request"),
    path("cancella/", privacy_views.erase, name="erase"),
    path("cancellato/", privacy_views.erased, name="erased"),
]
