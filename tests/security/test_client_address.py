"""Behind the reverse proxy every request comes from the proxy's address: allauth's rate limits
count per client only when the proxies in front are trusted (TRUSTED_PROXY_COUNT), and never
trust an X-Forwarded-For that nobody of ours wrote."""

import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
PROXY = "10.0.0.5"  # the address every request arrives from, behind the proxy
LOCKED_OUT = "Troppi tentativi di accesso"


def fail_logins(client: Client, forwarded_for: str, times: int = 11) -> str:
    """Failed logins from one client, each on a different email (only the per-IP limit counts)."""
    body = ""
    for i in range(times):
        body = client.post(
            LOGIN,
            {"login": f"nessuno-{i}@example.it", "password": "sbagliata"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded_for,
            HTTP_ACCEPT_LANGUAGE="it",
        ).content.decode()
    return body


def log_in(client: Client, email: str, forwarded_for: str):
    return client.post(
        LOGIN,
        {"login": email, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
        HTTP_ACCEPT_LANGUAGE="it",
    )


def test_two_clients_behind_the_trusted_proxy_are_limited_separately(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    UserFactory(email="onesta@example.it")
    attacker, honest = Client(), Client()

    # The attacker's client forges a first address; the proxy appends the real one.
    assert LOCKED_OUT in fail_logins(attacker, "198.51.100.1, 203.0.113.66")
    assert LOCKED_OUT in log_in(attacker, "onesta@example.it", "203.0.113.66").content.decode()

    response = log_in(honest, "onesta@example.it", "203.0.113.7")
    assert response.status_code == 302
    assert honest.session["_auth_user_id"]


def test_without_trusted_proxies_a_forged_forwarded_for_is_ignored(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    UserFactory(email="onesta@example.it")
    attacker, other = Client(), Client()

    assert LOCKED_OUT in fail_logins(attacker, "203.0.113.66")
    # A different X-Forwarded-For does not make a different client: same address, same limit.
    response = log_in(other, "onesta@example.it", "203.0.113.7")
    assert LOCKED_OUT in response.content.decode()
    assert "_auth_user_id" not in other.session


@pytest.mark.parametrize(("value", "expected"), [(None, "0"), ("1", "1"), ("2", "2")])
def test_trusted_proxy_count_comes_from_the_environment(value, expected):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "club.settings",
        "DATABASE_URL": "postgres://x@localhost/x",
        "DEBUG": "true",
    }
    if value is not None:
        env["TRUSTED_PROXY_COUNT"] = value
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == expected, result.stderr
