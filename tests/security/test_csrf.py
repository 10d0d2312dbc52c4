"""Every view of the portal refuses a POST without a CSRF token (the one exception is listed)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from tests.factories import member
from tests.support.clients import login

pytestmark = pytest.mark.django_db

# RFC 8058 one-click unsubscribe: mail clients POST without cookies; a signed token authenticates.
CSRF_EXEMPT = {"notifications:unsubscribe"}
NAMESPACES = {None, "members", "missions", "notifications", "board", "dashboard", "privacy"}


def portal_urls() -> list[str]:
    urls = []

    def walk(patterns, namespace, prefix_ok):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                # Skip Django admin and allauth: their own CSRF protection is theirs to test.
                if ns in ("admin",) or "accounts" in str(p.pattern):
                    continue
                walk(p.url_patterns, ns, prefix_ok)
            elif isinstance(p, URLPattern) and p.name and namespace in NAMESPACES:
                name = f"{namespace}:{p.name}" if namespace else p.name
                kwargs = {
                    k: 1 if isinstance(c, IntConverter) else "x"
                    for k, c in p.pattern.converters.items()
                }
                urls.append((name, reverse(name, kwargs=kwargs)))

    walk(get_resolver().url_patterns, None, True)
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
    page = client.get("/notifiche/")
    token = page.cookies["csrftoken"].value
    response = client.post("/notifiche/leggi-tutte/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
