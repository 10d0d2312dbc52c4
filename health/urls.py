from django.urls import path

from health import views

app_name = "health"
# Fixed paths (no trailing slash, no translation): probes, compose and monitors call them.
urlpatterns = [
    path("live", views.live, name="live"),
    path("ready", views.ready, name="ready"),
]
