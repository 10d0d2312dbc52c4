"""The personal path's notification through the real outbox: a real Celery worker process, Redis,
PostgreSQL and an SMTP server (as tests/notifications/test_delivery.py). The worker must know
the task (checkup/path_tasks.py, imported by CheckupConfig.ready)."""

import time

import pytest
from django.utils import timezone

from checkup import catalogue
from checkup.models import CameraService, CheckUp, Dimension, Questionnaire
from notifications.models import Notification
from tests.factories import member

# Committed rows, so the worker (another process) sees them. A transactional test may find the
# data migration's questionnaire flushed, so the test makes a version with the one dimension
# it needs.
pytestmark = pytest.mark.django_db(transaction=True)


def test_publishing_a_matching_item_emails_the_firm_once_through_the_worker(worker_factory, sink):
    worker_factory()
    now = timezone.now()
    questionnaire = Questionnaire.objects.create(version=99)  # a version of its own
    Dimension.objects.create(questionnaire=questionnaire, code="pricing", name="Prezzi")
    owner, ready = member(), member()
    for person, score in ((owner, 10), (ready, 90)):
        CheckUp.objects.create(
            firm=person.membership.firm,
            questionnaire=questionnaire,
            started_at=now,
            completed_at=now,
            scores={"pricing": score},
        )
    item = CameraService.objects.create(
        title="Incoterms 2020 in pratica",
        title_it="Incoterms 2020 in pratica",
        dimension_codes=["pricing"],
    )

    catalogue.catalogue_item_publish(label="service", item_id=item.pk)
    received = sink.wait_for(1)
    assert [r.to for r in received] == [[owner.email]]
    assert "Incoterms 2020 in pratica" in received[0].subject

    catalogue.catalogue_item_publish(label="service", item_id=item.pk)  # again: nothing new
    time.sleep(2.0)  # anything extra would have arrived by now
    assert len(sink.received) == 1
    assert Notification.objects.get(kind="checkup_path_item").email_status == "sent"
