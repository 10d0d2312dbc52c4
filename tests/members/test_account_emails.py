"""allauth's emails (verification, password reset, codes): rendered in the request in the
recipient's language, branded and multipart, and sent by a Celery worker through the outbox.

These tests commit (transaction=True) so the after-commit publish runs inside the request, as in
production. Celery is not eager unless a test says so: the task waits in the real Redis and the
test runs it, so whatever the SMTP server has seen by then, the request did not send.
"""

import logging
import re
from datetime import timedelta

import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context as allauth_context
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from members.models import User
from notifications import services, tasks
from notifications.models import OutgoingEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
NOW = timedelta(0)
CONFIRM_LINK = re.compile(r"http://[^/\s]+/accounts/confirm-email/[^/\s]+/")


def sign_up(client, email="nuova.impresa@example.it", **headers):
    response = client.post(
        reverse("account_signup"),
        {
            "email": email,
            "first_name": "Anna",
            "last_name": "Della Vedova",
            "password1": "Sondrio-Colonia-2026",
            "password2": "Sondrio-Colonia-2026",
            "accept_terms": "on",
        },
        **headers,
    )
    assert response.status_code == 302
    return response


def run_worker() -> dict:
    """What a worker does with the tasks the requests published."""
    ids = list(OutgoingEmail.objects.values_list("pk", flat=True))
    return tasks.send_outgoing_emails(ids)


def parts(message) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if not part.is_multipart()
    }


def test_signup_talks_to_no_smtp_server_and_a_worker_sends_a_branded_multipart_email(client, sink):
    sign_up(client)

    assert sink.received == []  # the request sent nothing
    queued = OutgoingEmail.objects.get()
    assert queued.to == ["nuova.impresa@example.it"]

    assert run_worker()["sent"] == 1

    [received] = sink.received
    assert received.to == ["nuova.impresa@example.it"]
    assert received.subject.startswith("[Club Esportatori] ")
    assert received.message.get_content_type() == "multipart/alternative"
    body = parts(received.message)
    assert set(body) == {"text/plain", "text/html"}
    for text in body.values():
        assert "Camera di Commercio della Valtellina" in text
        assert CONFIRM_LINK.search(text)
    assert "Club degli Esportatori</td>" in body["text/html"]
    # The body carried a one-time link: nothing of it stays in the database.
    assert not OutgoingEmail.objects.exists()
    # The link works.
    path = CONFIRM_LINK.search(body["text/plain"]).group(0).split("testserver", 1)[1]
    assert client.post(path).status_code == 302
    assert User.objects.get().emailaddress_set.get().verified


def test_a_german_users_password_reset_arrives_in_german_whatever_the_request(client, sink):
    UserFactory(email="kunde@example.de", language="de")

    client.post(
        reverse("account_reset_password"),
        {"email": "kunde@example.de"},
        HTTP_ACCEPT_LANGUAGE="it",
    )
    assert sink.received == []
    run_worker()

    [received] = sink.received
    assert received.message["Content-Language"] == "de"
    body = parts(received.message)
    assert '<html lang="de">' in body["text/html"]
    # The brand's line is already translated: both parts were rendered in German.
    assert all("Handelskammer Valtellina" in text for text in body.values())


