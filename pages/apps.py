from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Pages that compose several apps: home, terms (and the error pages)."""

    name = "pages"
