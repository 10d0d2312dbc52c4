"""Every view of the portal refuses a POST without a CSRF token (the one exception is listed)."""

import pytest
from django.urls import reverse
from django.urls.converters import IntConverter

from tests.factories import member
from tests.support.clients import login
from tests.support.urls import portal_patterns

pytestmark = pytest.mark.django_db

# RFC 8058 one-click unsubscribe: mail clients POST without cookies; a signed token authenticates.
CSRF_EXEMPT = {"notifications:unsubscribe"}


def portal_urls() -> list[tuple[str, str]]:
    """(name, path) of every portal URL, whatever its app: a new app is checked without a list
    to update (a list of namespaces once missed the staff dashboard when it was renamed)."""
    urls = []
    for name, pattern in portal_patterns():
        kwargs = {
            k: 1 if isinstance(c, IntConverter) else "x"
            for k, c in pattern.pattern.converters.items()
        }
        urls.append((name, reverse(name, kwargs=kwargs)))
    return urls


def test_posts_without_a_csrf_token_are_refused():
    client = login(member(), enforce_csrf_checks=True)
    accepted = []
    checked = 0
    for name, url in portal_urls():
        if name in CSRF_EXEMPT:
            continue
        checked += 1
        if client.post(url, {"x": "1"}).status_code != 403:
            accepted.append((name, url))
    assert checked > 30
    assert accepted == []


def test_the_same_post_with_a_token_goes_through():
    client = login(member(), enforce_csrf_checks=True)
    page = client.get(reverse("notifications:inbox"))
    token = page.cookies["csrftoken"].value
    response = client.post(reverse("notifications:mark_all_read"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
