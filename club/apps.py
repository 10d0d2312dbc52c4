from django.apps import AppConfig


class ClubConfig(AppConfig):
    """The project wiring: settings, root URLs, Celery and the seed commands. No app imports it."""

    name = "club"
    verbose_name = "Club degli Esportatori"
