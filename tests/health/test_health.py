"""Liveness and readiness: /health/live answers while the process runs; /health/ready checks
PostgreSQL, Redis, a Celery worker, beat's last run and the oldest notification still to send.

Both are public (probes and monitors have no account), answer JSON with no personal data, and
say which check failed with a 503.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connections
from django.db.utils import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import heartbeat
from notifications import tasks
from notifications.models import Notification, OutgoingEmail
from tests.factories import UserFactory
from tests.support.urls import assert_public_path

READY_CHECKS = {"database", "redis", "celery", "beat", "outbox"}


def get_ready(client=None):
    response = (client or Client()).get(reverse("health:ready"))
    assert response.headers["Content-Type"] == "application/json"
    return response, response.json()


def test_the_paths_are_the_documented_ones():
    assert_public_path("health:live", "/health/live")
    assert_public_path("health:ready", "/health/ready")


def test_live_answers_without_the_database():
    connection = connections["default"]
    refused = OperationalError("connection refused")
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        response = Client().get(reverse("health:live"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_live_is_exempt_from_the_https_redirect(settings):
    # Probes call the container's plain-HTTP port, not the public HTTPS address.
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get(reverse("health:live")).status_code == 200
    assert Client().get(reverse("home")).status_code == 301


@pytest.mark.django_db(transaction=True)
def test_ready_when_every_part_answers(worker_factory):
    worker_factory()
    tasks.sweep_outbox()  # what beat runs every minute: it records its run
    response, body = get_ready()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == READY_CHECKS
    assert body["failed"] == []
    assert body["checks"]["beat"]["age_seconds"] < 60
    assert body["checks"]["outbox"]["oldest_pending_seconds"] == 0


@pytest.mark.django_db
def test_no_worker_and_no_beat_are_named(settings):
    settings.HEALTH_CELERY_TIMEOUT = 0.3
    response, body = get_ready()
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert set(body["failed"]) == {"celery", "beat"}
    assert body["checks"]["celery"]["error"] == "no worker answered"
    assert body["checks"]["beat"]["error"] == "beat has not run"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["redis"] == {"ok": True}


@pytest.mark.django_db
def test_unreachable_redis_is_named(settings):
    settings.HEALTH_CELERY_TIMEOUT = 0.3
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    heartbeat.stamp(heartbeat.BEAT)
    response, body = get_ready()
    assert response.status_code == 503
    assert "redis" in body["failed"]
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["database"] == {"ok": True}


@pytest.mark.django_db
def test_stale_beat_and_an_old_pending_notification_are_named(settings):
    settings.HEALTH_CELERY_TIMEOUT = 0.3
    settings.HEALTH_BEAT_MAX_AGE = 300
    settings.HEALTH_OUTBOX_MAX_AGE = 1800
    heartbeat.stamp(heartbeat.BEAT, at=timezone.now() - timedelta(minutes=10))
    user = UserFactory()
    note = Notification.objects.create(
        recipient=user, kind="announcement", key="health-test", email_status="pending"
    )
    Notification.objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(hours=1))
    response, body = get_ready()
    assert response.status_code == 503
    assert {"beat", "outbox"} <= set(body["failed"])
    assert body["checks"]["beat"]["age_seconds"] >= 600
    assert body["checks"]["outbox"]["oldest_pending_seconds"] >= 3600
    # No personal data: nothing about the recipient or the notification.
    assert user.email not in response.content.decode()


@pytest.mark.django_db
def test_an_account_email_waiting_too_long_is_named_too(settings):
    settings.HEALTH_CELERY_TIMEOUT = 0.3
    settings.HEALTH_OUTBOX_MAX_AGE = 1800
    waiting = OutgoingEmail.objects.create(
        to=["nuovo@example.it"], from_email="club@example.it", subject="Conferma", body="..."
    )
    OutgoingEmail.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    response, body = get_ready()
    assert "outbox" in body["failed"]
    assert body["checks"]["outbox"]["oldest_pending_seconds"] >= 3600
    assert "nuovo@example.it" not in response.content.decode()


@pytest.mark.django_db
def test_ready_needs_no_login_and_is_not_behind_the_staff_mfa(staff_client, settings):
    settings.HEALTH_CELERY_TIMEOUT = 0.3
    response, body = get_ready(staff_client)  # staff without 2FA are not redirected here
    assert response.status_code == 503
    assert set(body["checks"]) == READY_CHECKS
