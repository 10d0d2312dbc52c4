from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from club import views

admin.site.site_header = _("Club degli Esportatori — amministrazione")
admin.site.site_title = _("Club degli Esportatori")
admin.site.index_title = _("Gestione del Club")

urlpatterns = [
    path("", views.home, name="home"),
    path("termini/", views.terms, name="terms"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("imprese/", include("members.urls")),
    path("notifiche/", include("notifications.urls")),
    path("missioni/", include("missions.urls")),
    path("bacheca/", include("board.urls")),
    path("admin/", admin.site.urls),
]
