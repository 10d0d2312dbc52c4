"""The privacy pages: login, POST and CSRF, and the way in from the firm's page."""

import pytest
from django.test import Client

from tests.factories import PASSWORD, UserFactory
from tests.privacy.people import EMAIL, login

pytestmark = pytest.mark.django_db


def test_privacy_pages_need_login_post_and_csrf(client):
    for url in ["/privacy/", "/privacy/esporta.json", "/privacy/cancella/"]:
        assert client.get(url)["Location"].startswith("/accounts/login/"), url
    assert client.post("/privacy/cancella/", {"email": EMAIL})["Location"].startswith(
        "/accounts/login/"
    )
    user = UserFactory(newsletter_consent=True)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert (
        strict.post("/privacy/consensi/", {"kind": "newsletter", "granted": "0"}).status_code == 403
    )
    assert (
        strict.post("/privacy/cancella/", {"email": user.email, "password": PASSWORD}).status_code
        == 403
    )
    assert login(user).get("/privacy/consensi/").status_code == 405
    user.refresh_from_db()
    assert user.newsletter_consent
    assert user.is_active


def test_dashboard_links_to_the_privacy_page(owner_client):
    assert 'href="/privacy/"' in owner_client.get("/imprese/la-mia/").content.decode()
