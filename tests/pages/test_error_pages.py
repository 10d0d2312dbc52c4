"""The portal's own error pages: 400, 403 (and CSRF), 404 and 500, in it, en and de.

pytest-django runs with DEBUG off, so Django answers with the project's handlers as in production.
Each page keeps the site's look, says what happened in the visitor's language and offers a way
back: home always, and the page the visitor came from when it is one of ours.
"""

from unittest import mock

import pytest
from django.db import connections
from django.db.utils import OperationalError
from django.http import HttpResponse
from django.test import Client
from django.urls import path, reverse
from django.utils import translation

from club.urls import urlpatterns as project_urls
from pages import views
from tests.factories import member
from tests.support.clients import login

pytestmark = pytest.mark.django_db

TEXTS = {
    "it": {
        400: "Richiesta non valida",
        403: "Accesso non consentito",
        404: "Pagina non trovata",
        500: "Si è verificato un errore",
        "home": "Torna alla home",
        "back": "Torna alla pagina precedente",
        "staff": "riservata al personale della Camera",
        "csrf": "Il modulo è scaduto",
    },
    "en": {
        400: "Bad request",
        403: "Access not allowed",
        404: "Page not found",
        500: "Something went wrong",
        "home": "Back to the home page",
        "back": "Back to the previous page",
        "staff": "reserved for the Chamber's staff",
        "csrf": "The form has expired",
    },
    "de": {
        400: "Ungültige Anfrage",
        403: "Zugriff nicht erlaubt",
        404: "Seite nicht gefunden",
        500: "Ein Fehler ist aufgetreten",
        "home": "Zurück zur Startseite",
        "back": "Zurück zur vorherigen Seite",
        "staff": "dem Personal der Kammer vorbehalten",
        "csrf": "Das Formular ist abgelaufen",
    },
}
LANGUAGES = list(TEXTS)


def boom(request):
    raise RuntimeError("a bug")


def count_firms(request):
    from members.models import Firm

    return HttpResponse(str(Firm.objects.count()))


def forbidden(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


def bad(request):
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("odd input")


# The project's URLs plus views that fail on purpose (test-only).
urlpatterns = [
    path("test-500/", boom),
    path("test-db/", count_firms),
    path("test-403/", forbidden),
    path("test-400/", bad),
    *project_urls,
]
handler400 = "pages.views.bad_request"
handler403 = "pages.views.permission_denied"
handler404 = "pages.views.page_not_found"
handler500 = "pages.views.server_error"


def client_in(language: str, **options) -> Client:
    client = Client(raise_request_exception=False, **options)
    client.cookies["django_language"] = language
    return client


def html_of(response) -> str:
    return response.content.decode()


def assert_way_home(page: str, language: str) -> None:
    assert TEXTS[language]["home"] in page
    assert f'href="{reverse("home")}"' in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_404_in_each_language_with_the_layout_and_a_way_back(language):
    response = client_in(language).get(
        "/missioni/non-esiste/", headers={"referer": "http://testserver/bacheca/?q=fiera"}
    )
    page = html_of(response)
    assert response.status_code == 404
    assert TEXTS[language][404] in page
    assert_way_home(page, language)
    # The page the visitor came from (ours): a way back to it.
    assert TEXTS[language]["back"] in page
    assert 'href="/bacheca/?q=fiera"' in page
    assert "site-header" in page
    assert "css/club" in page


def test_a_foreign_referer_is_not_offered_as_the_way_back():
    response = client_in("it").get(
        "/non-esiste/", headers={"referer": "https://evil.example/phish"}
    )
    page = html_of(response)
    assert response.status_code == 404
    assert "evil.example" not in page
    assert TEXTS["it"]["back"] not in page
    assert_way_home(page, "it")


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("language", LANGUAGES)
def test_403_in_each_language(language):
    response = client_in(language).get("/test-403/")
    page = html_of(response)
    assert response.status_code == 403
    assert TEXTS[language][403] in page
    assert_way_home(page, language)


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("language", LANGUAGES)
def test_400_in_each_language(language):
    response = client_in(language).get("/test-400/")
    page = html_of(response)
    assert response.status_code == 400
    assert TEXTS[language][400] in page
    assert_way_home(page, language)


def test_400_for_a_host_we_do_not_serve_still_renders_the_page():
    # DisallowedHost is raised before the session and the user exist: the page needs neither.
    response = client_in("en").get("/", headers={"host": "evil.example"})
    page = html_of(response)
    assert response.status_code == 400
    assert TEXTS["en"][400] in page
    assert_way_home(page, "en")


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("language", LANGUAGES)
def test_500_in_each_language(language):
    response = client_in(language).get(
        "/test-500/", headers={"referer": "http://testserver/notifiche/"}
    )
    page = html_of(response)
    assert response.status_code == 500
    assert TEXTS[language][500] in page
    assert_way_home(page, language)
    assert 'href="/notifiche/"' in page
    assert "css/club" in page


@pytest.mark.urls(__name__)
def test_500_renders_while_the_database_is_unreachable():
    """PostgreSQL is down: the view's query fails, and the 500 page still renders."""
    client = login(member(), language="de", raise_request_exception=False)
    connection = connections["default"]
    refused = OperationalError("connection refused")
    with mock.patch.object(connection, "ensure_connection", side_effect=refused) as attempts:
        response = client.get("/test-db/")
    page = html_of(response)
    assert attempts.called  # the database was asked for, and refused
    assert response.status_code == 500
    assert TEXTS["de"][500] in page
    assert_way_home(page, "de")


def test_server_error_view_needs_no_database():
    from django.test import RequestFactory

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    request = RequestFactory().get("/x/")
    connection = connections["default"]
    with (
        mock.patch.object(connection, "ensure_connection", side_effect=refuse),
        translation.override("it"),
    ):
        response = views.server_error(request)
    assert response.status_code == 500
    assert TEXTS["it"][500] in html_of(response)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_firm_user_on_the_admin_sees_the_portal_403(language):
    client = login(member(), language=language)
    client.raise_request_exception = False
    response = client.get(reverse("admin:index"), follow=True)
    page = html_of(response)
    assert response.status_code == 403
    assert TEXTS[language][403] in page
    assert TEXTS[language]["staff"] in page
    assert "403 Forbidden" not in page
    assert_way_home(page, language)
    # The portal's layout with the visitor's own menu.
    assert reverse("my_firm") in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_csrf_failure_explains_and_offers_a_way_back(language):
    client = login(member(), language=language, enforce_csrf_checks=True)
    response = client.post(reverse("notifications:mark_all_read"))
    page = html_of(response)
    assert response.status_code == 403
    assert TEXTS[language]["csrf"] in page
    assert "CSRF verification failed" not in page
    assert_way_home(page, language)
