"""The privacy pages: login, POST and CSRF, and the way in from the firm's page."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.privacy.people import EMAIL
from tests.support.clients import login
from tests.support.urls import assert_public_path

pytestmark = pytest.mark.django_db


def test_privacy_pages_need_login_post_and_csrf(client):
    login_page = reverse("account_login")
    consent = reverse("privacy:consent")
    erase = reverse("privacy:erase")
    for url in [reverse("privacy:index"), reverse("privacy:export"), erase]:
        assert client.get(url)["Location"].startswith(login_page), url
    assert client.post(erase, {"email": EMAIL})["Location"].startswith(login_page)
    user = UserFactory(newsletter_consent=True)
    strict = login(user, enforce_csrf_checks=True)
    assert strict.post(consent, {"kind": "newsletter", "granted": "0"}).status_code == 403
    assert strict.post(erase, {"email": user.email, "password": PASSWORD}).status_code == 403
    assert login(user).get(consent).status_code == 405
    user.refresh_from_db()
    assert user.newsletter_consent
    assert user.is_active


def test_dashboard_links_to_the_privacy_page(owner_client):
    page = owner_client.get(reverse("my_firm")).content.decode()
    assert f'href="{reverse("privacy:index")}"' in page


# The one test of this app that writes paths as literals, on purpose: people bookmark the page
# where they exercise their data rights. Every other test builds its URLs with reverse().
@pytest.mark.parametrize(
    ("name", "path"),
    [("privacy:index", "/privacy/"), ("privacy:export", "/privacy/esporta.json")],
)
def test_public_paths_stay_as_they_are(name, path):
    assert_public_path(name, path)
