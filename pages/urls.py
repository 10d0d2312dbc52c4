from django.urls import path

from pages import views

# No namespace: "home" and "terms" are linked from every template and allauth's settings.
urlpatterns = [
    path("", views.home, name="home"),
    path("termini/", views.terms, name="terms"),
    # "La mia impresa" composes members and missions, so it lives above both.
    path("imprese/la-mia/", views.my_firm, name="my_firm"),
]