def test_an_unknown_address_gets_the_language_of_the_request(client, sink):
    client.post(
        reverse("account_reset_password"),
        {"email": "sconosciuto@example.it"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    run_worker()

    [received] = sink.received
    assert received.to == ["sconosciuto@example.it"]
    assert received.message["Content-Language"] == "en"
    assert '<html lang="en">' in parts(received.message)["text/html"]


def test_signing_up_in_german_makes_german_the_language_of_the_emails(client, sink):
    sign_up(client, HTTP_ACCEPT_LANGUAGE="de")
    run_worker()

    assert User.objects.get().language == "de"
    [received] = sink.received
    assert received.message["Content-Language"] == "de"


@pytest.fixture
def broker_down(monkeypatch):
    """Publishing the send task fails as it does with Redis unreachable."""

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_outgoing_emails, "delay", refuse)
    monkeypatch.setattr(tasks.send_outgoing_emails, "apply_async", refuse)
    return monkeypatch


def test_with_the_broker_down_signup_works_and_the_sweeper_sends_the_email_later(
    client, sink, broker_down, eager_celery
):
    sign_up(client)

    assert sink.received == []
    assert OutgoingEmail.objects.count() == 1

    broker_down.undo()  # the broker is back
    assert services.outbox_sweep()["emails"] == 0  # still within the task's grace period
    assert services.outbox_sweep(grace=NOW)["emails"] == 1

    [received] = sink.received
    assert received.to == ["nuova.impresa@example.it"]
    assert not OutgoingEmail.objects.exists()
    assert services.outbox_sweep(grace=NOW)["emails"] == 0  # sent: never again
    assert len(sink.received) == 1


def test_a_refused_send_is_retried_by_the_sweeper(client, sink, eager_celery):
    from tests.support.smtp_sink import Rule

    sink.handler.rules["nuova.impresa@example.it"] = Rule("421 4.4.5 Try again later", times=1)
    sign_up(client)  # eager: the task runs at commit, the server says "later"

    row = OutgoingEmail.objects.get()
    assert (row.attempts, row.next_attempt_at is not None) == (1, True)
    assert "421" in row.last_error

    services.outbox_sweep(grace=NOW)
    assert [r.to for r in sink.received] == [["nuova.impresa@example.it"]]
    assert not OutgoingEmail.objects.exists()


def test_a_relay_outage_is_retried_for_hours_then_the_email_is_dropped_loudly(
    client, sink, settings, caplog
):
    from tests.support.smtp_sink import Rule

    settings.ACCOUNT_EMAIL_RETRY_HOURS = 24
    sink.handler.rules["nuova.impresa@example.it"] = Rule("421 4.4.5 Try again later", None)
    sign_up(client)
    # Many attempts already, but the outage is an hour old: keep trying.
    OutgoingEmail.objects.update(attempts=20)
    OutgoingEmail.objects.update(created_at=timezone.now() - timedelta(hours=1))

    assert run_worker()["retry"] == 1
    assert OutgoingEmail.objects.get().attempts == 21

    # A day later: the link in it is stale anyway; dropped and logged as an error.
    OutgoingEmail.objects.update(
        created_at=timezone.now() - timedelta(hours=25), next_attempt_at=None
    )
    with caplog.at_level(logging.WARNING, logger="notifications.services"):
        assert run_worker()["failed"] == 1
    assert not OutgoingEmail.objects.exists()
    assert [r.levelname for r in caplog.records if "failed for good" in r.getMessage()] == ["ERROR"]


def test_a_permanent_refusal_drops_the_email_at_once_and_logs_an_error(client, sink, caplog):
    from tests.support.smtp_sink import Rule

    sink.handler.rules["nuova.impresa@example.it"] = Rule("550 5.7.1 Relay denied", None)
    sign_up(client)

    with caplog.at_level(logging.WARNING, logger="notifications.services"):
        assert run_worker()["failed"] == 1
    assert not OutgoingEmail.objects.exists()
    assert [r.levelname for r in caplog.records if "failed for good" in r.getMessage()] == ["ERROR"]


def test_every_allauth_email_is_multipart_even_without_an_html_template_of_ours(sink):
    user = UserFactory(email="socio@example.it", language="en")
    request = RequestFactory().get("/")
    request.user = user  # what the authentication middleware sets
    with allauth_context.request_context(request):
        get_adapter(request).send_mail(
            "account/email/password_changed",
            user.email,
            {"user": user, "ip": "127.0.0.1", "user_agent": "Firefox", "timestamp": "oggi"},
        )
    run_worker()

    [received] = sink.received
    html = parts(received.message)["text/html"]
    assert '<html lang="en">' in html
    assert "Valtellina Chamber of Commerce" in html  # the brand's line, in English
