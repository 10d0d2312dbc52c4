from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _

# Staff log in through allauth too: its rate limits, enumeration prevention and (later) MFA
# protect the admin login; a logged-in non-staff user gets 403 instead of a second login form.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = _("Club degli Esportatori — amministrazione")
admin.site.site_title = _("Club degli Esportatori")
admin.site.index_title = _("Gestione del Club")

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("pages.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("imprese/", include("members.urls")),
    path("privacy/", include("privacy.urls")),
    path("notifiche/", include("notifications.urls")),
    path("missioni/", include("missions.urls")),
    path("bacheca/", include("board.urls")),
    path("partner/", include("partners.urls")),
    path("check-up/", include("checkup.urls")),
    path("giornata/", include("missionday.urls")),
    path("staff/cruscotto/", include("staff.urls")),
    path("admin/", admin.site.urls),
    path("health/", include("health.urls")),
]

# `make test-deploy` only: a URL that raises, to see the 500 page through the production stack.
if settings.DEPLOY_CHECK_ERROR_URL:
    from club.views import deliberate_error

    urlpatterns.append(path("deploy-check/500/", deliberate_error))

# The portal's own error pages (pages/views.py), in the site's layout and the visitor's language.
handler400 = "pages.views.bad_request"
handler403 = "pages.views.permission_denied"
handler404 = "pages.views.page_not_found"
handler500 = "pages.views.server_error"
