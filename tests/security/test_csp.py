"""Every page carries the Content-Security-Policy: own files only, nonce scripts, no inline."""

import pytest
from django.urls import reverse

from tests.factories import member
from tests.security.test_csrf import portal_urls
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def test_every_named_get_url_sends_the_policy():
    client = login(member())
    checked = 0
    for _name, url in [
        *portal_urls(),
        ("login", reverse("account_login")),
        ("admin", reverse("admin:login")),
    ]:
        response = client.get(url)
        if response.status_code == 405:
            continue
        policy = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in policy, url
        assert "frame-ancestors 'none'" in policy, url
        assert "'unsafe-inline'" not in policy, url
        if "text/html" in response.headers.get("Content-Type", "") and response.status_code == 200:
            assert "script-src 'self'" in policy, url
            assert 'style="' not in response.content.decode(), url  # inline styles are blocked
        checked += 1
    assert checked > 20


def test_the_page_with_a_script_uses_the_nonce():
    client = login(member())
    response = client.get(reverse("board:create"))
    policy = response.headers["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()
