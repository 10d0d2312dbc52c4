"""The one way tests log in through the test client."""

from django.test import Client


def login(user, *, language: str | None = None, **client_options) -> Client:
    """A fresh test client logged in as `user` (no password, no MFA step: `force_login`).

    `language` sets the language cookie (as the language switch does); `client_options` go to
    `Client`, e.g. `enforce_csrf_checks=True`.
    """
    client = Client(**client_options)
    client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client
