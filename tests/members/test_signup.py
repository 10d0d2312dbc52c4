"""Sign-up with allauth: email login, mandatory verification, consents, enumeration, rate limits."""

import re

import pytest
from django.urls import reverse

from members.models import User

# allauth's emails go out from a worker after commit (members/adapter.py): these tests commit and
# run the worker's task inline, so the mail is in the outbox when the request returns.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager_celery")]

SIGNUP = reverse("account_signup")
LOGIN = reverse("account_login")


def signup_data(**overrides):
    data = {
        "email": "nuovo@example.it",
        "first_name": "Anna",
        "last_name": "Della Vedova",
        "password1": "Sondrio-Colonia-2026",
        "password2": "Sondrio-Colonia-2026",
        "accept_terms": "on",
        "newsletter_consent": "on",
    }
    data.update(overrides)
    return data


def test_signup_records_consents_and_requires_email_verification(client, mailoutbox, settings):
    response = client.post(SIGNUP, signup_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="nuovo@example.it")
    assert user.first_name == "Anna"
    assert user.terms_accepted_at is not None
    assert user.terms_version == settings.TERMS_VERSION
    assert user.newsletter_consent is True
    assert user.directory_consent is False
    logged = dict(user.consents.values_list("kind", "granted"))
    assert logged == {"terms": True, "newsletter": True, "directory": False}
    # Not logged in until verified.
    assert client.get(reverse("my_firm")).status_code == 302

    assert len(mailoutbox) == 1
    # The link as the mail carries it (allauth's path, a literal: sent mails must keep working).
    link = re.search(r"http://[^/]+(/accounts/confirm-email/[^/\s]+/)", mailoutbox[0].body).group(1)
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert client.get(reverse("my_firm")).status_code == 200


def test_terms_must_be_accepted(client):
    response = client.post(SIGNUP, signup_data(accept_terms=""))
    assert response.status_code == 200
    assert "accept_terms" in response.context["form"].errors
    assert not User.objects.exists()


def test_unverified_user_cannot_log_in(client, mailoutbox):
    client.post(SIGNUP, signup_data())
    client.logout()
    response = client.post(LOGIN, {"login": "nuovo@example.it", "password": "Sondrio-Colonia-2026"})
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("my_firm")).status_code == 302


def test_signup_with_a_taken_email_does_not_reveal_the_account(client, mailoutbox):
    from tests.factories import UserFactory

    UserFactory(email="preso@example.it")
    response = client.post(SIGNUP, signup_data(email="preso@example.it"))

    # Same answer as a new address; the owner of the address gets a mail instead.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email="preso@example.it").count() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["preso@example.it"]


def test_password_reset_does_not_reveal_unknown_addresses(client, mailoutbox):
    from tests.factories import UserFactory

    UserFactory(email="noto@example.it")
    known = client.post(reverse("account_reset_password"), {"email": "noto@example.it"})
    unknown = client.post(reverse("account_reset_password"), {"email": "ignoto@example.it"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mailoutbox][0] == ["noto@example.it"]


def test_failed_logins_are_rate_limited_in_the_redis_cache(client):
    from django.core.cache import caches

    from tests.factories import UserFactory

    assert "RedisCache" in type(caches["default"]).__name__
    UserFactory(email="bersaglio@example.it")
    pages = [
        client.post(
            LOGIN,
            {"login": "bersaglio@example.it", "password": f"wrong-{i}"},
            HTTP_ACCEPT_LANGUAGE="it",
        ).content.decode()
        for i in range(7)
    ]
    assert "Troppi tentativi di accesso" not in pages[0]
    assert "Troppi tentativi di accesso" in pages[-1]
    # The limit holds even with the right password now.
    from tests.factories import PASSWORD

    blocked = client.post(LOGIN, {"login": "bersaglio@example.it", "password": PASSWORD})
    assert blocked.status_code == 200
    assert "_auth_user_id" not in client.session
