import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "club.settings")

app = Celery("club")
# All Celery settings live in club/settings.py with the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect(weak=False)
def _use_django_logging(**kwargs: object) -> None:
    """Workers and beat log like the web nodes (settings.LOGGING: JSON in production, request
    and task ids) instead of Celery's own format: connecting here stops Celery's setup."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
