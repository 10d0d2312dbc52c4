from django.urls import path

from checkup import views

app_name = "checkup"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:checkup_id>/pagina/<int:step>/", views.step, name="step"),
    path("<int:checkup_id>/risultato/", views.result, name="result"),
]
