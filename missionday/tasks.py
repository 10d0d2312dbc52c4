"""Celery tasks of the mission day: thin doors into the services."""

from celery import shared_task


@shared_task(acks_late=True)
def send_due_surveys() -> int:
    from missionday.services import surveys

    return surveys.surveys_send_due()
